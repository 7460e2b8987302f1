"""The aftercare sheet a patient takes home from a treatment session (clinical-reference.md 6.5, 6.1, 6.4).

`sheet` builds it from what was needled and what is known of the patient, in the active language: what to
expect, what helps, when to call the clinic and when to seek urgent care. The chest-wall warning is there only
when a site tagged THORAX in the muscle catalogue (2.3) was needled; the bleeding note only when the patient
has a bleeding flag (BLEED_*, 5.7). Advice the reference calls weakly sourced is marked as the clinic's usual
advice. Its only Django import is the translation of its words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from . import anatomy, site_gate

# The body regions of the history step and consent, in the patient's words.
REGION_WORDS = {
    "head_neck": pgettext_lazy("body region", "head and neck"),
    "shoulder": pgettext_lazy("body region", "shoulder and shoulder blade"),
    "upper_back": pgettext_lazy("body region", "upper and middle back"),
    "chest": pgettext_lazy("body region", "chest wall and armpit"),
    "upper_limb": pgettext_lazy("body region", "arm"),
    "abdomen": pgettext_lazy("body region", "abdomen"),
    "lumbosacral": pgettext_lazy("body region", "low back"),
    "pelvis": pgettext_lazy("body region", "pelvis and groin"),
    "buttock": pgettext_lazy("body region", "buttock and hip"),
    "lower_limb": pgettext_lazy("body region", "leg"),
}
SIDE_WORDS = {
    "L": pgettext_lazy("body side", "left"),
    "R": pgettext_lazy("body side", "right"),
    "B": pgettext_lazy("body side", "both sides"),
}

BLEEDING_FLAG_PREFIX = "BLEED_"


@dataclass(frozen=True)
class Site:
    """A needled site as the sheet needs it: the catalogue muscle, its side, and its level when beside the spine."""

    muscle: str
    side: str
    level: str = ""


@dataclass(frozen=True)
class Advice:
    text: str
    is_clinic_advice: bool = False  # the clinic's usual advice, not an established standard (6.5)


@dataclass(frozen=True)
class Section:
    key: str  # expect, helps, call, urgent: the sheet's parts, for the page's headings and anchors
    title: str
    items: tuple[Advice, ...]


@dataclass(frozen=True)
class Sheet:
    areas: tuple[str, ...]  # where the patient was treated, in words
    has_chest_wall_site: bool
    has_bleeding_flag: bool
    sections: tuple[Section, ...]


def is_chest_wall_site(site: Site) -> bool:
    try:
        return anatomy.PrecautionTag.THORAX in anatomy.muscle(site.muscle).precautions
    except (KeyError, ValueError):
        return False


def has_bleeding_flag(flag_codes: Iterable[str]) -> bool:
    return any(code.startswith(BLEEDING_FLAG_PREFIX) for code in flag_codes)


def areas(sites: Iterable[Site]) -> tuple[str, ...]:
    """The regions treated, each with its sides, in the patient's words ("low back (left)")."""
    found: dict[str, set[str]] = {}
    for site in sites:
        try:
            region = str(site_gate.site_region(site.muscle, site.level))
        except ValueError:
            continue
        found.setdefault(region, set()).add(site.side)
    words = []
    for region, sides in found.items():
        side = "B" if {"L", "R"} <= sides or "B" in sides else next(iter(sides), "")
        name = str(REGION_WORDS.get(region, region))
        words.append(f"{name} ({SIDE_WORDS[side]})" if side in SIDE_WORDS else name)
    return tuple(words)


def sheet(*, sites: Iterable[Site], flag_codes: Iterable[str], clinic_phone: str) -> Sheet:
    sites = list(sites)
    chest_wall = any(is_chest_wall_site(site) for site in sites)
    bleeding = has_bleeding_flag(flag_codes)
    expect = [
        Advice(
            _(
                "Soreness where you were treated is the most common effect, like being sore after a workout at "
                "the gym. It usually lasts 24 to 48 hours."
            )
        ),
        Advice(_("Some people bruise where a needle went in. A bruise usually heals in a couple of days.")),
        Advice(_("Your usual pain may feel a little worse for a day before it gets better.")),
    ]
    if bleeding:
        expect.append(
            Advice(
                _(
                    "You told us about a medicine or a condition that makes you bleed or bruise more easily. You may "
                    "bruise more than others. If a needle spot bleeds, press on it firmly for a few minutes."
                )
            )
        )
    helps = [
        Advice(_("Heat on the sore area.")),
        Advice(_("Light exercise, such as walking or gentle stretching.")),
        Advice(_("Drink plenty of water."), is_clinic_advice=True),
        Advice(_("Avoid hard exercise for about a day."), is_clinic_advice=True),
        Advice(
            _("Ask your physiotherapist before taking anti-inflammatory painkillers (such as ibuprofen)."),
            is_clinic_advice=True,
        ),
    ]
    call = [
        Advice(_("The soreness is much worse than you expected, or lasts more than 3 days.")),
        Advice(_("A needle spot becomes red, hot or swollen and it spreads, or you have a fever.")),
    ]
    if bleeding:
        call.append(Advice(_("A bruise is large, keeps growing, or is very painful.")))
    urgent = []
    if chest_wall:
        urgent.append(
            Advice(
                _(
                    "You had needling over the chest wall, upper back or shoulders. If you become short of breath or "
                    "have chest pain, even hours or days later, get urgent medical care and say that you had dry "
                    "needling."
                )
            )
        )
    urgent += [
        Advice(_("Numbness or weakness that was not there before.")),
        Advice(_("Fainting, or dizziness that does not pass. Do not drive.")),
    ]
    return Sheet(
        areas=areas(sites),
        has_chest_wall_site=chest_wall,
        has_bleeding_flag=bleeding,
        sections=(
            Section("expect", _("What to expect"), tuple(expect)),
            Section("helps", _("What helps"), tuple(helps)),
            Section(
                "call",
                _("Call the clinic at %(phone)s if:") % {"phone": clinic_phone},
                tuple(call),
            ),
            Section(
                "urgent",
                _("Get urgent medical care (call 911 or go to an emergency department) if:"),
                tuple(urgent),
            ),
        ),
    )
