"""The day and week grids: which appointments, hours and time off go where, in a fixed number of queries.

The CSP forbids inline styles, so positions are CSS classes (schedule.css): a 5-minute row grid, one
column per practitioner (day) or per day (week).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import dateformat, timezone

from patients import gate, safety_state

from .models import Appointment, AppointmentStatus, Practitioner, TimeOff, WorkingHours
from .services import hours_on, local_day_bounds

ROW = timedelta(minutes=5)
SLOT = timedelta(minutes=15)
DEFAULT_OPEN, DEFAULT_CLOSE = time(8), time(18)
MAX_ROWS = 288  # a whole day of 5-minute rows; schedule.css has a class for each
STATUS_LABEL = dict(AppointmentStatus.choices)
STATUS_TONE = {AppointmentStatus.ARRIVED: "success", AppointmentStatus.NO_SHOW: "danger"}  # others: secondary


@dataclass
class Block:
    row: int
    span: int
    column: int

    @property
    def place(self) -> str:
        """Its classes in schedule.css, as one string: the template would localize each number on its own."""
        return f"sg-r-{self.row} sg-s-{self.span} sg-c-{self.column}"


@dataclass
class Badge:
    tone: str  # a Bootstrap colour
    icon: str  # a Bootstrap icon name
    text: str


@dataclass
class Entry(Block):
    appointment: Appointment
    readiness: gate.PatientDecision | None = None
    badges: list[Badge] = field(default_factory=list)
    # What the cell prints, made once here (the template escapes it).
    url: str = ""
    classes: str = ""  # the type's calendar colour and the status
    title: str = ""  # times, patient, type and status
    who: str = ""
    what: str = ""
    status_label: str = ""  # empty while booked: only a change of status gets a badge
    status_tone: str = ""


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
    label: str = ""  # the start, "09:15"


@dataclass
class Column:
    index: int
    practitioner: Practitioner
    day: date
    is_own: bool = False
    # The header's links: that day's schedule (in a week) and the practitioner's week (in a day).
    day_label: str = ""  # "Mon 2 Mar"
    day_url: str = ""
    week_url: str = ""


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

    @property
    def legend(self) -> tuple[Badge, ...]:
        return BADGE_LEGEND


def _url_for_pk(name: str) -> Callable[[int], str]:
    """`reverse(name, kwargs={"pk": pk})` for many pks at the price of one `reverse`."""
    marker = "2147483647"
    head, _, tail = reverse(name, kwargs={"pk": int(marker)}).rpartition(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _row(moment: datetime, day_start: datetime) -> int:
    """The row of `moment` in the column starting at `day_start`, in wall-clock time (row 1 is the header)."""
    return int((moment.astimezone(day_start.tzinfo) - day_start) // ROW) + 2


def _on(day: date) -> str:
    return f"{day.day} {day:%b}"


def gate_badges(decision: gate.PatientDecision | None, *, show_severity: bool) -> list[Badge]:
    """What the needling gate would say of the visit, in words: questionnaire, flags, consent, the re-check.

    Front desk sees *that* a flag needs the physiotherapist, not its severity.
    """
    if decision is None:
        return []
    badges = []
    status = decision.questionnaire
    if status is gate.QuestionnaireStatus.MISSING:
        badges.append(Badge("secondary", "bi-clipboard", "No questionnaire"))
    elif status is gate.QuestionnaireStatus.EXPIRED:
        badges.append(Badge("danger", "bi-clipboard-x", "Questionnaire expired"))
    elif status is gate.QuestionnaireStatus.EXPIRING and decision.questionnaire_expires_on:
        badges.append(
            Badge("warning", "bi-hourglass-split", f"Questionnaire expires {_on(decision.questionnaire_expires_on)}")
        )
    else:
        badges.append(Badge("success", "bi-clipboard-check", "Questionnaire current"))
    if decision.flags_to_acknowledge:
        worst = max(decision.flags_to_acknowledge, key=lambda flag: flag.severity.rank).severity
        severity = f" ({worst.value.lower()})" if show_severity else ""
        badges.append(Badge("danger", "bi-flag-fill", f"Flag to acknowledge{severity}"))
    elif decision.highest_severity is not None:
        badges.append(Badge("warning", "bi-flag", "Flags acknowledged"))
    if decision.consent is gate.ConsentStatus.IN_FORCE:
        badges.append(Badge("success", "bi-file-earmark-check", "Consent in force"))
    elif decision.consent is gate.ConsentStatus.WITHDRAWN:
        badges.append(Badge("danger", "bi-file-earmark-x", "Consent withdrawn"))
    else:
        badges.append(Badge("warning", "bi-file-earmark-x", "No consent"))
    if status is not gate.QuestionnaireStatus.MISSING:
        if decision.recheck is gate.RecheckStatus.DUE:
            badges.append(Badge("info", "bi-chat-square-text", "Re-check at the visit"))
        elif decision.recheck is gate.RecheckStatus.AWAITING_QUESTIONNAIRE:
            badges.append(Badge("warning", "bi-hourglass", "New questionnaire awaited"))
        else:
            badges.append(Badge("success", "bi-check2-square", "Re-check done"))
    return badges


# The legend under the schedule names every badge gate_badges can show.
BADGE_LEGEND: tuple[Badge, ...] = (
    Badge("success", "bi-clipboard-check", "questionnaire current"),
    Badge("warning", "bi-hourglass-split", "questionnaire expires within a week"),
    Badge("danger", "bi-clipboard-x", "questionnaire expired"),
    Badge("secondary", "bi-clipboard", "no questionnaire"),
    Badge("danger", "bi-flag-fill", "flag to acknowledge"),
    Badge("warning", "bi-flag", "flags acknowledged"),
    Badge("success", "bi-file-earmark-check", "consent in force"),
    Badge("warning", "bi-file-earmark-x", "no consent, or withdrawn"),
    Badge("info", "bi-chat-square-text", "re-check due at the visit"),
    Badge("success", "bi-check2-square", "re-check done"),
)


def visit_decisions(
    patient_days: Iterable[tuple[int, date]], *, today: date | None = None
) -> dict[tuple[int, date], gate.PatientDecision]:
    """The gate's answer for each patient on the day of their visit: one load of the state for every visit.

    A visit on another day than today has its re-check still to come.
    """
    pairs = set(patient_days)
    day = today or timezone.localdate()
    states = safety_state.safety_states({pk for pk, _ in pairs}, today=day)
    return {(pk, on): decision_on(states[pk], on, today=day) for pk, on in pairs}


def decision_on(state: gate.PatientSafetyState, day: date, *, today: date | None = None) -> gate.PatientDecision:
    """The gate's answer for a visit on `day`, from the state read today: a later visit's re-check is to come."""
    if day != (today or timezone.localdate()):
        state = replace(state, recheck=gate.RecheckStatus.DUE)
    return gate.patient_decision(state, today=day, settings=safety_state.gate_settings())


def build_grid(
    *,
    practitioners: list[Practitioner],
    days: list[date],
    own: Practitioner | None,
    may_book: set[int],
    show_severity: bool = False,
) -> Grid:
    """Columns are practitioners by days (the day view: many practitioners; the week view: many days).

    `may_book` holds the practitioner ids whose free slots link to the booking form. Each cell's labels and
    links are made here, so the template only prints strings: a day has hundreds of cells, and a filter or a
    `{% url %}` per cell was most of the page's time.
    """
    zone = timezone.get_current_timezone()
    day_url, week_url = reverse("scheduling:schedule-day"), _url_for_pk("scheduling:practitioner-week")
    columns = [
        Column(
            index=len(days) * p_index + d_index + 2,
            practitioner=p,
            day=d,
            is_own=own is not None and p.pk == own.pk,
            day_label=dateformat.format(d, "D j M"),
            day_url=f"{day_url}?date={d.isoformat()}",
            week_url=f"{week_url(p.pk)}?date={d.isoformat()}",
        )
        for p_index, p in enumerate(practitioners)
        for d_index, d in enumerate(days)
    ]
    first, last = min(days), max(days)
    by_pk = {p.pk: p for p in practitioners}
    appointments = list(
        Appointment.objects.select_related("patient", "appointment_type")  # the practitioners are at hand
        .filter(practitioner__in=practitioners)
        .on_days(first, last)
        .order_by("starts_at", "id")
    )
    for appointment in appointments:
        appointment.practitioner = by_pk[appointment.practitioner_id]
    window = local_day_bounds(first)[0], local_day_bounds(last)[1]
    time_off = list(TimeOff.objects.filter(practitioner__in=practitioners).overlapping(*window))
    readiness = (
        visit_decisions({(a.patient_id, a.starts_at.astimezone(zone).date()) for a in appointments})
        if appointments
        else {}
    )
    blocks_of: dict[int, list[WorkingHours]] = {p.pk: [] for p in practitioners}
    for block in WorkingHours.objects.filter(practitioner__in=practitioners, weekday__in={d.weekday() for d in days}):
        blocks_of[block.practitioner_id].append(block)
    hours = {(c.practitioner.pk, c.day): hours_on(blocks_of[c.practitioner.pk], c.day) for c in columns}
    local = {a.pk: (a.starts_at.astimezone(zone), a.ends_at.astimezone(zone)) for a in appointments}

    # The grid runs from the earliest opening to the latest closing (or appointment) of the columns shown.
    opens, closes = DEFAULT_OPEN, DEFAULT_CLOSE
    moments = [(s.time(), e.time()) for blocks in hours.values() for s, e in blocks]
    moments += [(s.time(), e.time()) for s, e in local.values()]
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

    # A slot is free unless an appointment holding time or time off overlaps it. The checks compare POSIX
    # timestamps: a day has hundreds of them, and aware datetimes in two zones compare slowly.
    busy_of: dict[int, list[tuple[float, float]]] = {p.pk: [] for p in practitioners}
    for appointment in appointments:
        if appointment.holds_time:
            busy_of[appointment.practitioner_id].append(
                (appointment.starts_at.timestamp(), appointment.blocked_until.timestamp())
            )
    away_of: dict[int, list[TimeOff]] = {p.pk: [] for p in practitioners}
    for stretch in time_off:
        away_of[stretch.practitioner_id].append(stretch)
    book_url = reverse("scheduling:appointment-create")
    now, today = timezone.now(), timezone.localdate()
    now_at = now.timestamp()
    for column in columns:
        pk = column.practitioner.pk
        day_start = datetime.combine(column.day, opens, tzinfo=zone)
        day_end = day_start + rows * ROW
        away = [
            (max(t.starts_at, day_start), min(t.ends_at, day_end), t.reason or "Time off")
            for t in away_of[pk]
            if t.starts_at < day_end and t.ends_at > day_start
        ]
        if column.day == today and day_start <= now < day_end:
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
        # Closed stretches between working blocks, and free 15-minute slots inside them (all within the day).
        opens_at, closes_at = day_start.timestamp(), day_end.timestamp()
        busy = [(s, e) for s, e in busy_of[pk] if s < closes_at and e > opens_at]
        busy += [(s.timestamp(), e.timestamp()) for s, e, _ in away]
        cursor = day_start
        for start, end in [*hours[(pk, column.day)], (day_end, day_end)]:
            if start > cursor:
                grid.closed.append(
                    Closed(row=_row(cursor, day_start), span=int((start - cursor) // ROW), column=column.index)
                )
            slot = start  # in the clinic's zone: its wall-clock time is the local time
            while (slot_end := slot + SLOT) <= end:
                slot_at, slot_end_at = slot.timestamp(), slot_end.timestamp()
                if slot_at >= now_at and not any(s < slot_end_at and e > slot_at for s, e in busy):
                    grid.free.append(
                        FreeSlot(
                            row=int((slot - day_start) // ROW) + 2,
                            span=3,
                            column=column.index,
                            starts_at=slot,
                            # What urlencode() makes of the practitioner and the start, without its cost.
                            url=f"{book_url}?practitioner={pk}&starts_at={slot:%Y-%m-%dT%H%%3A%M}"
                            if pk in may_book
                            else "",
                            label=f"{slot:%H:%M}",
                        )
                    )
                slot = slot_end
            cursor = max(cursor, end)

    by_column = {(c.practitioner.pk, c.day): c for c in columns}
    detail_url = _url_for_pk("scheduling:appointment-detail")
    badges_of: dict[tuple[int, date], list[Badge]] = {}
    for appointment in appointments:
        if appointment.status == AppointmentStatus.CANCELLED:
            grid.cancelled.append(appointment)
            continue
        starts_at, ends_at = local[appointment.pk]
        placed_in = by_column.get((appointment.practitioner_id, starts_at.date()))
        if placed_in is None:
            continue
        row = max(2, _row(starts_at, datetime.combine(placed_in.day, opens, tzinfo=zone)))
        span = max(1, min(int((appointment.ends_at - appointment.starts_at) // ROW), rows + 2 - row))
        patient_readiness = readiness.get((appointment.patient_id, starts_at.date()))
        badges: list[Badge] = []
        if appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED):
            key = (appointment.patient_id, starts_at.date())
            if key not in badges_of:
                badges_of[key] = gate_badges(patient_readiness, show_severity=show_severity)
            badges = badges_of[key]
        patient, kind = appointment.patient.display_name, appointment.appointment_type.name
        status = STATUS_LABEL.get(appointment.status, appointment.status)
        starts, ends = f"{starts_at:%H:%M}", f"{ends_at:%H:%M}"
        grid.entries.append(
            Entry(
                row=row,
                span=span,
                column=placed_in.index,
                appointment=appointment,
                readiness=patient_readiness,
                badges=badges,
                url=detail_url(appointment.pk),
                classes=f"cal-{appointment.appointment_type.colour} is-{appointment.status}",
                title=f"{starts}\u2013{ends} {patient}, {kind}, {status}",
                who=patient,
                what=f"{starts} · {kind}",
                status_label="" if appointment.status == AppointmentStatus.BOOKED else status,
                status_tone=STATUS_TONE.get(appointment.status, "secondary"),
            )
        )
    return grid
