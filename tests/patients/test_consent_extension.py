"""Extending a consent to a further body region (7.2 element 10): the service, the form, the consent's page,
withdrawal taking the extensions with it, and the chart's timeline."""

from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from patients import safety_state
from patients.forms import ConsentExtensionForm
from patients.models import Consent, ConsentExtension, ConsentForm, Patient
from patients.safety_rules import REGION_RISKS, BodyRegion
from patients.services import consent_extend, consent_in_force, consent_withdraw
from tests.factories import ConsentFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

CHEST_RISKS = REGION_RISKS[BodyRegion.CHEST]
WITHDRAWN = "This consent was withdrawn: record a new consent."
ARCHIVED = "This patient is archived. Restore the patient before recording consent."
ALREADY_NECK = "This consent already covers the head and neck."
ALREADY_CHEST = "This consent already covers the chest wall."
UNKNOWN_REGION = "Choose a body region from the list."
NO_RISKS = "Record the risks of this region as they were explained."
NO_NAME = "For written consent the patient types their full name."
NO_REGION = "Choose the region the patient consents to."
NO_FORM = "Say whether consent was given verbally or in writing."
NOT_AGREED = "Tick this once the risks were explained and the patient agreed."
EXTENDED = "Consent extended to the chest wall."


@pytest.fixture
def physio() -> Any:
    return UserFactory(username="maya", first_name="Maya")


@pytest.fixture
def consent() -> Consent:
    """Consent to the head and neck and the upper back, beside the spine too, given an hour ago."""
    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    return ConsentFactory(
        patient=patient, regions=["head_neck", "upper_back"], given_at=timezone.now() - timedelta(hours=1)
    )


def extend(consent: Consent, clinician: Any, **overrides: Any) -> ConsentExtension:
    """consent_extend to the chest wall, verbally, with its risks read, changed by `overrides`."""
    arguments = {
        "consent": consent,
        "region": "chest",
        "includes_paraspinal": True,
        "risks_explained": CHEST_RISKS,
        "form": ConsentForm.VERBAL,
        "clinician": clinician,
    }
    arguments.update(overrides)
    return consent_extend(**arguments)


def refusal(consent: Consent, clinician: Any, **overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        extend(consent, clinician, **overrides)
    error = refused.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def form_data(**overrides: Any) -> dict[str, Any]:
    """What the extension form posts when the physio has read the chest wall's risks and the patient agreed."""
    data = {
        "region": "chest",
        "risks_explained": CHEST_RISKS,
        "includes_paraspinal": "on",
        "form": "verbal",
        "signed_name": "",
        "patient_agrees": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def extend_url(consent: Consent, patient: Patient | None = None) -> str:
    patient_pk = patient.pk if patient else consent.patient_id
    return reverse("patients:consent-extend", kwargs={"pk": patient_pk, "consent_pk": consent.pk})


# --- The service ----------------------------------------------------------------------------------------------------


def test_an_extension_is_recorded_with_the_risks_read_and_the_clinician(consent: Consent, physio: Any) -> None:
    extension = extend(consent, physio, risks_explained=f"  {CHEST_RISKS}  ", signed_name="Not for verbal")

    saved = ConsentExtension.objects.get()
    assert saved == extension
    assert (saved.consent, saved.region, saved.includes_paraspinal) == (consent, "chest", True)
    assert saved.risks_explained == CHEST_RISKS
    assert (saved.form, saved.signed_name, saved.clinician) == (ConsentForm.VERBAL, "", physio)
    assert timezone.now() - timedelta(minutes=1) < saved.given_at <= saved.recorded_at
    assert LogEntry.objects.get_for_object(saved).filter(action=LogEntry.Action.CREATE).exists()


def test_a_written_extension_keeps_the_typed_name(consent: Consent, physio: Any) -> None:
    extension = extend(consent, physio, form=ConsentForm.WRITTEN, signed_name="  Zebedee Quartermaine ")

    assert extension.signed_name == "Zebedee Quartermaine"


def test_a_late_entry_keeps_when_consent_was_given(consent: Consent, physio: Any) -> None:
    given_at = timezone.now() - timedelta(minutes=20)

    extension = extend(consent, physio, given_at=given_at)

    assert extension.given_at == given_at
    assert extension.recorded_at > given_at


def test_the_same_extension_sent_twice_is_recorded_once(consent: Consent, physio: Any) -> None:
    first = extend(consent, physio)

    second = extend(consent, physio)

    assert second == first
    assert ConsentExtension.objects.count() == 1


def test_a_different_extension_of_a_region_already_added_is_refused(consent: Consent, physio: Any) -> None:
    extend(consent, physio)

    assert refusal(consent, physio, includes_paraspinal=False) == {"region": [ALREADY_CHEST]}
    assert refusal(consent, UserFactory()) == {"region": [ALREADY_CHEST]}
    assert ConsentExtension.objects.count() == 1


def test_a_region_the_consent_already_covers_is_refused(consent: Consent, physio: Any) -> None:
    assert refusal(consent, physio, region="head_neck") == {"region": [ALREADY_NECK]}
    assert not ConsentExtension.objects.exists()


def test_a_region_consented_away_from_the_spine_can_be_extended_to_beside_it(physio: Any) -> None:
    consent = ConsentFactory(regions=["upper_back"], includes_paraspinal=False)

    assert refusal(consent, physio, region="upper_back", includes_paraspinal=False) == {
        "region": ["This consent already covers the upper and middle back."]
    }
    extension = extend(consent, physio, region="upper_back", includes_paraspinal=True)

    assert (extension.region, extension.includes_paraspinal) == ("upper_back", True)


def test_a_withdrawn_consent_cannot_be_extended(consent: Consent, physio: Any) -> None:
    consent_withdraw(consent=consent, withdrawn_by=physio, reason="Asked to stop")

    assert refusal(consent, physio) == {"__all__": [WITHDRAWN]}
    assert not ConsentExtension.objects.exists()


def test_an_archived_patients_consent_cannot_be_extended(consent: Consent, physio: Any) -> None:
    Patient.objects.filter(pk=consent.patient_id).update(is_archived=True, archived_at=timezone.now())

    assert refusal(consent, physio) == {"__all__": [ARCHIVED]}
    assert not ConsentExtension.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"region": "tail"}, {"region": [UNKNOWN_REGION]}),
        ({"risks_explained": "   "}, {"risks_explained": [NO_RISKS]}),
        ({"form": ConsentForm.WRITTEN, "signed_name": "  "}, {"signed_name": [NO_NAME]}),
        ({"form": "nodded"}, {"form": [NO_FORM]}),
        (
            {"given_at": timezone.now() + timedelta(hours=1)},
            {"given_at": ["Consent cannot be recorded as given in the future."]},
        ),
        (
            {"given_at": timezone.now() - timedelta(days=2)},
            {"given_at": ["An extension cannot be given before the consent it extends."]},
        ),
    ],
)
def test_the_service_refuses_an_incomplete_extension_at_its_field(
    consent: Consent, physio: Any, overrides: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    assert refusal(consent, physio, **overrides) == expected
    assert not ConsentExtension.objects.exists()


# --- Withdrawal takes the extensions with it ------------------------------------------------------------------------


def test_after_withdrawal_neither_the_consent_nor_its_extensions_are_in_force(consent: Consent, physio: Any) -> None:
    extend(consent, physio)
    scope = safety_state.safety_states([consent.patient_id])[consent.patient_id].consent
    assert scope is not None and BodyRegion.CHEST in scope.regions

    consent_withdraw(consent=consent, withdrawn_by=physio, reason="Asked to stop")

    assert consent_in_force(patient=consent.patient) is None
    state = safety_state.safety_states([consent.patient_id])[consent.patient_id]
    assert state.consent is None
    assert state.consent_withdrawn_on == timezone.localdate()
    assert ConsentExtension.objects.get().consent == consent  # kept in the record


def test_a_new_consent_does_not_inherit_the_withdrawn_consents_extensions(consent: Consent, physio: Any) -> None:
    extend(consent, physio)
    consent_withdraw(consent=consent, withdrawn_by=physio, reason="Asked to stop")
    renewed = ConsentFactory(patient=consent.patient, regions=["head_neck"])

    scope = safety_state.safety_states([consent.patient_id])[consent.patient_id].consent

    assert consent_in_force(patient=consent.patient) == renewed
    assert scope is not None and scope.regions == frozenset({BodyRegion.HEAD_NECK})


# --- The form -------------------------------------------------------------------------------------------------------


def test_the_form_accepts_a_verbal_extension_and_gives_the_service_its_arguments() -> None:
    form = ConsentExtensionForm(data=form_data())

    assert form.is_valid(), form.errors
    assert form.extension_data() == {
        "region": "chest",
        "risks_explained": CHEST_RISKS,
        "includes_paraspinal": True,
        "form": "verbal",
        "signed_name": "",
    }


def test_the_form_puts_each_message_at_its_field() -> None:
    form = ConsentExtensionForm(data=form_data(region="", risks_explained="", form=None, patient_agrees=None))

    assert form.errors == {
        "region": [NO_REGION],
        "risks_explained": [NO_RISKS],
        "form": [NO_FORM],
        "patient_agrees": [NOT_AGREED],
    }


def test_the_form_asks_for_the_typed_name_on_written_consent() -> None:
    form = ConsentExtensionForm(data=form_data(form="written", signed_name=" "))

    assert form.errors == {"signed_name": [NO_NAME]}


def test_the_form_refuses_an_unknown_region() -> None:
    assert ConsentExtensionForm(data=form_data(region="tail")).errors == {"region": [UNKNOWN_REGION]}


def test_a_preset_region_is_hidden_and_its_risks_fill_the_text_to_read() -> None:
    form = ConsentExtensionForm(region="chest")

    assert form.fields["region"].widget.is_hidden
    assert form.initial["region"] == "chest"
    assert form.initial["risks_explained"] == CHEST_RISKS
    assert form.fields["includes_paraspinal"].initial is True


def test_an_unknown_preset_region_leaves_the_choice_to_the_physio() -> None:
    form = ConsentExtensionForm(region="tail")

    assert not form.fields["region"].widget.is_hidden
    assert "risks_explained" not in form.initial


# --- The consent's page ---------------------------------------------------------------------------------------------


def test_a_physio_extends_the_consent_and_sees_it_in_the_consents_record(
    physio_client: Client, consent: Consent
) -> None:
    response = physio_client.post(extend_url(consent), form_data(), follow=True)

    assert response.redirect_chain == [(consent.get_absolute_url(), 302)]
    extension = ConsentExtension.objects.get()
    assert (extension.consent, extension.region, extension.clinician) == (consent, "chest", physio_client.user)
    body = response.content.decode()
    assert EXTENDED in body
    assert "Chest wall and armpit</strong>, including next to the spine" in body
    assert extension.given_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M") in body
    assert "Verbal, recorded by the clinician" in body
    assert "collapsed lung (pneumothorax)" in body


def test_the_consent_page_offers_the_extension_form_with_each_regions_risks(
    physio_client: Client, consent: Consent
) -> None:
    body = physio_client.get(consent.get_absolute_url()).content.decode()

    assert f'action="{extend_url(consent)}"' in body
    assert 'id="region-risks"' in body
    assert "None: the consent covers the regions above." in body


def test_the_consent_page_presets_a_region_asked_for(physio_client: Client, consent: Consent) -> None:
    response = physio_client.get(consent.get_absolute_url(), {"region": "chest"})

    form = response.context["extension_form"]
    assert form.fields["region"].widget.is_hidden
    assert 'type="hidden" name="region" value="chest"' in response.content.decode()


def test_posting_the_same_extension_twice_records_one(physio_client: Client, consent: Consent) -> None:
    first = physio_client.post(extend_url(consent), form_data())
    second = physio_client.post(extend_url(consent), form_data())

    assert first.status_code == second.status_code == 302
    assert ConsentExtension.objects.count() == 1


def test_an_incomplete_extension_shows_the_messages_at_the_fields_and_saves_nothing(
    physio_client: Client, consent: Consent
) -> None:
    response = physio_client.post(extend_url(consent), form_data(form="written", signed_name="", patient_agrees=None))

    assert response.status_code == 400
    assert response.context["extension_form"].errors == {"signed_name": [NO_NAME], "patient_agrees": [NOT_AGREED]}
    body = response.content.decode()
    assert NO_NAME in body and NOT_AGREED in body
    assert not ConsentExtension.objects.exists()


def test_a_region_already_covered_is_refused_at_the_region(physio_client: Client, consent: Consent) -> None:
    response = physio_client.post(extend_url(consent), form_data(region="head_neck"))

    assert response.status_code == 400
    assert response.context["extension_form"].errors == {"region": [ALREADY_NECK]}
    assert ALREADY_NECK in response.content.decode()
    assert not ConsentExtension.objects.exists()


def test_a_withdrawn_consent_is_not_extended_and_says_why(physio_client: Client, consent: Consent) -> None:
    consent_withdraw(consent=consent, withdrawn_by=physio_client.user, reason="Asked to stop")

    response = physio_client.post(extend_url(consent), form_data(), follow=True)

    assert response.redirect_chain == [(consent.get_absolute_url(), 302)]
    body = response.content.decode()
    assert WITHDRAWN in body
    assert f'action="{extend_url(consent)}"' not in body
    assert not ConsentExtension.objects.exists()


def test_a_withdrawn_consents_page_marks_its_extensions_withdrawn(physio_client: Client, consent: Consent) -> None:
    extend(consent, physio_client.user)
    consent_withdraw(consent=consent, withdrawn_by=physio_client.user, reason="Asked to stop")

    body = physio_client.get(consent.get_absolute_url()).content.decode()

    assert "Withdrawn with the consent" in body


def test_extending_by_get_is_refused(physio_client: Client, consent: Consent) -> None:
    assert physio_client.get(extend_url(consent)).status_code == 405


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_clinic_admin_cannot_extend_a_consent(
    request: pytest.FixtureRequest, persona: str, consent: Consent
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    response = client.post(extend_url(consent), form_data())

    assert response.status_code == 403
    assert "Quartermaine" not in response.content.decode()
    assert not ConsentExtension.objects.exists()


def test_another_patients_consent_is_not_found(physio_client: Client, consent: Consent) -> None:
    response = physio_client.post(extend_url(consent, patient=PatientFactory()), form_data())

    assert response.status_code == 404
    assert not ConsentExtension.objects.exists()


# --- The chart's timeline -------------------------------------------------------------------------------------------


def chart(patient: Patient) -> str:
    return reverse("patients:patient-detail", args=[patient.pk])


def test_the_chart_shows_the_extension_to_a_physio(physio_client: Client, consent: Consent) -> None:
    extend(consent, physio_client.user)

    body = physio_client.get(chart(consent.patient)).content.decode()

    assert "Consent to IMS extended" in body
    assert "Consent extended to the chest wall, including next to the spine" in body


def test_front_desk_sees_that_consent_was_extended_but_not_where(front_desk_client: Client, consent: Consent) -> None:
    extend(consent, UserFactory())

    body = front_desk_client.get(chart(consent.patient)).content.decode()

    assert "Consent to IMS extended" in body
    assert "chest wall" not in body.lower()


def test_a_withdrawn_consents_extension_is_marked_withdrawn_on_the_chart(
    physio_client: Client, consent: Consent
) -> None:
    extend(consent, physio_client.user)
    consent_withdraw(consent=consent, withdrawn_by=physio_client.user, reason="Asked to stop")

    body = physio_client.get(chart(consent.patient)).content.decode()

    assert "Consent to IMS extended (withdrawn)" in body
