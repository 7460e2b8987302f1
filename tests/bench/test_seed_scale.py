"""seed_scale: the requested counts, in bulk, re-runnable and resumable, refusing a production configuration."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from assessments import anatomy, outcomes
from assessments.models import Assessment, AssessmentStatus, NeedledSite, OutcomeMeasure, TreatmentSession
from bench.fictional import SEED_USERNAME, questionnaire_token
from patients import services as patient_services
from patients.models import Patient, QuestionnaireLink
from scheduling.models import Appointment, Practitioner

SMALL = {"patients": 40, "appointments": 120, "practitioners": 3, "batch_size": 25}


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_scale", force=True, stdout=out, **{**SMALL, **options})
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Patient.objects.filter(created_by__username=SEED_USERNAME).count(),
        Appointment.objects.filter(booked_by__username=SEED_USERNAME).count(),
        Assessment.objects.count(),
        QuestionnaireLink.objects.filter(created_by__username=SEED_USERNAME).count(),
        TreatmentSession.objects.count(),
        NeedledSite.objects.count(),
        OutcomeMeasure.objects.count(),
    )


@pytest.mark.django_db
def test_seed_scale_creates_the_requested_counts_and_the_demo_logins() -> None:
    output = seed()

    # 6 assessments, 5 of them signed: 4 sessions each, 3 needled sites and one outcome score per session.
    assert counts() == (40, 120, 6, 4, 20, 60, 20)
    assert "Scale data ready" in output
    assert Practitioner.objects.filter(user__username__startswith="scale-physio-").count() == 3
    users = set(get_user_model().objects.values_list("username", flat=True))
    assert {"clinicadmin", "frontdesk", "physio", "physio2"} <= users


@pytest.mark.django_db
def test_seed_scale_twice_adds_nothing_the_second_time() -> None:
    seed()
    first = counts()

    output = seed()

    assert counts() == first
    assert "already there" in output


@pytest.mark.django_db
def test_seed_scale_resumes_where_a_smaller_run_stopped_and_keeps_the_rows_it_had() -> None:
    seed(appointments=50)
    kept = list(Appointment.objects.order_by("id").values_list("patient_id", "practitioner_id", "starts_at"))

    seed()

    assert counts()[1] == 120
    assert (
        list(Appointment.objects.order_by("id").values_list("patient_id", "practitioner_id", "starts_at"))[:50] == kept
    )


@pytest.mark.django_db
def test_seed_scale_resumes_the_treatment_sessions_and_keeps_the_course_it_had() -> None:
    seed(appointments=50)  # 2 assessments, 1 signed: one course of 4 sessions
    kept = list(TreatmentSession.objects.order_by("id").values_list("assessment_id", "started_at", "content_digest"))
    assert len(kept) == 4

    seed()

    assert counts()[4:] == (20, 60, 20)
    assert (
        list(TreatmentSession.objects.order_by("id").values_list("assessment_id", "started_at", "content_digest"))[:4]
        == kept
    )


@pytest.mark.django_db
def test_seeded_appointments_never_overlap_for_a_practitioner_or_a_patient() -> None:
    seed(appointments=400)
    holding = Appointment.objects.holding_time()

    for appointment in holding.order_by("?")[:60]:
        same_time = holding.exclude(pk=appointment.pk).filter(
            starts_at__lt=appointment.blocked_until, blocked_until__gt=appointment.starts_at
        )
        assert not same_time.filter(practitioner=appointment.practitioner_id).exists()
        assert not same_time.filter(
            patient=appointment.patient_id, starts_at__lt=appointment.ends_at, ends_at__gt=appointment.starts_at
        ).exists()


@pytest.mark.django_db
def test_seeded_questionnaire_links_open_with_the_derived_token_one_per_patient() -> None:
    seed()
    link = QuestionnaireLink.objects.first()

    found = patient_services.questionnaire_link_find(token=questionnaire_token(link.patient_id), address="127.0.0.1")

    assert found == link
    assert found.is_usable
    assert not QuestionnaireLink.objects.values("patient").annotate(n=Count("id")).filter(n__gt=1).exists()


@pytest.mark.django_db
def test_seed_scale_refuses_to_run_with_debug_off_unless_forced(settings: object) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_scale", patients=5, stdout=StringIO())
    assert counts() == (0, 0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_seed_scale_refuses_a_different_practitioner_count_on_a_seeded_database() -> None:
    seed()
    with pytest.raises(CommandError, match="--practitioners 3"):
        seed(practitioners=4)


@pytest.mark.django_db
def test_seeded_sessions_follow_a_signed_assessment_of_the_same_patient_and_physiotherapist() -> None:
    seed()
    now = timezone.now()

    for session in TreatmentSession.objects.select_related("assessment"):
        assessment = session.assessment
        assert assessment.status == AssessmentStatus.SIGNED
        assert session.patient_id == assessment.patient_id
        assert session.physiotherapist_id == assessment.physiotherapist_id
        assert assessment.signed_at < session.started_at < session.signed_at <= now
        assert session.status == AssessmentStatus.SIGNED and session.needles_accounted_for
        assert session.pain_after <= session.pain_before
    courses = TreatmentSession.objects.values("assessment").annotate(n=Count("id"))
    assert {course["n"] for course in courses} == {4}


@pytest.mark.django_db
def test_seeded_needled_sites_are_three_catalogue_muscles_per_session_with_a_valid_level() -> None:
    seed()

    for site in NeedledSite.objects.all():
        muscle = anatomy.muscle(site.muscle)
        assert not muscle.precautions
        assert site.level in muscle.roots if muscle.is_segmental else site.level == ""
        site.full_clean()
    per_session = NeedledSite.objects.values("session").annotate(n=Count("id"), muscles=Count("muscle", distinct=True))
    assert {(row["n"], row["muscles"]) for row in per_session} == {(3, 3)}


@pytest.mark.django_db
def test_seeded_outcome_scores_are_what_the_scoring_gives_one_per_session() -> None:
    seed()

    for measure in OutcomeMeasure.objects.select_related("session"):
        assert measure.patient_id == measure.session.patient_id
        assert measure.recorded_by_id == measure.session.physiotherapist_id
        spec = outcomes.instrument(measure.instrument)
        if measure.items:
            result = outcomes.SCORERS[spec.code](measure.items)
            assert (measure.score, measure.raw_sum) == (result.score, result.raw_sum)
            assert measure.answered == result.answered
            assert measure.band == (result.band or "")
        else:
            assert spec.code == outcomes.InstrumentCode.ODI  # entered as a total, as the clinic does
            assert measure.band == outcomes.band_for(measure.score, spec.bands)
        assert spec.score_min <= measure.score <= spec.score_max
        assert measure.scoring_version == outcomes.SCORING_VERSION
    assert not OutcomeMeasure.objects.values("session").annotate(n=Count("id")).filter(n__gt=1).exists()


@pytest.mark.django_db
def test_verify_records_finds_every_seeded_signature_intact() -> None:
    seed()
    out = StringIO()

    call_command("verify_records", stdout=out)

    assert "assessments.Assessment: 5 signed, 0 mismatched" in out.getvalue()
    assert "assessments.TreatmentSession: 20 signed, 0 mismatched" in out.getvalue()
    assert "Every signed record matches its digest." in out.getvalue()
