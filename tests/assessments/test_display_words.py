"""The display vocabulary: every code the pages show has words beside it, and the summary's evidence reads as a
clinician writes it."""

import pytest
from django.template import Context, Template

from assessments import anatomy, gunn_signs, scales
from assessments.anatomy import Side
from assessments.models import RedFlag, SymptomClue
from patients.reference_text import without_references
from patients.safety_rules import FLAG_DEFINITIONS, BodyRegion


def render(source: str, **context: object) -> str:
    return Template("{% load words %}" + source).render(Context(context))


def test_every_sign_has_words_for_a_clinician() -> None:
    assert set(gunn_signs.SIGN_WORDS) == set(gunn_signs.SIGN_CODES)
    assert gunn_signs.sign_words("SEN-MOTORPOINT") == "Tender motor point"
    assert gunn_signs.sign_words("SPI-PARASHORT") == "Paraspinal bands"


def test_every_precaution_tag_has_a_short_name_and_a_caution() -> None:
    for tag in anatomy.PrecautionTag:
        assert tag.label and tag.caution
    assert render('{{ tag|words:"caution" }}', tag=anatomy.PrecautionTag.THORAX) == "Chest wall: pneumothorax risk"


def test_a_precaution_tag_reads_the_same_on_its_badge_and_in_prose() -> None:
    for tag in anatomy.PrecautionTag:
        badge = render('{{ tag|words:"precaution" }}', tag=tag)

        assert without_references(f"Take care at {tag.value}-tagged sites; avoid {tag.value} muscles.") == (
            f"Take care at {badge.lower()} sites; avoid {badge.lower()} muscles."
        )
    assert without_references("HIGH at THORAX-tagged sites, avoid VISCERA.") == (
        "HIGH at chest wall sites, avoid organs beneath."
    )


def test_an_aside_on_an_unverified_value_is_left_out_whole() -> None:
    prose = (
        "An INR above the target range (or above the clinic default when the range is unknown; 3.0 is unverified, "
        "[S7]) means a higher bleeding risk (5.2)."
    )

    assert without_references(prose) == (
        "An INR above the target range (or above the clinic default when the range is unknown) means a higher "
        "bleeding risk."
    )


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("sign", gunn_signs.SIGN_CODES),
        ("status", [status.value for status in gunn_signs.FindingStatus]),
        ("side", [side.value for side in Side]),
        ("region", [region.value for region in BodyRegion]),
        ("clue", [clue.value for clue in SymptomClue]),
        ("red_flag", [flag.value for flag in RedFlag]),
        ("modality", [modality.value for modality in scales.SensoryModality]),
        ("flag", [definition.code.value for definition in FLAG_DEFINITIONS]),
        ("precaution", [tag.value for tag in anatomy.PrecautionTag]),
        ("record", ["assessments.treatmentsession", "patients.patient", "patients.accessreport"]),
    ],
)
def test_the_words_filter_says_each_code_of_a_kind_in_words(kind: str, codes: list[str]) -> None:
    for code in codes:
        words = render(f'{{{{ code|words:"{kind}" }}}}', code=code)
        assert words and words != code and "_" not in words, (kind, code, words)


def test_the_words_of_named_codes() -> None:
    assert render('{{ "upper_limb"|words:"region" }}') == "Arm (shoulder to hand)"
    assert render('{{ "shortened_tender"|words:"clue" }}') == "Shortened muscles with tender points"
    assert render('{{ "light_touch"|words:"modality" }}') == "Light touch"
    assert render('{{ "BLEED_ANTICOAGULANT"|words:"flag" }}') == "Takes an anticoagulant"
    assert render('{{ "assessments.treatmentsession"|words:"record" }}') == "Treatment session"
    assert render('{{ "R"|words:"side" }}') == "right"


def test_reference_prose_is_shown_without_its_citations() -> None:
    action = (
        "Acknowledge and record the plan: depth limit, avoid DEEP muscles at first, fine needles, compression of each "
        "site, watch the bleeding response (5.2) [S2][S5]."
    )

    assert without_references(action) == (
        "Acknowledge and record the plan: depth limit, avoid deep muscles at first, fine needles, compression of each "
        "site, watch the bleeding response."
    )
    assert without_references("Check the last blood count (G3); cut-offs are settings (unverified, [S7]).") == (
        "Check the last blood count; cut-offs are settings."
    )
    assert without_references("A score of 2.3 points (5.4, 2.3) or more") == "A score of 2.3 points or more"


def _evidence(item: gunn_signs.Evidence, **results: object) -> str:
    return gunn_signs.evidence_words(item, **results)  # type: ignore[arg-type]


def test_the_evidence_reads_as_a_clinician_writes_it() -> None:
    tender = gunn_signs.Evidence("C6", Side.RIGHT, "sensory", "SEN-MOTORPOINT", 1.0, "extensor-carpi-radialis-brevis")
    bands = gunn_signs.Evidence("C6", Side.RIGHT, "spinal", "SPI-PARASHORT", 1.0)
    reflexes = [
        gunn_signs.ReflexResult("achilles", Side.LEFT, scales.ReflexGrade("1+"), reference=1),
        gunn_signs.ReflexResult("achilles", Side.RIGHT, scales.ReflexGrade("2+"), reference=2),
    ]
    reflex = gunn_signs.Evidence("S1", Side.LEFT, "reflex", gunn_signs.REFLEX_SOURCE, 1.0, None, "achilles", 1)
    strength = [
        gunn_signs.KeyMuscleResult("C6", Side.RIGHT, scales.MrcGrade("4"), reference=7),
        gunn_signs.KeyMuscleResult("C6", Side.LEFT, scales.MrcGrade("5"), reference=8),
    ]
    [weak] = gunn_signs.segment_summary(key_muscle_results=strength).level("C6").evidence  # type: ignore[union-attr]
    pinprick = scales.SensoryModality.PINPRICK
    sensory = [
        gunn_signs.SensoryResult("C6", Side.RIGHT, pinprick, scales.SensoryScore("1"), False, 3),
        gunn_signs.SensoryResult("C6", Side.LEFT, pinprick, scales.SensoryScore("2"), False, 4),
    ]
    altered = gunn_signs.Evidence("C6", Side.RIGHT, "sensory", gunn_signs.SENSORY_SCORE_SOURCE, 1.0, None, None, 3)
    secondary = gunn_signs.Evidence("C5", Side.RIGHT, "sensory", "SEN-MOTORPOINT", 0.5, "supinator")

    assert _evidence(tender) == "Tender motor point: extensor carpi radialis brevis, right"
    assert _evidence(bands) == "Paraspinal bands C6 right"
    assert _evidence(reflex, reflex_results=reflexes) == "Achilles reflex 1+ left, 2+ right"
    assert _evidence(weak) == "Wrist extensors MRC 4/5 right (5/5 left)"
    assert _evidence(altered, sensory_results=sensory) == "Pinprick C6 1/2 right (2/2 left)"
    assert _evidence(secondary) == "Tender motor point: supinator, right (not its main root)"


def test_a_weakness_finding_is_not_read_as_a_key_muscle_test() -> None:
    ecrb = "extensor-carpi-radialis-brevis"
    finding = gunn_signs.Evidence("C6", Side.RIGHT, "motor", "MOT-WEAK", 1.0, ecrb, None, 9)

    assert _evidence(finding) == "Weakness: extensor carpi radialis brevis, right"
