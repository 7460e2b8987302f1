"""GET /healthz: 200 while the database answers, 503 when it does not, never behind login."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_ok_without_login_when_the_database_answers() -> None:
    response = Client().get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_refuses_a_post() -> None:
    assert Client().post(reverse("healthz")).status_code == 405


def request_with_unreachable_database(path: str, database_url: str, *, signed_in: bool) -> dict:
    """A fresh process whose DATABASE_URL points at a database that is not there.

    A signed-in request carries a session cookie, so that reading the session needs the database.
    """
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "c = Client(raise_request_exception=False);"
        f"c.cookies['sessionid'] = 'a' * 32 if {signed_in} else '';"
        f"r = c.get({path!r});"
        "print(json.dumps({'status': r.status_code, 'retry': r.get('Retry-After'), 'body': r.content.decode()}))"
    )
    # Production settings whatever the caller's shell has: DEBUG off (no technical 500 page), its own key and host.
    env = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_DEBUG"},
        "DJANGO_SETTINGS_MODULE": "ims_clinic.settings",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "health-check-test-key",
        "DJANGO_HTTPS": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


UNREACHABLE = [
    pytest.param("postgresql://clinic@127.0.0.1:9/clinic", id="postgresql-nobody-listening"),
    pytest.param("sqlite:////nonexistent-folder/clinic.sqlite3", id="sqlite-missing-folder"),
]


@pytest.mark.parametrize("database_url", UNREACHABLE)
def test_healthz_is_503_when_the_database_does_not_answer(database_url: str) -> None:
    result = request_with_unreachable_database("/healthz", database_url, signed_in=False)

    assert result["status"] == 503
    assert result["retry"] == "30"
    assert json.loads(result["body"]) == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.parametrize("database_url", UNREACHABLE)
def test_pages_are_a_plain_503_not_a_traceback_while_the_database_is_down(database_url: str) -> None:
    result = request_with_unreachable_database("/", database_url, signed_in=True)

    assert result["status"] == 503
    assert result["retry"] == "30"
    assert "Temporarily unavailable" in result["body"]
    assert "Traceback" not in result["body"]
