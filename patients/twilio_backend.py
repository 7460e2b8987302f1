"""Text messages through Twilio, with Twilio's own Python library (`CLINIC_TEXT_BACKEND = "twilio"`).

Configured from the environment: CLINIC_TWILIO_ACCOUNT_SID, CLINIC_TWILIO_AUTH_TOKEN, CLINIC_TWILIO_FROM (the
clinic's number or messaging service), CLINIC_TWILIO_TIMEOUT_SECONDS; CLINIC_TWILIO_BASE_URL points the library at
another address than Twilio's (a stand-in of its API in tests). Every refusal, network error or timeout becomes a
`TextMessageError` naming its kind only, so the task tries again later and nothing of the message reaches the log.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from requests import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from .text_messages import TextMessage, TextMessageError

TWILIO_API = "https://api.twilio.com"

# The library logs each request and response at INFO, the numbers and the text with them: never ours.
_quiet = logging.getLogger("patients.twilio_backend.http")
_quiet.setLevel(logging.WARNING)
_quiet.propagate = False


class _HttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending to `base_url` instead of Twilio's API host when one is set."""

    def __init__(self, *, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout, logger=_quiet)
        self.base_url = base_url.rstrip("/")

    # The library's own subclass names the argument `url` where its base class says `uri`: we follow the subclass.
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        if self.base_url and url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def is_configured() -> bool:
    names = ("CLINIC_TWILIO_ACCOUNT_SID", "CLINIC_TWILIO_AUTH_TOKEN", "CLINIC_TWILIO_FROM")
    return all(getattr(settings, name) for name in names)


class TwilioTextBackend:
    def __init__(self) -> None:
        if not is_configured():
            raise TextMessageError("Twilio is chosen but its account, token or sending number is not set.")
        http_client = _HttpClient(
            base_url=settings.CLINIC_TWILIO_BASE_URL, timeout=float(settings.CLINIC_TWILIO_TIMEOUT_SECONDS)
        )
        self.client = Client(
            settings.CLINIC_TWILIO_ACCOUNT_SID, settings.CLINIC_TWILIO_AUTH_TOKEN, http_client=http_client
        )

    def send(self, message: TextMessage) -> str:
        try:
            sent = self.client.messages.create(to=message.to, from_=settings.CLINIC_TWILIO_FROM, body=message.body)
        except TwilioRestException as error:
            raise TextMessageError(f"Twilio refused the message (HTTP {error.status}, code {error.code}).") from None
        except RequestException as error:
            raise TextMessageError(f"Twilio could not be reached ({type(error).__name__}).") from None
        except TwilioException as error:
            raise TextMessageError(f"Twilio failed ({type(error).__name__}).") from None
        return str(sent.sid)
