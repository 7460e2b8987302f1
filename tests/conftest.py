"""Personas and shared fixtures for the whole suite."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory
from tests.run_suite import CHROMIUM, IN_CI, VNU_JAR, nu_checker_available

# The page table's `world` and `patient_link_client`, for every test that walks the project's pages.
pytest_plugins = ["tests.ims_clinic.page_table"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """The message files compiled as `make install` does, for a run started with pytest alone."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parents[1] / "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))


def unavailable_reason(item: pytest.Item) -> str | None:
    if "postgres" in item.keywords and connection.vendor != "postgresql":
        return "needs PostgreSQL, and this run is on SQLite"
    if "browser" in item.keywords and shutil.which(CHROMIUM) is None:
        return f"needs Chromium at {CHROMIUM}"
    if "nu" in item.keywords and not nu_checker_available():
        return f"needs Java and the Nu Html Checker at {VNU_JAR} (set VNU_JAR)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip what this machine cannot run, saying why; in CI such a skip is a failure instead."""
    reason = unavailable_reason(item)
    if reason and IN_CI:
        pytest.fail(f"CI must run this test, but it {reason}.", pytrace=False)
    if reason:
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Argon2 is slow on purpose; tests that check hashing itself override this."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def two_factor_off(settings: pytest.FixtureRequest) -> None:
    """Personas sign in with a password alone; the two-factor tests (tests/accounts/test_two_factor.py) turn it on."""
    settings.CLINIC_REQUIRE_MFA = False


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


def _signed_in_client(*roles: Role, username: str) -> Client:
    user = UserFactory(username=username, roles=list(roles), is_staff=Role.CLINIC_ADMIN in roles)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def front_desk_client(db: None) -> Client:
    """Sam at the front desk: registers and books patients, sees no clinical content."""
    return _signed_in_client(Role.FRONT_DESK, username="frontdesk")


@pytest.fixture
def physio_client(db: None) -> Client:
    """Maya, a physiotherapist: assesses, needles and signs her own records."""
    return _signed_in_client(Role.PHYSIOTHERAPIST, username="physio")


@pytest.fixture
def admin_client(db: None) -> Client:
    """Priya, the clinic admin: staff accounts, hours, appointment types, the audit log; no clinical content."""
    return _signed_in_client(Role.CLINIC_ADMIN, username="clinicadmin")


@pytest.fixture
def anonymous_client() -> Client:
    """Someone who has not signed in."""
    return Client()


PERSONAS = ("anonymous", "front_desk", "physio", "admin")


@pytest.fixture
def persona_client(request: pytest.FixtureRequest) -> Iterator[Client]:
    """Indirectly parametrised with a persona name from PERSONAS."""
    yield request.getfixturevalue(f"{request.param}_client")
