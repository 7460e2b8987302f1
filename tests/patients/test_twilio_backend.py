"""Text messages through Twilio's library, against a local stand-in of Twilio's HTTP API."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from pytest_django.fixtures import Settings

from ims_clinic import checks
from patients import messaging
from patients.models import ContactMethod, MessageChannel, MessageKind, MessageStatus
from patients.text_messages import TextMessage, TextMessageError, get_backend
from tests.factories import PatientFactory

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "stand-in-auth-token"
FROM = "+16045550100"


@dataclass
class StandIn:
    """What the stand-in answers next, and what it was sent."""

    answer: str = "created"
    received: list[dict[str, object]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def handler_for(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def reply(self, status: int, payload: dict[str, object]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
            state.received.append({"path": self.path, "form": form, "auth": self.headers.get("Authorization")})
            if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                self.reply(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
            elif state.answer == "created":
                self.reply(201, {"sid": "SM" + "f" * 32, "status": "queued", "to": form["To"], "from": form["From"]})
            elif state.answer == "refused":
                refusal = f"The 'To' number {form['To']} is not valid."
                self.reply(400, {"code": 21211, "message": refusal, "status": 400})
            elif state.answer == "broken":
                self.reply(500, {"code": 20500, "message": "Internal Server Error", "status": 500})
            else:  # "hang": answer only once the test is over, long after the client gave up
                state.release.wait(timeout=30)

    return Handler


@pytest.fixture
def twilio(settings: Settings) -> Iterator[StandIn]:
    state = StandIn()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLINIC_TEXT_BACKEND = "twilio"
    settings.CLINIC_TWILIO_ACCOUNT_SID = SID
    settings.CLINIC_TWILIO_AUTH_TOKEN = TOKEN
    settings.CLINIC_TWILIO_FROM = FROM
    settings.CLINIC_TWILIO_BASE_URL = f"http://127.0.0.1:{port}"
    settings.CLINIC_TWILIO_TIMEOUT_SECONDS = 1
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


def test_an_accepted_message_is_posted_as_twilio_expects(twilio: StandIn) -> None:
    provider_id = get_backend().send(TextMessage(to="+16045550123", body="See you Tuesday."))

    assert provider_id == "SM" + "f" * 32
    [request] = twilio.received
    assert request["form"] == {"To": "+16045550123", "From": FROM, "Body": "See you Tuesday."}
    assert request["auth"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


@pytest.mark.parametrize(("answer", "words"), [("refused", "HTTP 400, code 21211"), ("broken", "HTTP 500")])
def test_a_refusal_is_a_text_message_error_without_the_number(twilio: StandIn, answer: str, words: str) -> None:
    twilio.answer = answer

    with pytest.raises(TextMessageError) as raised:
        get_backend().send(TextMessage(to="+16045550123", body="See you Tuesday."))

    assert words in str(raised.value)
    assert "6045550123" not in str(raised.value) and "Tuesday" not in str(raised.value)


def test_a_provider_that_hangs_past_the_timeout_is_a_text_message_error(twilio: StandIn) -> None:
    twilio.answer = "hang"

    with pytest.raises(TextMessageError, match="could not be reached"):
        get_backend().send(TextMessage(to="+16045550123", body="See you Tuesday."))


def test_twilio_without_its_credentials_cannot_send(twilio: StandIn, settings: Settings) -> None:
    settings.CLINIC_TWILIO_AUTH_TOKEN = ""

    with pytest.raises(TextMessageError, match="not set"):
        get_backend().send(TextMessage(to="+16045550123", body="Hello"))
    assert twilio.received == []


def composed(message: object) -> messaging.Composed:
    return messaging.Composed(subject="Your visit", body="See you soon.")


@pytest.mark.django_db
def test_a_text_preferring_patient_gets_the_message_through_twilio(twilio: StandIn, monkeypatch) -> None:
    monkeypatch.setitem(messaging._COMPOSERS, MessageKind.REMINDER, composed)
    patient = PatientFactory(preferred_contact_method=ContactMethod.TEXT, phone="604-555-0123")
    message = messaging.queue(patient=patient, kind=MessageKind.REMINDER, key="test:twilio:sent")

    messaging.deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.channel) == (MessageStatus.SENT, MessageChannel.TEXT)
    assert message.recipient == "604-555-0123"
    assert twilio.received[0]["form"]["Body"].startswith("IMS Clinic: See you soon.")


@pytest.mark.django_db
def test_a_message_twilio_times_out_on_waits_for_its_next_try(twilio: StandIn, monkeypatch) -> None:
    monkeypatch.setitem(messaging._COMPOSERS, MessageKind.REMINDER, composed)
    twilio.answer = "hang"
    patient = PatientFactory(preferred_contact_method=ContactMethod.TEXT)
    message = messaging.queue(patient=patient, kind=MessageKind.REMINDER, key="test:twilio:hang")

    messaging.deliver(message.pk)

    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    assert message.note.startswith("Could not be sent (TextMessageError), try 1 of")


def test_the_deploy_check_refuses_twilio_without_its_credentials(settings: Settings) -> None:
    settings.CLINIC_TEXT_BACKEND = "twilio"
    settings.CLINIC_TWILIO_ACCOUNT_SID = SID
    settings.CLINIC_TWILIO_AUTH_TOKEN = ""
    settings.CLINIC_TWILIO_FROM = ""

    [error] = checks.text_messages_check()

    assert error.id == "ims_clinic.E003"
    assert "CLINIC_TWILIO_AUTH_TOKEN, CLINIC_TWILIO_FROM are not set" in error.msg


def test_the_deploy_check_passes_twilio_with_its_credentials_and_other_backends(settings: Settings) -> None:
    settings.CLINIC_TEXT_BACKEND = "twilio"
    settings.CLINIC_TWILIO_ACCOUNT_SID = SID
    settings.CLINIC_TWILIO_AUTH_TOKEN = TOKEN
    settings.CLINIC_TWILIO_FROM = FROM
    assert checks.text_messages_check() == []

    settings.CLINIC_TEXT_BACKEND = "console"
    settings.CLINIC_TWILIO_AUTH_TOKEN = ""
    assert checks.text_messages_check() == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost", "http://clinic.example.org"])
def test_the_deploy_check_warns_while_links_would_lead_to_this_machine(settings: Settings, url: str) -> None:
    settings.DEBUG = False
    settings.CLINIC_SITE_URL = url

    [warning] = checks.site_url_check()

    assert warning.id == "ims_clinic.W003" and url in warning.msg


def test_the_deploy_check_passes_the_clinics_https_address(settings: Settings) -> None:
    settings.DEBUG = False
    settings.CLINIC_SITE_URL = "https://clinic.example.org"

    assert checks.site_url_check() == []


@pytest.mark.parametrize("backend", ["console", "locmem", "dummy"])
def test_the_deploy_check_warns_of_a_text_backend_that_delivers_nothing(settings: Settings, backend: str) -> None:
    settings.DEBUG = False
    settings.CLINIC_TEXT_BACKEND = backend

    [warning] = checks.text_backend_delivers_check()

    assert warning.id == "ims_clinic.W004"
    assert "never reach them" in warning.msg
    settings.CLINIC_TEXT_BACKEND = "twilio"
    assert checks.text_backend_delivers_check() == []
    settings.DEBUG = True
    settings.CLINIC_TEXT_BACKEND = backend
    assert checks.text_backend_delivers_check() == []
