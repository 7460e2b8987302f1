"""The cron fallback for reminders: queue any that a booking did not, and queue again messages left stranded.

Reminders are queued when a visit is booked or moved and sent by the task worker (`manage.py db_worker`); this
command sends nothing itself. Safe to run twice at once, and as often as you like (hourly is plenty).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from patients import messaging
from scheduling import reminders


class Command(BaseCommand):
    help = (
        "Queue the reminders missing for booked visits in the next CLINIC_REMINDER_HOURS hours (48 by default), "
        "and queue again messages whose worker stopped; the task worker sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=None, help="Look this many hours ahead instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"] if options["hours"] is not None else settings.CLINIC_REMINDER_HOURS
        if hours <= 0:
            raise CommandError("--hours must be a positive number of hours.")
        queued = reminders.queue_missing(within=timedelta(hours=hours))
        requeued = messaging.requeue_stranded()
        self.stdout.write(
            self.style.SUCCESS(
                f"{queued} missing reminder(s) queued for the next {hours} hours; "
                f"{requeued} interrupted message(s) queued again."
            )
        )
