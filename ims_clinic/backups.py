"""Backups of the clinic's database and their restore, and the fingerprint that proves a restore is whole.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction --exit-on-error`.
SQLite: the online backup API (a consistent copy while the app keeps running).
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import sqlite3

# pg_dump and pg_restore run through subprocess with an argument list, never a shell.
import subprocess  # nosec B404
from pathlib import Path
from typing import Any

from django.db import connections

PG_BINARIES_GLOB = "/usr/lib/postgresql/*/bin/{name}"


class BackupError(Exception):
    pass


def _pg_binary(name: str) -> str:
    """pg_dump / pg_restore from PATH, else the newest Debian versioned folder (not older than the server)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(PG_BINARIES_GLOB.format(name=name)), key=lambda p: int(Path(p).parts[4]))
    if not candidates:
        raise BackupError(f"{name} was not found. Install PostgreSQL's client programs (Debian: postgresql-client).")
    return candidates[-1]


def _pg_environment(database: dict[str, Any]) -> dict[str, str]:
    """libpq's own variables, so that no password ever appears on a command line (and so in `ps`)."""
    env = dict(os.environ)
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode"),
        "PGCONNECT_TIMEOUT": str((database.get("OPTIONS") or {}).get("connect_timeout") or ""),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(command: list[str], database: dict[str, Any]) -> None:
    # Fixed programs with an argument list, never a shell.
    finished = subprocess.run(  # nosec B603
        command, env=_pg_environment(database), capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {finished.stderr.strip()}")


def backup(path: Path, alias: str = "default") -> Path:
    """Write a complete, consistent copy of the database to `path`."""
    connection = connections[alias]
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        _run([_pg_binary("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"], connection.settings_dict)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    path.chmod(0o600)  # the copy holds every patient's record
    return path


def restore(path: Path, database: dict[str, Any]) -> None:
    """Replace the contents of `database` (a DATABASES entry) with the backup at `path`, all or nothing."""
    if not path.exists():
        raise BackupError(f"There is no backup at {path}.")
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        _run(
            [
                _pg_binary("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner",
                "--clean", "--if-exists", f"--dbname={database['NAME']}", str(path),
            ],
            database,
        )  # fmt: skip
    elif engine.endswith("sqlite3"):
        source = sqlite3.connect(path)
        target = sqlite3.connect(database["NAME"], uri=str(database["NAME"]).startswith("file:"))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        raise BackupError(f"Restoring {engine} databases is not supported.")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _plain(value: object) -> object:
    return bytes(value) if isinstance(value, memoryview) else value


def table_names(cursor: Any, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    return [row[0] for row in cursor.fetchall()]


def fingerprint(cursor: Any, vendor: str) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a SHA-256 of its rows (order-independent), to compare two databases."""
    result = {}
    for table in table_names(cursor, vendor):
        # The table names come from the database's own catalogue, quoted.
        cursor.execute(f"SELECT * FROM {_quote(table)}")  # nosec B608
        rows = sorted(repr(tuple(_plain(value) for value in row)) for row in cursor.fetchall())
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        result[table] = (len(rows), digest)
    return result
