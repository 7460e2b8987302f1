"""Back up the clinic's database to one file (run it nightly from cron; keep the files off this machine)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ims_clinic import backups


class Command(BaseCommand):
    help = "Write a consistent copy of the database: pg_dump (custom format) on PostgreSQL, the backup API on SQLite."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="Where to write it (default: var/backups/clinic-<time>.backup).")
        parser.add_argument("--database", default="default", help="Which database alias to back up.")

    def handle(self, *args: Any, path: str | None = None, database: str = "default", **options: Any) -> None:
        target = (
            Path(path) if path else settings.VAR_DIR / "backups" / f"clinic-{timezone.now():%Y%m%dT%H%M%SZ}.backup"
        )
        try:
            written = backups.backup(target, alias=database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up to {written} ({written.stat().st_size} bytes)."))
