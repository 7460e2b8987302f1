"""Fill the database with a clinic group's worth of fictional data for the benchmark (docs/performance.md)."""

import dataclasses
import os
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench import scale_data

from .seed_demo import DEFAULT_DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Add fictional patients, appointments, assessments, questionnaire links, treatment sessions with their "
        "needled sites and outcome scores in bulk, with the demo logins; resumable and safe to re-run (it only "
        "adds what is missing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=1000)
        parser.add_argument("--appointments", type=int, help="Default: 10 per patient.")
        parser.add_argument("--assessments", type=int, help="Default: one per 20 appointments.")
        parser.add_argument("--questionnaire-links", type=int, help="Default: one per 10 patients.")
        parser.add_argument("--practitioners", type=int, default=50)
        parser.add_argument("--batch-size", type=int, default=scale_data.BATCH)
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a clinic's real database)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_scale creates fictional patients and accounts with a published password; it refuses to "
                "run with DEBUG off. Use --force only on a benchmark database."
            )
        if options["patients"] < 1 or options["practitioners"] < 1 or options["batch_size"] < 1:
            raise CommandError("--patients, --practitioners and --batch-size must be at least 1.")
        plan = scale_data.Plan.proportional(options["patients"], options["appointments"], options["practitioners"])
        overrides = {
            "assessments": options["assessments"],
            "questionnaire_links": options["questionnaire_links"],
        }
        plan = dataclasses.replace(plan, **{key: value for key, value in overrides.items() if value is not None})
        started = time.monotonic()
        try:
            written = scale_data.seed(
                plan,
                # A text stream like sys.stdout (io.TextIOBase), though not a typing.TextIO.
                out=self.stdout,  # type: ignore[arg-type]
                password=os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD,
                batch=options["batch_size"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        took = timedelta(seconds=round(time.monotonic() - started))
        summary = ", ".join(f"{count:,} {label}" for label, count in written.items())
        self.stdout.write(self.style.SUCCESS(f"Scale data ready in {took} (added {summary})."))
