"""Private-link tokens never reach a log line: Django's request and server logs, our handlers, gunicorn's."""

import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pytest_django.fixtures import Settings

from accounts.roles import Role
from ims_clinic.log_redaction import RedactPrivateLinks, redact
from patients import services
from tests.factories import PatientFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def a_token() -> str:
    return secrets.token_urlsafe(32)


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    return caplog.text + "\n".join(record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_an_unknown_questionnaire_link_is_logged_without_its_token(caplog: pytest.LogCaptureFixture) -> None:
    assert not django_settings.DEBUG
    token = a_token()

    with caplog.at_level(logging.INFO):
        response = Client().get(reverse("questionnaire:start", kwargs={"token": token}))

    assert response.status_code == 404
    assert "Not Found: /q/[token]/" in logged_text(caplog)
    assert token not in logged_text(caplog)


@pytest.mark.django_db
def test_a_valid_link_refused_to_a_throttled_address_is_logged_without_its_token(
    caplog: pytest.LogCaptureFixture, settings: Settings
) -> None:
    assert not django_settings.DEBUG
    settings.CLINIC_LINK_LOOKUP_FREE, settings.CLINIC_LINK_LOOKUP_LIMIT = 1, 2
    _, token = services.questionnaire_link_issue(
        patient=PatientFactory(),
        issued_by=UserFactory(roles=[Role.FRONT_DESK]),
        link_url=lambda token: f"http://testserver/q/{token}/",
        submission_key=uuid.uuid4(),
        send_email=False,
    )
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    guesses = [a_token(), a_token()]

    with caplog.at_level(logging.INFO):
        statuses = [
            guesser.get(reverse("questionnaire:start", kwargs={"token": guess})).status_code for guess in guesses
        ]
        refused = guesser.get(reverse("questionnaire:start", kwargs={"token": token}))

    assert statuses == [404, 404]
    assert refused.status_code == 429
    assert "Too Many Requests: /q/[token]/" in logged_text(caplog)
    for secret in (token, *guesses):
        assert secret not in logged_text(caplog)


@pytest.mark.django_db
def test_an_unknown_calendar_feed_is_logged_without_its_token(caplog: pytest.LogCaptureFixture) -> None:
    token = a_token()

    with caplog.at_level(logging.INFO):
        response = Client().get(reverse("scheduling:practitioner-feed", kwargs={"token": token}))

    assert response.status_code == 404
    assert "Not Found: /schedule/feed/[token].ics" in logged_text(caplog)
    assert token not in logged_text(caplog)


def test_the_development_servers_request_line_is_logged_without_the_token(caplog: pytest.LogCaptureFixture) -> None:
    token = a_token()

    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").warning('"%s" %s %s', f"GET /q/{token}/ HTTP/1.1", "404", "1234")

    assert '"GET /q/[token]/ HTTP/1.1" 404 1234' in logged_text(caplog)
    assert token not in logged_text(caplog)


def test_every_handler_redacts_records_of_any_logger_including_ours() -> None:
    token = a_token()
    handlers = [*logging.getLogger().handlers, *logging.getLogger("django.server").handlers]
    ours = [h for h in handlers if any(isinstance(f, RedactPrivateLinks) for f in h.filters)]
    record = logging.LogRecord("patients.services", logging.WARNING, __file__, 1, "Opened %s", (f"/q/{token}/",), None)

    assert ours, "the root and django.server handlers carry the filter"
    for handler in ours:
        assert handler.filter(record)
        assert handler.format(record).endswith("Opened /q/[token]/")


def private_link_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, list[str]]]:
    """Every URL pattern that takes a `token`: its namespaced name and its arguments."""
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found += private_link_patterns(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and "token" in pattern.pattern.converters:
            found.append((f"{prefix}{pattern.name}", list(pattern.pattern.converters)))
    return found


def test_every_private_link_path_in_the_urlconf_is_redacted() -> None:
    patterns = private_link_patterns(get_resolver())
    token = a_token()

    assert {"questionnaire:start", "scheduling:practitioner-feed"} <= {name for name, _ in patterns}
    for name, arguments in patterns:
        path = reverse(name, kwargs={argument: token if argument == "token" else "pain" for argument in arguments})
        assert token not in redact(f'"GET https://clinic.example.org{path}?page=2 HTTP/1.1"'), name
        assert token not in redact(path) and "[token]" in redact(path), name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_with_the_projects_config_logs_requests_without_tokens(tmp_path: Path) -> None:
    """`make serve`'s gunicorn: the access log and Django's error log of a failing private-link request."""
    port, token = free_port(), a_token()
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": "log-redaction-test-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        # No database behind it: the request fails, so both the access log and django.request speak.
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/clinic.sqlite3",
    }
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "ims_clinic.wsgi", "--config", "ims_clinic/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        statuses = []
        for path in (f"/q/{token}/", f"/schedule/feed/{token}.ics?refresh=1"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Referer": f"http://127.0.0.1:{port}/q/{token}/"}
            )
            statuses.append(fetch_status(request, server))
    finally:
        server.terminate()
        server.wait(timeout=30)
    written = log.read_text()

    assert statuses == [503, 503], written
    assert '"GET /q/[token]/" 503' in written
    assert '"GET /schedule/feed/[token].ics" 503' in written
    assert "Service Unavailable: /q/[token]/" in written
    assert token not in written
    assert "refresh=1" not in written  # query strings (search terms are names) stay out of the access log


def fetch_status(request: urllib.request.Request, server: subprocess.Popen) -> int:
    deadline = time.monotonic() + 30
    while server.poll() is None:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    raise AssertionError(f"gunicorn exited with {server.returncode} before answering")
