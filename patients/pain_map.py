"""The pain map: a body diagram, front and back, whose shapes are the body regions of "where it hurts".

Each body region (patients.models.REGION_LABELS) is drawn as two shapes, the left and the right half of the body
(a midline region such as the neck or the low back is split down the middle). Marking one half is that side,
marking both is "both sides". The values stay the codes the history step has always stored, "region:side" with
side "L", "R" or "B", so stored answers and the rules that read them do not change.

In a form, as a drop-in for a list of checkboxes:

    where = forms.MultipleChoiceField(choices=pain_map.CHOICES, widget=pain_map.PainMapWidget(), required=False)

and `pain_map.as_regions(form.cleaned_data["where"])` gives the [{"region": ..., "side": ...}] list that
Assessment.pain_regions holds. The widget renders real checkboxes (the answer without JavaScript, and always the
one sent) and, hidden until static/js/pain-map.js shows it, the diagram: each half is a labelled toggle
(role=checkbox, reachable by Tab, Space or Enter toggles it) kept in step with the checkboxes. On a phone page,
`PainMapWidget()` folds the list away under the diagram once the script runs; `PainMapWidget(list_open=True)`
keeps it open beside the diagram. The base layouts (base.html, questionnaire/_base.html, letter_base.html) load
static/css/pain-map.css and static/js/pain-map.js; a page with another layout links them itself.

To show a stored selection, read-only and printable in black and white:

    {% load pain_map_tags %}{% pain_map assessment.pain_regions %}

Marked shapes are hatched and outlined, so they read without colour. The words for patients are translatable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from .models import REGION_LABELS
from .safety_rules import BodyRegion

REGION_NAMES: Mapping[str, Promise] = {
    BodyRegion.HEAD_NECK: gettext_lazy("Head and neck"),
    BodyRegion.SHOULDER: gettext_lazy("Shoulder and shoulder blade"),
    BodyRegion.UPPER_BACK: gettext_lazy("Upper and middle back"),
    BodyRegion.CHEST: gettext_lazy("Chest and armpit"),
    BodyRegion.UPPER_LIMB: gettext_lazy("Arm (shoulder to hand)"),
    BodyRegion.ABDOMEN: gettext_lazy("Belly"),
    BodyRegion.LUMBOSACRAL: gettext_lazy("Lower back"),
    BodyRegion.PELVIS: gettext_lazy("Pelvis and groin"),
    BodyRegion.BUTTOCK: gettext_lazy("Buttock and hip"),
    BodyRegion.LOWER_LIMB: gettext_lazy("Leg (thigh to foot)"),
}

SIDE_WORDS: Mapping[str, Promise] = {
    "L": pgettext_lazy("side of the body", "left"),
    "R": pgettext_lazy("side of the body", "right"),
    "B": pgettext_lazy("side of the body", "both sides"),
}

# Every coded region of the history step, each side and both: "lumbosacral:B" is "Lower back, both sides".
CHOICES: list[tuple[str, Any]] = [
    (f"{region}:{side}", format_lazy("{}, {}", REGION_NAMES[region], SIDE_WORDS[side]))
    for region in REGION_LABELS
    for side in ("L", "R", "B")
]


def as_regions(values: Iterable[str]) -> list[dict[str, str]]:
    """The "region:side" values of the form as stored: [{"region": "lumbosacral", "side": "B"}]."""
    regions = []
    for value in values:
        region, _, side = str(value).partition(":")
        regions.append({"region": region, "side": side})
    return regions


def as_values(regions: Iterable[Mapping[str, str]]) -> list[str]:
    """The stored [{"region", "side"}] list as the form's "region:side" values."""
    return [f"{item.get('region', '')}:{item.get('side', '')}" for item in regions]


# The drawing. Each figure is drawn in its own 200 x 400 box around the midline x = 100; a shape is the half on the
# viewer's left, and its twin on the viewer's right is the same path mirrored. On the front the viewer's left is
# the patient's right; on the back it is the patient's left.
_HEAD_NECK = "M100 6A22 24 0 0 0 78 30A22 24 0 0 0 90 51V70H100Z"
_ARM = "M40 102L56 104L54 150L50 196L47 232L47 254Q40 266 31 254L30 232L32 196L34 150Z"
_FRONT_SHAPES: dict[str, str] = {
    BodyRegion.HEAD_NECK: _HEAD_NECK,
    BodyRegion.SHOULDER: "M100 70H90L60 78Q42 84 40 102L56 104L60 90L100 84Z",
    BodyRegion.CHEST: "M100 84L60 90L56 104V150H100Z",
    BodyRegion.UPPER_LIMB: _ARM,
    BodyRegion.ABDOMEN: "M100 150H56Q58 180 62 200V214H100Z",
    BodyRegion.PELVIS: "M100 214H62L57 236L86 252H100Z",
    BodyRegion.LOWER_LIMB: "M57 236L86 252H98L94 320L90 380L95 392H67L72 380L66 320Z",
}
_BACK_SHAPES: dict[str, str] = {
    BodyRegion.HEAD_NECK: _HEAD_NECK,
    BodyRegion.SHOULDER: "M100 70H90L60 78Q42 84 40 102L56 104L58 130H80L88 90L100 84Z",
    BodyRegion.UPPER_BACK: "M100 84L88 90L80 130H58L56 150L60 180H100Z",
    BodyRegion.UPPER_LIMB: _ARM,
    BodyRegion.LUMBOSACRAL: "M100 180H60Q62 196 62 214L74 228L100 236Z",
    BodyRegion.BUTTOCK: "M62 214L74 228L100 236V252L98 262Q80 270 60 256L57 236Z",
    BodyRegion.LOWER_LIMB: "M60 256Q80 270 98 262L94 320L90 380L95 392H67L72 380L66 320Z",
}
_MIRROR = "matrix(-1 0 0 1 200 0)"

# Colours: outlines at 7:1 on white, the mark a dark hatch over a light tint with a heavier outline, so a marked
# shape stands out without colour (and in black and white print).
_OUTLINE = {"fill": "#ffffff", "stroke": "#495057", "stroke-width": "1.5"}
_MARKED_OUTLINE = {"stroke": "#58151c", "stroke-width": "2.5"}


@dataclass(frozen=True)
class _View:
    key: str
    title: Promise
    shapes: Mapping[str, str]
    left_of_viewer: str  # the patient's side drawn on the viewer's left
    offset_x: int


_VIEWS = (
    _View("front", pgettext_lazy("view of the body", "Front"), _FRONT_SHAPES, "R", -20),
    _View("back", pgettext_lazy("view of the body", "Back"), _BACK_SHAPES, "L", 140),
)
# The view whose shape is the Tab stop of a region; its twin in the other view answers to a click only.
_BACK_FIRST = {BodyRegion.UPPER_BACK, BodyRegion.LUMBOSACRAL, BodyRegion.BUTTOCK}


def _primary_view(region: str) -> str:
    return "back" if region in _BACK_FIRST else "front"


def region_name(region: str, side: str) -> str:
    """The accessible name of one half: "Lower back, left"."""
    return gettext("%(region)s, %(side)s") % {
        "region": REGION_NAMES.get(region, region),
        "side": SIDE_WORDS.get(side, side),
    }


def marked_halves(values: Iterable[str]) -> set[tuple[str, str]]:
    """The (region, side) halves a list of "region:side" values marks: "B" marks both."""
    halves: set[tuple[str, str]] = set()
    for value in values:
        region, _, side = str(value).partition(":")
        for half in ("L", "R"):
            if side in (half, "B"):
                halves.add((region, half))
    return halves


def _attributes(pairs: Mapping[str, str]) -> SafeString:
    return format_html_join("", ' {}="{}"', pairs.items())


def _shape(*, view: _View, region: str, side: str, marked: bool, pattern_id: str, interactive: bool) -> SafeString:
    attributes: dict[str, str] = {"d": view.shapes[region]}
    if side != view.left_of_viewer:
        attributes["transform"] = _MIRROR
    attributes["class"] = "pain-map-region is-marked" if marked else "pain-map-region"
    attributes.update(_OUTLINE)
    if marked:
        attributes.update(_MARKED_OUTLINE, fill=f"url(#{pattern_id})")
    attributes.update({"data-region": region, "data-side": side})
    if interactive and _primary_view(region) == view.key:
        attributes.update(
            {
                "role": "checkbox",
                "tabindex": "0",
                "aria-checked": "true" if marked else "false",
                "aria-label": region_name(region, side),
            }
        )
    return format_html("<path{}></path>", _attributes(attributes))


def _view(*, view: _View, halves: set[tuple[str, str]], pattern_id: str, interactive: bool) -> SafeString:
    sides = (view.left_of_viewer, "L" if view.left_of_viewer == "R" else "R")
    shapes = format_html_join(
        "",
        "{}",
        (
            (_shape(view=view, region=region, side=side, marked=(region, side) in halves, pattern_id=pattern_id,
                    interactive=interactive),)
            for region in REGION_LABELS
            if region in view.shapes
            for side in sides
        ),
    )  # fmt: skip
    group = format_html(' role="group" aria-label="{}"', view.title) if interactive else ""
    return format_html(
        '<g transform="translate({} 22)"{}>'
        '<text x="100" y="-6" text-anchor="middle" class="pain-map-title" aria-hidden="true">{}</text>'
        '<text x="30" y="20" class="pain-map-side" aria-hidden="true">{}</text>'
        '<text x="170" y="20" text-anchor="end" class="pain-map-side" aria-hidden="true">{}</text>'
        "{}</g>",
        view.offset_x,
        group,
        view.title,
        capfirst(str(SIDE_WORDS[sides[0]])),
        capfirst(str(SIDE_WORDS[sides[1]])),
        shapes,
    )


def _svg(*, halves: set[tuple[str, str]], pattern_id: str, interactive: bool, label: str = "") -> SafeString:
    role = format_html(' role="img" aria-label="{}"', label) if not interactive else ""
    views = format_html_join(
        "",
        "{}",
        ((_view(view=view, halves=halves, pattern_id=pattern_id, interactive=interactive),) for view in _VIEWS),
    )
    return format_html(
        '<svg class="pain-map-svg" viewBox="0 0 320 446" xmlns="http://www.w3.org/2000/svg"{}>'
        '<defs><pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#f8d7da"></rect>'
        '<line x1="1.5" y1="0" x2="1.5" y2="6" stroke="#58151c" stroke-width="2.5"></line></pattern></defs>'
        "{}"
        '<g class="pain-map-legend" aria-hidden="true">'
        '<rect x="10" y="428" width="18" height="12" fill="url(#{})" stroke="#58151c" stroke-width="1.5"></rect>'
        '<text x="34" y="438">{}</text></g>'
        "</svg>",
        role,
        pattern_id,
        views,
        pattern_id,
        gettext("Hatched: where it hurts"),
    )


def _new_id() -> str:
    return f"pain-map-{uuid.uuid4().hex[:8]}"


def render_readonly(regions: Iterable[Mapping[str, str]] | None) -> SafeString:
    """The diagram of a stored selection ([{"region", "side"}]), not interactive, for a page, a print or a letter.

    Its accessible name lists the marked regions in words; pages show those words beside it too.
    """
    values = as_values(regions or [])
    known = [value for value in values if value.partition(":")[0] in REGION_NAMES]
    if known:
        words = "; ".join(region_name(*value.split(":", 1)) for value in known)
        label = gettext("Body diagram, front and back. Where it hurts: %(regions)s.") % {"regions": words}
    else:
        label = gettext("Body diagram, front and back. Nothing marked.")
    svg = _svg(halves=marked_halves(known), pattern_id=_new_id(), interactive=False, label=label)
    return format_html('<div class="pain-map pain-map-readonly">{}</div>', svg)


class PainMapWidget(forms.SelectMultiple):
    """The body diagram over a list of checkboxes, for a MultipleChoiceField of "region:side" values.

    A multiple select underneath (its reading of the post, where nothing ticked means no region, and its choices),
    drawn as a group of checkboxes named by the field's legend.
    """

    use_fieldset = True

    def __init__(
        self, attrs: dict[str, Any] | None = None, choices: Sequence[tuple[str, Any]] = (), *, list_open: bool = False
    ) -> None:
        super().__init__(attrs, choices)
        self.list_open = list_open

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        # The group is named by its legend; a label pointing at the first box alone would misname it.
        return f"{id_}_{index}" if id_ and index is not None else ""

    def render(
        self,
        name: str,
        value: object,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,  # noqa: ARG002 (drawn here, not from a template)
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        base_id = str(final.get("id") or f"id_{name}")
        values = self.format_value(value)
        boxes = format_html_join(
            "",
            '<div class="form-check"><input class="form-check-input" type="checkbox" name="{}" value="{}" id="{}"{}>'
            '<label class="form-check-label" for="{}">{}</label></div>',
            (
                (name, option, f"{base_id}_{index}", format_html(" {}", "checked") if str(option) in values else "",
                 f"{base_id}_{index}", label)
                for index, (option, label) in enumerate(self.choices)
            ),
        )  # fmt: skip
        svg = _svg(halves=marked_halves(values), pattern_id=f"{base_id}-marked", interactive=True)
        return format_html(
            '<div class="pain-map" id="{}" data-pain-map{}>'
            '<div class="pain-map-figure" data-pain-map-figure data-pattern="{}-marked" hidden>'
            '<p class="form-text mt-0">{}</p>{}</div>'
            '<details class="pain-map-list" open><summary>{}</summary><div class="pain-map-options">{}</div></details>'
            "</div>",
            base_id,
            "" if self.list_open else format_html(" {}", "data-fold-list"),
            base_id,
            gettext("Tap each place that hurts, and again to clear it. Marking the left and the right is both sides."),
            svg,
            gettext("The same as a list"),
            boxes,
        )
