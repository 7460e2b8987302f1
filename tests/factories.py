"""factory_boy factories for the tests."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from patients.identity import search_name
from patients.models import ConsentTextVersion, QuestionnaireResponse
from patients.safety_rules import BodyRegion

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@clinic.test")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class PatientFactory(factory.django.DjangoModelFactory):
    """A registered patient, with the search fields the services would derive."""

    class Meta:
        model = "patients.Patient"

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    preferred_name = ""
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    phone = factory.Sequence(lambda n: f"604-555-{n % 10000:04d}")
    email = factory.LazyAttribute(lambda p: f"{p.given_name}.{p.family_name}@example.com".lower())
    created_by = factory.SubFactory(UserFactory)
    updated_by = factory.SelfAttribute("created_by")
    search_name = factory.LazyAttribute(lambda p: search_name(p.given_name, p.preferred_name, p.family_name))
    phone_digits = factory.LazyAttribute(lambda p: "".join(ch for ch in p.phone if ch.isdigit()))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.Consent"

    patient = factory.SubFactory(PatientFactory)
    # The text the migrations load; a browser test's flush of the database removes it, so one is made then.
    text_version = factory.LazyFunction(
        lambda: (
            ConsentTextVersion.objects.first()
            or ConsentTextVersion.objects.create(
                version="2026.1", body="What IMS is, its risks and the other choices."
            )
        )
    )
    clinician = factory.SubFactory(UserFactory)
    form = "verbal"
    regions = factory.LazyFunction(lambda: ["head_neck", "upper_back"])
    alternatives_discussed = True
    stop_signal_agreed = True


ALL_REGIONS = tuple(region.value for region in BodyRegion)


def _current_questionnaire(patient: object) -> object:
    return QuestionnaireResponse.objects.submitted().filter(patient=patient).order_by("-submitted_at", "-id").first()


class SafetyRecheckFactory(factory.django.DjangoModelFactory):
    """Today's visit re-check (5.6, R35), answered "no change" about the patient's current questionnaire."""

    class Meta:
        model = "patients.SafetyRecheck"

    patient = factory.SubFactory(PatientFactory)
    questionnaire = factory.LazyAttribute(lambda r: _current_questionnaire(r.patient))
    answer = "no_change"
    asked_by = factory.SubFactory(UserFactory)
    asked_at = factory.LazyFunction(timezone.now)


def clear_for_needling(patient: object, *, regions: tuple[str, ...] = ALL_REGIONS, clinician: object = None) -> None:
    """Makes a patient who has a submitted questionnaire fully clear for needling today: a consent in force covering
    `regions` (every region unless told; beside the spine too) and today's re-check answered "no change".

    A consent in force that lacks some of the regions gets them as consent extensions, so the consent a test
    recorded stays the one in force. Flags are left as they are: acknowledging them is each test's business.
    """
    from patients.models import Consent, ConsentExtension

    wanted = [BodyRegion(region).value for region in regions]
    consent = Consent.objects.in_force().filter(patient=patient).order_by("-given_at", "-id").first()
    if consent is None:
        ConsentFactory(patient=patient, regions=wanted, **({"clinician": clinician} if clinician else {}))
    else:
        covered = set(consent.regions) | set(consent.extensions.values_list("region", flat=True))
        for region in wanted:
            if region not in covered:
                ConsentExtension.objects.create(
                    consent=consent,
                    region=region,
                    includes_paraspinal=consent.includes_paraspinal,
                    risks_explained="The region's risks, as read to the patient.",
                    form="verbal",
                    clinician=clinician or consent.clinician,
                )
    SafetyRecheckFactory(patient=patient, **({"asked_by": clinician} if clinician else {}))


class QuestionnaireLinkFactory(factory.django.DjangoModelFactory):
    """A link whose token is unknown to the test (only its hash exists): for records and pages, not for opening."""

    class Meta:
        model = "patients.QuestionnaireLink"

    patient = factory.SubFactory(PatientFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    created_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class QuestionnaireResponseFactory(factory.django.DjangoModelFactory):
    """A submitted questionnaire (answers as given; flags added separately)."""

    class Meta:
        model = "patients.QuestionnaireResponse"

    patient = factory.SubFactory(PatientFactory)
    link = factory.SubFactory(
        QuestionnaireLinkFactory,
        patient=factory.SelfAttribute("..patient"),
        submitted_at=factory.LazyFunction(timezone.now),
    )
    answers = factory.LazyFunction(lambda: {"A1": "no", "H13": "Nothing else to add"})
    questionnaire_version = "2026.1"
    rules_version = "2026.1"
    submitted_at = factory.LazyFunction(timezone.now)
    confirmed_name = factory.LazyAttribute(lambda r: f"{r.patient.given_name} {r.patient.family_name}")


class SafetyFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.SafetyFlag"

    response = factory.SubFactory(QuestionnaireResponseFactory)
    code = "BLEED_ANTICOAGULANT"
    severity = "HIGH"
    severity_rank = 5
    reason = "Takes apixaban (Eliquis)."
    rules_version = "2026.1"


# --- Scheduling ------------------------------------------------------------------------------


def _scheduling_now() -> object:
    from django.utils import timezone

    return timezone.now()


def _days(count: int) -> object:
    from datetime import timedelta

    return timedelta(days=count)


class PractitionerFactory(factory.django.DjangoModelFactory):
    """A physiotherapist's schedule profile; `hours=True` gives Mon-Fri 08:00-12:00 and 13:00-17:00."""

    class Meta:
        model = "scheduling.Practitioner"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=[Role.PHYSIOTHERAPIST])
    display_name = factory.LazyAttribute(lambda p: f"{p.user.first_name} {p.user.last_name}")
    registration_number = factory.Sequence(lambda n: f"PT{n:05d}")

    @factory.post_generation
    def hours(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        from datetime import time

        from scheduling.models import WorkingHours

        if create and extracted is not False:
            for weekday in range(5):
                WorkingHours.objects.create(practitioner=self, weekday=weekday, start_time=time(8), end_time=time(12))
                WorkingHours.objects.create(practitioner=self, weekday=weekday, start_time=time(13), end_time=time(17))


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scheduling.AppointmentType"
        django_get_or_create = ("name",)

    name = "IMS treatment"
    kind = "treatment"
    duration_minutes = 30


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An appointment written directly (no rules checked): for setting up pages and past history."""

    class Meta:
        model = "scheduling.Appointment"

    patient = factory.SubFactory(PatientFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    starts_at = factory.LazyFunction(lambda: _scheduling_now())
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + a.appointment_type.duration)
    blocked_until = factory.LazyAttribute(lambda a: a.ends_at + a.appointment_type.buffer)
    booked_by = factory.SubFactory(UserFactory)


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scheduling.WaitlistEntry"

    patient = factory.SubFactory(PatientFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    wanted_until = factory.LazyFunction(lambda: _scheduling_now().date() + _days(60))
    created_by = factory.SubFactory(UserFactory)


class ConsentTextVersionFactory(factory.django.DjangoModelFactory):
    """A consent text (the migration's own is flushed away in browser tests)."""

    class Meta:
        model = "patients.ConsentTextVersion"
        django_get_or_create = ("version",)

    version = "test-1"
    body = "What IMS is, its risks, the alternatives, and your right to stop at any time."
    effective_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
