"""E-mail a reminder for each booked appointment in the next hours, once (for cron; safe to run twice at once)."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from scheduling import services


class Command(BaseCommand):
    help = "Send appointment reminders for the next CLINIC_REMINDER_HOURS hours (48 by default); never twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=None, help="Look this many hours ahead instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"] if options["hours"] is not None else settings.CLINIC_REMINDER_HOURS
        if hours <= 0:
            raise CommandError("--hours must be a positive number of hours.")
        sent = 0
        for appointment in services.reminders_due(within=timedelta(hours=hours)):
            if services.reminder_send(appointment=appointment) is None:
                continue
            sent += 1
            local = timezone.localtime(appointment.starts_at)
            self.stdout.write(f"Sent reminder for appointment {appointment.pk} on {local:%Y-%m-%d %H:%M} "
                              f"to {mask(appointment.patient.email)}")  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent for the next {hours} hours."))


def mask(email: str) -> str:
    """Enough of the address to recognise it in cron's mail, not enough to read it."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"
