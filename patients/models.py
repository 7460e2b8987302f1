"""Patients own who the patient is and how to reach them, and their consent to IMS."""

from __future__ import annotations

from datetime import date, datetime, time

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.dates import validate_clinic_date

from .safety_rules import (
    FLAG_DEFINITION_BY_CODE,
    NOTE_REQUIRED_SEVERITIES,
    REGION_WORDS,
    SEVERITY_CHOICES,
    BodyRegion,
    FlagCode,
    Severity,
)


class AdministrativeSex(models.TextChoices):
    # FHIR AdministrativeGender, the sex recorded for administration.
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


def language_choices() -> list[tuple[str, str]]:
    """The languages the patient's pages and messages come in (settings.LANGUAGES); a callable, so that adding
    one needs no migration."""
    return list(settings.LANGUAGES)


def default_language() -> str:
    return str(settings.LANGUAGE_CODE)


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "E-mail"


class Province(models.TextChoices):
    AB = "AB", "Alberta"
    BC = "BC", "British Columbia"
    MB = "MB", "Manitoba"
    NB = "NB", "New Brunswick"
    NL = "NL", "Newfoundland and Labrador"
    NS = "NS", "Nova Scotia"
    NT = "NT", "Northwest Territories"
    NU = "NU", "Nunavut"
    ON = "ON", "Ontario"
    PE = "PE", "Prince Edward Island"
    QC = "QC", "Quebec"
    SK = "SK", "Saskatchewan"
    YT = "YT", "Yukon"


class PatientQuerySet(models.QuerySet):
    def active(self) -> PatientQuerySet:
        return self.filter(is_archived=False)

    def archived(self) -> PatientQuerySet:
        return self.filter(is_archived=True)

    def for_registry(self) -> PatientQuerySet:
        return self.only(
            "id", "given_name", "family_name", "preferred_name", "date_of_birth", "phone", "email",
            "is_archived", "health_number", "health_number_province",
        ).order_by("family_name", "given_name", "id")  # fmt: skip


class Patient(models.Model):
    """Identity and contact only; everything clinical hangs off it in other models."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(validators=[validate_clinic_date])
    administrative_sex = models.CharField(max_length=10, choices=AdministrativeSex, default=AdministrativeSex.UNKNOWN)
    pronouns = models.CharField(max_length=40, blank=True)

    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    preferred_contact_method = models.CharField(max_length=10, choices=ContactMethod, default=ContactMethod.PHONE)
    preferred_language = models.CharField(
        "preferred language", max_length=10, choices=language_choices, default=default_language
    )
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address (line 2)", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    province = models.CharField(max_length=2, choices=Province, default=Province.BC)
    postal_code = models.CharField(max_length=7, blank=True)

    health_number = models.CharField("provincial health number", max_length=20, blank=True)
    health_number_province = models.CharField(
        "health number issued by", max_length=2, choices=Province, default=Province.BC
    )

    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    family_doctor = models.CharField("family doctor", max_length=200, blank=True)
    referred_by = models.CharField("referred by", max_length=200, blank=True)

    # Kept by patients.services so search works alike on SQLite and PostgreSQL (trigram index there).
    search_name = models.CharField(max_length=400, editable=False, default="")
    phone_digits = models.CharField(max_length=20, editable=False, default="", db_index=True)

    # Compare-and-set on every change of details, so that two open forms never silently overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    is_archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["family_name", "given_name", "id"], name="patient_name_order"),
            models.Index(fields=["date_of_birth"], name="patient_date_of_birth"),
            models.Index(fields=["is_archived", "family_name", "given_name"], name="patient_archived_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_archived=False) | Q(archived_at__isnull=False),
                name="patient_archived_has_time",
                violation_error_message="An archived patient needs the time of archiving.",
            ),
            models.CheckConstraint(
                condition=Q(updated_at__gte=F("created_at")),
                name="patient_updated_after_created",
                violation_error_message="A patient cannot be updated before being created.",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("patients:patient-detail", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        preferred = (
            f" ({self.preferred_name})" if self.preferred_name and self.preferred_name != self.given_name else ""
        )
        return f"{self.given_name}{preferred} {self.family_name}"

    @property
    def sortable_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class ConsentTextVersion(models.Model):
    """The wording shown to patients when they consent to IMS; never changed once a consent used it."""

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200, default="Consent to IMS (intramuscular stimulation)")
    body = models.TextField(help_text="What the patient is told (clinical-reference.md 7.2, elements 1 to 9).")
    effective_on = models.DateField(default=timezone.localdate, validators=[validate_clinic_date])
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title}, version {self.version}"

    @classmethod
    def current(cls) -> ConsentTextVersion | None:
        return cls.objects.filter(effective_on__lte=timezone.localdate()).order_by("-effective_on", "-id").first()


class ConsentForm(models.TextChoices):
    VERBAL = "verbal", "Verbal, recorded by the clinician"
    WRITTEN = "written", "Written: the patient typed their name and ticked"


class ConsentQuerySet(models.QuerySet):
    def in_force(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """One informed consent to IMS (clinical-reference.md 7.2); withdrawing it keeps the record."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    text_version = models.ForeignKey(ConsentTextVersion, on_delete=models.PROTECT, related_name="consents")
    # Element 6: written out at the time, so later changes to the questionnaire do not alter it.
    patient_specific_risks = models.TextField(blank=True)
    # Element 10: the body regions covered, BodyRegion values.
    regions = models.JSONField(default=list)
    includes_paraspinal = models.BooleanField("includes needling next to the spine", default=True)
    # Elements 7 to 9.
    alternatives_discussed = models.BooleanField(default=False)
    stop_signal_agreed = models.BooleanField(default=False)
    questions_and_answers = models.TextField(blank=True)
    # Element 11.
    has_capacity = models.BooleanField("the patient has capacity to consent", default=True)
    substitute_name = models.CharField("substitute decision-maker", max_length=200, blank=True)
    substitute_relationship = models.CharField(max_length=100, blank=True)
    # Element 12.
    form = models.CharField(max_length=10, choices=ConsentForm)
    signed_name = models.CharField("name typed by the patient", max_length=200, blank=True)
    patient_ticked = models.BooleanField(default=False)
    witness_name = models.CharField(max_length=200, blank=True)
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["patient", "-given_at"], name="consent_patient_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(form="written") | (~Q(signed_name="") & Q(patient_ticked=True)),
                name="consent_written_is_signed",
                violation_error_message="Written consent needs the patient's typed name and tick.",
            ),
            models.CheckConstraint(
                condition=Q(has_capacity=True) | ~Q(substitute_name=""),
                name="consent_substitute_when_no_capacity",
                violation_error_message="Without capacity, name the substitute decision-maker.",
            ),
            models.CheckConstraint(
                condition=Q(alternatives_discussed=True, stop_signal_agreed=True),
                name="consent_alternatives_and_stop_signal",
                violation_error_message="Discuss the alternatives and agree a stop signal before recording consent.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_by__isnull=False),
                name="consent_withdrawal_has_author",
                violation_error_message="A withdrawal records who recorded it.",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent to IMS, {self.given_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("patients:consent-detail", kwargs={"pk": self.patient_id, "consent_pk": self.pk})

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def region_labels(self) -> list[str]:
        return [REGION_LABELS.get(code, code) for code in self.regions]


REGION_LABELS: dict[str, str] = {
    BodyRegion.HEAD_NECK: "Head and neck (beside the neck spine too)",
    BodyRegion.SHOULDER: "Shoulder and shoulder blade",
    BodyRegion.UPPER_BACK: "Upper and middle back (beside the spine)",
    BodyRegion.CHEST: "Chest wall and armpit",
    BodyRegion.UPPER_LIMB: "Arm (shoulder to hand)",
    BodyRegion.ABDOMEN: "Abdomen",
    BodyRegion.LUMBOSACRAL: "Low back and sacrum",
    BodyRegion.PELVIS: "Pelvis and groin",
    BodyRegion.BUTTOCK: "Buttock and hip",
    BodyRegion.LOWER_LIMB: "Leg (thigh to foot)",
}


class ConsentExtension(models.Model):
    """Consent to a further body region, recorded on the spot (7.2 element 10): part of the consent it extends.

    Withdrawing the consent withdraws its extensions with it.
    """

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="extensions")
    region = models.CharField(max_length=20, choices=[(str(code), label) for code, label in REGION_LABELS.items()])
    includes_paraspinal = models.BooleanField("includes needling next to the spine", default=True)
    risks_explained = models.TextField("the region's risks, as read to the patient")
    form = models.CharField(max_length=10, choices=ConsentForm)
    signed_name = models.CharField("name typed by the patient", max_length=200, blank=True)
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["given_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "region"],
                name="consent_extension_once_per_region",
                violation_error_message="This consent already covers that region.",
            ),
            models.CheckConstraint(
                condition=~Q(form="written") | ~Q(signed_name=""),
                name="consent_extension_written_is_signed",
                violation_error_message="Written consent needs the patient's typed name.",
            ),
            models.CheckConstraint(
                condition=~Q(risks_explained=""),
                name="consent_extension_has_risks",
                violation_error_message="Record the risks of this region as they were explained.",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent extended to {REGION_LABELS.get(self.region, self.region).lower()}, {self.given_at:%Y-%m-%d}"

    @property
    def region_label(self) -> str:
        return REGION_LABELS.get(self.region, self.region)

    @property
    def region_words(self) -> str:
        """The region as a sentence names it: "the chest wall"."""
        return REGION_WORDS.get(self.region, self.region)


# An open link: not revoked, submitted or locked (it may still have expired). A patient has at most one.
OPEN_LINK = Q(revoked_at__isnull=True, submitted_at__isnull=True, locked_at__isnull=True)


class QuestionnaireLinkQuerySet(models.QuerySet):
    def open(self) -> QuestionnaireLinkQuerySet:
        return self.filter(OPEN_LINK)


class QuestionnaireLinkStatus(models.TextChoices):
    NOT_SENT = "not_sent", "Not sent"
    SENT = "sent", "Sent"
    OPENED = "opened", "Opened"
    COMPLETED = "completed", "Completed"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    LOCKED = "locked", "Locked (wrong dates of birth)"


class QuestionnaireLink(models.Model):
    """A private link to the safety questionnaire: only the SHA-256 of its 256-bit token is stored."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaire_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    emailed_to = models.EmailField(blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    failed_date_of_birth_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.CharField(max_length=200, blank=True)

    objects = QuestionnaireLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-created_at"], name="qlink_patient_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=OPEN_LINK,
                name="qlink_one_open_per_patient",
                violation_error_message="The patient already has an open questionnaire link.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="qlink_expires_after_creation",
                violation_error_message="A link must expire after it is issued.",
            ),
        ]

    def __str__(self) -> str:
        return f"Questionnaire link of {self.created_at:%Y-%m-%d}"

    def status_at(self, moment: datetime) -> QuestionnaireLinkStatus:
        if self.revoked_at:
            return QuestionnaireLinkStatus.REVOKED
        if self.submitted_at:
            return QuestionnaireLinkStatus.COMPLETED
        if self.locked_at:
            return QuestionnaireLinkStatus.LOCKED
        if moment >= self.expires_at:
            return QuestionnaireLinkStatus.EXPIRED
        return QuestionnaireLinkStatus.OPENED if self.opened_at else QuestionnaireLinkStatus.SENT

    @property
    def status(self) -> QuestionnaireLinkStatus:
        return self.status_at(timezone.now())

    @property
    def is_usable(self) -> bool:
        return self.status in {QuestionnaireLinkStatus.SENT, QuestionnaireLinkStatus.OPENED}


class QuestionnaireResponseQuerySet(models.QuerySet):
    def submitted(self) -> QuestionnaireResponseQuerySet:
        return self.filter(submitted_at__isnull=False)


class QuestionnaireResponse(models.Model):
    """The patient's answers through one link: a draft saved as they go, then submitted and never edited.

    A later submission supersedes an earlier one for the clinic's decisions; both stay.
    """

    # A response the clinician recorded at a visit's re-check has no link: it `amends` the patient's answers.
    link = models.OneToOneField(
        QuestionnaireLink, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the patient last answered the whole questionnaire: its age for the validity limit (R35). An amendment
    # keeps the date of the answers it amends.
    screened_at = models.DateTimeField(null=True, blank=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaire_responses")
    answers = models.JSONField(default=dict)
    questionnaire_version = models.CharField(max_length=20)
    started_at = models.DateTimeField(default=timezone.now)
    last_saved_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_name = models.CharField(max_length=200, blank=True)
    rules_version = models.CharField(max_length=20, blank=True)
    risk_level = models.CharField(max_length=10, blank=True)

    objects = QuestionnaireResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-started_at", "-id"]
        indexes = [models.Index(fields=["patient", "-submitted_at"], name="qresponse_patient_recent")]

    def __str__(self) -> str:
        return f"Safety questionnaire of {self.submitted_at or self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("patients:questionnaire-review", kwargs={"pk": self.patient_id, "response_pk": self.pk})


class RecheckAnswer(models.TextChoices):
    NO_CHANGE = "no_change", "No change"
    CHANGES_RECORDED = "changes_recorded", "Yes: the changes were recorded"
    NEW_QUESTIONNAIRE = "new_questionnaire", "Yes: a new questionnaire was sent"


class SafetyRecheckQuerySet(models.QuerySet):
    def asked_on(self, day: date) -> SafetyRecheckQuerySet:
        """The re-checks asked on a day of the clinic's calendar, the latest first: the gate relies on the first."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(day, time.min, tzinfo=zone)
        return self.filter(asked_at__range=(start, datetime.combine(day, time.max, tzinfo=zone))).order_by(
            "-asked_at", "-id"
        )


class SafetyRecheck(models.Model):
    """The visit's re-check (5.6, R35): "since your questionnaire of ..., any change?", asked before the first site.

    Yes records what changed, as an amendment of the questionnaire whose flags are reviewed as any others, or sends
    a new questionnaire. Today's re-check is part of the patient-level gate; a session refers to the one it relied on.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="safety_rechecks")
    questionnaire = models.ForeignKey(QuestionnaireResponse, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=20, choices=RecheckAnswer)
    changes = models.JSONField(default=dict, blank=True)  # what changed, as answers to the questionnaire's questions
    note = models.TextField(blank=True)
    amendment = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link = models.ForeignKey(QuestionnaireLink, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The new link's token, kept on the object (never stored) for the page that shows the link once.
    link_token: str
    asked_at = models.DateTimeField(default=timezone.now)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SafetyRecheckQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["patient", "-asked_at"], name="recheck_patient_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(answer="changes_recorded") | Q(amendment__isnull=False),
                name="recheck_changes_have_amendment",
                violation_error_message="Record what changed.",
            ),
            models.CheckConstraint(
                condition=~Q(answer="new_questionnaire") | Q(link__isnull=False),
                name="recheck_new_questionnaire_has_link",
                violation_error_message="Send the new questionnaire link.",
            ),
        ]

    def __str__(self) -> str:
        return f"Re-check of {self.asked_at:%Y-%m-%d}: {self.get_answer_display()}"


# How a held area's side reads: None is both sides and the midline.
AREA_SIDE_WORDS: dict[str | None, str] = {"L": "left", "R": "right", None: "both sides"}


class SafetyFlag(models.Model):
    """A flag the rules raised on a submission, stored with the rules' version, and its acknowledgement."""

    response = models.ForeignKey(QuestionnaireResponse, on_delete=models.PROTECT, related_name="flags")
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES)
    severity_rank = models.PositiveSmallIntegerField()
    reason = models.TextField()
    action = models.TextField(blank=True)
    site_severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES, blank=True)
    areas = models.JSONField(default=list, blank=True)  # [{"region": ..., "side": ...}]
    site_tags = models.JSONField(default=list, blank=True)
    location_note = models.CharField(max_length=500, blank=True)
    rules_version = models.CharField(max_length=20)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)
    # A physiotherapist's reading of the patient's described place as body regions (R20, R21, R24, R29, R31).
    areas_mapped_at = models.DateTimeField(null=True, blank=True)
    areas_mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-severity_rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                name="flag_acknowledgement_has_author",
                violation_error_message="An acknowledgement records who made it.",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | ~Q(severity__in=list(NOTE_REQUIRED_SEVERITIES))
                | ~Q(acknowledgement_note=""),
                name="flag_serious_acknowledgement_has_note",
                violation_error_message="HOLD, HIGH and CLARIFY flags are acknowledged with a note.",
            ),
            models.CheckConstraint(
                condition=Q(areas_mapped_at__isnull=True) | Q(areas_mapped_by__isnull=False),
                name="flag_area_mapping_has_author",
                violation_error_message="A mapped place records who mapped it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.severity} {self.code}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None and self.severity != Severity.INFO

    @property
    def title(self) -> str:
        """The flag in words, as the rules name it for staff ("Takes an anticoagulant")."""
        try:
            return FLAG_DEFINITION_BY_CODE[FlagCode(self.code)].title
        except ValueError:
            return "Flag"

    @property
    def is_mappable(self) -> bool:
        """A site hold on a place the patient described, or did not locate, which a clinician maps to regions."""
        is_region_hold = bool(self.site_severity) and not self.site_tags
        return is_region_hold and (bool(self.location_note) or not self.areas or self.areas_mapped_at is not None)

    @property
    def areas_words(self) -> str:
        """The held areas as staff read them: "chest wall and armpit, left"."""
        by_side: dict[str | None, list[str]] = {}
        for area in self.areas:
            label = REGION_LABELS.get(area["region"], area["region"])
            by_side.setdefault(area["side"], []).append(label[:1].lower() + label[1:])
        return " and ".join(f"{'; '.join(labels)}, {AREA_SIDE_WORDS[side]}" for side, labels in by_side.items())


class LinkLookupFailure(models.Model):
    """A request for a questionnaire link that does not exist or cannot be used, by address, for rate limiting."""

    address = models.GenericIPAddressField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address", "at"], name="link_lookup_failure_recent")]

    def __str__(self) -> str:
        return f"{self.address} at {self.at:%Y-%m-%d %H:%M}"


class PrivateLink(models.Model):
    """What every private link of a patient holds (the aftercare sheet, the next-day check, an outcome
    questionnaire, a booking's page): only the SHA-256 of its 256-bit token, an expiry, the tries of the
    date of birth and the lock they lead to, and when it was opened and used. `patients.private_links` issues,
    finds and checks them; each concrete link says what it is for."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    failed_date_of_birth_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    # Whether a used link still opens (to read a sheet again) or is closed by its use (a questionnaire).
    reusable = False

    class Meta:
        abstract = True

    def usable_at(self, moment: datetime) -> bool:
        if self.revoked_at or self.locked_at or moment >= self.expires_at:
            return False
        return self.reusable or self.used_at is None

    @property
    def is_usable(self) -> bool:
        return self.usable_at(timezone.now())


class MessageKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", "Safety questionnaire link"
    REMINDER = "reminder", "Appointment reminder"
    AFTERCARE = "aftercare", "Aftercare sheet"
    CHECK = "check", "Check after treatment"
    OUTCOME = "outcome", "Outcome questionnaire"


class MessageChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    TEXT = "text", "Text message"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent"


class MessageQuerySet(models.QuerySet):
    def for_record(self) -> MessageQuerySet:
        return self.order_by("-send_after", "-id")


class Message(models.Model):
    """One message to a patient, from the moment its reason happens (a booking, a signed session) to its sending.

    `key` names the reason (`reminder:appointment:12:2026-12-08T10:00`), so the same reason never queues two
    messages; the task that sends it asks the composer registered for its kind whether it still applies.
    The body is kept as sent, its private link replaced by words: the token is never stored.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=20, choices=MessageKind)
    key = models.CharField(max_length=160, unique=True)
    about = models.CharField(max_length=60, blank=True, help_text="What the message concerns, e.g. session:12.")
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField()
    status = models.CharField(max_length=10, choices=MessageStatus, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(max_length=10, choices=MessageChannel, blank=True)
    language = models.CharField(max_length=10, blank=True)
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="Why it was not sent, or what went wrong.")
    # When a worker last took it to send: one "being sent" long after this was interrupted (requeue_stranded).
    claimed_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-send_after", "-id"]
        indexes = [
            models.Index(fields=["patient", "-send_after"], name="message_patient_recent"),
            models.Index(fields=["status", "send_after"], name="message_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="message_sent_has_time",
                violation_error_message="A sent message needs the time it was sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.send_after:%Y-%m-%d}"

    @property
    def masked_recipient(self) -> str:
        """Enough of the address or number to recognise it on a list, not enough to read it."""
        if "@" in self.recipient:
            name, _, domain = self.recipient.partition("@")
            return f"{name[:1]}***@{domain}"
        digits = "".join(character for character in self.recipient if character.isdigit())
        return f"•••{digits[-4:]}" if digits else ""


auditlog.register(Patient, exclude_fields=["search_name", "phone_digits"])
auditlog.register(Consent)
auditlog.register(ConsentTextVersion)
auditlog.register(ConsentExtension)
auditlog.register(QuestionnaireLink, exclude_fields=["token_hash"])
auditlog.register(QuestionnaireResponse, exclude_fields=["answers", "last_saved_at"])
auditlog.register(SafetyFlag)
auditlog.register(SafetyRecheck)
auditlog.register(Message, include_fields=["status", "attempts", "sent_at", "note"])
