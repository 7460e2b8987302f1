"""The adverse events for the clinic's incident review (6.3): the list with its filters, and its CSV.

The clinic admin reads them as well as the physiotherapists: the incident review is theirs to run. Each page and
each download is one audit event; the CSV names a patient by their number only, enough to find the record.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts import audit
from accounts.models import AuditAction
from accounts.permissions import holds, permission_required

from . import adverse_event_forms, anatomy, needling_safety, selectors
from .models import AdverseEvent, NeedledSite

PAGE_SIZE = 25
CSV_CHUNK = 500
# A cell a spreadsheet would read as a formula is written as text (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The event date is the day it was reported, the day the period filters on (as the count report counts): the
# record keeps when it was reported, and its onset says when it began relative to the session's date.
CSV_HEADER = [
    "event date", "patient number", "class", "type", "onset", "needled sites", "action taken",
    "escalated or referred to", "physiotherapist", "session date", "reported by", "reported at",
    "reported at the session of",
]  # fmt: skip


def events_for_review() -> QuerySet[AdverseEvent]:
    """Newest first, each with its patient, session, practitioner, reporter and the session's sites (fixed queries).

    Events of a session entered in error are left out, as the count report leaves them out.
    """
    return (
        selectors.standing_adverse_events()
        .select_related("session__patient", "session__physiotherapist", "reported_by", "reported_in")
        .prefetch_related(Prefetch("session__sites", queryset=NeedledSite.objects.order_by("recorded_at", "id")))
        .order_by("-reported_at", "-id")
    )


def site_words(site: NeedledSite) -> str:
    """ "Supinator, right"; "Multifidus at C6, left"."""
    try:
        name = anatomy.muscle(site.muscle).name
    except ValueError:
        name = site.muscle.replace("-", " ").capitalize()
    where = f" at {site.level}" if site.level else ""
    try:
        side = anatomy.Side(site.side).label
    except ValueError:
        side = site.side
    return f"{name}{where}, {side}"


def event_words(event: AdverseEvent) -> dict[str, Any]:
    """The event as the list and the CSV say it."""
    event_type = needling_safety.ADVERSE_EVENT_TYPE_BY_CODE.get(event.event_type)
    try:
        event_class = needling_safety.ADVERSE_EVENT_CLASS_INFO[needling_safety.AdverseEventClass(event.event_class)]
        class_label, is_incident = event_class.label, event_class.is_incident
    except ValueError:
        class_label, is_incident = event.event_class.capitalize(), False
    return {
        "event": event,
        "type": event_type.label if event_type else event.event_type.replace("_", " ").capitalize(),
        "class_label": class_label,
        "is_incident": is_incident,
        "onset": needling_safety.ADVERSE_EVENT_ONSET_WORDS.get(event.onset, event.onset),
        "sites": [site_words(site) for site in event.session.sites.all()],
    }


@require_safe
@permission_required("assessments.view_adverse_event_list")
def adverse_event_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, _filter_form(request))


@require_safe
@permission_required("assessments.view_adverse_event_list")
def adverse_event_export(request: HttpRequest) -> HttpResponseBase:
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return _list_page(request, form)  # the filters and their messages, rather than a CSV of other events
    period = form.period()
    audit.audit(
        action=AuditAction.EXPORT,
        object_type="assessments.adverseevent",
        object_id="incident review CSV",
        data=form.applied(),
    )
    events = form.filter(events_for_review()).iterator(chunk_size=CSV_CHUNK)

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in _csv_rows(events)), content_type="text/csv")
    filename = f"adverse-events-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filter_form(request: HttpRequest) -> adverse_event_forms.AdverseEventFilterForm:
    default = adverse_event_forms.default_period()
    return adverse_event_forms.AdverseEventFilterForm(
        request.GET or None, initial={"start": default.start, "end": default.end}
    )


def _list_page(request: HttpRequest, form: adverse_event_forms.AdverseEventFilterForm) -> HttpResponse:
    page = Paginator(form.filter(events_for_review()), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.audit(
        action=AuditAction.VIEW,
        object_type="assessments.adverseevent",
        object_id="incident review list",
        data=_with_page(form.applied(), page.number),
    )
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {
        "form": form,
        "period": form.period(),
        "page": page,
        "events": [event_words(event) for event in page.object_list],
        "filters": filters.urlencode(),
        "can_open_chart": holds(request.user, "patients.view_patient"),
        "can_open_session": holds(request.user, "assessments.view_treatmentsession"),
        "can_read_counts": holds(request.user, "assessments.view_adverse_event_report"),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "assessments/adverse_event_list.html", context, status=status)


def _with_page(applied: dict[str, Any], number: int) -> dict[str, Any]:
    return {**applied, "page": number, "summary": f"{applied['summary']}; page {number}"}


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_rows(events: Iterator[AdverseEvent]) -> Iterator[list[str]]:
    yield CSV_HEADER
    for event in events:
        words = event_words(event)
        session = event.session
        row = [
            timezone.localtime(event.reported_at).date().isoformat(),
            session.patient_id,
            words["class_label"],
            words["type"],
            words["onset"],
            "; ".join(words["sites"]),
            event.action_taken,
            event.referral,
            str(session.physiotherapist),
            timezone.localtime(session.started_at).date().isoformat(),
            str(event.reported_by),
            timezone.localtime(event.reported_at).isoformat(timespec="minutes"),
            timezone.localtime(event.reported_in.started_at).date().isoformat() if event.reported_in else "",
        ]
        yield [_csv_cell(value) for value in row]
