"""The site gate as a table: every catalogue muscle, both sides, under each site hold and each consent region.

The expected answers are written here from clinical-reference.md (5.4's quadrant lists, 5.7 R19's regions, 7.2
element 10), muscle by muscle, and not read from the code under test.
"""

from datetime import date

import pytest

from assessments import anatomy
from assessments.site_gate import PlannedSite, Verdict, decide_site
from patients.gate import ConsentScope, FlagState, PatientSafetyState, ReasonKind, RecheckStatus, patient_decision
from patients.safety_rules import AffectedArea, BodyRegion, Flag, FlagCode, Severity

TODAY = date(2026, 12, 7)

# 7.2 element 10 as decided: every site's region (a paraspinal site by its level), in the reference's words.
NECK = (
    "suboccipitals",
    "sternocleidomastoid",
    "semispinalis-splenius-capitis",
    "cervical-multifidus-rotatores",
    "scalenes",
)
# 5.4: "shoulder and scapular muscles (supraspinatus, infraspinatus, teres major and minor, subscapularis, deltoid,
# rhomboids, levator scapulae, upper, middle and lower trapezius, serratus anterior, latissimus dorsi)"; the deltoid
# and serratus anterior are consented with the arm and the chest wall respectively.
SHOULDER = (
    "upper-trapezius",
    "middle-lower-trapezius",
    "levator-scapulae",
    "rhomboids",
    "supraspinatus",
    "infraspinatus",
    "teres-minor",
    "teres-major",
    "subscapularis",
    "latissimus-dorsi",
)
CHEST_WALL = ("pectoralis-major", "pectoralis-minor", "serratus-anterior", "intercostals")
ARM = (
    "deltoid",
    "biceps-brachii",
    "brachialis",
    "coracobrachialis",
    "triceps-brachii",
    "brachioradialis",
    "extensor-carpi-radialis-longus",
    "extensor-carpi-radialis-brevis",
    "supinator",
    "extensor-digitorum",
    "extensor-carpi-ulnaris",
    "pronator-teres",
    "flexor-carpi-radialis",
    "flexor-carpi-ulnaris",
    "flexor-digitorum-superficialis",
    "first-dorsal-interosseous",
    "thenar-muscles",
)
THORACIC_SPINE = ("thoracic-erector-spinae", "thoracic-multifidus-rotatores")
ABDOMEN = ("rectus-abdominis-obliques",)
LOW_BACK = ("lumbar-erector-spinae", "lumbar-multifidus", "quadratus-lumborum")
GROIN = ("iliopsoas",)
BUTTOCK_HIP = (
    "gluteus-maximus",
    "gluteus-medius",
    "gluteus-minimus",
    "tensor-fasciae-latae",
    "piriformis",
    "deep-hip-rotators",
)
LEG = (
    "adductor-longus-brevis",
    "adductor-magnus",
    "gracilis-sartorius",
    "rectus-femoris",
    "vastus-lateralis",
    "vastus-medialis",
    "biceps-femoris",
    "semitendinosus-semimembranosus",
    "tibialis-anterior",
    "extensor-hallucis-digitorum-longus",
    "fibularis-longus-brevis",
    "gastrocnemius",
    "soleus",
    "tibialis-posterior",
    "flexor-digitorum-hallucis-longus",
    "extensor-digitorum-brevis-foot-intrinsics",
)

REGION_OF = {
    **dict.fromkeys(NECK, BodyRegion.HEAD_NECK),
    **dict.fromkeys(SHOULDER, BodyRegion.SHOULDER),
    **dict.fromkeys(CHEST_WALL, BodyRegion.CHEST),
    **dict.fromkeys(ARM, BodyRegion.UPPER_LIMB),
    **dict.fromkeys(THORACIC_SPINE, BodyRegion.UPPER_BACK),
    **dict.fromkeys(ABDOMEN, BodyRegion.ABDOMEN),
    **dict.fromkeys(LOW_BACK, BodyRegion.LUMBOSACRAL),
    **dict.fromkeys(GROIN, BodyRegion.PELVIS),
    **dict.fromkeys(BUTTOCK_HIP, BodyRegion.BUTTOCK),
    **dict.fromkeys(LEG, BodyRegion.LOWER_LIMB),
}

# 5.4: an arm's quadrant is the same-side upper limb, its girdle and the chest wall; a leg's, the same-side lower
# limb, buttock and hip (iliopsoas included), the groin and the lower abdominal wall.
ARM_QUADRANT = frozenset((*SHOULDER, *CHEST_WALL, *ARM))
LEG_QUADRANT = frozenset((*LEG, *BUTTOCK_HIP, *GROIN, *ABDOMEN))
# 5.7 R19 (the proposed mapping of [S13]): abdomen, pelvis and the lumbosacral region, both sides.
PREGNANCY_HELD = frozenset((*ABDOMEN, *GROIN, *LOW_BACK))

ALL_MUSCLES = tuple(anatomy.MUSCLES)
SIDES = ("L", "R")


def level_for(code: str) -> str:
    """A level the catalogue needles a segmental muscle at."""
    muscle = anatomy.muscle(code)
    return muscle.roots[0] if muscle.is_segmental else ""


def clear_patient(*flags: Flag, regions: frozenset[BodyRegion] = frozenset(BodyRegion)) -> object:
    state = PatientSafetyState(
        questionnaire_on=TODAY,
        flags=tuple(FlagState(flag, True) for flag in flags),
        consent=ConsentScope(regions, regions),
        recheck=RecheckStatus.NO_CHANGE,
    )
    return patient_decision(state, today=TODAY)


def test_the_table_names_every_catalogue_muscle_once() -> None:
    listed = [*NECK, *SHOULDER, *CHEST_WALL, *ARM, *THORACIC_SPINE, *ABDOMEN, *LOW_BACK, *GROIN, *BUTTOCK_HIP, *LEG]
    assert sorted(listed) == sorted(ALL_MUSCLES)


def lymphoedema(limb: str) -> Flag:
    region, side = {
        "left_arm": (BodyRegion.UPPER_LIMB, "L"),
        "right_arm": (BodyRegion.UPPER_LIMB, "R"),
        "left_leg": (BodyRegion.LOWER_LIMB, "L"),
        "right_leg": (BodyRegion.LOWER_LIMB, "R"),
    }[limb]
    # As a flag stored before the quadrant was spelt out: the gate must still hold the whole quadrant.
    return Flag(
        FlagCode.LYMPHOEDEMA_SITE,
        Severity.MODERATE,
        "H2",
        site_severity=Severity.HOLD,
        areas=(AffectedArea(region, side),),
    )


@pytest.mark.parametrize("limb", ["left_arm", "right_arm", "left_leg", "right_leg"])
@pytest.mark.parametrize("code", ALL_MUSCLES)
@pytest.mark.parametrize("side", SIDES)
def test_lymphoedema_holds_the_limb_and_its_quadrant_on_its_side_only(limb: str, code: str, side: str) -> None:
    patient = clear_patient(lymphoedema(limb))
    decision = decide_site(patient, PlannedSite(code, side, level_for(code)))
    quadrant = ARM_QUADRANT if limb.endswith("arm") else LEG_QUADRANT
    held_side = "L" if limb.startswith("left") else "R"
    expected_held = code in quadrant and side == held_side
    site_holds = [reason for reason in decision.holds if reason.kind is ReasonKind.SITE]
    assert bool(site_holds) is expected_held, (limb, code, side, decision.reasons)
    assert decision.is_held is expected_held


@pytest.mark.parametrize("code", ALL_MUSCLES)
@pytest.mark.parametrize("side", SIDES)
def test_pregnancy_holds_the_abdomen_pelvis_and_low_back_on_both_sides(code: str, side: str) -> None:
    pregnancy = Flag(
        FlagCode.PREGNANCY,
        Severity.HIGH,
        "H1",
        site_severity=Severity.HOLD,
        areas=(
            AffectedArea(BodyRegion.ABDOMEN),
            AffectedArea(BodyRegion.PELVIS),
            AffectedArea(BodyRegion.LUMBOSACRAL),
        ),
    )
    decision = decide_site(clear_patient(pregnancy), PlannedSite(code, side, level_for(code)))
    assert decision.is_held is (code in PREGNANCY_HELD), (code, side, decision.reasons)


@pytest.mark.parametrize("mapped", [BodyRegion.CHEST, BodyRegion.SHOULDER, BodyRegion.LOWER_LIMB])
@pytest.mark.parametrize("code", ALL_MUSCLES)
def test_an_implant_or_skin_hold_mapped_to_a_region_holds_that_region_on_its_side(
    mapped: BodyRegion, code: str
) -> None:
    for flag_code in (FlagCode.IMPLANT_SITE, FlagCode.SKIN_SITE):
        flag = Flag(
            flag_code, Severity.MODERATE, "H4", site_severity=Severity.HOLD, areas=(AffectedArea(mapped, "L"),)
        )
        for side in SIDES:
            decision = decide_site(clear_patient(flag), PlannedSite(code, side, level_for(code)))
            assert decision.is_held is (REGION_OF[code] == mapped and side == "L"), (flag_code, code, side)


@pytest.mark.parametrize("code", ALL_MUSCLES)
def test_an_unmapped_implant_never_lets_a_site_through_without_a_note(code: str) -> None:
    flag = Flag(FlagCode.IMPLANT_SITE, Severity.MODERATE, "H4", site_severity=Severity.HOLD, location_note="left hip")
    decision = decide_site(clear_patient(flag), PlannedSite(code, "R", level_for(code)))
    assert decision.verdict in (Verdict.NEEDS_NOTE, Verdict.HELD)


CONSENT_SETS = [frozenset({region}) for region in BodyRegion] + [
    frozenset({BodyRegion.LUMBOSACRAL, BodyRegion.BUTTOCK}),  # "low back and buttock"
    frozenset({BodyRegion.HEAD_NECK, BodyRegion.UPPER_BACK, BodyRegion.SHOULDER}),
]


@pytest.mark.parametrize("regions", CONSENT_SETS, ids=lambda regions: "+".join(sorted(regions)))
@pytest.mark.parametrize("code", ALL_MUSCLES)
def test_consent_covers_exactly_its_regions(regions: frozenset[BodyRegion], code: str) -> None:
    for side in SIDES:
        decision = decide_site(clear_patient(regions=regions), PlannedSite(code, side, level_for(code)))
        assert decision.is_held is (REGION_OF[code] not in regions), (code, side, regions)
        if decision.is_held:
            assert decision.consent_region_missing == REGION_OF[code]
            assert decision.holds[0].text.startswith("Consent does not cover ")


@pytest.mark.parametrize(
    ("code", "level", "region"),
    [
        ("cervical-multifidus-rotatores", "C6", BodyRegion.HEAD_NECK),
        ("thoracic-multifidus-rotatores", "T6", BodyRegion.UPPER_BACK),
        ("thoracic-erector-spinae", "T12", BodyRegion.UPPER_BACK),
        ("lumbar-multifidus", "L5", BodyRegion.LUMBOSACRAL),
        ("lumbar-multifidus", "S1", BodyRegion.LUMBOSACRAL),
        ("intercostals", "T6", BodyRegion.CHEST),  # segmental, but on the chest wall
    ],
)
def test_a_paraspinal_site_is_placed_by_its_level(code: str, level: str, region: BodyRegion) -> None:
    decision = decide_site(clear_patient(), PlannedSite(code, "L", level))
    assert decision.region == region


def test_the_examples_that_got_through_are_held_with_the_reason_in_words() -> None:
    low_back_and_buttock = clear_patient(regions=frozenset({BodyRegion.LUMBOSACRAL, BodyRegion.BUTTOCK}))
    for code, level, words in (
        ("intercostals", "T6", "the chest wall"),
        ("upper-trapezius", "", "the shoulder and shoulder blade"),
        ("gastrocnemius", "", "the leg"),
    ):
        decision = decide_site(low_back_and_buttock, PlannedSite(code, "R", level))
        assert decision.is_held
        assert decision.holds[0].text == (
            f"Consent does not cover {words}: record the patient's consent for this region first."
        )
    arm_only = clear_patient(regions=frozenset({BodyRegion.UPPER_LIMB}))
    assert decide_site(arm_only, PlannedSite("cervical-multifidus-rotatores", "R", "C6")).is_held


def test_consent_without_the_paraspinal_part_holds_sites_beside_the_spine_only() -> None:
    state = PatientSafetyState(
        questionnaire_on=TODAY,
        consent=ConsentScope(frozenset({BodyRegion.HEAD_NECK, BodyRegion.UPPER_LIMB}), frozenset()),
        recheck=RecheckStatus.NO_CHANGE,
    )
    patient = patient_decision(state, today=TODAY)
    assert decide_site(patient, PlannedSite("cervical-multifidus-rotatores", "R", "C6")).is_held
    assert not decide_site(patient, PlannedSite("scalenes", "R")).is_held
    assert not decide_site(patient, PlannedSite("biceps-brachii", "R")).is_held
