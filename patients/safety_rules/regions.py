"""Body regions that consents cover and site-specific flags hold (5.4, 5.8, 7.2 element 10)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class BodyRegion(StrEnum):
    """The body regions a consent covers (7.2 element 10) and site-specific flags hold (5.4, 5.8).

    Every needling site maps to one of them (assessments.site_gate): a catalogue muscle by where it lies, a
    paraspinal site by its level (cervical: head and neck; thoracic: upper back; lumbar and sacral: low back).
    """

    HEAD_NECK = "head_neck"  # head, neck, and next to the cervical spine
    SHOULDER = "shoulder"  # shoulder girdle and shoulder blade: trapezius, levator scapulae, rhomboids, rotator cuff
    UPPER_BACK = "upper_back"  # next to the thoracic spine
    CHEST = "chest"  # front and side of the chest wall, breast, axilla
    UPPER_LIMB = "upper_limb"  # shoulder to hand
    ABDOMEN = "abdomen"
    LUMBOSACRAL = "lumbosacral"  # low back and sacrum
    PELVIS = "pelvis"  # pelvic floor and groin
    BUTTOCK = "buttock"  # gluteal region and hip
    LOWER_LIMB = "lower_limb"  # thigh to foot


@dataclass(frozen=True)
class AffectedArea:
    """A region where a site-specific flag applies; side "L" or "R", or None for both sides and the midline."""

    region: BodyRegion
    side: str | None = None

    def contains(self, region: str, side: str | None) -> bool:
        if region != self.region:
            return False
        return self.side is None or side is None or side in (self.side, "B")


# R19: the regions held in pregnancy, the proposed mapping of the [S13] points in 5.7.
PREGNANCY_AREAS: tuple[AffectedArea, ...] = (
    AffectedArea(BodyRegion.ABDOMEN),
    AffectedArea(BodyRegion.PELVIS),
    AffectedArea(BodyRegion.LUMBOSACRAL),
)

# R20 with 5.4's quadrant: never the affected limb *or its quadrant*. An arm holds the same-side upper limb, shoulder
# girdle and scapular muscles, the pectorals, the axilla and the chest wall; a leg holds the same-side lower limb,
# buttock and hip (iliopsoas included), the groin and the lower abdominal wall. The other side stays open.
_ARM_QUADRANT = (BodyRegion.UPPER_LIMB, BodyRegion.SHOULDER, BodyRegion.CHEST)
_LEG_QUADRANT = (BodyRegion.LOWER_LIMB, BodyRegion.BUTTOCK, BodyRegion.PELVIS, BodyRegion.ABDOMEN)

LYMPHOEDEMA_QUADRANTS: Mapping[str, tuple[AffectedArea, ...]] = MappingProxyType(
    {
        "left_arm": tuple(AffectedArea(region, "L") for region in _ARM_QUADRANT),
        "right_arm": tuple(AffectedArea(region, "R") for region in _ARM_QUADRANT),
        "left_leg": tuple(AffectedArea(region, "L") for region in _LEG_QUADRANT),
        "right_leg": tuple(AffectedArea(region, "R") for region in _LEG_QUADRANT),
    }
)


def lymphoedema_quadrant(areas: Iterable[AffectedArea]) -> tuple[AffectedArea, ...]:
    """The quadrant of each affected limb in `areas` (other areas kept as they are), without repeats.

    Flags stored before the quadrant was spelt out name only the limb; reading them through this holds the
    quadrant too, so an older submission is never less safe than a new one.
    """
    limb_quadrant: dict[tuple[BodyRegion, str | None], tuple[AffectedArea, ...]] = {
        (BodyRegion.UPPER_LIMB, "L"): LYMPHOEDEMA_QUADRANTS["left_arm"],
        (BodyRegion.UPPER_LIMB, "R"): LYMPHOEDEMA_QUADRANTS["right_arm"],
        (BodyRegion.LOWER_LIMB, "L"): LYMPHOEDEMA_QUADRANTS["left_leg"],
        (BodyRegion.LOWER_LIMB, "R"): LYMPHOEDEMA_QUADRANTS["right_leg"],
    }
    expanded: list[AffectedArea] = []
    for area in areas:
        for held in limb_quadrant.get((area.region, area.side), (area,)):
            if held not in expanded:
                expanded.append(held)
    return tuple(expanded)


# Staff words for the regions, as a consent names them ("Consent does not cover the chest wall").
REGION_WORDS: Mapping[str, str] = MappingProxyType(
    {
        BodyRegion.HEAD_NECK: "the head and neck",
        BodyRegion.SHOULDER: "the shoulder and shoulder blade",
        BodyRegion.UPPER_BACK: "the upper and middle back",
        BodyRegion.CHEST: "the chest wall",
        BodyRegion.UPPER_LIMB: "the arm",
        BodyRegion.ABDOMEN: "the abdomen",
        BodyRegion.LUMBOSACRAL: "the low back",
        BodyRegion.PELVIS: "the pelvis and groin",
        BodyRegion.BUTTOCK: "the buttock and hip",
        BodyRegion.LOWER_LIMB: "the leg",
    }
)
