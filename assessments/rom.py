"""Normal active ranges of motion and how ROM is measured (clinical-reference.md 3.5-3.8).

Plain data with no Django import. Reference values differ between sources and with age
and sex (Soucie 2011 [R7]), so every source's value is kept and the app shows "% of
reference" against a selectable reference set rather than pass/fail (3.5). Bracketed IDs
are the reference's source IDs; values it marks **unverified** carry ``is_verified=False``.

The default reference set (``ReferenceSet.DEFAULT``) is, per movement:
- upper extremity: AAOS, from Norkin & White Table A.1 [R1];
- lower extremity: AAOS, the one column with a value for every movement (its values are
  "commonly cited, **unverified**" in 3.7; at the ankle and foot they equal [R4]);
- spine: the "suggested default" column of 3.8 (cervical 50/60/45/80, lumbar 60/25/25,
  thoracolumbar VA), with no default for lumbar rotation.
The clinic's lead physiotherapist confirms or changes this choice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

RULES_VERSION = "2026.1"


class RomRegion(StrEnum):
    UPPER_EXTREMITY = "upper_extremity"  # 3.6
    LOWER_EXTREMITY = "lower_extremity"  # 3.7
    SPINE = "spine"  # 3.8


class Joint(StrEnum):
    SHOULDER = "shoulder"
    ELBOW = "elbow"
    FOREARM = "forearm"
    WRIST = "wrist"
    HIP = "hip"
    KNEE = "knee"
    ANKLE = "ankle"
    FOOT = "foot"
    CERVICAL = "cervical"
    THORACOLUMBAR = "thoracolumbar"
    LUMBAR = "lumbar"


class Movement(StrEnum):
    FLEXION = "flexion"
    EXTENSION = "extension"
    ABDUCTION = "abduction"
    ADDUCTION = "adduction"
    INTERNAL_ROTATION = "internal_rotation"
    EXTERNAL_ROTATION = "external_rotation"
    PRONATION = "pronation"
    SUPINATION = "supination"
    RADIAL_DEVIATION = "radial_deviation"
    ULNAR_DEVIATION = "ulnar_deviation"
    DORSIFLEXION = "dorsiflexion"
    PLANTARFLEXION = "plantarflexion"
    INVERSION = "inversion"
    EVERSION = "eversion"
    LATERAL_FLEXION = "lateral_flexion"
    ROTATION = "rotation"


class ReferenceSet(StrEnum):
    """Where a normal value comes from; ``DEFAULT`` picks one of the others per movement (module docstring)."""

    DEFAULT = "default"
    AAOS = "aaos"  # [R1] upper extremity; lower extremity and spine commonly cited, unverified
    AMA = "ama"  # [R1] upper extremity ("normal is at least"); [R6] lumbar; AMA Guides cervical unverified
    VA = "va"  # US VA rating sheet [R3]
    MERCK = "merck"  # Merck Manual table [R2]
    WJO_2017 = "wjo_2017"  # World J Orthop 2017 ankle table [R4]
    MUSCOLINO = "muscolino"  # [R5]
    EXRX = "exrx"  # [R5]
    BONEANDSPINE = "boneandspine"  # [R5]
    TROKE_2005 = "troke_2005"  # normative lumbar database, by age [R6]
    OTHER = "other"  # other ranges quoted without a named source


class RomMode(StrEnum):
    """3.5: each measurement says whether it was active or passive."""

    ACTIVE = "active"
    PASSIVE = "passive"


class RomInstrument(StrEnum):
    """3.5 instruments; the tape measure records centimetres, the others degrees."""

    UNIVERSAL_GONIOMETER = "universal_goniometer"
    INCLINOMETER = "inclinometer"
    TAPE_MEASURE = "tape_measure"
    VISUAL_ESTIMATE = "visual_estimate"

    @property
    def unit(self) -> str:
        return "cm" if self is RomInstrument.TAPE_MEASURE else "degrees"


@dataclass(frozen=True)
class RomValue:
    """One source's normal value: a single number of degrees, or a range (``low``-``high``) where it gives one."""

    degrees: int | None
    sources: tuple[str, ...]
    low: int | None = None
    high: int | None = None
    is_minimum: bool = False  # AMA: "normal is at least"
    is_verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class RomNorm:
    region: RomRegion
    joint: Joint
    movement: Movement
    label: str
    values: Mapping[ReferenceSet, RomValue]
    default: ReferenceSet | None  # which set DEFAULT resolves to; None where the reference proposes none
    note: str = ""
    is_each_side: bool = False  # spinal lateral flexion and rotation are measured to each side


def _v(
    degrees: int | None,
    *sources: str,
    low: int | None = None,
    high: int | None = None,
    is_minimum: bool = False,
    is_verified: bool = True,
    note: str = "",
) -> RomValue:
    return RomValue(degrees, sources, low, high, is_minimum, is_verified, note)


_U, _LX, _SP = RomRegion.UPPER_EXTREMITY, RomRegion.LOWER_EXTREMITY, RomRegion.SPINE
_AAOS, _AMA, _VA, _MERCK, _WJO = (
    ReferenceSet.AAOS, ReferenceSet.AMA, ReferenceSet.VA, ReferenceSet.MERCK, ReferenceSet.WJO_2017,
)  # fmt: skip
_MUSC, _EXRX, _BAS, _TROKE, _OTHER = (
    ReferenceSet.MUSCOLINO, ReferenceSet.EXRX, ReferenceSet.BONEANDSPINE, ReferenceSet.TROKE_2005, ReferenceSet.OTHER,
)  # fmt: skip
_SHOULDER_ROTATION = "Measured with the arm abducted to 90 degrees and the elbow flexed to 90 degrees [R3]."
_FOREARM_ROTATION = "Measured with the elbow flexed to 90 degrees against the side [R3]."


def _upper(joint: Joint, movement: Movement, label: str, aaos: int, ama: int, other: dict[ReferenceSet, RomValue],
           note: str = "") -> RomNorm:  # fmt: skip
    values = {_AAOS: _v(aaos, "R1"), _AMA: _v(ama, "R1", is_minimum=True), **other}
    return RomNorm(_U, joint, movement, label, MappingProxyType(values), _AAOS, note)


def _lower(joint: Joint, movement: Movement, label: str, merck: int | None, va: int | None, aaos: int,
           wjo: int | None = None) -> RomNorm:  # fmt: skip
    values: dict[ReferenceSet, RomValue] = {}
    if merck is not None:
        values[_MERCK] = _v(merck, "R2")
    if va is not None:
        values[_VA] = _v(va, "R3")
    values[_AAOS] = _v(aaos, is_verified=False)
    if wjo is not None:
        values[_WJO] = _v(wjo, "R4")
    note = "Merck's ranges are for all ages; values are typically lower in fully functional older people [R2]."
    return RomNorm(_LX, joint, movement, label, MappingProxyType(values), _AAOS, note)


def _spine(joint: Joint, movement: Movement, label: str, values: dict[ReferenceSet, RomValue],
           default: ReferenceSet | None, note: str = "", *, each_side: bool = False) -> RomNorm:  # fmt: skip
    return RomNorm(_SP, joint, movement, label, MappingProxyType(values), default, note, each_side)


_J, _M = Joint, Movement

ROM_NORMS: tuple[RomNorm, ...] = (
    # 3.6 Upper extremity [R1] (Norkin & White Table A.1, universal goniometer); other sources [R2][R3]
    _upper(_J.SHOULDER, _M.FLEXION, "Shoulder flexion", 180, 180, {_VA: _v(180, "R3")}),
    _upper(_J.SHOULDER, _M.EXTENSION, "Shoulder extension", 60, 50, {_MERCK: _v(50, "R2")}),
    _upper(_J.SHOULDER, _M.ABDUCTION, "Shoulder abduction", 180, 170, {_VA: _v(180, "R3")}),
    _upper(_J.SHOULDER, _M.INTERNAL_ROTATION, "Shoulder internal (medial) rotation", 70, 80, {_VA: _v(90, "R3")},
           _SHOULDER_ROTATION),
    _upper(_J.SHOULDER, _M.EXTERNAL_ROTATION, "Shoulder external (lateral) rotation", 90, 60, {_VA: _v(90, "R3")},
           _SHOULDER_ROTATION),
    _upper(_J.ELBOW, _M.FLEXION, "Elbow flexion", 150, 140, {_VA: _v(145, "R3")}),
    _upper(_J.ELBOW, _M.EXTENSION, "Elbow extension", 0, 0, {}),
    _upper(_J.FOREARM, _M.PRONATION, "Forearm pronation", 80, 80, {_VA: _v(80, "R3")}, _FOREARM_ROTATION),
    _upper(_J.FOREARM, _M.SUPINATION, "Forearm supination", 80, 80, {_VA: _v(85, "R3")}, _FOREARM_ROTATION),
    _upper(_J.WRIST, _M.FLEXION, "Wrist flexion", 80, 60, {_VA: _v(80, "R3")}),
    _upper(_J.WRIST, _M.EXTENSION, "Wrist extension", 70, 60, {_VA: _v(70, "R3")}),
    _upper(_J.WRIST, _M.RADIAL_DEVIATION, "Wrist radial deviation", 20, 20, {_VA: _v(20, "R3")}),
    _upper(_J.WRIST, _M.ULNAR_DEVIATION, "Wrist ulnar deviation", 30, 30, {_VA: _v(45, "R3")}),
    # 3.7 Lower extremity: Merck [R2], VA [R3], AAOS (commonly cited, unverified), [R4]
    _lower(_J.HIP, _M.FLEXION, "Hip flexion", 125, 125, 120),
    _lower(_J.HIP, _M.EXTENSION, "Hip extension (beyond neutral)", 15, 30, 30),
    _lower(_J.HIP, _M.ABDUCTION, "Hip abduction", 45, 45, 45),
    _lower(_J.HIP, _M.ADDUCTION, "Hip adduction", None, 25, 30),
    _lower(_J.HIP, _M.INTERNAL_ROTATION, "Hip internal (medial) rotation", 45, 40, 45),
    _lower(_J.HIP, _M.EXTERNAL_ROTATION, "Hip external (lateral) rotation", 45, 60, 45),
    _lower(_J.KNEE, _M.FLEXION, "Knee flexion", 130, 140, 135),
    _lower(_J.KNEE, _M.EXTENSION, "Knee extension", 0, 0, 0),
    _lower(_J.ANKLE, _M.DORSIFLEXION, "Ankle dorsiflexion", 20, 20, 20, 20),
    _lower(_J.ANKLE, _M.PLANTARFLEXION, "Ankle plantarflexion", 50, 45, 50, 50),
    _lower(_J.FOOT, _M.INVERSION, "Foot inversion", 35, None, 35, 35),
    _lower(_J.FOOT, _M.EVERSION, "Foot eversion", 25, None, 15, 15),
    # 3.8 Spine: values vary most with method; each source kept, default = the "suggested default" column
    _spine(_J.CERVICAL, _M.FLEXION, "Cervical flexion",
           {_MUSC: _v(50, "R5"), _AAOS: _v(45, is_verified=False), _VA: _v(45, is_verified=False),
            _BAS: _v(None, "R5", low=80, high=90)}, _MUSC),
    _spine(_J.CERVICAL, _M.EXTENSION, "Cervical extension",
           {_MUSC: _v(80, "R5"), _AMA: _v(60, note="AMA Guides", is_verified=False), _AAOS: _v(45, is_verified=False),
            _VA: _v(45, is_verified=False), _BAS: _v(70, "R5")}, _AMA),
    _spine(_J.CERVICAL, _M.LATERAL_FLEXION, "Cervical lateral flexion (each side)",
           {_MUSC: _v(45, "R5"), _EXRX: _v(45, "R5"), _BAS: _v(None, "R5", low=20, high=45)}, _MUSC,
           each_side=True),
    _spine(_J.CERVICAL, _M.ROTATION, "Cervical rotation (each side)",
           {_MUSC: _v(80, "R5"), _EXRX: _v(None, "R5", low=60, high=80), _BAS: _v(None, "R5", high=90)}, _MUSC,
           "About 45-50% of cervical rotation happens at C1-C2 [R5].", each_side=True),
    _spine(_J.THORACOLUMBAR, _M.FLEXION, "Thoracolumbar flexion", {_VA: _v(90, is_verified=False)}, _VA,
           "Use when measuring thoracolumbar together."),
    _spine(_J.THORACOLUMBAR, _M.EXTENSION, "Thoracolumbar extension", {_VA: _v(30, is_verified=False)}, _VA,
           "Use when measuring thoracolumbar together."),
    _spine(_J.THORACOLUMBAR, _M.LATERAL_FLEXION, "Thoracolumbar lateral flexion",
           {_VA: _v(30, is_verified=False)}, _VA, "Use when measuring thoracolumbar together.", each_side=True),
    _spine(_J.THORACOLUMBAR, _M.ROTATION, "Thoracolumbar rotation", {_VA: _v(30, is_verified=False)}, _VA,
           "Use when measuring thoracolumbar together.", each_side=True),
    _spine(_J.LUMBAR, _M.FLEXION, "Lumbar flexion",
           {_AMA: _v(60, "R6"), _OTHER: _v(None, "R6", low=40, high=60),
            _TROKE: _v(None, "R6", low=40, high=73,
                       note="About 73 in the youngest age group falling to about 40 in the oldest (45% decline).")},
           _AMA),
    _spine(_J.LUMBAR, _M.EXTENSION, "Lumbar extension", {_AMA: _v(25, "R6"), _OTHER: _v(None, "R6", low=20, high=35)},
           _AMA),
    _spine(_J.LUMBAR, _M.LATERAL_FLEXION, "Lumbar lateral flexion (each side)",
           {_AMA: _v(25, "R6"), _OTHER: _v(None, "R6", low=15, high=20),
            _TROKE: _v(None, "R6", low=14, high=28, note="About 28 falling to about 14 with age (48% decline).")},
           _AMA, each_side=True),
    _spine(_J.LUMBAR, _M.ROTATION, "Lumbar rotation",
           {_OTHER: _v(None, low=3, high=18, note="Small; some teaching sources", is_verified=False)}, None,
           "Record, no default."),
)  # fmt: skip


_NORMS: Mapping[tuple[Joint, Movement], RomNorm] = MappingProxyType({(n.joint, n.movement): n for n in ROM_NORMS})

# Not from the reference, which gives no cut-off and prefers "% of reference" (3.5): a *proposed* clinic default.
DEFAULT_LIMITED_BELOW_PERCENT = 80.0


def rom_norm(joint: Joint | str, movement: Movement | str) -> RomNorm:
    """The normal values for a joint and movement; ValueError if the reference has none."""
    try:
        return _NORMS[(Joint(joint), Movement(movement))]
    except (KeyError, ValueError):
        raise ValueError(f"No normal range of motion for {joint} {movement}.") from None


def reference_value(
    joint: Joint | str, movement: Movement | str, reference: ReferenceSet = ReferenceSet.DEFAULT
) -> RomValue:
    """One reference set's value for a movement; DEFAULT resolves to the set chosen in the module docstring."""
    norm = rom_norm(joint, movement)
    chosen = ReferenceSet(reference)
    if chosen is ReferenceSet.DEFAULT:
        if norm.default is None:
            raise ValueError(f"There is no default normal value for {norm.label}; choose a reference set.")
        chosen = norm.default
    try:
        return norm.values[chosen]
    except KeyError:
        raise ValueError(f"The {chosen.value} reference set has no value for {norm.label}.") from None


def percent_of_normal(
    joint: Joint | str, movement: Movement | str, degrees: float, reference: ReferenceSet = ReferenceSet.DEFAULT
) -> float:
    """Measured degrees as a percentage of the reference value (3.5: show % of reference, not pass/fail)."""
    if isinstance(degrees, bool) or not isinstance(degrees, int | float) or not math.isfinite(degrees):
        raise ValueError(f"Degrees must be a number, got {degrees!r}.")
    if degrees < 0:
        raise ValueError(f"Degrees must not be negative, got {degrees!r}.")
    value = reference_value(joint, movement, reference)
    norm = rom_norm(joint, movement)
    if value.degrees is None:
        raise ValueError(f"The chosen source gives a range for {norm.label}, not a single normal value.")
    if value.degrees == 0:
        raise ValueError(f"The normal value for {norm.label} is 0 degrees, so a percentage of it means nothing.")
    return degrees / value.degrees * 100
