"""Scheduling owns practitioners' hours and time off, appointment types, appointments, the waitlist and reminders."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.dates import validate_clinic_date
from accounts.models import User
from accounts.permissions import holds
from patients.models import PrivateLink

# Whose appointments a member of staff books and changes: anyone's with this permission (the front desk),
# else, holding BOOK, only their own practitioner profile's (a physiotherapist).
BOOK_FOR_ANY = "scheduling.book_for_any_practitioner"
BOOK = "scheduling.add_appointment"


class CalendarColour(models.TextChoices):
    # Named colours, not free hex codes: the CSP forbids inline styles, so each has a class in schedule.css.
    BLUE = "blue", "Blue"
    TEAL = "teal", "Teal"
    GREEN = "green", "Green"
    ORANGE = "orange", "Orange"
    PURPLE = "purple", "Purple"
    PINK = "pink", "Pink"
    RED = "red", "Red"
    GREY = "grey", "Grey"


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PractitionerQuerySet(models.QuerySet):
    def active(self) -> PractitionerQuerySet:
        return self.filter(is_active=True)

    def bookable_by(self, user: User) -> PractitionerQuerySet:
        """The active practitioners `user` books for: all (front desk), their own profile (a physiotherapist),
        or none; the same rule as Practitioner.is_bookable_by, which the scheduling services enforce."""
        if holds(user, BOOK_FOR_ANY):
            return self.active()
        if holds(user, BOOK):
            return self.active().filter(user_id=user.pk)
        return self.none()


class Practitioner(models.Model):
    """A physiotherapist's profile on the schedule."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner")
    display_name = models.CharField(max_length=100)
    registration_number = models.CharField(max_length=40, blank=True)
    # Letters after the name, as the signature block of printed letters shows them ("BScPT, FCAMPT").
    credentials = models.CharField(max_length=100, blank=True)
    colour = models.CharField("calendar colour", max_length=10, choices=CalendarColour, default=CalendarColour.BLUE)
    is_active = models.BooleanField(default=True)
    # Only the hash of the calendar feed's secret; the token itself is shown once.
    feed_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    feed_token_created_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "id"]
        permissions = [("manage_own_calendar_feed", "Manage their own calendar link")]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("scheduling:practitioner-week", kwargs={"pk": self.pk})

    @property
    def has_feed(self) -> bool:
        return bool(self.feed_token_hash)

    def is_bookable_by(self, user: User) -> bool:
        """Whether `user` may book and change this practitioner's appointments (whether the practitioner
        takes bookings at all is the booking rules' question): see PractitionerQuerySet.bookable_by."""
        if holds(user, BOOK_FOR_ANY):
            return True
        return holds(user, BOOK) and self.user_id == user.pk


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """One block of a practitioner's week in the clinic's local time; a day may have several."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["practitioner", "weekday", "start_time"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="working_hours_end_after_start",
                violation_error_message="The block must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M} to {self.end_time:%H:%M}"


class TimeOffQuerySet(models.QuerySet):
    def overlapping(self, starts_at: datetime, ends_at: datetime) -> TimeOffQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class TimeOff(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField(validators=[validate_clinic_date])
    ends_at = models.DateTimeField(validators=[validate_clinic_date])
    reason = models.CharField(max_length=200, blank=True, help_text="Shown on the schedule, e.g. 'Holiday'.")

    objects = TimeOffQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="time_off_ends_after_start",
                violation_error_message="Time off must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner}: {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}, {self.reason or 'time off'}"


class AppointmentKind(models.TextChoices):
    INITIAL_ASSESSMENT = "initial_assessment", "Initial IMS assessment"
    TREATMENT = "treatment", "IMS treatment"
    REASSESSMENT = "reassessment", "Reassessment"


class AppointmentType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=AppointmentKind)
    duration_minutes = models.PositiveSmallIntegerField(help_text="In 5-minute steps.")
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Time after the visit that blocks the practitioner (cleaning, notes), not the patient."
    )
    colour = models.CharField(max_length=10, choices=CalendarColour, default=CalendarColour.TEAL)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["duration_minutes", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0),
                name="appointment_type_has_length",
                violation_error_message="An appointment type needs a length of at least 5 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def is_first_visit(self) -> bool:
        return self.kind == AppointmentKind.INITIAL_ASSESSMENT


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# The only moves between statuses; cancelled, completed and no-show are final (the record stays).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    AppointmentStatus.BOOKED: frozenset(
        {AppointmentStatus.ARRIVED, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}
    ),
    AppointmentStatus.ARRIVED: frozenset({AppointmentStatus.COMPLETED, AppointmentStatus.BOOKED}),
    AppointmentStatus.COMPLETED: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
    AppointmentStatus.NO_SHOW: frozenset(),
}
# Statuses that no longer hold the slot.
RELEASED_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)


class AppointmentQuerySet(models.QuerySet):
    def holding_time(self) -> AppointmentQuerySet:
        return self.exclude(status__in=RELEASED_STATUSES)

    def for_schedule(self) -> AppointmentQuerySet:
        return self.select_related("patient", "practitioner", "appointment_type")

    def between(self, starts_at: datetime, ends_at: datetime) -> AppointmentQuerySet:
        return self.filter(starts_at__lt=ends_at, blocked_until__gt=starts_at)

    def on_days(self, first: date, last: date) -> AppointmentQuerySet:
        zone = timezone.get_current_timezone()
        starts_at = datetime.combine(first, datetime.min.time(), tzinfo=zone)
        ends_at = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        return self.between(starts_at, ends_at)

    def upcoming(self) -> AppointmentQuerySet:
        return self.filter(starts_at__gte=timezone.now())


class Appointment(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # ends_at plus the type's buffer: the practitioner's time is taken until then, the patient's until ends_at.
    blocked_until = models.DateTimeField()
    status = models.CharField(max_length=20, choices=AppointmentStatus, default=AppointmentStatus.BOOKED)
    front_desk_note = models.CharField(
        max_length=300, blank=True, help_text="Practical only (parking, interpreter); never clinical."
    )
    series_key = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    booked_at = models.DateTimeField(default=timezone.now, editable=False)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.CharField(max_length=300, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        # Without it, a member of staff books, moves and changes only their own practitioner's appointments.
        permissions = [("book_for_any_practitioner", "Book and change appointments for any practitioner")]
        indexes = [
            models.Index(fields=["practitioner", "starts_at"], name="appointment_practitioner_start"),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient_start"),
            models.Index(fields=["starts_at"], name="appointment_start"),
            # The schedule's "busy between" reads (between(): starts before the end, blocked past the start):
            # for the days around today, what is blocked past the start is a few weeks, not the whole past.
            models.Index(fields=["practitioner", "blocked_until"], name="appointment_practitioner_busy"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="appointment_ends_after_start",
                violation_error_message="The appointment must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("ends_at")),
                name="appointment_buffer_after_end",
                violation_error_message="The buffer comes after the appointment.",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | (Q(cancelled_by__isnull=False) & ~Q(cancellation_reason="")),
                name="appointment_cancellation_explained",
                violation_error_message="A cancellation records who cancelled and why.",
            ),
            # On PostgreSQL the exclusion constraints appointment_no_practitioner_overlap and
            # appointment_no_patient_overlap are added by migration 0002 (btree_gist).
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type.name}, {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:appointment-detail", kwargs={"pk": self.pk})

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def holds_time(self) -> bool:
        return self.status not in RELEASED_STATUSES

    @property
    def is_booked(self) -> bool:
        return self.status == AppointmentStatus.BOOKED

    @property
    def is_arrived(self) -> bool:
        return self.status == AppointmentStatus.ARRIVED

    @property
    def is_cancelled(self) -> bool:
        return self.status == AppointmentStatus.CANCELLED

    @property
    def is_no_show(self) -> bool:
        return self.status == AppointmentStatus.NO_SHOW

    def can_become(self, status: str) -> bool:
        return status in STATUS_TRANSITIONS[self.status]


class AppointmentReminder(models.Model):
    """A reminder e-mail sent for one appointment at one start time by the cron command of earlier versions: kept as
    the record of those. Reminders are now messages to the patient (patients.Message, scheduling/reminders.py)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    starts_at = models.DateTimeField(help_text="The start time the reminder announced.")
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "starts_at"], name="reminder_once_per_start"),
        ]

    def __str__(self) -> str:
        return f"Reminder for appointment {self.appointment_id} sent {self.sent_at:%Y-%m-%d %H:%M}"


class WaitlistQuerySet(models.QuerySet):
    def open(self) -> WaitlistQuerySet:
        return self.filter(removed_at__isnull=True, wanted_until__gte=timezone.localdate())


class WaitlistEntry(models.Model):
    """A patient waiting for an earlier slot; offered freed slots that match."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="waitlist_entries")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="waitlist_entries",
        help_text="Leave empty for any practitioner.",
    )  # fmt: skip
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="+")
    weekdays = models.JSONField(default=list, blank=True, help_text="Preferred weekdays (0 = Monday); empty: any.")
    earliest_time = models.TimeField(null=True, blank=True)
    latest_time = models.TimeField(null=True, blank=True)
    wanted_until = models.DateField(validators=[validate_clinic_date])
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = WaitlistQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(earliest_time__isnull=True)
                | Q(latest_time__isnull=True)
                | Q(latest_time__gt=F("earliest_time")),
                name="waitlist_time_window_in_order",
                violation_error_message="The latest time must come after the earliest time.",
            ),
        ]

    def __str__(self) -> str:
        return f"Waitlist: {self.patient} until {self.wanted_until}"

    @property
    def weekday_labels(self) -> list[str]:
        return [Weekday(day).label for day in sorted(self.weekdays)]


class AppointmentLink(PrivateLink):
    """The private page a reminder links to: the visit's day, time and physiotherapist and how to reach the clinic
    to cancel or move it. Opened as often as the patient likes until the visit is over."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="appointment_links")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="links")

    reusable = True

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="appointment_link_expires_after_issue",
                violation_error_message="A link must expire after it is issued.",
            ),
        ]

    def __str__(self) -> str:
        return f"Link to appointment {self.appointment_id}"


auditlog.register(Appointment)
auditlog.register(Practitioner, exclude_fields=["feed_token_hash"])
auditlog.register(WorkingHours)
auditlog.register(TimeOff)
auditlog.register(AppointmentType)
auditlog.register(WaitlistEntry)
auditlog.register(AppointmentLink, include_fields=["opened_at", "locked_at", "revoked_at"])
