"""Load the demo clinic: one account per role and the demo patients' stories, idempotently, and print the logins."""

import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.roles import Role

from ...demo import DEMO_PATIENTS, DemoClock, seed_clinic, seed_patients

DEFAULT_DEMO_PASSWORD = "ims-demo-2026"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    first_name: str
    last_name: str
    role: Role
    is_staff: bool = False  # may enter the back office (Django admin)


DEMO_STAFF = (
    DemoStaff("clinicadmin", "Priya", "Natarajan", Role.CLINIC_ADMIN, is_staff=True),
    DemoStaff("frontdesk", "Sam", "Okafor", Role.FRONT_DESK),
    DemoStaff("physio", "Maya", "Chen", Role.PHYSIOTHERAPIST),
    DemoStaff("physio2", "Daniel", "Lefebvre", Role.PHYSIOTHERAPIST),
)
DEMO_USERNAMES = [staff.username for staff in DEMO_STAFF]


class Command(BaseCommand):
    help = "Create or refresh the demo clinic (demo staff for each role) and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a clinic's real database)."
        )
        parser.add_argument(
            "--patients",
            type=int,
            help="Also add this many fictional patients with their appointments and records for benchmarks "
            "(seed_scale's bulk generator; the demo stories stay as they are).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a published password; it refuses to run with DEBUG off. "
                "Use --force only on a demonstration database."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        created = seed_staff(password)
        staff = {user.username: user for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
        clock = DemoClock()  # one "today" for every story
        with transaction.atomic():
            new_patients = seed_patients(front_desk=staff["frontdesk"], clock=clock)
            physiotherapists = [staff["physio"], staff["physio2"]]
            seed_clinic(front_desk=staff["frontdesk"], physiotherapists=physiotherapists, clock=clock)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo clinic ready ({created} staff accounts and {new_patients} of {len(DEMO_PATIENTS)} "
                "demo patients created)."
            )
        )
        if options["patients"] is not None:
            if options["patients"] < 1:
                raise CommandError("--patients must be 1 or more.")
            call_command("seed_scale", "--force", "--patients", str(options["patients"]), stdout=self.stdout)
        self.print_logins(password)

    def print_logins(self, password: str) -> None:
        rows = [("Role", "Username", "Password")] + [(s.role.label, s.username, password) for s in DEMO_STAFF]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        self.stdout.write(rule)
        for index, row in enumerate(rows):
            self.stdout.write("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
            if index == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)


@transaction.atomic
def seed_staff(password: str) -> int:
    """Create the demo staff that are missing and bring the others back to their demo state."""
    user_model = get_user_model()
    created_count = 0
    for staff in DEMO_STAFF:
        user, created = user_model.objects.get_or_create(
            username=staff.username,
            defaults={"first_name": staff.first_name, "last_name": staff.last_name},
        )
        created_count += created
        user.first_name, user.last_name = staff.first_name, staff.last_name
        user.email = f"{staff.username}@demo.ims-clinic.invalid"
        user.is_active, user.is_staff, user.is_superuser = True, staff.is_staff, False
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=staff.role)])
    return created_count
