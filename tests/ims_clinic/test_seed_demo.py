"""seed_demo: the demo clinic, idempotent, refusing to run on a production configuration."""

import itertools
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.roles import Role, user_roles
from ims_clinic.demo import DEMO_PATIENTS
from ims_clinic.management.commands.seed_demo import DEMO_STAFF
from patients.models import Consent, Patient
from patients.services import patient_search
from scheduling.models import Appointment
from tests.factories import AppointmentFactory, PractitionerFactory, UserFactory


def seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_creates_one_account_per_demo_login_with_its_role() -> None:
    seed()

    users = {user.username: user for user in get_user_model().objects.all()}
    assert set(users) == {"clinicadmin", "frontdesk", "physio", "physio2"}
    assert user_roles(users["clinicadmin"]) == {Role.CLINIC_ADMIN}
    assert user_roles(users["frontdesk"]) == {Role.FRONT_DESK}
    assert user_roles(users["physio"]) == user_roles(users["physio2"]) == {Role.PHYSIOTHERAPIST}
    assert users["clinicadmin"].is_staff and not users["frontdesk"].is_staff
    assert not any(user.is_superuser for user in users.values())


@pytest.mark.django_db
def test_seed_demo_twice_creates_nothing_twice() -> None:
    seed()
    counts = (
        get_user_model().objects.count(),
        Patient.objects.count(),
        Consent.objects.count(),
        LogEntry.objects.count(),
    )

    output = seed()

    assert (
        get_user_model().objects.count(),
        Patient.objects.count(),
        Consent.objects.count(),
        LogEntry.objects.count(),
    ) == counts
    assert "0 staff accounts and 0 of 30 demo patients created" in output


@pytest.mark.django_db
def test_seed_demo_prints_role_username_and_password_for_each_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-passphrase")

    output = seed()

    for staff in DEMO_STAFF:
        assert f"| {staff.role.label.ljust(15)} | {staff.username.ljust(11)} | another-demo-passphrase |" in output
    assert get_user_model().objects.get(username="physio").check_password("another-demo-passphrase")


@pytest.mark.django_db
def test_seed_demo_puts_a_changed_demo_account_back() -> None:
    seed()
    physio = get_user_model().objects.get(username="physio")
    physio.set_password("something-else-entirely")
    physio.is_active = False
    physio.save()

    seed()

    physio.refresh_from_db()
    assert physio.is_active
    assert physio.check_password("ims-demo-2026")


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings: pytest.FixtureRequest) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo", stdout=StringIO())

    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_demo_registers_thirty_varied_patients_with_some_consents() -> None:
    seed()

    assert Patient.objects.count() == len(DEMO_PATIENTS) == 30
    assert Consent.objects.count() >= 5
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
    assert patient_search(text="chloe tremblay").get().given_name == "Chloé"
    assert patient_search(text="NGUYEN").get().family_name == "Nguyễn"
    ages = {patient.age for patient in Patient.objects.all()}
    assert min(ages) < 25 and max(ages) > 75


@pytest.mark.django_db
def test_seed_demo_with_patients_adds_fictional_patients_beside_the_demo_stories() -> None:
    output = seed(patients=40)

    assert Patient.objects.count() == len(DEMO_PATIENTS) + 40
    assert "Demo clinic ready" in output and "| physio " in output


@pytest.mark.django_db
def test_seed_demo_refuses_a_patient_count_below_one() -> None:
    with pytest.raises(CommandError, match="--patients must be 1 or more"):
        seed(patients=0)


@pytest.mark.django_db
def test_seed_demo_books_around_visits_already_in_the_physiotherapists_days() -> None:
    """A clinic that booked its own visits first (at times off the demo's grid) still gets the whole demo."""
    physio = UserFactory(username="physio", roles=[Role.PHYSIOTHERAPIST])
    practitioner = PractitionerFactory(user=physio, hours=True)
    today = timezone.localdate()
    for offset in range(-60, 15):
        day = today + timedelta(days=offset)
        if day.weekday() < 5:
            for start in (time(9, 20), time(13, 40)):  # across the demo's 09:15 and 13:30 slots
                AppointmentFactory(
                    practitioner=practitioner,
                    starts_at=datetime.combine(day, start, tzinfo=timezone.get_current_timezone()),
                )

    seed()

    held = list(
        Appointment.objects.holding_time()
        .filter(practitioner=practitioner)
        .order_by("starts_at")
        .values_list("starts_at", "blocked_until")
    )
    assert Patient.objects.filter(given_name="Renée").exists()
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(held))
