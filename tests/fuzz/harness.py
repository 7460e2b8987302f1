"""What every fuzzed request is checked for, and the reading of a page's forms.

A request passes when: it raised nothing and answered no 500; nothing was logged at ERROR; no submitted markup
came back unescaped in an HTML answer; and an answer that redisplays a form with errors saved nothing (no table
gained or lost a row). Each request runs in a savepoint that is rolled back, so examples never see each other.
"""

import functools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, note, settings

from tests.fuzz.hostile import MARKER, MISSING, TEMPLATE_LEAKS
from tests.run_suite import IN_CI

# The HTTP tier's examples per form and per page: 40 in CI, 30 for `make test`; FUZZ_EXAMPLES to choose (a deeper
# run: FUZZ_EXAMPLES=300 make test). One example is one real request (about 40 ms of CPU on PostgreSQL): 40 for
# each of the 77 forms and pages take two to five minutes on a two-core machine; a hundred took twelve, too long
# for every push. The depth is the form tier's (tests/fuzz/test_form_classes.py): each form class bound alone,
# without a request, 400 examples in CI (FUZZ_FORM_EXAMPLES) at a few milliseconds each.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (40 if IN_CI else 30))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    # FUZZ_NO_SHRINK=1 reports the first failing example as found, without the (slow) search for a smaller one.
    phases=[phase for phase in Phase if not (os.environ.get("FUZZ_NO_SHRINK") and phase == Phase.shrink)],
)

# Tables a refused or redisplayed form may still add to, by design: the audit trails (who looked at what, who
# tried a date of birth), failed sign-ins and link look-ups (what slows down guessing), and the session store.
LOG_TABLES = frozenset(
    {
        "accounts_auditevent",
        "auditlog_logentry",
        "axes_accessattempt",
        "axes_accessfailurelog",
        "axes_accesslog",
        "django_session",
        "patients_linklookupfailure",
    }
)
# What a person would type into an empty field of each input type.
NATURAL = {
    "text": "Fuzz text",
    "search": "Fuzz",
    "date": "2027-01-15",
    "datetime-local": "2027-01-15T10:00",
    "time": "10:00",
    "number": "3",
    "email": "fuzz@example.org",
    "tel": "604-555-0199",
    "password": "not-the-password",
    "file": "<a file>",
}
FILE = NATURAL["file"]
ERROR_MARKS = ("is-invalid", "invalid-feedback", "errorlist", 'aria-invalid="true"')


# --- Reading forms -----------------------------------------------------------------------------------------------


@dataclass
class FormSpec:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the values the page offers (may be empty)


class _FormReader(HTMLParser):
    """The forms of a page: a form that htmx posts elsewhere than its action counts once for each place."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[FormSpec] = []
        self.fields: dict[str, list[str]] | None = None
        self.select: str | None = None

    def _add(self, name: str | None, value: str | None) -> None:
        if self.fields is None or not name or name == "csrfmiddlewaretoken":
            return
        values = self.fields.setdefault(name, [])
        if value is not None and value not in values:
            values.append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.fields = {}
            method = (found.get("method") or "get").lower()
            targets = {found.get("action") or self.page_path, found.get("data-hx-post")} - {None}
            for target in sorted(targets):
                self.forms.append(FormSpec(urlsplit(urljoin(self.page_path, target)).path, method, self.fields))
        elif tag == "input" and found.get("type") not in {"submit", "button", "reset", "image"}:
            kind = found.get("type") or "text"
            value = found.get("value")
            if kind in {"checkbox", "radio"} and value is None:
                value = "on"
            self._add(found.get("name"), value or NATURAL.get(kind))
        elif tag == "button" and found.get("name"):
            self._add(found.get("name"), found.get("value") or "")
        elif tag == "textarea":
            self._add(found.get("name"), NATURAL["text"])
        elif tag == "select":
            self.select = found.get("name")
            self._add(self.select, None)
        elif tag == "option" and self.select:
            self._add(self.select, found.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.fields = None
        elif tag == "select":
            self.select = None


def forms_on(html: str, page_path: str) -> list[FormSpec]:
    reader = _FormReader(page_path)
    reader.feed(html)
    return reader.forms


def view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


# --- Checking an answer ------------------------------------------------------------------------------------------


class _ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def errors_logged() -> Iterator[list[logging.LogRecord]]:
    """Records logged at ERROR anywhere (also by loggers that do not pass records up to the root)."""
    handler = _ErrorLog()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in ("django", "axes", "django.security"))]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@functools.cache
def _row_count_sql() -> str:
    tables = sorted(
        {model._meta.db_table for model in apps.get_models() if model._meta.managed and not model._meta.proxy}
        - LOG_TABLES
    )
    quote = connection.ops.quote_name
    return " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in tables)


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(_row_count_sql())
        return dict(cursor.fetchall())


def shows_form_errors(response) -> bool:
    if response.status_code == 400:
        return True
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return False
    text = response.content.decode(errors="replace")
    return any(mark in text for mark in ERROR_MARKS)


def check_answer(response, *, changed: dict[str, tuple[int, int]] | None, logged: list) -> None:
    assert response.status_code < 500, f"answered {response.status_code}"
    assert not logged, f"logged at ERROR: {[record.getMessage() for record in logged]}"
    if "html" in response.get("Content-Type", "") and not response.streaming:
        text = response.content.decode(errors="replace")
        assert MARKER not in text, "submitted markup came back unescaped"
        for leak in TEMPLATE_LEAKS:
            assert leak not in text, f"submitted text was rendered as a template ({leak!r} on the page)"
    if changed:
        raise AssertionError(f"a form redisplayed with errors, yet rows changed: {changed}")


def send(
    client: Client, method: str, path: str, data: dict[str, object], *, htmx: bool = False, follow: bool = False
) -> None:
    """One request in a rolled-back savepoint, checked as the module says; the client's cookies are kept as they
    were, so the next example starts from the same signed-in session."""
    payload = {name: value for name, value in data.items() if value is not MISSING}
    headers = {"HX-Request": "true"} if htmx else {}
    shown = {name: value[:80] if isinstance(value, str) else value for name, value in payload.items()}
    note(f"{method.upper()} {path} htmx={htmx} data={shown}")
    cookies = client.cookies
    client.cookies = cookies.__class__(cookies)
    cache.clear()
    try:
        with errors_logged() as logged, transaction.atomic():
            before = row_counts() if method == "post" else None
            request = client.post if method == "post" else client.get
            response = request(path, payload, headers=headers)
            changed = None
            if before is not None and shows_form_errors(response):
                after = row_counts()
                changed = {table: (before[table], after[table]) for table in before if before[table] != after[table]}
            check_answer(response, changed=changed, logged=logged)
            if follow and response.status_code == 302 and response["Location"].startswith("/"):
                followed = client.get(response["Location"], headers=headers)
                check_answer(followed, changed=None, logged=logged)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
