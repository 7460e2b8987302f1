"""Spinal levels, sides, reflexes and the needling muscle catalogue (clinical-reference.md 0.1, 2.1-2.3, Appendix A).

Plain data with no Django import: the forms, the segment summary (``gunn_signs``) and the
fixtures read from here. Every fact is paraphrased from ``clinical-reference.md``; the
bracketed IDs (``[N3]``, ``[A2]`` ...) are that file's source IDs. Values the reference marks
**unverified** keep that word in their text so the screens can show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from patients import reference_text


class Side(StrEnum):
    """Side codes of section 0.1 and Appendix A; ``M`` is for midline spinal findings."""

    LEFT = "L"
    RIGHT = "R"
    BILATERAL = "B"
    MIDLINE = "M"

    @property
    def label(self) -> str:
        return SIDE_LABELS[self]


SIDE_LABELS: Mapping[Side, str] = MappingProxyType(
    {Side.LEFT: "left", Side.RIGHT: "right", Side.BILATERAL: "bilateral", Side.MIDLINE: "midline"}
)


class Region(StrEnum):
    """Region of the spine a level belongs to."""

    CERVICAL = "cervical"
    THORACIC = "thoracic"
    LUMBAR = "lumbar"
    SACRAL = "sacral"


class MuscleRegion(StrEnum):
    """The three tables of section 2.3."""

    UPPER_QUARTER = "upper_quarter"
    TRUNK = "trunk"
    LOWER_QUARTER = "lower_quarter"


class PrecautionTag(StrEnum):
    """Needling precaution tags of section 2.3 (*proposed* codes in the reference)."""

    THORAX = "THORAX"
    NV = "NV"
    DEEP = "DEEP"
    CANAL = "CANAL"
    VISCERA = "VISCERA"

    @property
    def description(self) -> str:
        return PRECAUTION_TAG_DESCRIPTIONS[self]

    @property
    def label(self) -> str:
        return PRECAUTION_TAG_WORDS[self]

    @property
    def caution(self) -> str:
        return PRECAUTION_TAG_CAUTIONS[self]


PRECAUTION_TAG_DESCRIPTIONS: Mapping[PrecautionTag, str] = MappingProxyType(
    {
        PrecautionTag.THORAX: "Lung or pleura underneath, so pneumothorax risk.",
        PrecautionTag.NV: "A major nerve or vessel nearby.",
        PrecautionTag.DEEP: "Deep and cannot be compressed, so relevant for bleeding-risk patients (5.8) [S3].",
        PrecautionTag.CANAL: "Close to the spinal canal or the vertebral artery.",
        PrecautionTag.VISCERA: "Abdominal or pelvic organs, or the kidney, underneath.",
    }
)

# The tags on screen: a short name for the badge (the words prose uses too, kept with the prose in patients), and
# the caution it stands for, shown on hover and focus.
PRECAUTION_TAG_WORDS: Mapping[PrecautionTag, str] = MappingProxyType(
    {tag: reference_text.PRECAUTION_TAG_WORDS[tag.value] for tag in PrecautionTag}
)
PRECAUTION_TAG_CAUTIONS: Mapping[PrecautionTag, str] = MappingProxyType(
    {
        PrecautionTag.THORAX: "pneumothorax risk",
        PrecautionTag.NV: "a major nerve or vessel lies close",
        PrecautionTag.DEEP: "cannot be compressed, so care with a bleeding risk",
        PrecautionTag.CANAL: "close to the spinal canal or the vertebral artery",
        PrecautionTag.VISCERA: "abdominal or pelvic organs, or the kidney, underneath",
    }
)


# --- Spinal levels (Appendix A order; section 2.2 content) ------------------------------------------------------

LEVEL_CODES: tuple[str, ...] = (
    "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8",
    "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12",
    "L1", "L2", "L3", "L4", "L5",
    "S1", "S2", "S3", "S4-5",
)  # fmt: skip

_LEVEL_INDEX: Mapping[str, int] = MappingProxyType({code: index for index, code in enumerate(LEVEL_CODES)})


@dataclass(frozen=True)
class SpinalLevel:
    """One row of the section 2.2 table; the grouped rows T3-T6 and T7-T12 are given one entry per level."""

    code: str
    region: Region
    dermatome: str
    key_sensory_point: str | None  # ISNCSCI key sensory point [N1]; None where the table says "none"
    key_muscle_test: str  # key myotome test movement [N5][N3]
    asia_key_muscle: str | None  # ASIA key muscle group [N2], only C5-T1 and L2-S1
    reflex: str | None  # the table's reflex text; None where it says "none"
    typical_muscles: str  # peripheral muscles typically examined/needled, as the table words them
    paraspinal_partner: str | None  # None where the table gives "-"
    sources: tuple[str, ...] = ()

    @property
    def index(self) -> int:
        return _LEVEL_INDEX[self.code]


_C = Region.CERVICAL
_T = Region.THORACIC
_L = Region.LUMBAR
_S = Region.SACRAL

_T3_T6_DERMATOME = "Chest band [N3]"
_T3_T6_MYOTOME = "Intercostals"
_T3_T6_MUSCLES = "Thoracic paraspinals (iliocostalis/longissimus thoracis, multifidus, rotatores), intercostals"
_T7_T12_DERMATOME = "Lower chest and abdomen; T10 at the umbilicus [N3]"
_T7_T12_MYOTOME = "Abdominal muscles"
_T7_T12_MUSCLES = "Lower thoracic paraspinals, rectus abdominis and obliques (T7-T12), quadratus lumborum (T12-L3)"
_UPPER_ABDOMINAL = "Superficial abdominal reflex, upper (about T8-T10) (unverified)"
_LOWER_ABDOMINAL = "Superficial abdominal reflex, lower (about T10-T12) (unverified)"


def _thoracic(code: str, sensory_point: str, *, lower: bool, reflex: str | None) -> SpinalLevel:
    """The grouped T3-T6 / T7-T12 rows of 2.2, one level at a time."""
    if lower:
        partner = f"{code} paraspinals: pneumothorax risk down to about T12 (unverified exact limit)"
        dermatome, myotome, muscles = _T7_T12_DERMATOME, _T7_T12_MYOTOME, _T7_T12_MUSCLES
    else:
        partner = f"{code} paraspinals: pneumothorax risk"
        dermatome, myotome, muscles = _T3_T6_DERMATOME, _T3_T6_MYOTOME, _T3_T6_MUSCLES
    return SpinalLevel(code, _T, dermatome, sensory_point, myotome, None, reflex, muscles, partner, ("N1", "N3"))


_LEVELS: tuple[SpinalLevel, ...] = (
    SpinalLevel(
        "C1", _C, "Variable or absent; the Magee-style table gives the vertex [N3]", None,
        "Upper neck flexion, together with C2 [N5]", None, None,
        "Suboccipitals: rectus capitis posterior major and minor, obliquus capitis superior and inferior",
        "Suboccipital region. High risk (vertebral artery, brainstem), see 2.3", ("N3", "N5"),
    ),
    SpinalLevel(
        "C2", _C, "Occiput, temple, forehead [N3]",
        "At least 1 cm lateral to the occipital protuberance, or at least 3 cm behind the ear",
        "Neck flexion/extension [N5]", None, None,
        "Sternocleidomastoid (with CN XI), semispinalis capitis, splenius capitis, obliquus capitis inferior",
        "C2-C3 multifidus, semispinalis cervicis", ("N1", "N3", "N5"),
    ),
    SpinalLevel(
        "C3", _C, "Whole neck, posterior cheek, under the mandible [N3]",
        "Supraclavicular fossa, midclavicular line", "Neck side-flexion [N5]", None, None,
        "Upper trapezius, splenius capitis/cervicis, levator scapulae, scalenes", "C3 multifidus/rotatores",
        ("N1", "N3", "N5"),
    ),
    SpinalLevel(
        "C4", _C, "Shoulder and clavicular area, upper scapula [N3]", "Over the acromioclavicular joint",
        'Shoulder elevation, "shrug" [N5]', None, None,
        "Upper trapezius, levator scapulae, rhomboids (C4-5), scalenes. The diaphragm (C3-5) is not needled.",
        "C4 multifidus/rotatores", ("N1", "N3", "N5"),
    ),
    SpinalLevel(
        "C5", _C, "Deltoid area, lateral arm [N3][N4]", "Lateral (radial) side of the antecubital fossa",
        "Shoulder abduction [N5]; ASIA key muscle: elbow flexors [N2]", "Elbow flexors",
        "Biceps (C5-6) [N4][N6]",
        "Deltoid, supraspinatus, infraspinatus, teres minor, rhomboids, biceps, brachialis, brachioradialis, "
        "supinator",
        "C4-C5 level multifidus", ("N1", "N2", "N3", "N4", "N5", "N6"),
    ),
    SpinalLevel(
        "C6", _C, "Lateral forearm, thumb and index finger [N3]", "Dorsal proximal phalanx of the thumb",
        "ASIA: wrist extensors [N2]; also elbow flexion [N5]", "Wrist extensors",
        "Brachioradialis (C6; some texts C5-6); biceps also C6 [N4][N6]",
        "Extensor carpi radialis longus/brevis, brachioradialis, supinator, pronator teres, biceps, flexor carpi "
        "radialis, serratus anterior, latissimus dorsi, pectoralis major (clavicular), teres major",
        "C5-C6 level multifidus", ("N1", "N2", "N3", "N4", "N5", "N6"),
    ),
    SpinalLevel(
        "C7", _C, "Middle finger; back of arm and forearm [N3]", "Dorsal proximal phalanx of the middle finger",
        "ASIA: elbow extensors [N2]; also wrist flexion and finger extension [N5]", "Elbow extensors",
        "Triceps (C7; texts range from C6-7 to C7-8) [N4][N6]",
        "Triceps, flexor carpi radialis, pronator teres, extensor digitorum, latissimus dorsi, pectoralis major "
        "(sternal), serratus anterior",
        "C6-C7 level multifidus", ("N1", "N2", "N3", "N4", "N5", "N6"),
    ),
    SpinalLevel(
        "C8", _C, "Little finger, ulnar hand and forearm [N3][N4]", "Dorsal proximal phalanx of the little finger",
        "ASIA: finger flexors (FDP of the middle finger) [N2]; also thumb extension and ulnar deviation [N5][N3]",
        "Finger flexors", None,
        "Flexor carpi ulnaris, flexor digitorum superficialis/profundus, extensor carpi ulnaris, extensor "
        "pollicis longus/brevis, pectoralis minor",
        "C7-T1 level multifidus", ("N1", "N2", "N3", "N4", "N5"),
    ),
    SpinalLevel(
        "T1", _T, "Medial forearm [N3]",
        "Medial (ulnar) antecubital fossa, just proximal to the medial epicondyle",
        "ASIA: finger abductors (little finger) [N2]", "Finger abductors", None,
        "Hand intrinsics: first dorsal interosseous, abductor digiti minimi, thenar muscles",
        "T1 multifidus (thorax precautions apply)", ("N1", "N2", "N3"),
    ),
    SpinalLevel(
        "T2", _T, "Medial upper arm; pectoral and mid-scapular area [N3]", "Apex of the axilla",
        "Intercostals (no limb test)", None, None,
        "Upper thoracic paraspinals, intercostals. Rhomboids and trapezius lie over this area but are supplied "
        "by C4-5 and CN XI.",
        "T2 multifidus/rotatores: pneumothorax risk", ("N1", "N3"),
    ),
    _thoracic("T3", "3rd intercostal space, midclavicular line", lower=False, reflex=None),
    _thoracic("T4", "4th intercostal space at the nipple line, midclavicular line", lower=False, reflex=None),
    _thoracic("T5", "Midway from T4 to the xiphisternum, midclavicular line", lower=False, reflex=None),
    _thoracic("T6", "Level of the xiphisternum, midclavicular line", lower=False, reflex=None),
    # "T7-T9 in quarters between the xiphisternum and the umbilicus": T6 is at the xiphisternum and T10 at
    # the umbilicus, so T7, T8 and T9 sit at one, two and three quarters of that distance.
    _thoracic("T7", "One quarter of the way from the xiphisternum to the umbilicus, midclavicular line", lower=True,
              reflex="Upper abdominal reflex is sometimes given from about T7 (unverified)"),
    _thoracic("T8", "Halfway between the xiphisternum and the umbilicus, midclavicular line", lower=True,
              reflex=_UPPER_ABDOMINAL),
    _thoracic("T9", "Three quarters of the way from the xiphisternum to the umbilicus, midclavicular line",
              lower=True, reflex=_UPPER_ABDOMINAL),
    _thoracic("T10", "Umbilicus, midclavicular line", lower=True, reflex=f"{_UPPER_ABDOMINAL}; {_LOWER_ABDOMINAL}"),
    _thoracic("T11", "Midway between T10 and T12, midclavicular line", lower=True, reflex=_LOWER_ABDOMINAL),
    _thoracic("T12", "Midpoint of the inguinal ligament", lower=True, reflex=_LOWER_ABDOMINAL),
    SpinalLevel(
        "L1", _L, "Back, over the trochanter, groin [N3]", "Halfway between T12 and L2",
        "No key muscle [N3]; assists hip flexion (iliopsoas L1-3)", None,
        "Cremasteric (L1-L2) (unverified as a routine test)",
        "Iliopsoas, quadratus lumborum, internal oblique/transversus (iliohypogastric/ilioinguinal), lumbar "
        "paraspinals",
        "L1 multifidus", ("N1", "N3"),
    ),
    SpinalLevel(
        "L2", _L, "Back, front of thigh to the knee [N3]", "Mid-anterior thigh", "ASIA: hip flexors [N2]",
        "Hip flexors", "Cremasteric (L1-2); adductor reflex (L2-4) (unverified)",
        "Iliopsoas, adductor longus/brevis, gracilis, pectineus, sartorius, quadratus lumborum",
        "L1-L2 multifidus", ("N1", "N2", "N3"),
    ),
    SpinalLevel(
        "L3", _L, "Anterior thigh and knee, medial lower leg [N3][N4]", "Medial femoral condyle",
        "ASIA: knee extensors [N2]", "Knee extensors", "Patellar (L3-4) [N6]",
        "Quadriceps (vastus lateralis/medialis, rectus femoris), adductors, iliopsoas, sartorius, gracilis",
        "L2-L3 multifidus", ("N1", "N2", "N3", "N4", "N6"),
    ),
    SpinalLevel(
        "L4", _L, "Medial leg, medial malleolus; some tables add dorsum of foot and big toe [N3][N4]",
        "Medial malleolus", "ASIA: ankle dorsiflexors [N2]", "Ankle dorsiflexors", "Patellar (mainly L4) [N6]",
        "Tibialis anterior, quadriceps, tensor fasciae latae, gluteus medius/minimus, tibialis posterior, "
        "adductor magnus",
        "L3-L4 multifidus", ("N1", "N2", "N3", "N4", "N6"),
    ),
    SpinalLevel(
        "L5", _L, "Lateral leg, dorsum of foot, first toes [N3][N4]", "Dorsum of the foot at the 3rd MTP joint",
        "ASIA: long toe extensors (EHL) [N2]", "Long toe extensors",
        "Medial hamstring (L5); tibialis posterior reflex (Magee) [N7]",
        "Extensor hallucis longus, extensor digitorum longus/brevis, gluteus medius/minimus, TFL, "
        "semitendinosus/semimembranosus, biceps femoris, fibularis longus/brevis, tibialis posterior, piriformis",
        "L4-L5 multifidus", ("N1", "N2", "N3", "N4", "N7"),
    ),
    SpinalLevel(
        "S1", _S, "Posterior leg, lateral foot and sole [N3][N4]", "Lateral heel",
        "ASIA: ankle plantar flexors [N2]; also eversion and hip extension [N5]", "Ankle plantar flexors",
        "Achilles (S1-2) [N4][N6]",
        "Gastrocnemius, soleus, fibularis longus/brevis, gluteus maximus, biceps femoris, hamstrings, "
        "piriformis, long toe flexors, intrinsic foot muscles",
        "L5-S1 multifidus", ("N1", "N2", "N3", "N4", "N5", "N6"),
    ),
    SpinalLevel(
        "S2", _S, 'Posterior thigh (the Magee table says "same as S1") [N3]', "Popliteal fossa, midline",
        "Knee flexion and toe flexion [N5]", None, "Contributes to the Achilles reflex",
        "Gastrocnemius/soleus, biceps femoris, gluteus maximus, piriformis, intrinsic foot muscles",
        "Sacral multifidus", ("N1", "N3", "N5"),
    ),
    SpinalLevel(
        "S3", _S, "Groin and medial thigh per Magee [N3]; buttock per ISNCSCI", "Ischial tuberosity",
        "Pelvic floor, bladder [N3][N5]", None, "Anal reflex S2-4 (unverified)",
        "Pelvic floor. Not part of routine IMS; internal pelvic work may need separate authorisation "
        "(Alberta [S19]).",
        None, ("N1", "N3", "N5", "S19"),
    ),
    SpinalLevel(
        "S4-5", _S, "Perineum, genitals, lower sacrum [N3]", "Perianal area (one combined level)",
        "Bladder, bowel, anal sphincter", None, "Bulbocavernosus/anal (S2-4, unverified)", "Not needled", None,
        ("N1", "N3"),
    ),
)  # fmt: skip

SPINAL_LEVELS: Mapping[str, SpinalLevel] = MappingProxyType({level.code: level for level in _LEVELS})


def is_level(code: object) -> bool:
    """True for an Appendix A level code (``C1`` ... ``S4-5``), exactly as spelt there."""
    return isinstance(code, str) and code in _LEVEL_INDEX


def _check_level(code: str) -> str:
    if not is_level(code):
        raise ValueError(f"Unknown spinal level {code!r}; expected one of {', '.join(LEVEL_CODES)}.")
    return code


def spinal_level(code: str) -> SpinalLevel:
    """The section 2.2 row for a level code."""
    return SPINAL_LEVELS[_check_level(code)]


def level_index(code: str) -> int:
    """Position from the head down: C1 is 0, S4-5 is 28."""
    return _LEVEL_INDEX[_check_level(code)]


def level_range(first: str, last: str) -> tuple[str, ...]:
    """The levels from ``first`` down to ``last``, both included (``level_range("C7", "T1")`` is C7, C8, T1)."""
    start, end = level_index(first), level_index(last)
    if start > end:
        raise ValueError(f"Level range must run from the head down: {first} lies below {last}.")
    return LEVEL_CODES[start : end + 1]


def sort_levels(codes: Iterable[str]) -> tuple[str, ...]:
    """Distinct level codes in spinal order."""
    return tuple(sorted(set(codes), key=level_index))


# --- Reflexes (section 2.2 reflex column, section 3.1 scale lives in scales.py) ---------------------------------


@dataclass(frozen=True)
class Reflex:
    """A reflex and the roots it tests; ``primary_roots`` is the root the reference names as the main one."""

    code: str
    name: str
    roots: tuple[str, ...]
    primary_roots: tuple[str, ...]
    is_standard: bool  # one of the six reflexes Appendix B item 5 treats as established
    note: str
    sources: tuple[str, ...]


_REFLEXES: tuple[Reflex, ...] = (
    Reflex("biceps", "Biceps", ("C5", "C6"), ("C5",), True, "C5 row: biceps (C5-6); the C6 row adds biceps also C6.",
           ("N4", "N6")),
    Reflex("brachioradialis", "Brachioradialis", ("C5", "C6"), ("C6",), True, "C6; some texts C5-6.", ("N4", "N6")),
    Reflex("triceps", "Triceps", ("C6", "C7", "C8"), ("C7",), True, "C7; texts range from C6-7 to C7-8.",
           ("N4", "N6")),
    Reflex("patellar", "Patellar", ("L3", "L4"), ("L4",), True, "L3-4, mainly L4.", ("N6",)),
    Reflex("medial-hamstring", "Medial hamstring", ("L5",), ("L5",), True,
           "The usual L5 reflex. Can be absent on both sides in healthy people, so most useful when missing on "
           "one side only. Identified the level in 79% of disc herniations (patellar 86%, Achilles 67%; Esene "
           "2012).", ("N7",)),
    Reflex("tibialis-posterior", "Tibialis posterior", ("L5",), ("L5",), False, "Magee's L5 reflex.", ("N7",)),
    Reflex("achilles", "Achilles", ("S1", "S2"), ("S1",), True, "S1-2; S2 contributes.", ("N4", "N6")),
    Reflex("upper-abdominal", "Superficial abdominal, upper", ("T8", "T9", "T10"), ("T8", "T9", "T10"), False,
           "About T8-T10; some give it from about T7 (unverified).", ()),
    Reflex("lower-abdominal", "Superficial abdominal, lower", ("T10", "T11", "T12"), ("T10", "T11", "T12"), False,
           "About T10-T12 (unverified).", ()),
    Reflex("cremasteric", "Cremasteric", ("L1", "L2"), ("L1", "L2"), False,
           "L1-L2 (unverified as a routine test).", ()),
    Reflex("adductor", "Adductor", ("L2", "L3", "L4"), ("L2", "L3", "L4"), False, "L2-4 (unverified).", ()),
    Reflex("anal", "Anal", ("S2", "S3", "S4-5"), ("S2", "S3", "S4-5"), False, "S2-4 (unverified).", ()),
    Reflex("bulbocavernosus", "Bulbocavernosus", ("S2", "S3", "S4-5"), ("S2", "S3", "S4-5"), False,
           "S2-4 (unverified).", ()),
)  # fmt: skip

REFLEXES: Mapping[str, Reflex] = MappingProxyType({reflex.code: reflex for reflex in _REFLEXES})


def reflex(code: str) -> Reflex:
    """The reflex with this code."""
    try:
        return REFLEXES[code]
    except KeyError:
        raise ValueError(f"Unknown reflex {code!r}; expected one of {', '.join(REFLEXES)}.") from None


# --- Muscle catalogue (section 2.3) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Muscle:
    """One row of a section 2.3 table.

    ``roots`` are all the roots the row gives, ranges expanded and optional roots in parentheses included;
    ``primary_roots`` are the **bold** ones (several when the bold is a range, as for ``L4-L5``).
    ``is_segmental`` marks the paraspinal and intercostal rows whose root is "the level needled": for those
    the level comes with each finding, and ``roots`` only bounds it.
    """

    number: int  # the row number in 2.3
    code: str
    name: str
    nerve: str
    roots: tuple[str, ...]
    primary_roots: tuple[str, ...]
    roots_text: str  # the roots column as the reference words it, with its caveats
    region: MuscleRegion
    action: str  # the "Test / action" column
    precautions: tuple[PrecautionTag, ...]
    caution: str
    sources: tuple[str, ...]
    cranial_nerve: str | None = None
    is_segmental: bool = False


def _roots(*spans: str) -> tuple[str, ...]:
    """Expand ``"C5-C7"``-style spans and single codes into level codes in spinal order."""
    codes: set[str] = set()
    for span in spans:
        if span == "S4-5" or "-" not in span:
            codes.add(_check_level(span))
        else:
            first, last = span.split("-")
            codes.update(level_range(first, last))
    return sort_levels(codes)


_UQ = MuscleRegion.UPPER_QUARTER
_TR = MuscleRegion.TRUNK
_LQ = MuscleRegion.LOWER_QUARTER
_THORAX = PrecautionTag.THORAX
_NV = PrecautionTag.NV
_DEEP = PrecautionTag.DEEP
_CANAL = PrecautionTag.CANAL
_VISCERA = PrecautionTag.VISCERA
_UQ_SOURCES = ("A1", "A2", "A3", "N3", "N4")
_TR_SOURCES = ("N3", "N5")
_LQ_SOURCES = ("A4", "A5", "A6", "N3", "N4")


def _muscle(
    number: int,
    code: str,
    name: str,
    nerve: str,
    roots: tuple[str, ...],
    primary: tuple[str, ...],
    roots_text: str,
    region: MuscleRegion,
    action: str,
    precautions: tuple[PrecautionTag, ...],
    caution: str,
    sources: tuple[str, ...],
    *,
    cranial_nerve: str | None = None,
    is_segmental: bool = False,
) -> Muscle:
    return Muscle(
        number, code, name, nerve, _roots(*roots), _roots(*primary), roots_text, region, action, precautions,
        caution, sources, cranial_nerve, is_segmental,
    )  # fmt: skip


_MUSCLES: tuple[Muscle, ...] = (
    # Upper quarter [A1][A2][A3][N3][N4]; precautions [P1]-[P5][S16]
    _muscle(1, "suboccipitals",
            "Suboccipitals (rectus capitis posterior major/minor, obliquus capitis superior/inferior)",
            "Suboccipital nerve (dorsal ramus of C1)", ("C1",), ("C1",), "C1", _UQ, "Head extension and rotation",
            (_CANAL, _NV), "Vertebral artery and foramen magnum. Advanced; shallow only (unverified depth).",
            _UQ_SOURCES),
    _muscle(2, "sternocleidomastoid", "Sternocleidomastoid", "Accessory nerve (CN XI) plus cervical plexus",
            ("C2-C3",), ("C2",), "C2-C3 (sensory/proprioceptive contribution)", _UQ,
            "Neck flexion, contralateral rotation", (_NV,), "Carotid sheath, external jugular vein. Pincer grip.",
            _UQ_SOURCES, cranial_nerve="CN XI"),
    _muscle(3, "semispinalis-splenius-capitis", "Semispinalis capitis / splenius capitis",
            "Dorsal rami of the cervical nerves (greater occipital nerve for semispinalis)", ("C2-C5",), ("C2",),
            "C2-C5 (unverified exact range)", _UQ, "Head and neck extension", (_CANAL,),
            "Angle toward the lamina, never toward the canal.", _UQ_SOURCES),
    # Segmental: "same as the level needled". C2-C8 are the levels whose 2.2 paraspinal partner is cervical
    # multifidus (C1's partner is the suboccipital region).
    _muscle(4, "cervical-multifidus-rotatores", "Cervical multifidus / rotatores", "Dorsal rami, segmental",
            ("C2-C8",), ("C2-C8",), "Same as the level needled", _UQ, "Segmental stabiliser", (_CANAL, _NV),
            "Vertebral artery lateral to the articular pillars. Use the lamina as backstop (unverified technique "
            "detail).", _UQ_SOURCES, is_segmental=True),
    _muscle(5, "upper-trapezius", "Upper trapezius", "Accessory nerve (CN XI), plus C3-C4", ("C3-C4",),
            ("C3-C4",), "CN XI, C3-C4", _UQ, "Shoulder elevation (shrug)", (_THORAX,),
            "Lung apex. Pincer grip. Pleura was reached by 40-60 mm needles in cadavers [P3].", _UQ_SOURCES,
            cranial_nerve="CN XI"),
    _muscle(6, "middle-lower-trapezius", "Middle and lower trapezius", "CN XI, C3-C4", ("C3-C4",), ("C3-C4",),
            "C3-C4", _UQ, "Scapular retraction and depression", (_THORAX,), "Lung underneath.", _UQ_SOURCES,
            cranial_nerve="CN XI"),
    _muscle(7, "levator-scapulae", "Levator scapulae", "Dorsal scapular nerve (C5) plus cervical plexus (C3-C4)",
            ("C3-C5",), ("C4",), "C3-C4-C5", _UQ, "Scapular elevation", (_THORAX, _NV),
            "THORAX near its lower attachment; NV in the posterior triangle.", _UQ_SOURCES),
    _muscle(8, "scalenes", "Scalenes (anterior, middle, posterior)", "Ventral rami of the cervical nerves",
            ("C3-C8",), ("C5",),
            "Anterior C4-C6, middle C3-C8, posterior C6-C8 (unverified ranges); primary C5", _UQ,
            "Neck side-flexion; raise the first/second rib", (_THORAX, _NV),
            "Pleural dome; brachial plexus, subclavian vessels, phrenic nerve. Advanced.", _UQ_SOURCES),
    _muscle(9, "rhomboids", "Rhomboid major/minor", "Dorsal scapular nerve", ("C4-C5",), ("C5",), "C4-C5 [A3]",
            _UQ, "Scapular retraction", (_THORAX,),
            "About 19 mm maximum suggested [P4]. Pneumothorax case report [P2].", ("A3", *_UQ_SOURCES)),
    _muscle(10, "supraspinatus", "Supraspinatus", "Suprascapular nerve", ("C5-C6",), ("C5",), "C5-C6 [A2][A3]",
            _UQ, "Initiates abduction", (_NV,), "Suprascapular notch. Use the fossa floor as backstop.",
            _UQ_SOURCES),
    # The reference tags the infraspinatus THORAX only "if the needle passes through" a scapular foramen; the
    # tag is kept so the thorax rules still see it.
    _muscle(11, "infraspinatus", "Infraspinatus", "Suprascapular nerve", ("C5-C6",), ("C5",), "C5-C6 [A2]", _UQ,
            "External rotation", (_THORAX,),
            "Usually low risk over bone, but scapular foramina occur [S16] (THORAX if the needle passes through).",
            ("S16", *_UQ_SOURCES)),
    _muscle(12, "teres-minor", "Teres minor", "Axillary nerve", ("C5-C6",), ("C5",), "C5-C6 [A2]", _UQ,
            "External rotation", (_NV,), "Quadrilateral space (axillary nerve, posterior circumflex humeral artery).",
            _UQ_SOURCES),
    _muscle(13, "teres-major", "Teres major", "Lower subscapular nerve", ("C5-C7",), ("C6",), "C5-C6-C7 [A2]", _UQ,
            "Internal rotation, extension", (_THORAX,), "THORAX if the needle is directed toward the chest wall.",
            _UQ_SOURCES),
    _muscle(14, "deltoid", "Deltoid", "Axillary nerve", ("C5-C6",), ("C5",), "C5-C6 [A2][A3]", _UQ,
            "Abduction, flexion, extension", (), "Low risk.", _UQ_SOURCES),
    _muscle(15, "subscapularis", "Subscapularis", "Upper and lower subscapular nerves", ("C5-C7",), ("C5",),
            "C5-C6 (C7) [A2]", _UQ, "Internal rotation", (_THORAX, _NV), "Axillary approach.", _UQ_SOURCES),
    _muscle(16, "latissimus-dorsi", "Latissimus dorsi", "Thoracodorsal nerve", ("C6-C8",), ("C7",),
            "C6-C7-C8 [A2]", _UQ, "Extension, adduction, internal rotation", (_THORAX,),
            "Use pincer grip over the lateral chest wall.", _UQ_SOURCES),
    _muscle(17, "pectoralis-major", "Pectoralis major", "Lateral and medial pectoral nerves", ("C5-T1",),
            ("C5-C8",), "C5-T1 (clavicular part C5-6, sternal part C7-8)", _UQ,
            "Horizontal adduction, internal rotation", (_THORAX,), "Pincer grip.", _UQ_SOURCES),
    _muscle(18, "pectoralis-minor", "Pectoralis minor", "Medial pectoral nerve", ("C6-T1",), ("C8",),
            "(C6-)C8-T1", _UQ, "Scapular protraction and depression", (_THORAX, _NV),
            "Axillary vessels, brachial plexus.", _UQ_SOURCES),
    _muscle(19, "serratus-anterior", "Serratus anterior", "Long thoracic nerve", ("C5-C7",), ("C6",),
            "C5-C6-C7 [A3]", _UQ, "Scapular protraction", (_THORAX,), "Lies directly on the ribs.",
            ("A3", *_UQ_SOURCES)),
    _muscle(20, "biceps-brachii", "Biceps brachii", "Musculocutaneous nerve", ("C5-C6",), ("C5",), "C5-C6 [A1]",
            _UQ, "Elbow flexion, supination", (_NV,), "Medially: brachial artery, median nerve.", _UQ_SOURCES),
    _muscle(21, "brachialis", "Brachialis", "Musculocutaneous nerve (small radial-nerve part)", ("C5-C6",),
            ("C5",), "C5-C6", _UQ, "Elbow flexion", (_NV,), "Radial nerve laterally.", _UQ_SOURCES),
    _muscle(22, "coracobrachialis", "Coracobrachialis", "Musculocutaneous nerve", ("C6-C7",), ("C7",), "C6-C7",
            _UQ, "Shoulder flexion, adduction", (_NV,),
            "The musculocutaneous nerve pierces it; axillary/brachial vessels.", _UQ_SOURCES),
    _muscle(23, "triceps-brachii", "Triceps brachii", "Radial nerve", ("C6-C8",), ("C7",), "C6-C7-C8 [A1][N4]",
            _UQ, "Elbow extension", (_NV,), "Radial nerve in the spiral groove of the mid humerus.", _UQ_SOURCES),
    _muscle(24, "brachioradialis", "Brachioradialis", "Radial nerve", ("C5-C6",), ("C6",), "C5-C6 [N4]", _UQ,
            "Elbow flexion with the forearm in mid-position", (_NV,),
            "Radial nerve between brachioradialis and brachialis.", _UQ_SOURCES),
    _muscle(25, "extensor-carpi-radialis-longus", "Extensor carpi radialis longus", "Radial nerve", ("C6-C7",),
            ("C6",), "C6-C7 [A1][N4]", _UQ, "Wrist extension, radial deviation", (), "Low risk.", _UQ_SOURCES),
    _muscle(26, "extensor-carpi-radialis-brevis", "Extensor carpi radialis brevis", "Radial nerve (deep branch)",
            ("C6-C7",), ("C6",), "C6-C7 [A1]", _UQ, "Wrist extension", (), 'Low risk ("tennis elbow" muscle).',
            _UQ_SOURCES),
    _muscle(27, "supinator", "Supinator", "Posterior interosseous nerve", ("C5-C6",), ("C6",), "C5-C6", _UQ,
            "Supination", (_NV,), "The posterior interosseous nerve runs through it (arcade of Frohse).",
            _UQ_SOURCES),
    _muscle(28, "extensor-digitorum", "Extensor digitorum", "Posterior interosseous nerve", ("C7-C8",), ("C7",),
            "C7-C8 [A1][N4]", _UQ, "Finger extension", (), "Low risk.", _UQ_SOURCES),
    _muscle(29, "extensor-carpi-ulnaris", "Extensor carpi ulnaris", "Posterior interosseous nerve", ("C7-C8",),
            ("C7",), "C7-C8 [A1]", _UQ, "Wrist extension, ulnar deviation", (), "Low risk.", _UQ_SOURCES),
    _muscle(30, "pronator-teres", "Pronator teres", "Median nerve", ("C6-C7",), ("C6",), "C6-C7", _UQ, "Pronation",
            (_NV,), "The median nerve passes between its heads.", _UQ_SOURCES),
    _muscle(31, "flexor-carpi-radialis", "Flexor carpi radialis", "Median nerve", ("C6-C7",), ("C7",),
            "C6-C7 [A1][N4]", _UQ, "Wrist flexion, radial deviation", (_NV,),
            "Radial artery laterally, median nerve deep.", _UQ_SOURCES),
    _muscle(32, "flexor-carpi-ulnaris", "Flexor carpi ulnaris", "Ulnar nerve", ("C7-C8",), ("C8",), "C7-C8 [A1]",
            _UQ, "Wrist flexion, ulnar deviation", (_NV,), "Ulnar nerve and artery deep to it.", _UQ_SOURCES),
    _muscle(33, "flexor-digitorum-superficialis", "Flexor digitorum superficialis", "Median nerve", ("C7-T1",),
            ("C8",), "C7-C8-T1 [A1][N4]", _UQ, "Flexion of the PIP joints", (_NV,), "Median nerve, ulnar artery.",
            _UQ_SOURCES),
    _muscle(34, "first-dorsal-interosseous", "First dorsal interosseous", "Ulnar nerve (deep branch)", ("C8-T1",),
            ("T1",), "C8-T1 [A1]", _UQ, "Abduction of the index finger", (), "Low risk.", _UQ_SOURCES),
    _muscle(35, "thenar-muscles", "Thenar muscles (abductor pollicis brevis, opponens)",
            "Median nerve (recurrent branch)", ("C8-T1",), ("T1",), "C8-T1 [A1]", _UQ,
            "Thumb palmar abduction, opposition", (_NV,), "Recurrent motor branch. Painful area.", _UQ_SOURCES),
    # Trunk [N3][N5]; precautions [P1][P5]
    _muscle(36, "thoracic-erector-spinae", "Thoracic erector spinae (iliocostalis and longissimus thoracis)",
            "Dorsal rami", ("T1-T12",), ("T1-T12",), "Level needled (T1-T12)", _TR, "Trunk extension", (_THORAX,),
            "Stay medial and direct the needle toward the lamina or transverse process (unverified technique).",
            _TR_SOURCES, is_segmental=True),
    # "Level needled" with no range given; T1-T12 taken from the thoracic paraspinal partners of 2.2.
    _muscle(37, "thoracic-multifidus-rotatores", "Thoracic multifidus / rotatores", "Dorsal rami, segmental",
            ("T1-T12",), ("T1-T12",), "Level needled", _TR, "Segmental", (_THORAX, _CANAL),
            "Lung underneath; close to the canal.", _TR_SOURCES, is_segmental=True),
    _muscle(38, "intercostals", "Intercostals", "Intercostal nerves", ("T1-T11",), ("T1-T11",),
            "Level (T1-T11)", _TR, "Respiration", (_THORAX,),
            "Highest risk. Many clinics avoid them (unverified).", _TR_SOURCES, is_segmental=True),
    _muscle(39, "rectus-abdominis-obliques", "Rectus abdominis / obliques",
            "Lower intercostal, subcostal, iliohypogastric nerves", ("T7-L1",), ("T7-T12",),
            "T7-T12 (obliques to L1)", _TR, "Trunk flexion, rotation", (_VISCERA,), "Pincer grip, superficial.",
            _TR_SOURCES),
    _muscle(40, "lumbar-erector-spinae", "Lumbar erector spinae (iliocostalis/longissimus lumborum)", "Dorsal rami",
            ("L1-L5",), ("L1-L5",), "Level (L1-L5)", _TR, "Extension", (),
            "Low to moderate risk. Keep medial to the tips of the transverse processes (unverified).", _TR_SOURCES,
            is_segmental=True),
    _muscle(41, "lumbar-multifidus", "Lumbar multifidus", "Dorsal rami (medial branch), segmental", ("L1-S1",),
            ("L1-L5",), "Level (L1-L5, S1)", _TR, "Segmental extension, stabilisation", (_CANAL,),
            "Use the lamina as backstop.", _TR_SOURCES, is_segmental=True),
    _muscle(42, "quadratus-lumborum", "Quadratus lumborum", "Ventral rami", ("T12-L4",), ("T12",), "T12-L3 (L4)",
            _TR, "Side-flexion, hip hiking", (_DEEP, _VISCERA, _THORAX),
            "The kidney lies in front. Low pleural reflection near T12 (THORAX, unverified extent). Direct the "
            "needle medially toward the transverse process.", _TR_SOURCES),
    _muscle(43, "iliopsoas", "Iliopsoas (psoas major, iliacus)", "Lumbar plexus (psoas); femoral nerve (iliacus)",
            ("L1-L4",), ("L1-L3",), "L1-L3 (psoas to L4)", _TR, "Hip flexion", (_DEEP, _VISCERA, _NV),
            "Advanced, usually avoided in routine practice (unverified).", _TR_SOURCES),
    # Lower quarter [A4][A5][A6][N3][N4]
    _muscle(44, "gluteus-maximus", "Gluteus maximus", "Inferior gluteal nerve", ("L5-S2",), ("S1",),
            "L5-S1-S2 [A5]", _LQ, "Hip extension", (_NV,),
            "The sciatic nerve lies deep in its lower, lateral part.", _LQ_SOURCES),
    _muscle(45, "gluteus-medius", "Gluteus medius", "Superior gluteal nerve", ("L4-S1",), ("L5",), "L4-L5-S1 [A5]",
            _LQ, "Hip abduction", (), "Low risk. Superior gluteal vessels run deep.", _LQ_SOURCES),
    _muscle(46, "gluteus-minimus", "Gluteus minimus", "Superior gluteal nerve", ("L4-S1",), ("L5",),
            "L4-L5-S1 [A5]", _LQ, "Hip abduction, internal rotation", (_DEEP,),
            "Lies on the ilium; bone backstop.", _LQ_SOURCES),
    _muscle(47, "tensor-fasciae-latae", "Tensor fasciae latae", "Superior gluteal nerve", ("L4-S1",), ("L4-L5",),
            "L4-L5 (-S1) [A5]", _LQ, "Hip flexion, abduction", (), "Low risk.", _LQ_SOURCES),
    _muscle(48, "piriformis", "Piriformis", "Nerve to piriformis", ("L5-S2",), ("S1",), "(L5-)S1-S2", _LQ,
            "Hip external rotation", (_DEEP, _NV),
            "The sciatic nerve leaves below it and in some people passes through it.", _LQ_SOURCES),
    _muscle(49, "deep-hip-rotators", "Quadratus femoris / gemelli / obturator internus",
            "Nerves to quadratus femoris and obturator internus", ("L4-S2",), ("L4-S1",),
            "L4-S1 (L5-S2 for obturator internus, unverified)", _LQ, "External rotation", (_DEEP, _NV),
            "Sciatic nerve.", _LQ_SOURCES),
    _muscle(50, "adductor-longus-brevis", "Adductor longus / brevis", "Obturator nerve", ("L2-L4",), ("L3",),
            "L2-L3-L4 [A6]", _LQ, "Hip adduction", (_NV,), "Femoral vessels in the femoral triangle, lateral to it.",
            _LQ_SOURCES),
    _muscle(51, "adductor-magnus", "Adductor magnus", "Obturator nerve plus tibial part of the sciatic nerve",
            ("L2-L4",), ("L4",), "L2-L4", _LQ, "Adduction, extension", (_NV,),
            "Femoral vessels at the adductor hiatus.", _LQ_SOURCES),
    _muscle(52, "gracilis-sartorius", "Gracilis / sartorius", "Obturator / femoral nerve", ("L2-L3",), ("L2-L3",),
            "L2-L3", _LQ, "Hip adduction / flexion and external rotation", (_NV,),
            "Sartorius overlies the adductor canal (femoral vessels).", _LQ_SOURCES),
    _muscle(53, "rectus-femoris", "Rectus femoris", "Femoral nerve", ("L2-L4",), ("L3",), "L2-L3-L4 [A6]", _LQ,
            "Knee extension, hip flexion", (),
            "Low risk. Femoral neurovascular bundle lies medial to it proximally.", _LQ_SOURCES),
    _muscle(54, "vastus-lateralis", "Vastus lateralis", "Femoral nerve", ("L2-L4",), ("L3",), "L2-L3-L4 [A6]", _LQ,
            "Knee extension", (), "Low risk.", _LQ_SOURCES),
    _muscle(55, "vastus-medialis", "Vastus medialis", "Femoral nerve", ("L2-L4",), ("L4",), "L2-L3-L4 [A6]", _LQ,
            "Knee extension", (_NV,), "Femoral vessels in the adductor (Hunter's) canal, medial to it.",
            _LQ_SOURCES),
    _muscle(56, "biceps-femoris", "Biceps femoris",
            "Long head: tibial part of sciatic; short head: common fibular part", ("L5-S2",), ("S1",),
            "L5-S1-S2 [A5][A6]", _LQ, "Knee flexion", (_NV,),
            "The sciatic nerve runs deep between the hamstrings. Common fibular nerve near the tendon at the knee.",
            _LQ_SOURCES),
    _muscle(57, "semitendinosus-semimembranosus", "Semitendinosus / semimembranosus",
            "Tibial part of the sciatic nerve", ("L4-S2",), ("L5",),
            "L4-L5-S2 (medial hamstring reflex = L5 [N7])", _LQ, "Knee flexion", (_NV,),
            "Sciatic nerve deep in mid-thigh.", ("N7", *_LQ_SOURCES)),
    _muscle(58, "tibialis-anterior", "Tibialis anterior", "Deep fibular (peroneal) nerve", ("L4-L5",), ("L4",),
            "L4-L5 [A4]", _LQ, "Ankle dorsiflexion, inversion", (_NV, _DEEP),
            "Anterior tibial artery and deep fibular nerve lie on the interosseous membrane. Anterior compartment: "
            "compartment syndrome reported after needling in people with abnormal bleeding [S6].",
            ("S6", *_LQ_SOURCES)),
    _muscle(59, "extensor-hallucis-digitorum-longus", "Extensor hallucis longus / extensor digitorum longus",
            "Deep fibular nerve", ("L5-S1",), ("L5",), "L5-S1 [A4]", _LQ, "Great toe / toe extension", (_NV,),
            "As for tibialis anterior.", _LQ_SOURCES),
    _muscle(60, "fibularis-longus-brevis", "Fibularis (peroneus) longus / brevis", "Superficial fibular nerve",
            ("L5-S1",), ("L5",), "L5-S1 [A4]", _LQ, "Eversion", (_NV,),
            "Common fibular nerve winds around the fibular neck.", _LQ_SOURCES),
    _muscle(61, "gastrocnemius", "Gastrocnemius", "Tibial nerve", ("S1-S2",), ("S1",), "S1-S2 [A4]", _LQ,
            "Plantarflexion with the knee straight", (_NV,),
            "Popliteal vessels and tibial nerve between the heads proximally.", _LQ_SOURCES),
    _muscle(62, "soleus", "Soleus", "Tibial nerve", ("S1-S2",), ("S1",), "S1-S2 [A4]", _LQ,
            "Plantarflexion with the knee bent", (_DEEP, _NV), "Posterior tibial vessels and tibial nerve deep to it.",
            _LQ_SOURCES),
    _muscle(63, "tibialis-posterior", "Tibialis posterior", "Tibial nerve", ("L4-S1",), ("L5",), "(L4-)L5-S1 [A4]",
            _LQ, "Inversion, plantarflexion", (_DEEP, _NV), "Deep posterior compartment. Advanced.", _LQ_SOURCES),
    _muscle(64, "flexor-digitorum-hallucis-longus", "Flexor digitorum longus / flexor hallucis longus",
            "Tibial nerve", ("L5-S2",), ("L5",), "L5-S1 (-S2) [A4]", _LQ, "Toe flexion", (_DEEP, _NV),
            "Deep posterior compartment.", _LQ_SOURCES),
    _muscle(65, "extensor-digitorum-brevis-foot-intrinsics", "Extensor digitorum brevis / intrinsic foot muscles",
            "Deep fibular / medial and lateral plantar nerves", ("L5-S3",), ("S1",), "L5-S1 / S1-S3", _LQ,
            "Toe extension / toe flexion", (), "Low risk. Plantar skin is sensitive.", _LQ_SOURCES),
)  # fmt: skip

MUSCLES: Mapping[str, Muscle] = MappingProxyType({m.code: m for m in _MUSCLES})

# Section 2.1: the paraspinal site for root X defaults to "paraspinal (multifidus/rotatores), level X".
# C1's partner is the suboccipital region; S2's partner ("sacral multifidus"), S3 and S4-5 have no catalogue row.
_PARASPINAL_BY_REGION: tuple[tuple[tuple[str, ...], str], ...] = (
    (("C1",), "suboccipitals"),
    (level_range("C2", "C8"), "cervical-multifidus-rotatores"),
    (level_range("T1", "T12"), "thoracic-multifidus-rotatores"),
    (level_range("L1", "S1"), "lumbar-multifidus"),
)


def muscle(code: str) -> Muscle:
    """The catalogue row with this code."""
    try:
        return MUSCLES[code]
    except KeyError:
        raise ValueError(f"Unknown muscle code {code!r}.") from None


def muscles_for_level(code: str) -> tuple[Muscle, ...]:
    """Muscles whose roots include the level: those with it as a primary root first, then catalogue order."""
    _check_level(code)
    found = [m for m in _MUSCLES if code in m.roots]
    return tuple(sorted(found, key=lambda m: code not in m.primary_roots))


def paraspinal_muscle_for_level(code: str) -> Muscle | None:
    """The default paraspinal site for a root (section 2.1), or None where the catalogue has none (S2-S4-5)."""
    _check_level(code)
    for levels, muscle_code in _PARASPINAL_BY_REGION:
        if code in levels:
            return MUSCLES[muscle_code]
    return None
