"""Private links out of the logs: the token in a questionnaire or calendar-feed address opens a patient's
questionnaire or a practitioner's diary to whoever holds it, so log lines carry `[token]` in its place.

Plain `logging`, no Django import: gunicorn's master process loads it before Django is set up.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[token]"

# The paths of patients/questionnaire_urls.py (mounted at /q/), the outcome questionnaire's (/o/) and
# scheduling/urls.py's practitioner-feed.
# A token is one path segment (Django's `str` converter); it ends at a slash, a query, a quote or a space.
PRIVATE_LINK_PATHS = [
    (re.compile(r"(/q/)[^/\s?#\"']+"), rf"\1{REDACTED}"),
    (re.compile(r"(/o/)[^/\s?#\"']+"), rf"\1{REDACTED}"),  # assessments/outcome_questionnaire_urls.py
    (re.compile(r"(/schedule/feed/)[^/\s?#\"']+?(\.ics)?(?=[/\s?#\"']|$)"), rf"\1{REDACTED}\2"),
    # scheduling/link_urls.py (mounted at /a/): the visit's page a reminder links to.
    (re.compile(r"(/a/)[^/\s?#\"']+"), rf"\1{REDACTED}"),
    # assessments/aftercare_urls.py: the aftercare sheet and the check after a session.
    (re.compile(r"(/aftercare/)[^/\s?#\"']+"), rf"\1{REDACTED}"),
    (re.compile(r"(/check/)[^/\s?#\"']+"), rf"\1{REDACTED}"),
]


def redact(text: str) -> str:
    for pattern, replacement in PRIVATE_LINK_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactPrivateLinks(logging.Filter):
    """Rewrites the record itself, so every handler after it (and any formatter) sees the redacted text.

    On a logger it covers the records created there (django.request, django.server, gunicorn.access);
    on a handler, every record that reaches the handler, whichever logger it came from.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: the handler reports it as it would have
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
