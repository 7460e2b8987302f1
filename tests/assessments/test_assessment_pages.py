"""The IMS evaluation through the browser's eyes: the eight step pages, rows, the spine grid, signing and after."""

import html
import re
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.dates import DATE_RANGE_MESSAGE
from assessments import services
from assessments.models import (
    Addendum,
    Assessment,
    AssessmentStatus,
    ReflexTest,
    RomMeasurement,
    SegmentDecision,
    SensoryTest,
    SignFinding,
    StrengthTest,
)
from ims_clinic.demo import ALL_NO
from patients import services as patient_services
from tests.assessments.signing import ready_to_sign, sign_assessment, sign_by_review
from tests.date_cases import OUT_OF_RANGE
from tests.factories import ConsentFactory, PatientFactory, UserFactory, clear_for_needling
from tests.pages import Page, body_of, physio_client_for, shown

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7731 lateral elbow pain since the move"
STEPS = ["history", "safety", "movement", "strength", "reflexes", "hands-on", "spine", "summary"]
STEP_TITLES = [
    "1. History and symptoms",
    "2. Safety",
    "3. Movement",
    "4. Strength",
    "5. Reflexes and sensation",
    "6. Hands-on exam",
    "7. The spine",
    "8. Summary and sign",
]
STALE = "This assessment was saved elsewhere since you opened this page. Reload it to see the latest version."
NOT_EDITABLE = "This assessment is signed and cannot change. Add an addendum instead."


def step_url(assessment: Assessment, step: str) -> str:
    return reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": step})


def row_url(assessment: Assessment, kind: str) -> str:
    return reverse("assessments:assessment-row-add", kwargs={"pk": assessment.pk, "kind": kind})


def delete_url(assessment: Assessment, kind: str, row: Any) -> str:
    return reverse("assessments:assessment-row-delete", kwargs={"pk": assessment.pk, "kind": kind, "row_pk": row.pk})


def url(name: str, assessment: Assessment) -> str:
    return reverse(f"assessments:{name}", kwargs={"pk": assessment.pk})


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


@pytest.fixture
def patient() -> Any:
    return PatientFactory(given_name="Zebedee", family_name="Quartermaine")


@pytest.fixture
def assessment(physio_client: Client, patient: Any) -> Assessment:
    """Maya's draft, with the canary in the chief complaint and one row of every kind."""
    draft = services.assessment_start(patient=patient, physiotherapist=physio_client.user)
    services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": CANARY, "pain_best": 2, "pain_worst": 7}, version=draft.version
    )
    services.rom_record(
        assessment=draft, joint="shoulder", movement="flexion", side="L", mode="active", degrees=90, pain=True
    )
    services.strength_record(assessment=draft, level="C6", side="L", grade="4")
    services.reflex_record(assessment=draft, reflex="biceps", side="L", grade="1+")
    services.sensory_record(assessment=draft, level="C6", side="L", modality="pinprick", score="1", is_hyper=False)
    services.finding_record(assessment=draft, sign_code="MOT-TAUTBAND", side="L", status="present", muscle="supinator")
    services.spinal_sign_toggle(assessment=draft, level="C6", side="L", sign_code="SPI-PARASHORT")
    return fresh(draft)


@pytest.fixture
def colleague_client(db: None) -> Client:
    """Daniel, another physiotherapist: may read Maya's assessment, may not change it."""
    return physio_client_for("daniel")


def history_data(assessment: Assessment, **changes: Any) -> dict[str, Any]:
    """What the history form posts when the physio has filled it in."""
    data = {
        "version": str(fresh(assessment).version),
        "chief_complaint": "Pain at the outer elbow when gripping",
        "pain_region_choices": ["upper_limb:L"],
        "onset_on": (timezone.localdate() - timedelta(days=40)).isoformat(),
        "duration_text": "six weeks",
        "mechanism": "overuse",
        "mechanism_detail": "Started after painting the fence",
        "symptom_clues": ["deep_ache", "stiffness"],
        "pain_now": "5",
        "pain_best": "2",
        "pain_worst": "8",
        "aggravating_factors": "Gripping, lifting the kettle",
        "easing_factors": "Rest",
        "imaging": "none",
        "imaging_result": "",
        "previous_treatment": "Brace for two weeks",
        "red_flags": [],
        "red_flag_action": "",
        "goals": "Paint again without pain",
        "go": "stay",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def signed(assessment: Assessment) -> Assessment:
    sign_assessment(assessment)
    return fresh(assessment)


def saved_state(assessment: Assessment) -> tuple[Any, ...]:
    """Everything a refused post must leave as it was."""
    stored = fresh(assessment)
    return (
        stored.version,
        stored.status,
        stored.chief_complaint,
        stored.clinical_impression,
        list(RomMeasurement.objects.filter(assessment=assessment).values_list("joint", "side", "degrees")),
        list(StrengthTest.objects.filter(assessment=assessment).values_list("level", "side", "grade")),
        list(ReflexTest.objects.filter(assessment=assessment).values_list("reflex", "side", "grade")),
        list(SensoryTest.objects.filter(assessment=assessment).values_list("level", "side", "score")),
        list(SignFinding.objects.filter(assessment=assessment).values_list("sign_code", "level", "side", "status")),
        list(SegmentDecision.objects.filter(assessment=assessment).values_list("level", "side", "decision")),
        Addendum.objects.filter(assessment=assessment).count(),
    )


# --- Who may open it --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
def test_the_assessing_physio_opens_every_step_with_its_form(
    physio_client: Client, assessment: Assessment, step: str
) -> None:
    response = physio_client.get(step_url(assessment, step))

    assert response.status_code == 200
    page = Page(body_of(response))
    assert "Draft: saved as you go" in body_of(response)
    if step != "safety":
        assert page.posting_forms(), "an editable step offers a way to record something"


@pytest.mark.parametrize("step", STEPS)
def test_another_physio_reads_every_step_without_a_way_to_change_it(
    colleague_client: Client, assessment: Assessment, step: str
) -> None:
    response = colleague_client.get(step_url(assessment, step))

    assert response.status_code == 200
    page = Page(body_of(response))
    if step == "history":
        assert CANARY in body_of(response)
    spine_cells = [form for form in page.posting_forms() if form.get("action") == url("spine-toggle", assessment)]
    assert [form for form in page.posting_forms() if form not in spine_cells] == []
    toggles = [button for button in page.buttons if "aria-pressed" in button]
    assert all("disabled" in button for button in toggles)
    assert "Sign the assessment" not in body_of(response)


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
@pytest.mark.parametrize("step", STEPS)
def test_front_desk_and_clinic_admin_cannot_open_an_assessment(
    request: pytest.FixtureRequest, assessment: Assessment, persona: str, step: str
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    response = client.get(step_url(assessment, step))

    assert response.status_code == 403
    assert "CANARY-7731" not in body_of(response)
    assert "This page is not open to your role" in body_of(response)


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_clinic_admin_cannot_print_an_assessment(
    request: pytest.FixtureRequest, assessment: Assessment, persona: str
) -> None:
    response = request.getfixturevalue(f"{persona}_client").get(url("assessment-print", assessment))

    assert response.status_code == 403
    assert "CANARY-7731" not in body_of(response)


def test_someone_not_signed_in_is_sent_to_the_login_page(anonymous_client: Client, assessment: Assessment) -> None:
    response = anonymous_client.get(step_url(assessment, "history"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_assessment_or_step_is_not_found(physio_client: Client, assessment: Assessment) -> None:
    missing = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk + 1000, "step": "history"})

    assert physio_client.get(missing).status_code == 404
    assert physio_client.get(step_url(assessment, "diagnosis")).status_code == 404
    assert (
        physio_client.get(reverse("assessments:assessment-print", kwargs={"pk": assessment.pk + 1000})).status_code
        == 404
    )
    assert physio_client.post(row_url(assessment, "x-ray"), {}).status_code == 404


@pytest.mark.parametrize("name", ["spine-toggle", "segment-decide", "addendum-create", "assessment-entered-in-error"])
def test_the_actions_refuse_a_get(physio_client: Client, assessment: Assessment, name: str) -> None:
    assert physio_client.get(url(name, assessment)).status_code == 405


def test_opening_a_step_is_logged_as_an_access_and_the_print_page_as_a_print(
    physio_client: Client, assessment: Assessment
) -> None:
    from accounts.models import AuditAction, AuditEvent

    physio_client.get(step_url(assessment, "history"))
    physio_client.get(step_url(assessment, "spine"))
    physio_client.get(url("assessment-print", assessment))

    accesses = LogEntry.objects.get_for_object(assessment).filter(action=LogEntry.Action.ACCESS)
    assert accesses.count() == 2
    assert {entry.actor for entry in accesses} == {physio_client.user}
    printed = AuditEvent.objects.filter(action=AuditAction.PRINT, object_id=str(assessment.pk))
    assert [(event.actor, event.patient_id) for event in printed] == [(physio_client.user, assessment.patient_id)]


# --- The chart and starting --------------------------------------------------------------------------------------


def test_the_chart_offers_the_assessment_and_starting_twice_opens_the_same_draft(
    physio_client: Client, patient: Any
) -> None:
    chart = Page(body_of(physio_client.get(patient.get_absolute_url())))
    start = reverse("assessments:assessment-start", kwargs={"patient_pk": patient.pk})

    first = physio_client.post(start)
    second = physio_client.post(start)

    assert start in [form.get("action") for form in chart.forms]
    assessment = Assessment.objects.get()
    assert first["Location"] == second["Location"] == step_url(assessment, "history")
    assert assessment.physiotherapist == physio_client.user


def test_an_archived_patient_cannot_be_assessed(physio_client: Client, patient: Any) -> None:
    patient_services.patient_archive(patient=patient, archived_by=UserFactory())

    response = physio_client.post(
        reverse("assessments:assessment-start", kwargs={"patient_pk": patient.pk}), follow=True
    )

    assert shown("This patient is archived. Restore the patient before starting an assessment.", response)
    assert not Assessment.objects.exists()


def test_the_front_desk_chart_has_no_assessment_button_and_no_clinical_text(
    front_desk_client: Client, physio_client: Client, assessment: Assessment, patient: Any
) -> None:
    services.assessment_save_fields(
        assessment=assessment,
        data={"clinical_impression": "CANARY-7731 impression"},
        version=fresh(assessment).version,
    )
    start = reverse("assessments:assessment-start", kwargs={"patient_pk": patient.pk})

    desk = front_desk_client.get(patient.get_absolute_url())
    physio = physio_client.get(patient.get_absolute_url())

    assert desk.status_code == 200
    assert "CANARY-7731" not in body_of(desk)
    assert start not in [form.get("action") for form in Page(body_of(desk)).forms]
    assert "CANARY-7731 impression" in body_of(physio)


def test_the_front_desk_cannot_start_an_assessment(front_desk_client: Client, patient: Any) -> None:
    response = front_desk_client.post(reverse("assessments:assessment-start", kwargs={"patient_pk": patient.pk}))

    assert response.status_code == 403
    assert not Assessment.objects.exists()


# --- The progress indicator --------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
def test_the_progress_nav_lists_the_eight_steps_and_marks_the_current_one(
    physio_client: Client, assessment: Assessment, step: str
) -> None:
    page = Page(body_of(physio_client.get(step_url(assessment, step))))

    steps = [link for link in page.links if link.get("href") in {step_url(assessment, name) for name in STEPS}]
    nav = [link for link in steps if "nav-link" in (link.get("class") or "")]
    assert [link["text"] for link in nav] == STEP_TITLES
    assert [link["href"] for link in nav] == [step_url(assessment, name) for name in STEPS]
    current = [link for link in nav if link.get("aria-current") == "step"]
    assert [link["href"] for link in current] == [step_url(assessment, step)]


# --- Step 1: history ---------------------------------------------------------------------------------------------


def test_the_history_is_saved_and_save_keeps_the_physio_on_the_step(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.post(step_url(assessment, "history"), history_data(assessment))

    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, "history")
    stored = fresh(assessment)
    assert stored.chief_complaint == "Pain at the outer elbow when gripping"
    assert stored.pain_regions == [{"region": "upper_limb", "side": "L"}]
    assert (stored.pain_now, stored.pain_best, stored.pain_worst) == (5, 2, 8)
    assert stored.symptom_clues == ["deep_ache", "stiffness"]
    assert stored.mechanism == "overuse"
    assert stored.goals == "Paint again without pain"
    reopened = physio_client.get(step_url(assessment, "history"))
    assert "Pain at the outer elbow when gripping" in body_of(reopened)
    assert "History and symptoms saved." in body_of(reopened)


def test_save_and_continue_goes_to_the_next_step(physio_client: Client, assessment: Assessment) -> None:
    response = physio_client.post(step_url(assessment, "history"), history_data(assessment, go="next"))

    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, "safety")
    assert fresh(assessment).chief_complaint == "Pain at the outer elbow when gripping"


def test_red_flags_with_an_action_note_are_saved(physio_client: Client, assessment: Assessment) -> None:
    data = history_data(assessment, red_flags=["night_pain"], red_flag_action="Referred to the GP the same day")

    physio_client.post(step_url(assessment, "history"), data)

    stored = fresh(assessment)
    assert stored.red_flags == ["night_pain"]
    assert stored.red_flag_action == "Referred to the GP the same day"


HISTORY_ERRORS = {
    "pain 11": ({"pain_now": "11"}, "pain_now", "Ensure this value is less than or equal to 10."),
    "best above worst": (
        {"pain_best": "8", "pain_worst": "3"},
        "pain_best",
        "Pain at best cannot be higher than pain at worst.",
    ),
    "onset in the future": (
        {"onset_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
        "onset_on",
        "The pain cannot have begun in the future.",
    ),
    "red flag without action": (
        {"red_flags": ["weight_loss"], "red_flag_action": "  "},
        "red_flag_action",
        "Record what you did about the red flags (referral, advice).",
    ),
}


@pytest.mark.parametrize("case", HISTORY_ERRORS)
def test_bad_history_is_shown_at_the_field_with_the_typed_values_kept_and_nothing_saved(
    physio_client: Client, assessment: Assessment, case: str
) -> None:
    changes, field, message = HISTORY_ERRORS[case]
    before = saved_state(assessment)

    response = physio_client.post(
        step_url(assessment, "history"),
        history_data(assessment, chief_complaint="Typed but not yet saved", **changes),
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert shown(message, response)
    assert "Typed but not yet saved" in body_of(response)
    assert saved_state(assessment) == before


CONFLICT = "Your changes were not saved"


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_onset_outside_the_clinics_range_is_shown_at_the_field_and_nothing_is_saved(
    physio_client: Client, assessment: Assessment, value: str
) -> None:
    before = saved_state(assessment)

    response = physio_client.post(step_url(assessment, "history"), history_data(assessment, onset_on=value))

    assert response.status_code == 400
    assert response.context["form"].errors["onset_on"] == [DATE_RANGE_MESSAGE]
    assert saved_state(assessment) == before


def test_two_tabs_the_second_save_shows_what_changed_and_overwrites_nothing(
    physio_client: Client, assessment: Assessment
) -> None:
    loaded = history_data(assessment)
    first_tab = physio_client.post(step_url(assessment, "history"), {**loaded, "chief_complaint": "First tab"})

    second_tab = physio_client.post(
        step_url(assessment, "history"), {**loaded, "chief_complaint": "Second tab", "pain_now": "7"}
    )

    assert first_tab.status_code == 302
    assert second_tab.status_code == 409
    assert shown(CONFLICT, second_tab)
    assert shown("This assessment was saved at", second_tab)
    changes = second_tab.context["conflict"]["changes"]
    assert {"label": "Chief complaint", "saved": "First tab", "yours": "Second tab"} in changes
    assert {"label": "Pain now (0-10)", "saved": "5", "yours": "7"} in changes
    assert [row["label"] for row in changes] == ["Chief complaint", "Pain now (0-10)"]  # nothing else differs
    retry = second_tab.context["form"]
    assert retry["chief_complaint"].value() == "Second tab"
    assert int(retry["version"].value()) == fresh(assessment).version
    assert fresh(assessment).chief_complaint == "First tab"


def test_the_edit_is_re_applied_from_the_conflict_on_the_new_version(
    physio_client: Client, assessment: Assessment
) -> None:
    loaded = history_data(assessment)
    physio_client.post(step_url(assessment, "history"), {**loaded, "chief_complaint": "First tab"})
    conflict = physio_client.post(step_url(assessment, "history"), {**loaded, "chief_complaint": "Second tab"})
    saved_now = fresh(assessment).version

    kept = conflict.context["form"].data  # the user's input, now on the version saved by the first tab
    again = physio_client.post(step_url(assessment, "history"), {key: kept.getlist(key) for key in kept})

    assert f'name="version" value="{saved_now}"' in body_of(conflict)
    assert again.status_code == 302
    assert fresh(assessment).chief_complaint == "Second tab"


def test_a_stale_summary_shows_the_differing_plan(physio_client: Client, assessment: Assessment) -> None:
    loaded = fresh(assessment).version
    services.assessment_save_fields(assessment=assessment, data={"plan": "Needle C6 paraspinals"}, version=loaded)

    response = physio_client.post(
        step_url(assessment, "summary"),
        {"version": loaded, "clinical_impression": "C6 radiculopathy", "plan": "Review in a week", "go": "stay"},
    )

    assert response.status_code == 409
    changes = response.context["conflict"]["changes"]
    assert {"label": "Plan", "saved": "Needle C6 paraspinals", "yours": "Review in a week"} in changes
    assert "Review in a week" in body_of(response)
    assert fresh(assessment).plan == "Needle C6 paraspinals" and fresh(assessment).clinical_impression == ""


def test_a_double_submit_of_the_history_saves_once(physio_client: Client, assessment: Assessment) -> None:
    data = history_data(assessment)
    version = fresh(assessment).version

    physio_client.post(step_url(assessment, "history"), data)
    again = physio_client.post(step_url(assessment, "history"), data)

    assert again.status_code == 409
    assert shown("Your edit matches what is saved now; saving again changes nothing.", again)
    assert fresh(assessment).version == version + 1


# --- Rows: movement, strength, reflexes, sensation, hands-on -------------------------------------------------------

GOOD_ROWS = {
    "rom": (
        {"joint_movement": "elbow:flexion", "side": "R", "mode": "passive", "degrees": "140", "pain": "on"},
        "movement",
        lambda a: RomMeasurement.objects.filter(assessment=a, joint="elbow").values_list("side", "mode", "degrees"),
        [("R", "passive", 140)],
    ),
    "strength": (
        {"level": "C7", "side": "R", "grade": "4-"},
        "strength",
        lambda a: StrengthTest.objects.filter(assessment=a, level="C7").values_list("side", "grade"),
        [("R", "4-")],
    ),
    "reflex": (
        {"reflex": "triceps", "side": "R", "grade": "3+"},
        "reflexes",
        lambda a: ReflexTest.objects.filter(assessment=a, reflex="triceps").values_list("side", "grade"),
        [("R", "3+")],
    ),
    "sensory": (
        {"level": "C7", "side": "R", "modality": "light_touch", "score": "1", "is_hyper": "on"},
        "reflexes",
        lambda a: SensoryTest.objects.filter(assessment=a, level="C7").values_list("side", "score", "is_hyper"),
        [("R", "1", True)],
    ),
    "finding": (
        {
            "sign_code": "SEN-MOTORPOINT",
            "muscle": "extensor-carpi-radialis-brevis",
            "level": "",
            "region_note": "",
            "side": "L",
            "status": "present",
            "grade": "2",
            "note": "Jump sign",
        },
        "hands-on",
        lambda a: SignFinding.objects.filter(assessment=a, sign_code="SEN-MOTORPOINT").values_list(
            "muscle", "side", "grade", "note"
        ),
        [("extensor-carpi-radialis-brevis", "L", 2, "Jump sign")],
    ),
}


@pytest.mark.parametrize("kind", GOOD_ROWS)
def test_a_row_is_added_and_the_physio_returns_to_its_step(
    physio_client: Client, assessment: Assessment, kind: str
) -> None:
    data, step, saved, expected = GOOD_ROWS[kind]

    response = physio_client.post(row_url(assessment, kind), data)

    assert response.status_code == 302
    # Back at the step; a row recorded side by side also keeps its choice in the address (tested below).
    assert urlsplit(response["Location"]).path == step_url(assessment, step)
    assert list(saved(assessment)) == expected


def test_adding_the_same_row_twice_keeps_one(physio_client: Client, assessment: Assessment) -> None:
    data = {"reflex": "triceps", "side": "R", "grade": "3+"}

    physio_client.post(row_url(assessment, "reflex"), data)
    physio_client.post(row_url(assessment, "reflex"), data)

    assert ReflexTest.objects.filter(assessment=assessment, reflex="triceps").count() == 1


BAD_ROWS = {
    "361 degrees": (
        "rom",
        {"joint_movement": "shoulder:abduction", "side": "L", "mode": "active", "degrees": "361"},
        "degrees",
        "Degrees go from 0 to 360.",
    ),
    "-1 degrees": (
        "rom",
        {"joint_movement": "shoulder:abduction", "side": "L", "mode": "active", "degrees": "-1"},
        "degrees",
        "Degrees go from 0 to 360.",
    ),
    "spine side M for a shoulder": (
        "rom",
        {"joint_movement": "shoulder:abduction", "side": "M", "mode": "active", "degrees": "90"},
        "side",
        "Say which side: this movement is measured on the left or the right.",
    ),
    "MRC grade 6": (
        "strength",
        {"level": "C5", "side": "L", "grade": "6"},
        "grade",
        "Select a valid choice. 6 is not one of the available choices.",
    ),
    "unknown key muscle level": (
        "strength",
        {"level": "C9", "side": "L", "grade": "4"},
        "level",
        "Select a valid choice. C9 is not one of the available choices.",
    ),
    "reflex grade 5+": (
        "reflex",
        {"reflex": "biceps", "side": "R", "grade": "5+"},
        "grade",
        "Select a valid choice. 5+ is not one of the available choices.",
    ),
    "unknown reflex": (
        "reflex",
        {"reflex": "knee-jerk", "side": "R", "grade": "2+"},
        "reflex",
        "Select a valid choice. knee-jerk is not one of the available choices.",
    ),
    "hyper with a normal score": (
        "sensory",
        {"level": "C5", "side": "R", "modality": "pinprick", "score": "2", "is_hyper": "on"},
        "is_hyper",
        "The 'hyper' qualifier goes with sensory score 1 (impaired), the ISNCSCI score for it.",
    ),
    "unknown muscle": (
        "finding",
        {"sign_code": "MOT-TAUTBAND", "muscle": "biceps-femoris-minor", "side": "R", "status": "present"},
        "muscle",
        "Select a valid choice. biceps-femoris-minor is not one of the available choices.",
    ),
    "unknown level": (
        "finding",
        {"sign_code": "AUT-VASO", "level": "C9", "side": "R", "status": "present"},
        "level",
        "Select a valid choice. C9 is not one of the available choices.",
    ),
    "sign grade 4": (
        "finding",
        {"sign_code": "MOT-TAUTBAND", "muscle": "deltoid", "side": "R", "status": "present", "grade": "4"},
        "grade",
        "Select a valid choice. 4 is not one of the available choices.",
    ),
    "midline for a limb muscle": (
        "finding",
        {"sign_code": "MOT-TAUTBAND", "muscle": "deltoid", "side": "M", "status": "present"},
        "__all__",
        "Side M (midline) is for spinal findings; MOT-TAUTBAND needs L, R or B.",
    ),
    "a segmental muscle without a level": (
        "finding",
        {"sign_code": "MOT-TAUTBAND", "muscle": "lumbar-multifidus", "side": "R", "status": "present"},
        "__all__",
        "Say which level of the Lumbar multifidus was examined.",
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_is_shown_with_its_message_and_nothing_is_saved(
    physio_client: Client, assessment: Assessment, case: str
) -> None:
    kind, data, field, message = BAD_ROWS[case]
    before = saved_state(assessment)

    response = physio_client.post(row_url(assessment, kind), data)

    assert response.status_code == 400
    form = response.context["sensory_form" if kind == "sensory" else "form"]
    assert form.errors[field] == [message]
    assert shown(message, response)
    assert saved_state(assessment) == before


def test_a_row_is_removed_from_its_step(physio_client: Client, assessment: Assessment) -> None:
    row = ReflexTest.objects.get(assessment=assessment)

    response = physio_client.post(delete_url(assessment, "reflex", row))

    assert response["Location"] == step_url(assessment, "reflexes")
    assert not ReflexTest.objects.filter(pk=row.pk).exists()


def test_a_row_of_another_assessment_is_not_found_through_this_one(
    physio_client: Client, assessment: Assessment
) -> None:
    other = services.assessment_start(patient=PatientFactory(), physiotherapist=physio_client.user)
    theirs = services.reflex_record(assessment=other, reflex="achilles", side="L", grade="0")

    response = physio_client.post(delete_url(assessment, "reflex", theirs))

    assert response.status_code == 404
    assert ReflexTest.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    "step",
    [pytest.param(step) if step == "reflexes" else step for step in STEPS],
)
def test_every_id_on_a_step_is_unique_so_each_label_names_its_own_control(
    physio_client: Client, assessment: Assessment, step: str
) -> None:
    ids = re.findall(r'\sid="([^"]+)"', body_of(physio_client.get(step_url(assessment, step))))

    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# --- The tables ---------------------------------------------------------------------------------------------------


def test_the_movement_table_shows_percent_of_normal_and_the_side_difference(
    physio_client: Client, assessment: Assessment
) -> None:
    services.rom_record(
        assessment=assessment, joint="shoulder", movement="flexion", side="R", mode="active", degrees=180, pain=False
    )

    page = Page(body_of(physio_client.get(step_url(assessment, "movement"))))

    by_side = {row[1]: row for row in page.rows if row and row[0] == "Shoulder flexion"}
    # Movement, side, mode, degrees, normal, % of normal, side difference, pain at end
    assert by_side["Left"][:8] == [
        "Shoulder flexion",
        "Left",
        "active",
        "90°",
        "180°",
        "50% (limited)",
        "-90°",
        "Yes",
    ]
    assert by_side["Right"][:8] == ["Shoulder flexion", "Right", "active", "180°", "180°", "100%", "90°", "No"]
    assert "table-warning" in by_side["Left"].attrs.get("class", "")
    assert "table-warning" not in (by_side["Right"].attrs.get("class") or "")


def test_a_muscle_saved_as_not_tested_is_shown_as_not_tested_on_every_page_that_lists_strength(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.post(row_url(assessment, "strength"), {"level": "C7", "side": "R", "grade": "NT"})
    assert response.status_code == 302

    strength = physio_client.get(step_url(assessment, "strength"))
    summary = physio_client.get(step_url(assessment, "summary"))
    printed = physio_client.get(url("assessment-print", assessment))

    assert [strength.status_code, summary.status_code, printed.status_code] == [200, 200, 200]
    row = next(row for row in Page(body_of(strength)).rows if row and row[0] == "C7")
    assert row[3] == "not tested"
    assert "table-warning" not in (row.attrs.get("class") or "")
    assert "Key muscles not tested, so not counted: C7 right" in " ".join(body_of(summary).split())
    assert re.search(r"Key muscle C7 \([^)]*\)</td><td>right</td><td>not tested</td>", body_of(printed))


def test_the_strength_page_credits_the_medical_research_council(physio_client: Client, assessment: Assessment) -> None:
    body = body_of(physio_client.get(step_url(assessment, "strength")))

    assert "Used with the permission of the Medical Research Council." in body


def test_the_reflex_table_marks_an_asymmetric_reflex(physio_client: Client, assessment: Assessment) -> None:
    services.reflex_record(assessment=assessment, reflex="biceps", side="R", grade="2+")
    services.reflex_record(assessment=assessment, reflex="achilles", side="L", grade="2+")
    services.reflex_record(assessment=assessment, reflex="achilles", side="R", grade="2+")

    page = Page(body_of(physio_client.get(step_url(assessment, "reflexes"))))

    rows = {(row[0], row[2]): row for row in page.rows if row[:1] in (["Biceps"], ["Achilles"])}
    assert rows[("Biceps", "Left")][3] == "1+ asymmetric"
    assert rows[("Biceps", "Right")][3] == "2+ asymmetric"
    assert rows[("Achilles", "Left")][3] == "2+"
    assert "table-warning" in rows[("Biceps", "Left")].attrs["class"]
    assert "class" not in rows[("Achilles", "Right")].attrs


# --- Step 7: the spine grid ---------------------------------------------------------------------------------------


def spine_tap(level: str = "C5", side: str = "R", sign_code: str = "SEN-PARASPINAL") -> dict[str, str]:
    return {"level": level, "side": side, "sign_code": sign_code}


def test_a_tap_in_the_grid_with_htmx_returns_the_cell_pressed_then_unpressed(
    physio_client: Client, assessment: Assessment
) -> None:
    first = physio_client.post(url("spine-toggle", assessment), spine_tap(), headers={"HX-Request": "true"})
    recorded = list(SignFinding.objects.filter(sign_code="SEN-PARASPINAL").values_list("level", "side", "status"))
    second = physio_client.post(url("spine-toggle", assessment), spine_tap(), headers={"HX-Request": "true"})

    assert first.status_code == second.status_code == 200
    first_cell, second_cell = Page(body_of(first)), Page(body_of(second))
    assert [b["aria-pressed"] for b in first_cell.buttons] == ["true"]
    assert [b["aria-pressed"] for b in second_cell.buttons] == ["false"]
    assert first_cell.buttons[0]["aria-label"] == "Tender: Paraspinal tenderness at C5 right"
    assert "<html" not in body_of(first)
    assert recorded == [("C5", "R", "present")]
    assert not SignFinding.objects.filter(sign_code="SEN-PARASPINAL").exists()


def test_a_tap_without_javascript_records_the_sign_and_returns_to_the_row_of_the_grid(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.post(url("spine-toggle", assessment), spine_tap("T4", "M", "SPI-SPINOUS"))

    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, "spine") + "#level-T4"
    grid = Page(body_of(physio_client.get(step_url(assessment, "spine"))))
    pressed = [b["aria-label"] for b in grid.buttons if b.get("aria-pressed") == "true"]
    assert sorted(pressed) == [
        "Band: Paraspinal bands or shortening at C6 left",
        "Spinous: Spinous process tenderness at T4 midline",
    ]


def test_the_grid_runs_from_c1_to_s2_with_left_midline_and_right(
    physio_client: Client, assessment: Assessment
) -> None:
    grid = Page(body_of(physio_client.get(step_url(assessment, "spine"))))

    levels = [row.attrs["id"] for row in grid.rows if (row.attrs.get("id") or "").startswith("level-")]
    toggles = [b for b in grid.buttons if "aria-pressed" in b]
    assert levels[0] == "level-C1" and levels[-1] == "level-S2" and len(levels) == 27
    assert len(toggles) == 27 * 7


@pytest.mark.parametrize(
    ("tap", "message"),
    [
        (
            spine_tap("C5", "L", "SPI-SPINOUS"),
            "Spinous tenderness is midline; the other spinal signs are left or right.",
        ),
        (
            spine_tap("C5", "M", "SEN-PARASPINAL"),
            "Spinous tenderness is midline; the other spinal signs are left or right.",
        ),
    ],
    ids=["spinous on a side", "tenderness midline"],
)
def test_a_tap_on_a_cell_that_cannot_exist_is_refused(
    physio_client: Client, assessment: Assessment, tap: dict[str, str], message: str
) -> None:
    before = saved_state(assessment)

    htmx = physio_client.post(url("spine-toggle", assessment), tap, headers={"HX-Request": "true"})
    plain = physio_client.post(url("spine-toggle", assessment), tap, follow=True)

    assert htmx.status_code == 400 and message in body_of(htmx)
    assert shown(message, plain)
    assert saved_state(assessment) == before


def test_a_tap_with_an_unknown_level_is_a_bad_request(physio_client: Client, assessment: Assessment) -> None:
    before = saved_state(assessment)

    response = physio_client.post(url("spine-toggle", assessment), spine_tap("C9"))

    assert response.status_code == 400
    assert saved_state(assessment) == before


# --- Step 8: the summary ------------------------------------------------------------------------------------------


def acknowledged_questionnaire(patient: Any, **answers: Any) -> None:
    link, _ = patient_services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    patient_services.questionnaire_save_answers(link=link, answers={**ALL_NO, "Z1_NAME": "Pat Doe", **answers})
    response = patient_services.questionnaire_submit(link=link)
    for flag in response.flags.all():
        if flag.is_open:
            patient_services.safety_flag_acknowledge(
                flag=flag, acknowledged_by=UserFactory(), note="Discussed with the patient."
            )


def test_the_summary_suggests_a_level_and_confirming_it_lists_its_muscles_with_tags_and_site_holds(
    physio_client: Client, assessment: Assessment, patient: Any
) -> None:
    ConsentFactory(patient=patient)
    acknowledged_questionnaire(patient, H2="yes", H2_WHERE=["left_arm"])
    clear_for_needling(patient)
    services.finding_record(assessment=assessment, sign_code="SEN-PARASPINAL", side="L", status="present", level="C6")

    before = physio_client.get(step_url(assessment, "summary"))
    decided = physio_client.post(
        url("segment-decide", assessment), {"level": "C6", "side": "L", "decision": "confirmed"}
    )
    after = physio_client.get(step_url(assessment, "summary"))

    suggested = [row for row in Page(body_of(before)).rows if row[:1] == ["C6"]]
    assert suggested[0][:2] == ["C6", "left"] and suggested[0][3] == "Yes"
    assert "Confirm at least one level to see the muscles to needle." in body_of(before)
    assert decided["Location"] == step_url(assessment, "summary")
    assert list(SegmentDecision.objects.values_list("level", "side", "decision")) == [("C6", "L", "confirmed")]
    shown_after = body_of(after)
    assert "C6 left: involved" in shown_after
    assert "Cervical multifidus / rotatores" in shown_after
    assert "Supinator" in shown_after
    # A precaution is a short word, its caution shown on hover and keyboard focus and read out in full.
    assert (
        '<span class="badge text-bg-light border precaution" tabindex="0"><span aria-hidden="true">Near the spine'
        '</span> <span class="precaution-tip">Near the spine: close to the spinal canal or the vertebral artery</span>'
    ) in shown_after
    assert "Not clear for needling today" not in shown_after
    items = muscle_items(shown_after)
    assert "Held" not in items["Cervical multifidus / rotatores"]
    assert "Left: Held" in items["Supinator"]
    assert (
        "Lymphoedema or lymph nodes removed: the arm, left, is inside the region that must not be needled."
        in items["Supinator"]
    )


def muscle_items(body: str) -> dict[str, str]:
    """The summary's muscles to needle, each muscle's list item as plain text."""
    start = body.index('id="muscles-heading"')
    section = body[start : body.index("</section>", start)]
    found = {}
    for item in re.findall(r'<li class="list-group-item">(.*?)</ul>\s*</li>', section, flags=re.S):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split())
        name = re.search(r"<strong>(.*?)</strong>", item).group(1)
        found[html.unescape(name)] = text
    return found


def test_confirming_a_level_on_both_sides_records_two_decisions(physio_client: Client, assessment: Assessment) -> None:
    physio_client.post(url("segment-decide", assessment), {"level": "L5", "side": "B", "decision": "confirmed"})

    assert sorted(SegmentDecision.objects.values_list("level", "side", "decision")) == [
        ("L5", "L", "confirmed"),
        ("L5", "R", "confirmed"),
    ]


def test_a_decision_on_a_level_that_does_not_exist_is_refused_with_a_message(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.post(
        url("segment-decide", assessment), {"level": "C9", "side": "L", "decision": "confirmed"}, follow=True
    )

    assert shown("Choose a level, a side and a decision.", response)
    assert not SegmentDecision.objects.exists()


def test_the_impression_and_plan_are_saved(physio_client: Client, assessment: Assessment) -> None:
    response = physio_client.post(
        step_url(assessment, "summary"),
        {
            "version": fresh(assessment).version,
            "clinical_impression": "C6 radiculopathic pain",
            "plan": "IMS weekly x4",
            "go": "stay",
        },
    )

    assert response["Location"] == step_url(assessment, "summary")
    stored = fresh(assessment)
    assert (stored.clinical_impression, stored.plan) == ("C6 radiculopathic pain", "IMS weekly x4")
    assert stored.chief_complaint == CANARY


# --- Another physio, signing and after ---------------------------------------------------------------------------


def changing_posts(assessment: Assessment) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every post that changes the assessment, with data that would be accepted on an own draft."""
    reflex = ReflexTest.objects.filter(assessment=assessment).first()
    return {
        "history": (step_url(assessment, "history"), history_data(assessment)),
        "summary": (
            step_url(assessment, "summary"),
            {"version": fresh(assessment).version, "clinical_impression": "Changed", "plan": "Changed", "go": "stay"},
        ),
        "rom": (row_url(assessment, "rom"), GOOD_ROWS["rom"][0]),
        "strength": (row_url(assessment, "strength"), GOOD_ROWS["strength"][0]),
        "reflex": (row_url(assessment, "reflex"), GOOD_ROWS["reflex"][0]),
        "sensory": (row_url(assessment, "sensory"), GOOD_ROWS["sensory"][0]),
        "finding": (row_url(assessment, "finding"), GOOD_ROWS["finding"][0]),
        "row delete": (delete_url(assessment, "reflex", reflex), {}),
        "spine": (url("spine-toggle", assessment), spine_tap()),
        "segment": (url("segment-decide", assessment), {"level": "C6", "side": "L", "decision": "confirmed"}),
    }


CHANGES = ["history", "summary", "rom", "strength", "reflex", "sensory", "finding", "row delete", "spine", "segment"]


@pytest.mark.parametrize("change", [*CHANGES, "entered in error"])
def test_another_physio_cannot_change_a_draft(colleague_client: Client, assessment: Assessment, change: str) -> None:
    posts = changing_posts(assessment)
    posts["entered in error"] = (url("assessment-entered-in-error", assessment), {"reason": "Not mine"})
    target, data = posts[change]
    before = saved_state(assessment)

    response = colleague_client.post(target, data)

    assert response.status_code == 403
    assert "CANARY-7731" not in body_of(response)
    assert saved_state(assessment) == before


def test_another_physio_cannot_sign_a_draft(colleague_client: Client, assessment: Assessment) -> None:
    ready_to_sign(assessment)

    response = sign_by_review(colleague_client, assessment)

    assert shown("Only the physiotherapist who made this assessment can sign it.", response)
    assert fresh(assessment).status == AssessmentStatus.DRAFT


def test_signing_stores_the_digest_and_shows_the_signed_badge(physio_client: Client, assessment: Assessment) -> None:
    ready_to_sign(assessment)

    response = sign_by_review(physio_client, assessment)

    stored = fresh(assessment)
    assert stored.status == AssessmentStatus.SIGNED
    assert stored.content_digest == services.content_digest(stored)
    assert "The assessment is signed. It can no longer change; add an addendum if needed." in body_of(response)
    assert "badge text-bg-success" in body_of(response) and "Signed " in body_of(response)
    assert stored.content_digest in body_of(response)
    assert "Sign the assessment" not in body_of(response)


def test_signing_from_a_stale_page_is_refused_with_a_message(physio_client: Client, assessment: Assessment) -> None:
    loaded = ready_to_sign(assessment).version
    services.reflex_record(assessment=assessment, reflex="biceps", side="R", grade="2+")

    response = physio_client.post(url("assessment-sign", assessment), {"version": loaded, "reviewed": "on"})

    assert shown(STALE, response)
    assert fresh(assessment).status == AssessmentStatus.DRAFT


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(change)
        if change in {"history", "summary", "rom", "strength", "reflex", "sensory", "finding"}
        else change
        for change in CHANGES
    ],
)
def test_after_signing_every_change_is_refused_with_a_message_and_nothing_changes(
    physio_client: Client, assessment: Assessment, change: str
) -> None:
    signed(assessment)
    target, data = changing_posts(assessment)[change]
    before = saved_state(assessment)

    response = physio_client.post(target, data, follow=True)

    assert response.status_code in (200, 400)
    assert saved_state(assessment) == before
    assert shown(NOT_EDITABLE, response)


def test_after_signing_a_second_sign_is_refused_with_a_message(physio_client: Client, assessment: Assessment) -> None:
    digest = signed(assessment).content_digest

    response = sign_by_review(physio_client, assessment)

    assert shown(NOT_EDITABLE, response)
    assert fresh(assessment).content_digest == digest


@pytest.mark.parametrize("step", STEPS)
def test_a_signed_assessment_shows_no_form_to_change_it(
    physio_client: Client, assessment: Assessment, step: str
) -> None:
    signed(assessment)

    page = Page(body_of(physio_client.get(step_url(assessment, step))))

    kept = {url("addendum-create", assessment), url("assessment-entered-in-error", assessment)}
    changing = [
        f
        for f in page.posting_forms()
        if f.get("action") not in kept and f.get("action") != url("spine-toggle", assessment)
    ]
    assert changing == []
    assert all("disabled" in b for b in page.buttons if "aria-pressed" in b)


def test_an_addendum_needs_a_reason_and_a_text(physio_client: Client, assessment: Assessment) -> None:
    signed(assessment)

    response = physio_client.post(url("addendum-create", assessment), {"reason": " ", "text": ""})

    assert response.status_code == 400
    assert shown("Say why you add this addendum.", response)
    assert shown("Write the addendum.", response)
    assert not Addendum.objects.exists()


def test_an_addendum_is_shown_beside_the_signed_assessment(physio_client: Client, assessment: Assessment) -> None:
    signed(assessment)

    response = physio_client.post(
        url("addendum-create", assessment), {"reason": "Late entry", "text": "Biceps reflex rechecked: 2+."}
    )

    assert response["Location"] == step_url(assessment, "summary")
    addendum = Addendum.objects.get()
    assert (addendum.author, addendum.reason, addendum.text) == (
        physio_client.user,
        "Late entry",
        "Biceps reflex rechecked: 2+.",
    )
    history = body_of(physio_client.get(step_url(assessment, "history")))
    assert "Addenda" in history and "Late entry" in history and "Biceps reflex rechecked: 2+." in history


def test_an_addendum_on_a_draft_is_refused_with_a_message(physio_client: Client, assessment: Assessment) -> None:
    response = physio_client.post(url("addendum-create", assessment), {"reason": "Late entry", "text": "Note."})

    assert response.status_code == 400
    assert shown("Addenda are for signed assessments; change the draft itself instead.", response)
    assert not Addendum.objects.exists()


def test_entered_in_error_needs_a_reason(physio_client: Client, assessment: Assessment) -> None:
    signed(assessment)

    response = physio_client.post(url("assessment-entered-in-error", assessment), {"reason": ""})

    assert response.status_code == 400
    assert shown("Say why this assessment was entered in error.", response)
    assert fresh(assessment).status == AssessmentStatus.SIGNED


def test_a_mistaken_assessment_is_marked_entered_in_error_and_stays_readable(
    physio_client: Client, assessment: Assessment
) -> None:
    signed(assessment)

    response = physio_client.post(
        url("assessment-entered-in-error", assessment), {"reason": "Recorded on the wrong patient"}, follow=True
    )

    stored = fresh(assessment)
    assert stored.status == AssessmentStatus.ENTERED_IN_ERROR
    assert stored.entered_in_error_reason == "Recorded on the wrong patient"
    assert "The assessment is marked entered in error. It stays in the record." in body_of(response)
    assert "Entered in error" in body_of(response) and "Recorded on the wrong patient" in body_of(response)
    assert CANARY in body_of(physio_client.get(step_url(assessment, "history")))


# --- The print page -----------------------------------------------------------------------------------------------


def test_the_print_page_has_the_patient_the_summary_and_the_signature_line(
    physio_client: Client, assessment: Assessment
) -> None:
    services.finding_record(assessment=assessment, sign_code="SEN-PARASPINAL", side="L", status="present", level="C6")
    services.segment_decide(assessment=assessment, level="C6", side="L", decision="confirmed")
    stored = signed(assessment)

    response = physio_client.get(url("assessment-print", assessment))

    body = body_of(response)
    assert response.status_code == 200
    assert "Quartermaine, Zebedee" in body
    assert CANARY in body
    assert "Segment summary" in body and "Suggested: C6." in body
    assert "Confirmed involved: C6 left" in body
    assert "Cervical multifidus / rotatores" in body
    signer = str(physio_client.user)
    signed_at = timezone.localtime(stored.signed_at)
    assert f"Signed electronically by {signer} on {signed_at.day} {signed_at:%B %Y, %H:%M}" in body
    assert stored.content_digest[:16] in body


def test_the_print_page_of_a_draft_says_it_is_not_signed(physio_client: Client, assessment: Assessment) -> None:
    body = body_of(physio_client.get(url("assessment-print", assessment)))

    assert "DRAFT: not signed." in body
    assert "Not signed." in body


# --- Query counts -------------------------------------------------------------------------------------------------


def add_many_findings(assessment: Assessment) -> None:
    for level in ("C2", "C3", "C4", "C5", "C7", "C8", "T1", "T2", "T3", "T4", "L4", "L5", "S1"):
        for side in ("L", "R"):
            services.spinal_sign_toggle(assessment=assessment, level=level, side=side, sign_code="SEN-PARASPINAL")
            services.spinal_sign_toggle(assessment=assessment, level=level, side=side, sign_code="SPI-TROPHIC")
            services.segment_decide(assessment=assessment, level=level, side=side, decision="confirmed")
        services.spinal_sign_toggle(assessment=assessment, level=level, side="M", sign_code="SPI-SPINOUS")
    for reflex in ("triceps", "patellar", "achilles"):
        for side in ("L", "R"):
            services.reflex_record(
                assessment=assessment, reflex=reflex, side=side, grade="1+" if side == "L" else "2+"
            )
    for level in ("C5", "C7", "L4", "L5"):
        services.strength_record(assessment=assessment, level=level, side="L", grade="4")
    for muscle in ("deltoid", "supinator", "gluteus-medius", "soleus", "upper-trapezius"):
        services.finding_record(
            assessment=assessment, sign_code="MOT-TAUTBAND", side="R", status="present", muscle=muscle
        )


@pytest.mark.parametrize(
    ("step", "at_most"), [("spine", 40), ("summary", 15), ("hands-on", 40), ("movement", 40), ("reflexes", 40)]
)
def test_the_query_count_of_a_step_does_not_grow_with_the_findings(
    physio_client: Client, assessment: Assessment, step: str, at_most: int, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(at_most) as few:
        assert physio_client.get(step_url(assessment, step)).status_code == 200
    add_many_findings(assessment)
    assert SignFinding.objects.filter(assessment=assessment).count() > 60

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert physio_client.get(step_url(assessment, step)).status_code == 200
