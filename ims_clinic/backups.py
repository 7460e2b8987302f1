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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.backends.utils import CursorWrapper

PG_BINARIES_GLOB = "/usr/lib/postgresql/*/bin/{name}"


class BackupError(Exception):
    pass


# A cursor of the app's connection, or of sqlite3 opened on a backup file.
Cursor = CursorWrapper | sqlite3.Cursor


def _pg_binary(name: str) -> str:
    """pg_dump / pg_restore from PATH, else the newest Debian versioned folder (not older than the server)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(PG_BINARIES_GLOB.format(name=name)), key=lambda p: int(Path(p).parts[4]))
    if not candidates:
        raise BackupError(f"{name} was not found. Install PostgreSQL's client programs (Debian: postgresql-client).")
    return candidates[-1]


# Keys of a PostgreSQL DATABASES entry's OPTIONS that Django or the driver consumes: not libpq's.
NOT_LIBPQ_OPTIONS = {
    "assume_role", "context", "cursor_factory", "isolation_level", "pool", "prepare_threshold", "server_side_binding",
}  # fmt: skip


def libpq_parameters(database: Mapping[str, Any]) -> dict[str, str]:
    """The libpq connection keywords of a DATABASES entry, built as Django's PostgreSQL backend builds them:
    OPTIONS (a socket given as `?host=` in DATABASE_URL lands there), then NAME, USER, PASSWORD, HOST, PORT."""
    options = {key: value for key, value in (database.get("OPTIONS") or {}).items() if key not in NOT_LIBPQ_OPTIONS}
    parameters = {"dbname": database["NAME"], **options} if database.get("NAME") else options
    for keyword, setting in (("user", "USER"), ("password", "PASSWORD"), ("host", "HOST"), ("port", "PORT")):
        if database.get(setting):
            parameters[keyword] = database[setting]
    return {keyword: str(value) for keyword, value in parameters.items() if value is not None and value != ""}


def _conninfo_value(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _pg_connection(database: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """A conninfo string for --dbname with every keyword but the password, which goes in PGPASSWORD: no
    secret on a command line (and so in `ps`). libpq's PG* variables of our environment fill in the rest,
    as they do for the app."""
    parameters = libpq_parameters(database)
    if "sslpassword" in parameters:
        raise BackupError(
            "OPTIONS['sslpassword'] has no libpq environment variable and would show on pg_dump's command line; "
            "give the client key without a passphrase, readable by this user only."
        )
    env = dict(os.environ)
    password = parameters.pop("password", None)
    if password:
        env["PGPASSWORD"] = password
    conninfo = " ".join(f"{keyword}={_conninfo_value(value)}" for keyword, value in parameters.items())
    return conninfo, env


def _run(program: str, arguments: list[str], database: Mapping[str, Any]) -> None:
    conninfo, env = _pg_connection(database)
    command = [_pg_binary(program), f"--dbname={conninfo}", *arguments]
    # Fixed programs with an argument list, never a shell.
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if finished.returncode != 0:
        raise BackupError(f"{program} failed: {finished.stderr.strip()}")


def backup(path: Path, alias: str = "default") -> Path:
    """Write a complete, consistent copy of the database to `path`."""
    connection = connections[alias]
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        _run("pg_dump", ["--format=custom", "--no-owner", f"--file={path}"], connection.settings_dict)
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


def restore(path: Path, database: Mapping[str, Any]) -> None:
    """Replace the contents of `database` (a DATABASES entry) with the backup at `path`, all or nothing."""
    if not path.exists():
        raise BackupError(f"There is no backup at {path}.")
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        _run(
            "pg_restore",
            ["--single-transaction", "--exit-on-error", "--no-owner", "--clean", "--if-exists", str(path)],
            database,
        )
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


def table_names(cursor: Cursor, vendor: str) -> list[str]:
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


def fingerprint(cursor: Cursor, vendor: str) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a SHA-256 of its rows (order-independent), to compare two databases."""
    result = {}
    for table in table_names(cursor, vendor):
        # The table names come from the database's own catalogue, quoted.
        cursor.execute(f"SELECT * FROM {_quote(table)}")  # nosec B608
        rows = sorted(repr(tuple(_plain(value) for value in row)) for row in cursor.fetchall())
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        result[table] = (len(rows), digest)
    return result
