"""Restore the clinic's database from a file made by `manage.py backup`: all of it, or nothing."""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ims_clinic import backups


class Command(BaseCommand):
    help = (
        "Replace a database's contents with a backup. By default the clinic's own database (asks first); "
        "--database-url restores into another one, e.g. a fresh database for a restore drill."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file.")
        parser.add_argument("--database-url", help="Restore into this database instead of the configured one.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args: Any, path: str, database_url: str | None, interactive: bool, **options: Any) -> None:
        database = dj_database_url.parse(database_url) if database_url else connections["default"].settings_dict
        if not database_url and interactive:
            answer = input("This replaces everything in the clinic's database with the backup. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        if not database_url:
            connections["default"].close()
        try:
            backups.restore(Path(path), database)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {database['NAME']}."))
