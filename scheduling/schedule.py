"""The day and week grids: which appointments, hours and time off go where, in a fixed number of queries.

The CSP forbids inline styles, so positions are CSS classes (schedule.css): a 5-minute row grid, one
column per practitioner (day) or per day (week).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from patients.readiness import SafetyReadiness, readiness_for

from .models import Appointment, AppointmentStatus, Practitioner, TimeOff
from .services import hours_on

ROW = timedelta(minutes=5)
SLOT = timedelta(minutes=15)
DEFAULT_OPEN, DEFAULT_CLOSE = time(8), time(18)
MAX_ROWS = 288  # a whole day of 5-minute rows; schedule.css has a class for each


@dataclass
class Block:
    row: int
    span: int
    column: int


@dataclass
class Badge:
    tone: str  # a Bootstrap colour
    icon: str  # a Bootstrap icon name
    text: str


@dataclass
class Entry(Block):
    appointment: Appointment
    readiness: SafetyReadiness | None = None
    badges: list[Badge] = field(default_factory=list)


@dataclass
class HourLabel(Block):
    label: str = ""


@dataclass
class Closed(Block):
    label: str = ""


@dataclass
class FreeSlot(Block):
    starts_at: datetime | None = None
    url: str = ""


@dataclass
class Column:
    index: int
    practitioner: Practitioner
    day: date
    is_own: bool = False


@dataclass
class Grid:
    columns: list[Column]
    opens_at: time
    rows: int
    hours: list[HourLabel] = field(default_factory=list)
    now: list[Block] = field(default_factory=list)  # the red line at the current time
    entries: list[Entry] = field(default_factory=list)
    closed: list[Closed] = field(default_factory=list)
    free: list[FreeSlot] = field(default_factory=list)
    cancelled: list[Appointment] = field(default_factory=list)  # listed below the grid, not in it


def _row(moment: datetime, day_start: datetime) -> int:
    return int((timezone.localtime(moment) - day_start) // ROW) + 2  # row 1 is the column header


def readiness_badges(readiness: SafetyReadiness | None, *, show_severity: bool) -> list[Badge]:
    """Is the IMS visit ready: questionnaire, flags acknowledged, consent. Front desk sees *that* a flag exists."""
    if readiness is None:
        return []
    badges = []
    if readiness.questionnaire_status == "completed":
        badges.append(Badge("success", "bi-clipboard-check", "Questionnaire done"))
    else:
        badges.append(Badge("secondary", "bi-clipboard", readiness.questionnaire_label))
    if readiness.highest_open_severity:
        severity = f" ({readiness.highest_open_severity.lower()})" if show_severity else ""
        if readiness.flags_acknowledged:
            badges.append(Badge("warning", "bi-flag", f"Safety flag{severity}, acknowledged"))
        else:
            badges.append(Badge("danger", "bi-flag-fill", f"Safety flag{severity}, not yet acknowledged"))
    if readiness.consent_on_file:
        badges.append(Badge("success", "bi-file-earmark-check", "Consent on file"))
    else:
        badges.append(Badge("warning", "bi-file-earmark-x", "No consent on file"))
    return badges


def build_grid(
    *,
    practitioners: list[Practitioner],
    days: list[date],
    own: Practitioner | None,
    may_book: set[int],
    show_severity: bool = False,
) -> Grid:
    """Columns are practitioners by days (the day view: many practitioners; the week view: many days).

    `may_book` holds the practitioner ids whose free slots link to the booking form.
    """
    zone = timezone.get_current_timezone()
    columns = [
        Column(
            index=len(days) * p_index + d_index + 2, practitioner=p, day=d, is_own=own is not None and p.pk == own.pk
        )
        for p_index, p in enumerate(practitioners)
        for d_index, d in enumerate(days)
    ]
    first, last = min(days), max(days)
    appointments = list(
        Appointment.objects.for_schedule()
        .filter(practitioner__in=practitioners)
        .on_days(first, last)
        .order_by("starts_at", "id")
    )
    window = (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )
    time_off = list(TimeOff.objects.filter(practitioner__in=practitioners).overlapping(*window))
    readiness = readiness_for({a.patient_id for a in appointments}) if appointments else {}

    # The grid runs from the earliest opening to the latest closing (or appointment) of the columns shown.
    hours = {(c.practitioner.pk, c.day): hours_on(c.practitioner.working_hours.all(), c.day) for c in columns}
    opens, closes = DEFAULT_OPEN, DEFAULT_CLOSE
    moments = [(s.time(), e.time()) for blocks in hours.values() for s, e in blocks]
    moments += [(timezone.localtime(a.starts_at).time(), timezone.localtime(a.ends_at).time()) for a in appointments]
    if moments:
        opens = min(DEFAULT_OPEN, *(s for s, _ in moments))
        closes = max(DEFAULT_CLOSE, *(e if e != time.min else time.max for _, e in moments))
    opens = time(opens.hour)
    close_hour = closes.hour + (1 if closes.minute or closes.second else 0)
    rows = min(MAX_ROWS, (close_hour - opens.hour) * 12) if close_hour <= 24 else MAX_ROWS
    grid = Grid(columns=columns, opens_at=opens, rows=rows)
    grid.hours = [
        HourLabel(row=2 + index * 12, span=12, column=1, label=f"{opens.hour + index:02d}:00")
        for index in range(rows // 12)
    ]

    by_column = {(c.practitioner.pk, c.day): c for c in columns}
    now = timezone.now()
    for column in columns:
        day_start = datetime.combine(column.day, opens, tzinfo=zone)
        day_end = day_start + rows * ROW
        blocks = hours[(column.practitioner.pk, column.day)]
        away = [
            (max(t.starts_at, day_start), min(t.ends_at, day_end), t.reason or "Time off")
            for t in time_off
            if t.practitioner_id == column.practitioner.pk and t.starts_at < day_end and t.ends_at > day_start
        ]
        taken = [
            (a.starts_at, a.blocked_until)
            for a in appointments
            if a.holds_time and a.practitioner_id == column.practitioner.pk
        ]
        if column.day == timezone.localdate() and day_start <= now < day_end:
            grid.now.append(Block(row=_row(now, day_start), span=1, column=column.index))
        for start, end, reason in away:
            grid.closed.append(
                Closed(
                    row=_row(start, day_start),
                    span=max(1, int((end - start) // ROW)),
                    column=column.index,
                    label=reason,
                )
            )
        # Closed stretches between working blocks, and free 15-minute slots inside them.
        cursor = day_start
        for start, end in [*blocks, (day_end, day_end)]:
            if start > cursor:
                grid.closed.append(
                    Closed(row=_row(cursor, day_start), span=int((start - cursor) // ROW), column=column.index)
                )
            slot = start
            while slot + SLOT <= end:
                free = slot >= now and not any(s < slot + SLOT and e > slot for s, e in taken)
                free = free and not any(s < slot + SLOT and e > slot for s, e, _ in away)
                if free:
                    url = ""
                    if column.practitioner.pk in may_book:
                        query = {
                            "practitioner": column.practitioner.pk,
                            "starts_at": timezone.localtime(slot).strftime("%Y-%m-%dT%H:%M"),
                        }
                        url = f"{reverse('scheduling:appointment-create')}?{urlencode(query)}"
                    grid.free.append(
                        FreeSlot(row=_row(slot, day_start), span=3, column=column.index, starts_at=slot, url=url)
                    )
                slot += SLOT
            cursor = max(cursor, end)

    for appointment in appointments:
        if appointment.status == AppointmentStatus.CANCELLED:
            grid.cancelled.append(appointment)
            continue
        local_day = timezone.localtime(appointment.starts_at).date()
        column = by_column.get((appointment.practitioner_id, local_day))
        if column is None:
            continue
        day_start = datetime.combine(column.day, opens, tzinfo=zone)
        row = max(2, _row(appointment.starts_at, day_start))
        span = max(1, min(int((appointment.ends_at - appointment.starts_at) // ROW), rows + 2 - row))
        grid.entries.append(
            Entry(
                row=row,
                span=span,
                column=column.index,
                appointment=appointment,
                readiness=readiness.get(appointment.patient_id),
                badges=readiness_badges(readiness.get(appointment.patient_id), show_severity=show_severity)
                if appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
                else [],
            )
        )
    return grid
