"""The audit trail: who looked at or changed what, in which role, about which patient, from where.

Every django-auditlog entry (create, update, delete, and `accessed` for views) becomes one
AuditEvent through `record_log_entry`; the actions django-auditlog cannot see (sign, addendum,
export, print) are recorded by calling `audit(...)` from the service or view that does them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextvars import ContextVar, Token
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.db import models
from django.http import HttpRequest, StreamingHttpResponse

from .client_ip import client_ip
from .http import Visitor
from .models import AuditAction, AuditEvent, User
from .roles import user_roles


class RequestContext:
    """The request being served, read only when an event is recorded (no query on other requests)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @property
    def actor(self) -> User | None:
        user: Visitor | None = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None

    @property
    def role(self) -> str:
        return role_label(getattr(self.request, "user", None), self.request.path)

    @property
    def address(self) -> str | None:
        return client_ip(self.request) or None


_request_context: ContextVar[RequestContext | None] = ContextVar("clinic_audit_request", default=None)

# Audit entries about something that is not a model of its own: what was looked at, in words.
_RECORD_WORDS = {
    "patients.accessreport": "Access report",
    "records.clinicexport": "Clinic export",
    "unknown": "Record",
}


def record_words(object_type: str) -> str:
    """The kind of record an audit event is about, by its model's verbose name ("Treatment session")."""
    if object_type in _RECORD_WORDS:
        return _RECORD_WORDS[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type.rpartition(".")[2].replace("_", " ").capitalize() or "Record"
    return str(model._meta.verbose_name).capitalize()


ANONYMOUS_ROLE = "Anonymous"
PATIENT_LINK_ROLE = "Patient (private link)"
NO_ROLE = "No role"
SYSTEM_ROLE = "System"


def role_label(user: Visitor | None, path: str = "") -> str:
    if user is not None and user.is_authenticated:
        return ", ".join(sorted(user_roles(user))) or NO_ROLE
    # The questionnaire's private link (/q/<token>/, a fixed contract) is the patient themselves.
    return PATIENT_LINK_ROLE if path.startswith(("/q/", "/o/")) else ANONYMOUS_ROLE


def bind_request(request: HttpRequest) -> Token[RequestContext | None]:
    """Make this request the audit context (the middleware calls it); returns a token for `unbind`."""
    return _request_context.set(RequestContext(request))


def unbind(token: Token[RequestContext | None]) -> None:
    _request_context.reset(token)


def patient_id_of(instance: models.Model) -> int | None:
    """The patient a record is about, found by the conventions our models follow.

    A model may say it itself with an `audit_patient_id` attribute; otherwise a Patient is its own
    patient, a record with a `patient` key belongs to that patient, and a row of an assessment or a
    questionnaire response belongs to theirs.
    """
    explicit = getattr(instance, "audit_patient_id", None)
    if explicit is not None:
        return explicit() if callable(explicit) else explicit
    if instance._meta.label == "patients.Patient":
        return instance.pk
    for path in ("patient_id", "assessment.patient_id", "response.patient_id", "session.patient_id"):
        value: Any = instance
        try:
            for attribute in path.split("."):
                value = getattr(value, attribute)
        except AttributeError:
            continue
        if value is not None:
            return int(value)
    return None


def audit(
    *,
    action: AuditAction | str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    patient_id: int | None = None,
    actor: User | None = None,
    log_entry_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call it for what django-auditlog does not see: sign, addendum, export, print.

    Who, in which role and from where come from the current request (set by the middleware);
    outside a request (a management command) pass `actor`, and the address stays empty. `data` says what else
    was seen (a list's period and filters, its page).
    """
    context = _request_context.get()
    if actor is None and context is not None:
        actor = context.actor
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        if patient_id is None:
            patient_id = patient_id_of(instance)
    if context is not None and (actor is None or actor == context.actor):
        role = context.role
    else:
        role = role_label(actor) if actor is not None else SYSTEM_ROLE
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_username=getattr(actor, "username", "") or "",
        role=role,
        action=action,
        patient_id=patient_id,
        object_type=object_type or "unknown",
        object_id=object_id,
        client_address=context.address if context else None,
        log_entry_id=log_entry_id,
        data=data or {},
    )


LOG_ENTRY_ACTIONS = {
    LogEntry.Action.CREATE: AuditAction.CREATE,
    LogEntry.Action.UPDATE: AuditAction.UPDATE,
    LogEntry.Action.DELETE: AuditAction.DELETE,
    LogEntry.Action.ACCESS: AuditAction.VIEW,
}


def record_log_entry(sender: object, instance: models.Model, log_entry: LogEntry | None = None, **kwargs: Any) -> None:
    """django-auditlog's post_log receiver: its entry becomes an AuditEvent with role and patient."""
    if log_entry is None or log_entry.action not in LOG_ENTRY_ACTIONS:
        return
    audit(
        action=LOG_ENTRY_ACTIONS[log_entry.action],
        instance=instance,
        object_id=str(log_entry.object_pk or instance.pk),
        actor=log_entry.actor,
        log_entry_id=log_entry.pk,
    )


# --- Reading the trail (the clinic admin's audit page and the patient's access report) -----------

CSV_HEADER = ["time", "user", "role", "action", "patient id", "record type", "record id", "client address"]
# A cell a spreadsheet would read as a formula is written as text (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(events: models.QuerySet[AuditEvent]) -> Iterator[list[str]]:
    yield CSV_HEADER
    for event in events.order_by("-at", "-id").iterator(chunk_size=2000):
        row = [
            event.at.isoformat(),
            event.actor_username or SYSTEM_ROLE.lower(),
            event.role,
            event.get_action_display(),
            event.patient_id,
            event.object_type,
            event.object_id,
            event.client_address,
        ]
        yield [_csv_cell(value) for value in row]


def csv_response(events: models.QuerySet[AuditEvent], filename: str) -> StreamingHttpResponse:
    """The events as a CSV download: streamed (the trail grows without bound), never shown inline."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in csv_rows(events)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
