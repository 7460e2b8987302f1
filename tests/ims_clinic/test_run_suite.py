"""`make test` without PostgreSQL: a plain word outside CI, a failure in CI."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_suite_without_postgres(*, ci: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "POSTGRES_BIN_DIR": "/nonexistent", "CI": "true" if ci else ""}
    env.pop("DATABASE_URL", None)
    # Collect only, so that the outer suite does not run itself again.
    command = [sys.executable, "tests/run_suite.py", "--collect-only", "-q", "tests/ims_clinic/test_roles.py"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_in_ci_missing_postgresql_binaries_fail_with_a_clear_message() -> None:
    result = run_suite_without_postgres(ci=True)

    assert result.returncode == 1
    assert "PostgreSQL binaries (initdb, pg_ctl) not found, and CI needs the PostgreSQL pass" in result.stdout


def test_outside_ci_missing_postgresql_binaries_fall_back_to_sqlite_and_say_so() -> None:
    result = run_suite_without_postgres(ci=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "PostgreSQL binaries not found: running on SQLite. Skipped: the PostgreSQL-only tests" in result.stdout
