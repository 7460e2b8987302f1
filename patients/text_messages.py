"""Text messages through a small backend interface in the style of Django's e-mail backends.

`CLINIC_TEXT_BACKEND` chooses: "console" prints each message (the default, for a clinic trying the app),
"locmem" keeps them in `outbox` (tests), "twilio" sends through Twilio's own Python library. A backend raises
`TextMessageError` when the message was not accepted; the task that sends it tries again later.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class TextMessageError(Exception):
    """The provider did not accept the message (its reason, never the message's text)."""


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class TextBackend(Protocol):
    def send(self, message: TextMessage) -> str:
        """Send one message; return the provider's id for it, or raise TextMessageError."""
        ...


class ConsoleTextBackend:
    def send(self, message: TextMessage) -> str:
        sys.stdout.write(f"Text message to {message.to}:\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return "console"


outbox: list[TextMessage] = []


class LocmemTextBackend:
    def send(self, message: TextMessage) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"


class DummyTextBackend:
    """Sends nothing (the demo clinic's messages, recorded as sent at their moments)."""

    def send(self, message: TextMessage) -> str:  # noqa: ARG002 (nothing to send it to)
        return "dummy"


BACKENDS = {
    "console": "patients.text_messages.ConsoleTextBackend",
    "dummy": "patients.text_messages.DummyTextBackend",
    "locmem": "patients.text_messages.LocmemTextBackend",
    "twilio": "patients.twilio_backend.TwilioTextBackend",
}


def get_backend() -> TextBackend:
    name = settings.CLINIC_TEXT_BACKEND
    backend: type[TextBackend] = import_string(BACKENDS.get(name, name))
    return backend()
