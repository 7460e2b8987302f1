"""One answer everywhere: over generated patients in every safety state, the schedule's badges, the appointment page,
the summary's muscle list, the session page and the service that saves a site agree with the gate.

Each example builds a patient in one state (questionnaire none, current, expiring or expired; flags of each kind
acknowledged or not; consent none, in force, partial or withdrawn; the re-check not asked, no change, changes
recorded or a new questionnaire awaited), a planned site, and reads every page that answers for it.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from html import unescape
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from assessments import anatomy, services, site_gate
from assessments.models import Assessment, NeedledSite, SegmentDecision
from ims_clinic.demo import ALL_NO
from patients import safety_state
from patients import services as patient_services
from patients.models import RecheckAnswer
from patients.safety_rules import BodyRegion
from scheduling.schedule import gate_badges
from tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    ConsentFactory,
    PatientFactory,
    PractitionerFactory,
    QuestionnaireResponseFactory,
    SafetyFlagFactory,
    UserFactory,
)
from tests.run_suite import IN_CI

pytestmark = pytest.mark.django_db

# Flags of each kind the gate treats differently: a bleeding risk (DEEP sites), a patient-wide hold, a site hold
# with areas (the quadrant), a site hold by region, a minor flag, and information only.
FLAG_KINDS = {
    "anticoagulant": {"code": "BLEED_ANTICOAGULANT", "severity": "HIGH", "severity_rank": 5},
    "phobia": {"code": "NEEDLE_PHOBIA", "severity": "HOLD", "severity_rank": 6, "reason": "Very afraid of needles"},
    "lymphoedema": {
        "code": "LYMPHOEDEMA_SITE",
        "severity": "MODERATE",
        "severity_rank": 3,
        "site_severity": "HOLD",
        "areas": [{"region": "upper_limb", "side": "L"}],
        "reason": "Left arm",
    },
    "pregnancy": {
        "code": "PREGNANCY",
        "severity": "HIGH",
        "severity_rank": 5,
        "site_severity": "HOLD",
        "areas": [{"region": "abdomen", "side": None}, {"region": "pelvis", "side": None}],
        "reason": "Pregnant",
    },
    "diabetes": {"code": "DIABETES", "severity": "LOW", "severity_rank": 2, "reason": "Diabetes, controlled"},
    "family": {"code": "FAMILY_BLEEDING", "severity": "INFO", "severity_rank": 1, "reason": "Family history"},
}
NOTES = {"HOLD": "Resolved with the patient.", "HIGH": "Plan: superficial only.", "CLARIFY": "Asked: no."}

# Sites of every kind: no tag, over the lung, deep, beside the spine, over organs; both halves of the body.
SITES = [
    ("deltoid", ""),
    ("pectoralis-major", ""),
    ("gluteus-minimus", ""),
    ("cervical-multifidus-rotatores", "C6"),
    ("rectus-abdominis-obliques", ""),
]
CONFIRMED_LEVELS = ("C6", "L5", "T10")


@dataclass(frozen=True)
class Scenario:
    questionnaire_age: int | None  # days since the answers; None: no questionnaire
    flags: tuple[tuple[str, bool], ...]  # (kind, acknowledged)
    consent: str  # none / all / partial / withdrawn
    partial_regions: frozenset[str]
    recheck: str  # due / no_change / changes / new_questionnaire
    site: tuple[str, str]
    side: str


scenarios = st.builds(
    Scenario,
    questionnaire_age=st.sampled_from([None, 3, 3, 85, 120]),
    flags=st.lists(
        st.tuples(st.sampled_from(sorted(FLAG_KINDS)), st.booleans()), max_size=3, unique_by=lambda f: f[0]
    ).map(tuple),
    consent=st.sampled_from(["none", "all", "partial", "partial", "withdrawn"]),
    partial_regions=st.frozensets(st.sampled_from([region.value for region in BodyRegion]), min_size=1),
    recheck=st.sampled_from(["due", "no_change", "no_change", "no_change", "changes", "new_questionnaire"]),
    site=st.sampled_from(SITES),
    side=st.sampled_from(["L", "R"]),
)


def build(scenario: Scenario, physio: Any) -> tuple[Any, Any, Any, Any]:
    """The patient in the scenario's state, today's appointment with the physiotherapist, an assessment with the
    levels confirmed, and a draft session."""
    patient = PatientFactory()
    now = timezone.now()
    if scenario.questionnaire_age is not None:
        answered = now - timedelta(days=scenario.questionnaire_age)
        response = QuestionnaireResponseFactory(
            patient=patient,
            answers={**ALL_NO, "Z1_NAME": "Pat Doe"},
            submitted_at=answered,
            screened_at=answered,
            link__submitted_at=answered,
        )
        for kind, acknowledged in scenario.flags:
            spec = dict(FLAG_KINDS[kind])
            SafetyFlagFactory(
                response=response,
                **spec,
                acknowledged_at=now if acknowledged else None,
                acknowledged_by=physio if acknowledged else None,
                acknowledgement_note=NOTES.get(spec["severity"], "") if acknowledged else "",
            )
    if scenario.consent != "none":
        regions = (
            [region.value for region in BodyRegion]
            if scenario.consent != "partial"
            else sorted(scenario.partial_regions)
        )
        consent = ConsentFactory(patient=patient, regions=regions, clinician=physio)
        if scenario.consent == "withdrawn":
            patient_services.consent_withdraw(consent=consent, withdrawn_by=physio, reason="Changed their mind.")
    if scenario.questionnaire_age is not None and scenario.recheck != "due":
        answer = {
            "no_change": RecheckAnswer.NO_CHANGE,
            "changes": RecheckAnswer.CHANGES_RECORDED,
            "new_questionnaire": RecheckAnswer.NEW_QUESTIONNAIRE,
        }[scenario.recheck]
        patient_services.safety_recheck_record(
            patient=patient,
            asked_by=physio,
            answer=answer,
            changes={"medicines_started": "apixaban"} if answer == RecheckAnswer.CHANGES_RECORDED else None,
        )
    practitioner = PractitionerFactory(user=physio)
    starts_at = timezone.make_aware(datetime.combine(timezone.localdate(), time(10)))
    appointment = AppointmentFactory(
        patient=patient,
        practitioner=practitioner,
        appointment_type=AppointmentTypeFactory(),
        starts_at=starts_at,
    )
    assessment = Assessment.objects.create(patient=patient, physiotherapist=physio)
    for level in CONFIRMED_LEVELS:
        for side in ("L", "R"):
            SegmentDecision.objects.create(assessment=assessment, level=level, side=side, decision="confirmed")
    session = services.session_start(patient=patient, physiotherapist=physio)
    session.assessment = assessment
    session.save(update_fields=["assessment"])
    return patient, appointment, assessment, session


def text_of(response: Any) -> str:
    assert response.status_code == 200
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def verdict_shown(body: str, muscle_name: str, side: str) -> str:
    """The verdict the page's muscle list shows for a muscle and side ("Left: Held" -> "Held")."""
    item = re.search(rf"<strong>{re.escape(muscle_name)}</strong>(.*?)</li> </ul> </li>", body)
    assert item, f"{muscle_name} is not listed"
    label = {"L": "Left", "R": "Right"}[side]
    found = re.search(rf">{label}: ([^<]+)</span>", item.group(1))
    assert found, f"no answer for the {label.lower()} side of {muscle_name}"
    return found.group(1).strip()


def badges_shown(body: str, patient_name: str) -> list[str]:
    """The badge texts of the patient's appointment on a schedule page."""
    entry = re.search(rf'<div class="who">{re.escape(patient_name)}</div>(.*?)</a>', body)
    assert entry, f"{patient_name} is not on the schedule"
    return [badge.strip() for badge in re.findall(r"</i> ([^<]+)</span>", entry.group(1))]


@settings(
    max_examples=200 if IN_CI else 60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=scenarios)
def test_every_page_and_the_service_give_the_gate_s_answer(scenario: Scenario) -> None:
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    client = Client()
    client.force_login(physio)
    patient, appointment, assessment, session = build(scenario, physio)
    muscle, level = scenario.site
    name = anatomy.muscle(muscle).name

    # The gate, as the service reads it.
    patient_gate = safety_state.patient_decision(patient=patient)
    decision = site_gate.decide_site(patient_gate, site_gate.PlannedSite(muscle, scenario.side, level))

    # The schedule (the practitioner's week) and the appointment page: the same badges, and for a physiotherapist
    # the gate's reasons.
    expected_badges = [badge.text for badge in gate_badges(patient_gate, show_severity=True)]
    week = text_of(client.get(reverse("scheduling:practitioner-week", kwargs={"pk": appointment.practitioner_id})))
    assert badges_shown(week, patient.display_name) == expected_badges
    page = text_of(client.get(reverse("scheduling:appointment-detail", kwargs={"pk": appointment.pk})))
    for text in expected_badges:
        assert text in page
    if patient_gate.is_clear:
        assert "Clear for needling on the day of the visit." in page
    for reason in patient_gate.holds:
        assert reason.text in page

    # The summary's muscle list and the session page's list: the site's verdict.
    summary = text_of(
        client.get(reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "summary"}))
    )
    assert verdict_shown(summary, name, scenario.side) == decision.verdict.label
    if decision.is_held and not decision.site_holds:
        assert "For the patient's reasons above, not this site's." in summary
    session_page = text_of(client.get(session.get_absolute_url()))
    assert verdict_shown(session_page, name, scenario.side) == decision.verdict.label
    assert ("Clear for needling today" in session_page) is patient_gate.is_clear
    assert ('id="site-form"' in session_page) is patient_gate.is_clear

    # The service that saves a site: held refuses with the gate's reasons, a note is asked for when the gate asks.
    try:
        services.needled_site_add(session=session, muscle=muscle, side=scenario.side, level=level)
    except ValidationError as error:
        messages = error.message_dict
        if decision.is_held:
            assert messages["muscle"] == [reason.text for reason in decision.holds]
        else:
            assert decision.needs_note
            assert messages["confirmation_note"][:-1] == [reason.text for reason in decision.confirmations]
        assert not NeedledSite.objects.filter(session=session).exists()
    else:
        assert decision.verdict in (site_gate.Verdict.ALLOWED, site_gate.Verdict.CAUTION)
        saved = NeedledSite.objects.get(session=session)
        assert (saved.site_outcome, saved.rules_version) == (decision.verdict.value, decision.rules_version)
    if decision.needs_note:
        services.needled_site_add(
            session=session,
            muscle=muscle,
            side=scenario.side,
            level=level,
            confirmation_note="Discussed; superficial.",
        )
        assert NeedledSite.objects.get(session=session).site_outcome == site_gate.Verdict.NEEDS_NOTE.value


def test_a_patient_clear_in_every_way_is_clear_on_every_page() -> None:
    """One pinned example, so a change that breaks the common case fails with a readable diff."""
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    client = Client()
    client.force_login(physio)
    scenario = Scenario(3, (), "all", frozenset(), "no_change", ("deltoid", ""), "R")
    patient, appointment, assessment, session = build(scenario, physio)

    decision = safety_state.patient_decision(patient=patient)

    assert decision.is_clear
    assert [badge.text for badge in gate_badges(decision, show_severity=True)] == [
        "Questionnaire current",
        "Consent in force",
        "Re-check done",
    ]
    week = text_of(client.get(reverse("scheduling:practitioner-week", kwargs={"pk": appointment.practitioner_id})))
    assert badges_shown(week, patient.display_name) == ["Questionnaire current", "Consent in force", "Re-check done"]
    summary = text_of(
        client.get(reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "summary"}))
    )
    assert verdict_shown(summary, "Deltoid", "R") == "Allowed"
    assert verdict_shown(text_of(client.get(session.get_absolute_url())), "Deltoid", "R") == "Allowed"
    services.needled_site_add(session=session, muscle="deltoid", side="R")
    assert NeedledSite.objects.get(session=session).site_outcome == "allowed"
