"""The IMS evaluation's services: the draft saved as it goes, the findings, the segment summary, signing and after."""

from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from accounts.roles import Role
from assessments import gunn_signs, services
from assessments.anatomy import Side
from assessments.models import (
    Addendum,
    Assessment,
    AssessmentStatus,
    ReflexTest,
    RomMeasurement,
    SegmentDecision,
    SensoryTest,
    SignedRecordError,
    SignFinding,
    StrengthTest,
)
from assessments.services import AssessmentNotEditable, StaleAssessment
from patients import services as patient_services
from tests.assessments.signing import ready_to_sign
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

STALE = "This assessment was saved elsewhere since you opened this page. Reload it to see the latest version."
NOT_EDITABLE = "This assessment is signed and cannot change. Add an addendum instead."
SIGNED_RECORD = "A signed assessment cannot be changed; add an addendum instead."


@pytest.fixture
def physio() -> Any:
    return UserFactory(username="maya", first_name="Maya", roles=[Role.PHYSIOTHERAPIST])


@pytest.fixture
def draft(physio: Any) -> Assessment:
    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    return services.assessment_start(patient=patient, physiotherapist=physio)


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def history(assessment: Assessment, **changes: Any) -> Assessment:
    """Save step 1 with the version the page was loaded with."""
    data = {"chief_complaint": "Lateral elbow pain, left, for six weeks", **changes}
    return services.assessment_save_fields(assessment=assessment, data=data, version=fresh(assessment).version)


def signed(assessment: Assessment, physio: Any) -> Assessment:
    history(assessment)
    ready_to_sign(assessment)
    return services.assessment_sign(assessment=assessment, signed_by=physio, version=fresh(assessment).version)


def finding(assessment: Assessment, sign_code: str, side: str, **place: Any) -> SignFinding:
    return services.finding_record(
        assessment=assessment, sign_code=sign_code, side=side, status=place.pop("status", "present"), **place
    )


def rows(assessment: Assessment) -> dict[str, int]:
    return {
        "rom": RomMeasurement.objects.filter(assessment=assessment).count(),
        "strength": StrengthTest.objects.filter(assessment=assessment).count(),
        "reflexes": ReflexTest.objects.filter(assessment=assessment).count(),
        "sensory": SensoryTest.objects.filter(assessment=assessment).count(),
        "findings": SignFinding.objects.filter(assessment=assessment).count(),
        "decisions": SegmentDecision.objects.filter(assessment=assessment).count(),
    }


def summary_shape(summary: gunn_signs.SegmentSummary) -> dict[str, Any]:
    """Everything the summary says, with the evidence of each side as a set (input order does not matter)."""
    return {
        "suggested_levels": summary.suggested_levels,
        "suggested_muscles": summary.suggested_muscles,
        "unattributed": sorted(repr(finding) for finding in summary.unattributed),
        "tender_levels": summary.tender_levels,
        "levels": {
            level.level: {
                "suggested_sides": level.suggested_sides,
                "group_counts": dict(level.group_counts),
                "sides": {
                    side.side: (
                        dict(side.group_weights),
                        side.supporting_groups,
                        side.is_suggested,
                        frozenset(side.evidence),
                    )
                    for side in level.sides
                },
            }
            for level in summary.levels
        },
    }


# --- Starting and saving the draft -------------------------------------------------------------


def test_starting_twice_returns_the_open_draft_instead_of_a_second_one(physio: Any) -> None:
    patient = PatientFactory()

    first = services.assessment_start(patient=patient, physiotherapist=physio)
    second = services.assessment_start(patient=patient, physiotherapist=physio)

    assert second == first
    assert Assessment.objects.get() == first
    assert (first.patient, first.physiotherapist, first.status, first.version) == (
        patient,
        physio,
        AssessmentStatus.DRAFT,
        1,
    )


def test_another_physio_starts_their_own_draft_and_a_signed_one_is_not_reopened(physio: Any) -> None:
    patient = PatientFactory()
    colleague = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    first = services.assessment_start(patient=patient, physiotherapist=physio)

    theirs = services.assessment_start(patient=patient, physiotherapist=colleague)
    signed(first, physio)
    after_signing = services.assessment_start(patient=patient, physiotherapist=physio)

    assert theirs != first and theirs.physiotherapist == colleague
    assert after_signing not in (first, theirs)
    assert after_signing.status == AssessmentStatus.DRAFT
    assert Assessment.objects.filter(patient=patient).count() == 3


def test_an_archived_patient_cannot_be_assessed(physio: Any) -> None:
    patient = PatientFactory()
    patient_services.patient_archive(patient=patient, archived_by=UserFactory())
    patient.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.assessment_start(patient=patient, physiotherapist=physio)

    assert error.value.messages == ["This patient is archived. Restore the patient before starting an assessment."]
    assert not Assessment.objects.exists()


def test_the_history_is_kept_between_visits_and_each_save_moves_the_version_on(draft: Assessment) -> None:
    saved = history(
        draft,
        pain_now=6,
        pain_best=2,
        pain_worst=8,
        symptom_clues=["deep_ache", "stiffness"],
        pain_regions=[{"region": "upper_limb", "side": "L"}],
        goals="Lift the kettle without pain",
    )

    reopened = fresh(draft)
    assert saved.version == reopened.version == 2
    assert reopened.chief_complaint == "Lateral elbow pain, left, for six weeks"
    assert (reopened.pain_now, reopened.pain_best, reopened.pain_worst) == (6, 2, 8)
    assert reopened.symptom_clues == ["deep_ache", "stiffness"]
    assert reopened.pain_regions == [{"region": "upper_limb", "side": "L"}]
    assert reopened.goals == "Lift the kettle without pain"


def test_a_save_from_a_stale_page_raises_and_changes_nothing(draft: Assessment) -> None:
    loaded_version = fresh(draft).version
    services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": "Saved in the first tab"}, version=loaded_version
    )

    with pytest.raises(StaleAssessment) as error:
        services.assessment_save_fields(
            assessment=draft,
            data={"chief_complaint": "Saved in the second tab", "pain_now": 3},
            version=loaded_version,
        )

    assert error.value.messages == [STALE]
    reopened = fresh(draft)
    assert reopened.chief_complaint == "Saved in the first tab"
    assert reopened.pain_now is None
    assert reopened.version == loaded_version + 1


def test_pain_at_best_above_worst_is_refused_and_nothing_is_saved(draft: Assessment) -> None:
    version = fresh(draft).version

    with pytest.raises(ValidationError) as error:
        services.assessment_save_fields(
            assessment=draft, data={"chief_complaint": "Neck pain", "pain_best": 7, "pain_worst": 3}, version=version
        )

    assert "Pain at best cannot be higher than pain at worst." in error.value.messages
    reopened = fresh(draft)
    assert (reopened.chief_complaint, reopened.pain_best, reopened.version) == ("", None, version)


# --- Recording findings: each place holds one value ----------------------------------------------------------

UPSERTS: dict[str, tuple[Callable[..., Any], dict[str, Any], dict[str, Any], Any, Callable[[Any], Any]]] = {
    "rom": (
        services.rom_record,
        {"joint": "shoulder", "movement": "flexion", "side": "L", "mode": "active", "pain": False, "degrees": 120},
        {"degrees": 95, "pain": True},
        RomMeasurement,
        lambda row: (row.degrees, row.pain_at_end_of_range),
    ),
    "strength": (
        services.strength_record,
        {"level": "C6", "side": "L", "grade": "5"},
        {"grade": "4-"},
        StrengthTest,
        lambda row: row.grade,
    ),
    "reflex": (
        services.reflex_record,
        {"reflex": "biceps", "side": "R", "grade": "2+"},
        {"grade": "1+"},
        ReflexTest,
        lambda row: row.grade,
    ),
    "sensory": (
        services.sensory_record,
        {"level": "C6", "side": "L", "modality": "light_touch", "score": "2", "is_hyper": False},
        {"score": "1", "is_hyper": True},
        SensoryTest,
        lambda row: (row.score, row.is_hyper),
    ),
    "finding": (
        services.finding_record,
        {"sign_code": "MOT-TAUTBAND", "muscle": "supinator", "side": "L", "status": "present", "grade": 1},
        {"status": "equivocal", "grade": 2, "note": "Less clear than last week"},
        SignFinding,
        lambda row: (row.status, row.grade, row.note),
    ),
}


@pytest.mark.parametrize("kind", UPSERTS)
def test_recording_the_same_place_twice_keeps_one_row_with_the_new_value(draft: Assessment, kind: str) -> None:
    record, first, change, model, value = UPSERTS[kind]

    record(assessment=draft, **first)
    version_after_first = fresh(draft).version
    record(assessment=draft, **{**first, **change})

    saved = model.objects.get(assessment=draft)
    expected = {
        "rom": (95, True),
        "strength": "4-",
        "reflex": "1+",
        "sensory": ("1", True),
        "finding": ("equivocal", 2, "Less clear than last week"),
    }[kind]
    assert value(saved) == expected
    assert fresh(draft).version == version_after_first + 1


def test_the_other_side_is_a_separate_row(draft: Assessment) -> None:
    services.reflex_record(assessment=draft, reflex="biceps", side="L", grade="1+")
    services.reflex_record(assessment=draft, reflex="biceps", side="R", grade="2+")

    assert sorted(ReflexTest.objects.values_list("side", "grade")) == [("L", "1+"), ("R", "2+")]


def test_a_movement_the_joint_does_not_have_is_refused(draft: Assessment) -> None:
    with pytest.raises(ValidationError) as error:
        services.rom_record(
            assessment=draft, joint="elbow", movement="abduction", side="L", mode="active", degrees=20, pain=False
        )

    assert error.value.message_dict == {"movement": ["This movement is not measured at that joint."]}
    assert rows(draft)["rom"] == 0


def test_hyper_is_refused_with_a_normal_sensory_score(draft: Assessment) -> None:
    with pytest.raises(ValidationError) as error:
        services.sensory_record(assessment=draft, level="C6", side="L", modality="pinprick", score="2", is_hyper=True)

    assert error.value.message_dict == {
        "is_hyper": ["The 'hyper' qualifier goes with sensory score 1 (impaired), the ISNCSCI score for it."]
    }
    assert rows(draft)["sensory"] == 0


OFF_CATALOGUE: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "strength at an unknown level": (services.strength_record, {"level": "Z9", "side": "L", "grade": "4"}),
    "strength midline": (services.strength_record, {"level": "C5", "side": "M", "grade": "4"}),
    "MRC grade 6": (services.strength_record, {"level": "C5", "side": "L", "grade": "6"}),
    "unknown reflex": (services.reflex_record, {"reflex": "knee-jerk", "side": "L", "grade": "2+"}),
    "reflex grade 5+": (services.reflex_record, {"reflex": "biceps", "side": "L", "grade": "5+"}),
    "unknown sensory modality": (
        services.sensory_record,
        {"level": "C6", "side": "L", "modality": "vibration", "score": "2", "is_hyper": False},
    ),
    "361 degrees": (
        services.rom_record,
        {"joint": "shoulder", "movement": "flexion", "side": "L", "mode": "active", "degrees": 361, "pain": False},
    ),
    "negative degrees": (
        services.rom_record,
        {"joint": "shoulder", "movement": "flexion", "side": "L", "mode": "active", "degrees": -1, "pain": False},
    ),
    "spinal side M for a shoulder": (
        services.rom_record,
        {"joint": "shoulder", "movement": "flexion", "side": "M", "mode": "active", "degrees": 90, "pain": False},
    ),
    "a decision at an unknown level": (
        services.segment_decide,
        {"level": "C9", "side": "L", "decision": "confirmed"},
    ),
    "a decision that is not on the list": (
        services.segment_decide,
        {"level": "C6", "side": "L", "decision": "maybe"},
    ),
}


@pytest.mark.parametrize("case", OFF_CATALOGUE)
def test_a_value_off_the_catalogue_is_refused_by_the_service_and_nothing_is_saved(
    draft: Assessment, case: str
) -> None:
    record, arguments = OFF_CATALOGUE[case]
    version = fresh(draft).version

    try:
        with pytest.raises(ValidationError):
            record(assessment=draft, **arguments)
    finally:
        saved = rows(draft)
    assert sum(saved.values()) == 0
    assert fresh(draft).version == version


def test_a_grade_off_the_scale_is_refused_with_a_message(draft: Assessment) -> None:
    with pytest.raises(ValidationError) as error:
        finding(draft, "MOT-TAUTBAND", "L", muscle="supinator", grade=4)

    assert error.value.messages == ["Finding grade must be 0, 1, 2 or 3 (or left empty), got 4."]
    assert rows(draft)["findings"] == 0


IMPOSSIBLE_FINDINGS = {
    "a spinal-only sign at a muscle": {"sign_code": "SPI-SPINOUS", "side": "M", "muscle": "deltoid"},
    "a segmental muscle without a level": {"sign_code": "MOT-TAUTBAND", "side": "L", "muscle": "lumbar-multifidus"},
    "a segmental muscle at a level it does not reach": {
        "sign_code": "MOT-TAUTBAND",
        "side": "L",
        "muscle": "lumbar-multifidus",
        "level": "C5",
    },
    "midline for a limb sign": {"sign_code": "MOT-TAUTBAND", "side": "M", "muscle": "deltoid"},
    "a limb muscle with a level too": {"sign_code": "MOT-TAUTBAND", "side": "L", "muscle": "deltoid", "level": "C5"},
    "a muscle sign at a level": {"sign_code": "MOT-SHORTENED", "side": "L", "level": "C5"},
    "a spinal sign with no level": {"sign_code": "SPI-PARASHORT", "side": "L"},
    "an unknown muscle": {"sign_code": "MOT-TAUTBAND", "side": "L", "muscle": "biceps-femoris-minor"},
    "an unknown level": {"sign_code": "AUT-VASO", "side": "L", "level": "C9"},
}


@pytest.mark.parametrize("case", IMPOSSIBLE_FINDINGS)
def test_an_impossible_finding_is_refused_with_the_catalogues_message(draft: Assessment, case: str) -> None:
    place = IMPOSSIBLE_FINDINGS[case]
    with pytest.raises(ValueError) as pure:
        gunn_signs.Finding(
            sign_code=place["sign_code"],
            side=place["side"],
            levels=(place["level"],) if place.get("level") else (),
            muscle=place.get("muscle"),
        )
    version = fresh(draft).version

    with pytest.raises(ValidationError) as error:
        services.finding_record(assessment=draft, status="present", **place)

    assert error.value.messages == [str(pure.value)]
    assert rows(draft)["findings"] == 0
    assert fresh(draft).version == version


def test_a_tap_on_the_spinal_grid_records_the_sign_and_a_second_tap_clears_it(draft: Assessment) -> None:
    first = services.spinal_sign_toggle(assessment=draft, level="C5", side="L", sign_code="SPI-PARASHORT")
    recorded = list(SignFinding.objects.values_list("sign_code", "level", "side", "status", "muscle"))
    second = services.spinal_sign_toggle(assessment=draft, level="C5", side="L", sign_code="SPI-PARASHORT")

    assert first is not None and first.pk
    assert recorded == [("SPI-PARASHORT", "C5", "L", "present", "")]
    assert second is None
    assert not SignFinding.objects.exists()
    assert fresh(draft).version == 3


@pytest.mark.parametrize(
    ("sign_code", "side"),
    [("SPI-SPINOUS", "L"), ("SEN-PARASPINAL", "M"), ("SPI-PARASHORT", "M")],
    ids=["spinous on a side", "paraspinal tenderness midline", "paraspinal band midline"],
)
def test_the_spinal_grid_keeps_spinous_tenderness_midline_and_the_rest_on_a_side(
    draft: Assessment, sign_code: str, side: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.spinal_sign_toggle(assessment=draft, level="C5", side=side, sign_code=sign_code)

    assert error.value.messages == ["Spinous tenderness is midline; the other spinal signs are left or right."]
    assert not SignFinding.objects.exists()


def test_only_the_grid_signs_can_be_toggled(draft: Assessment) -> None:
    with pytest.raises(ValidationError) as error:
        services.spinal_sign_toggle(assessment=draft, level="C5", side="L", sign_code="MOT-TAUTBAND")

    assert error.value.messages == ["That sign is not part of the spinal grid."]


def test_a_row_of_another_assessment_cannot_be_deleted_through_this_one(draft: Assessment, physio: Any) -> None:
    other = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    row = services.reflex_record(assessment=other, reflex="biceps", side="L", grade="2+")

    with pytest.raises(ValidationError) as error:
        services.assessment_row_delete(assessment=draft, row=row)

    assert error.value.messages == ["That entry belongs to another assessment."]
    assert ReflexTest.objects.filter(pk=row.pk).exists()


# --- The segment summary from the stored findings --------------------------------------------------------------


def test_lateral_elbow_pain_with_c5_c6_signs_from_two_groups_suggests_c5_and_c6_on_that_side(
    draft: Assessment,
) -> None:
    tender = [finding(draft, "SEN-HYPERALG", "L", level=level) for level in ("C5", "C6")]
    bands = [
        services.spinal_sign_toggle(assessment=draft, level=level, side="L", sign_code="SPI-PARASHORT")
        for level in ("C5", "C6")
    ]
    elbow = finding(draft, "MOT-ENTHESO", "L", region_note="lateral elbow")

    summary = services.assessment_summary(assessment=draft)

    pure = gunn_signs.segment_summary(
        [
            *(gunn_signs.Finding("SEN-HYPERALG", Side.LEFT, levels=(f.level,), reference=f.pk) for f in tender),
            *(gunn_signs.Finding("SPI-PARASHORT", Side.LEFT, levels=(f.level,), reference=f.pk) for f in bands),
            gunn_signs.Finding("MOT-ENTHESO", Side.LEFT, region_note="lateral elbow", reference=elbow.pk),
        ]
    )
    assert summary_shape(summary) == summary_shape(pure)
    assert summary.suggested_levels == ("C5", "C6")
    assert summary.level("C5").suggested_sides == summary.level("C6").suggested_sides == (Side.LEFT,)
    assert summary.level("C6").sides[0].supporting_groups == ("sensory", "spinal")
    assert [f.region_note for f in summary.unattributed] == ["lateral elbow"]
    # The suggestion lists the paraspinal site of each suggested level on that side.
    paraspinal = [m for m in summary.suggested_muscles if m.is_paraspinal]
    assert [(m.muscle, m.levels, m.sides) for m in paraspinal] == [
        ("cervical-multifidus-rotatores", ("C5",), (Side.LEFT,)),
        ("cervical-multifidus-rotatores", ("C6",), (Side.LEFT,)),
    ]


def test_an_absent_or_untested_sign_does_not_count_towards_a_level(draft: Assessment) -> None:
    tender = finding(draft, "SEN-HYPERALG", "L", level="C5")
    band = finding(draft, "SPI-PARASHORT", "L", level="C5", status="not_tested")
    cold = finding(draft, "AUT-VASO", "L", level="C5", status="absent")

    before = services.assessment_summary(assessment=draft)
    finding(draft, "SPI-PARASHORT", "L", level="C5", status="present")
    after = services.assessment_summary(assessment=draft)

    pure_before = gunn_signs.segment_summary(
        [
            gunn_signs.Finding("SEN-HYPERALG", Side.LEFT, levels=("C5",), reference=tender.pk),
            gunn_signs.Finding("SPI-PARASHORT", Side.LEFT, "not_tested", levels=("C5",), reference=band.pk),
            gunn_signs.Finding("AUT-VASO", Side.LEFT, "absent", levels=("C5",), reference=cold.pk),
        ]
    )
    assert summary_shape(before) == summary_shape(pure_before)
    assert before.suggested_levels == ()
    assert before.level("C5").sides[0].supporting_groups == ("sensory",)
    assert after.suggested_levels == ("C5",)
    assert SignFinding.objects.count() == 3


def test_a_muscle_sign_credits_its_primary_root_fully_and_the_others_by_half(draft: Assessment) -> None:
    # Supinator: roots C5-C6, primary C6.
    band = finding(draft, "MOT-TAUTBAND", "R", muscle="supinator")
    cold = [finding(draft, "AUT-VASO", "R", level=level) for level in ("C5", "C6")]
    multifidus = finding(draft, "MOT-TAUTBAND", "R", muscle="cervical-multifidus-rotatores", level="C7")

    summary = services.assessment_summary(assessment=draft)

    pure = gunn_signs.segment_summary(
        [
            gunn_signs.Finding("MOT-TAUTBAND", Side.RIGHT, muscle="supinator", reference=band.pk),
            *(gunn_signs.Finding("AUT-VASO", Side.RIGHT, levels=(f.level,), reference=f.pk) for f in cold),
            gunn_signs.Finding(
                "MOT-TAUTBAND",
                Side.RIGHT,
                muscle="cervical-multifidus-rotatores",
                levels=("C7",),
                reference=multifidus.pk,
            ),
        ]
    )
    assert summary_shape(summary) == summary_shape(pure)
    right = {level: summary.level(level).sides[0] for level in ("C5", "C6", "C7")}
    assert right["C6"].group_weights == {"autonomic": 1.0, "motor": 1.0}
    assert right["C5"].group_weights == {"autonomic": 1.0, "motor": 0.5}
    assert right["C7"].group_weights == {"spinal": 1.0}  # a band in a paraspinal muscle is a spinal sign
    assert summary.suggested_levels == ("C6",)
    assert summary.level("C6").suggested_sides == (Side.RIGHT,)


def test_reflexes_strength_and_sensation_count_as_the_pure_rules_say(draft: Assessment) -> None:
    left = services.reflex_record(assessment=draft, reflex="biceps", side="L", grade="1+")
    right = services.reflex_record(assessment=draft, reflex="biceps", side="R", grade="2+")
    weak = services.strength_record(assessment=draft, level="C5", side="L", grade="4")
    strong = services.strength_record(assessment=draft, level="C5", side="R", grade="5")
    dull = services.sensory_record(
        assessment=draft, level="C6", side="L", modality="pinprick", score="1", is_hyper=False
    )

    summary = services.assessment_summary(assessment=draft)

    pure = gunn_signs.segment_summary(
        reflex_results=[
            gunn_signs.ReflexResult("biceps", Side.LEFT, "1+", reference=left.pk),
            gunn_signs.ReflexResult("biceps", Side.RIGHT, "2+", reference=right.pk),
        ],
        key_muscle_results=[
            gunn_signs.KeyMuscleResult("C5", Side.LEFT, "4", reference=weak.pk),
            gunn_signs.KeyMuscleResult("C5", Side.RIGHT, "5", reference=strong.pk),
        ],
        sensory_results=[gunn_signs.SensoryResult("C6", Side.LEFT, "pinprick", "1", reference=dull.pk)],
    )
    assert summary_shape(summary) == summary_shape(pure)
    assert summary.suggested_levels == ("C5",)
    assert summary.level("C5").suggested_sides == (Side.LEFT,)
    assert summary.level("C6").sides[0].group_weights == {"sensory": 1.0, "reflex": 0.5}


def test_the_clinic_setting_decides_how_many_groups_suggest_a_level(draft: Assessment, settings: Any) -> None:
    finding(draft, "SEN-PARASPINAL", "L", level="C6")
    finding(draft, "SPI-PARASHORT", "L", level="C6")

    settings.CLINIC_SEGMENT_MIN_GROUPS = 3
    strict = services.assessment_summary(assessment=draft)
    settings.CLINIC_SEGMENT_MIN_GROUPS = 1
    lenient = services.assessment_summary(assessment=draft)

    assert strict.suggested_levels == ()
    assert strict.settings.min_groups == 3
    assert lenient.suggested_levels == ("C6",)


def test_confirming_a_level_gives_its_muscles_with_the_paraspinal_first(draft: Assessment) -> None:
    services.segment_decide(assessment=draft, level="C6", side="L", decision="confirmed")
    services.segment_decide(assessment=draft, level="C8", side="R", decision="rejected")

    muscles = services.confirmed_muscles(assessment=draft)

    assert muscles == gunn_signs.suggested_muscles(("C6",), sides_by_level={"C6": (Side.LEFT,)})
    first = muscles[0]
    assert (first.muscle, first.levels, first.sides, first.is_paraspinal) == (
        "cervical-multifidus-rotatores",
        ("C6",),
        (Side.LEFT,),
        True,
    )
    codes = {m.muscle for m in muscles}
    assert {"supinator", "extensor-carpi-radialis-brevis"} <= codes
    assert "flexor-carpi-ulnaris" not in codes  # C7-C8 only: the rejected C8 gives nothing
    supinator = next(m for m in muscles if m.muscle == "supinator")
    assert [tag.value for tag in supinator.precautions] == ["NV"]


def test_a_later_decision_on_the_same_level_replaces_the_first(draft: Assessment) -> None:
    services.segment_decide(assessment=draft, level="C6", side="L", decision="confirmed")
    services.segment_decide(assessment=draft, level="C6", side="L", decision="rejected")

    assert list(SegmentDecision.objects.values_list("level", "side", "decision")) == [("C6", "L", "rejected")]
    assert services.confirmed_muscles(assessment=draft) == ()


# --- Signing, the digest, and after ------------------------------------------------------------------------------


def test_the_content_digest_changes_when_a_finding_changes_before_signing(draft: Assessment) -> None:
    history(draft)
    finding(draft, "SEN-PARASPINAL", "L", level="C6")
    before = services.content_digest(fresh(draft))
    again = services.content_digest(fresh(draft))

    finding(draft, "SEN-PARASPINAL", "L", level="C6", status="absent")
    after = services.content_digest(fresh(draft))

    assert before == again
    assert len(before) == 64 and int(before, 16) >= 0
    assert after != before


def test_signing_stores_the_digest_and_makes_the_assessment_read_only(draft: Assessment, physio: Any) -> None:
    history(draft)
    finding(draft, "SEN-PARASPINAL", "L", level="C6")
    services.segment_decide(assessment=draft, level="C6", side="L", decision="confirmed")
    ready_to_sign(draft)
    expected_digest = services.content_digest(fresh(draft))

    result = services.assessment_sign(assessment=draft, signed_by=physio, version=fresh(draft).version)

    stored = fresh(draft)
    assert stored.status == AssessmentStatus.SIGNED
    assert stored.content_digest == expected_digest == result.content_digest
    assert stored.content_digest == services.content_digest(stored)
    assert stored.signed_by == physio and stored.signed_at is not None
    assert stored.summary_rules_version == gunn_signs.RULES_VERSION
    assert not stored.is_draft


def read_only_attempts(assessment: Assessment) -> dict[str, Callable[[], Any]]:
    row = SignFinding.objects.filter(assessment=assessment).first()
    return {
        "save_fields": lambda: services.assessment_save_fields(
            assessment=assessment, data={"chief_complaint": "Changed"}, version=fresh(assessment).version
        ),
        "rom": lambda: services.rom_record(
            assessment=assessment,
            joint="shoulder",
            movement="flexion",
            side="L",
            mode="active",
            degrees=90,
            pain=False,
        ),
        "strength": lambda: services.strength_record(assessment=assessment, level="C6", side="L", grade="4"),
        "reflex": lambda: services.reflex_record(assessment=assessment, reflex="biceps", side="L", grade="1+"),
        "sensory": lambda: services.sensory_record(
            assessment=assessment, level="C6", side="L", modality="pinprick", score="1", is_hyper=False
        ),
        "finding": lambda: finding(assessment, "AUT-VASO", "L", level="C6"),
        "spine": lambda: services.spinal_sign_toggle(
            assessment=assessment, level="C6", side="L", sign_code="SEN-PARASPINAL"
        ),
        "row_delete": lambda: services.assessment_row_delete(assessment=assessment, row=row),
        "segment": lambda: services.segment_decide(assessment=assessment, level="C6", side="L", decision="rejected"),
        "sign_again": lambda: services.assessment_sign(
            assessment=assessment, signed_by=assessment.physiotherapist, version=fresh(assessment).version
        ),
    }


@pytest.mark.parametrize(
    "attempt",
    ["save_fields", "rom", "strength", "reflex", "sensory", "finding", "spine", "row_delete", "segment", "sign_again"],
)
def test_a_signed_assessment_refuses_every_change_through_the_services(
    draft: Assessment, physio: Any, attempt: str
) -> None:
    finding(draft, "SEN-PARASPINAL", "L", level="C6")
    services.segment_decide(assessment=draft, level="C6", side="L", decision="confirmed")
    signed(draft, physio)
    before = (rows(draft), fresh(draft).version, fresh(draft).content_digest)

    with pytest.raises(AssessmentNotEditable) as error:
        read_only_attempts(fresh(draft))[attempt]()

    assert error.value.messages == [NOT_EDITABLE]
    assert (rows(draft), fresh(draft).version, fresh(draft).content_digest) == before
    assert SignFinding.objects.get().status == "present"


def test_the_model_refuses_to_save_a_signed_assessment(draft: Assessment, physio: Any) -> None:
    signed(draft, physio)
    record = fresh(draft)
    record.chief_complaint = "Rewritten after signing"

    with pytest.raises(SignedRecordError, match=SIGNED_RECORD):
        record.save()
    with pytest.raises(SignedRecordError, match=SIGNED_RECORD):
        record.save(update_fields=["chief_complaint", "status"])

    assert fresh(draft).chief_complaint == "Lateral elbow pain, left, for six weeks"


def test_a_signed_assessment_can_still_be_marked_entered_in_error(draft: Assessment, physio: Any) -> None:
    digest = signed(draft, physio).content_digest

    services.assessment_mark_entered_in_error(assessment=draft, by=physio, reason="  Wrong patient's chart  ")

    stored = fresh(draft)
    assert stored.status == AssessmentStatus.ENTERED_IN_ERROR
    assert stored.entered_in_error_by == physio
    assert stored.entered_in_error_reason == "Wrong patient's chart"
    assert stored.entered_in_error_at is not None
    assert stored.content_digest == digest
    assert Assessment.objects.filter(pk=draft.pk).exists()


def test_a_draft_marked_entered_in_error_is_read_only_too(draft: Assessment, physio: Any) -> None:
    finding(draft, "SEN-PARASPINAL", "L", level="C6")
    services.assessment_mark_entered_in_error(assessment=draft, by=physio, reason="Duplicate of last week's")
    before = rows(draft)

    with pytest.raises(AssessmentNotEditable):
        finding(draft, "SEN-PARASPINAL", "L", level="C6", status="absent")
    with pytest.raises(AssessmentNotEditable):
        history(draft)

    assert rows(draft) == before
    assert fresh(draft).status == AssessmentStatus.ENTERED_IN_ERROR
    assert fresh(draft).chief_complaint == ""


def test_entered_in_error_needs_a_reason(draft: Assessment, physio: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.assessment_mark_entered_in_error(assessment=draft, by=physio, reason="   ")

    assert error.value.message_dict == {"reason": ["Say why this assessment was entered in error."]}
    assert fresh(draft).status == AssessmentStatus.DRAFT


def test_only_the_assessing_physio_can_mark_it_entered_in_error(draft: Assessment) -> None:
    colleague = UserFactory(roles=[Role.PHYSIOTHERAPIST])

    with pytest.raises(ValidationError) as error:
        services.assessment_mark_entered_in_error(assessment=draft, by=colleague, reason="Wrong patient")

    assert error.value.messages == ["Only the physiotherapist who made this assessment can mark it entered in error."]
    assert fresh(draft).status == AssessmentStatus.DRAFT


def test_only_the_assessing_physio_can_sign(draft: Assessment) -> None:
    history(draft)
    colleague = UserFactory(roles=[Role.PHYSIOTHERAPIST])

    with pytest.raises(ValidationError) as error:
        services.assessment_sign(assessment=draft, signed_by=colleague, version=fresh(draft).version)

    assert error.value.messages == ["Only the physiotherapist who made this assessment can sign it."]
    assert fresh(draft).status == AssessmentStatus.DRAFT
    assert fresh(draft).content_digest == ""


def test_an_assessment_without_a_chief_complaint_cannot_be_signed(draft: Assessment, physio: Any) -> None:
    ready_to_sign(draft)

    with pytest.raises(ValidationError) as error:
        services.assessment_sign(assessment=draft, signed_by=physio, version=fresh(draft).version)

    assert error.value.messages == ["Record the chief complaint (step 1) before signing."]
    assert fresh(draft).status == AssessmentStatus.DRAFT


def test_signing_from_a_stale_page_is_refused(draft: Assessment, physio: Any) -> None:
    loaded_version = fresh(draft).version
    history(draft)

    with pytest.raises(StaleAssessment):
        services.assessment_sign(assessment=draft, signed_by=physio, version=loaded_version)

    assert fresh(draft).status == AssessmentStatus.DRAFT


def test_an_addendum_is_only_for_a_signed_assessment(draft: Assessment, physio: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.addendum_add(record=draft, author=physio, reason="Correction", text="C7, not C6.")

    assert error.value.messages == ["Addenda are for signed assessments; change the draft itself instead."]
    assert not Addendum.objects.exists()


def test_an_addendum_records_its_author_reason_and_text(draft: Assessment, physio: Any) -> None:
    signed(draft, physio)
    colleague = UserFactory(roles=[Role.PHYSIOTHERAPIST])

    addendum = services.addendum_add(
        record=draft, author=colleague, reason="  Late entry ", text=" Reflexes rechecked: symmetric. "
    )

    stored = Addendum.objects.get()
    assert stored == addendum
    assert (stored.assessment, stored.author, stored.reason, stored.text) == (
        fresh(draft),
        colleague,
        "Late entry",
        "Reflexes rechecked: symmetric.",
    )
    assert stored.created_at is not None
    assert fresh(draft).status == AssessmentStatus.SIGNED


def test_an_addendum_needs_a_reason_and_a_text(draft: Assessment, physio: Any) -> None:
    signed(draft, physio)

    with pytest.raises(ValidationError) as error:
        services.addendum_add(record=draft, author=physio, reason="  ", text="  ")

    assert set(error.value.message_dict) == {"reason", "text"}
    assert not Addendum.objects.exists()


# --- The audit trail ---------------------------------------------------------------------------------------------


def test_opening_an_assessment_is_logged_as_an_access(draft: Assessment) -> None:
    services.assessment_opened(assessment=draft)

    entries = LogEntry.objects.get_for_object(draft).filter(action=LogEntry.Action.ACCESS)
    assert entries.count() == 1


def test_saves_signing_and_findings_are_in_the_audit_log(draft: Assessment, physio: Any) -> None:
    row = finding(draft, "SEN-PARASPINAL", "L", level="C6")
    signed(draft, physio)
    services.assessment_mark_entered_in_error(assessment=draft, by=physio, reason="Wrong patient")

    changes = [entry.changes_dict for entry in LogEntry.objects.get_for_object(draft).order_by("timestamp", "pk")]
    assert any("chief_complaint" in change for change in changes)
    assert any(change.get("status") == ["draft", "signed"] for change in changes)
    assert any(change.get("status") == ["signed", "entered_in_error"] for change in changes)
    assert LogEntry.objects.get_for_object(row).filter(action=LogEntry.Action.CREATE).exists()
