"""`manage.py backup` and `restore`: a restore into a fresh database has every table, row for row."""

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url
import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import audit
from accounts.models import AuditAction
from assessments import services as assessment_services
from ims_clinic import backups
from tests.factories import AppointmentFactory, PatientFactory, QuestionnaireResponseFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def some_of_everything() -> None:
    patient = PatientFactory()
    QuestionnaireResponseFactory(patient=patient)
    AppointmentFactory(patient=patient)
    assessment_services.assessment_start(patient=patient, physiotherapist=UserFactory())
    audit.audit(action=AuditAction.VIEW, instance=patient)


def live_fingerprint() -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        return backups.fingerprint(cursor, connection.vendor)


@contextmanager
def raw_pg(name: str) -> Iterator[Any]:
    database = connection.settings_dict
    raw = psycopg2.connect(
        dbname=name, host=database["HOST"], port=database["PORT"] or None, user=database["USER"],
        password=database["PASSWORD"] or None,
    )  # fmt: skip
    try:
        yield raw
    finally:
        raw.close()


def pg_fingerprint(name: str) -> dict[str, tuple[int, str]]:
    with raw_pg(name) as raw, raw.cursor() as cursor:
        return backups.fingerprint(cursor, "postgresql")


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_into_a_fresh_database_with_every_row(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path; the PostgreSQL one is the next test")
    some_of_everything()
    dump, fresh = tmp_path / "clinic.backup", tmp_path / "fresh.sqlite3"

    call_command("backup", str(dump), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("restore", str(dump), f"--database-url=sqlite:///{fresh}", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # Read with the same type converters Django's own connection uses, so the two sides compare alike.
    restored = sqlite3.connect(fresh, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        copy = backups.fingerprint(restored.cursor(), "sqlite")
    finally:
        restored.close()
    original = live_fingerprint()
    assert copy == original
    assert original["patients_patient"][0] >= 1 and original["accounts_auditevent"][0] >= 1
    assert dump.stat().st_mode & 0o077 == 0  # the copy is readable by its owner only


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgres_backup_restores_into_a_fresh_database_with_every_row_and_the_audit_trigger(
    tmp_path: Path,
) -> None:
    some_of_everything()
    dump = tmp_path / "clinic.backup"
    fresh_name = f"restore_drill_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh_name}"')
    fresh = {**connection.settings_dict, "NAME": fresh_name}
    try:
        call_command("backup", str(dump), stdout=open("/dev/null", "w"))  # noqa: SIM115
        backups.restore(dump, fresh)

        # Both sides read through the same plain driver connection, so values convert alike.
        original = pg_fingerprint(connection.settings_dict["NAME"])
        copy = pg_fingerprint(fresh_name)
        with raw_pg(fresh_name) as restored, restored.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'accounts_auditevent_append_only'")
            trigger_count = cursor.fetchone()[0]
        assert copy == original
        assert original["patients_patient"][0] >= 1 and original["accounts_auditevent"][0] >= 1
        assert trigger_count == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh_name}"')


@pytest.mark.django_db
def test_restoring_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no backup at"):
        call_command("restore", str(tmp_path / "nothing.backup"), f"--database-url=sqlite:///{tmp_path / 'x'}")


@pytest.mark.django_db
def test_restoring_over_the_clinics_own_database_asks_first(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Restore cancelled"):
        call_command("restore", str(tmp_path / "clinic.backup"))


def socket_only_url(name: str) -> str:
    """This test run's PostgreSQL as a DATABASE_URL whose unix socket folder is given only as `?host=`."""
    database = connection.settings_dict
    port = f"&port={database['PORT']}" if database["PORT"] else ""
    return (
        f"postgresql://{quote(database['USER'] or 'postgres')}@/{name}?host={quote(database['HOST'], safe='')}{port}"
    )


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "PG"))},
        "DJANGO_SECRET_KEY": "backup-test-" + "k" * 40,
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_reach_a_database_whose_socket_is_given_only_as_a_host_option(tmp_path: Path) -> None:
    if not str(connection.settings_dict["HOST"]).startswith("/"):
        pytest.skip("this run's PostgreSQL is not on a unix socket")
    some_of_everything()
    dump = tmp_path / "clinic.backup"
    fresh_name = f"restore_drill_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh_name}"')
    clinic_url = socket_only_url(connection.settings_dict["NAME"])
    assert dj_database_url.parse(clinic_url)["HOST"] == ""  # the socket is in OPTIONS only
    try:
        backed_up = manage("backup", str(dump), database_url=clinic_url)
        restored = manage("restore", str(dump), f"--database-url={socket_only_url(fresh_name)}", "--noinput",
                          database_url=clinic_url)  # fmt: skip

        assert backed_up.returncode == 0, backed_up.stderr
        assert restored.returncode == 0, restored.stderr
        original = pg_fingerprint(connection.settings_dict["NAME"])
        assert pg_fingerprint(fresh_name) == original
        assert original["patients_patient"][0] >= 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh_name}"')


def test_the_dump_connects_with_every_parameter_the_app_uses_and_no_secret_on_its_command_line() -> None:
    database = dj_database_url.parse(
        "postgresql://clinic:s3cret'pass@/ims?host=/run/clinic-db&sslmode=verify-full"
        "&sslrootcert=/etc/clinic/root.crt&application_name=ims&target_session_attrs=read-write"
    )
    database["OPTIONS"].update({"connect_timeout": 3, "isolation_level": 1, "server_side_binding": True})

    conninfo, env = backups._pg_connection(database)

    assert backups.libpq_parameters(database) == {
        "dbname": "ims", "host": "/run/clinic-db", "sslmode": "verify-full", "sslrootcert": "/etc/clinic/root.crt",
        "application_name": "ims", "target_session_attrs": "read-write", "connect_timeout": "3",
        "user": "clinic", "password": "s3cret'pass",
    }  # fmt: skip
    assert "host='/run/clinic-db'" in conninfo and "sslmode='verify-full'" in conninfo
    assert "s3cret" not in conninfo and env["PGPASSWORD"] == "s3cret'pass"
    assert "isolation_level" not in conninfo and "server_side_binding" not in conninfo


def test_the_host_setting_wins_over_a_host_option_as_it_does_for_the_app() -> None:
    database = {"NAME": "ims", "HOST": "db.internal", "PORT": 5433, "OPTIONS": {"host": "/run/other"}}

    assert backups.libpq_parameters(database) == {"dbname": "ims", "host": "db.internal", "port": "5433"}


def test_quotes_and_backslashes_in_a_value_stay_inside_it() -> None:
    conninfo, _ = backups._pg_connection({"NAME": "it's \\ mine", "OPTIONS": {}})

    assert conninfo == "dbname='it\\'s \\\\ mine'"
