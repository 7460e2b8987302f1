"""records owns what leaves the clinic: the integration tokens of the read-only FHIR API, and the letters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class IntegrationTokenQuerySet(models.QuerySet):
    def active(self) -> IntegrationTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class IntegrationToken(models.Model):
    """One integration's key to the FHIR API: only the SHA-256 of the 256-bit token is stored; it is shown once."""

    name = models.CharField("integration", max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, so that the clinic admin can tell tokens apart.
    token_prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = IntegrationTokenQuerySet.as_manager()

    class Meta:
        # The table was made when the tokens lived in ims_clinic; the move to records changed no table.
        db_table = "ims_clinic_integrationtoken"
        ordering = ["-created_at", "-id"]
        # What leaves the clinic besides the FHIR API (records owns no other model to hang them on).
        permissions = [
            ("export_patient_record", "Export a patient's whole record"),
            ("export_clinic_data", "Export the clinic's data as CSV files"),
            ("import_patients", "Import patients from a CSV file"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="integration_token_revocation_has_author",
                violation_error_message="A revocation records who revoked the token.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


auditlog.register(IntegrationToken, exclude_fields=["token_hash", "last_used_at"])


# --- Letters: the discharge summary and the letter to the family doctor, built from a course of treatment ------


class LetterKind(models.TextChoices):
    DISCHARGE_SUMMARY = "discharge_summary", "Discharge summary"
    FAMILY_DOCTOR = "family_doctor", "Letter to the family doctor"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


# The body's sections, in the order a letter prints them: field -> heading.
LETTER_SECTIONS = {
    "opening": "",
    "complaint": "Presenting complaint",
    "findings": "Assessment findings",
    "treatment": "Treatment",
    "outcome": "Outcome",
    "adverse_events": "Adverse events",
    "advice": "Advice given",
    "plan": "Plan and follow-up",
}
SECTION_MAX_LENGTH = 4000
RECIPIENT_ADDRESS_MAX_LENGTH = 500


class Letter(models.Model):
    """A letter that leaves the clinic about one course of treatment (the assessment and the sessions after it),
    drafted from the course, written over in the physiotherapist's own words, signed once, then only amended."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="letters")
    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=LetterStatus, default=LetterStatus.DRAFT)
    # Compare-and-set on every save, so that two open tabs never silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    recipient_name = models.CharField("recipient", max_length=200, blank=True)
    recipient_address = models.CharField("recipient's address", max_length=RECIPIENT_ADDRESS_MAX_LENGTH, blank=True)
    opening = models.TextField("opening", blank=True)
    complaint = models.TextField("presenting complaint", blank=True)
    findings = models.TextField("assessment findings", blank=True)
    treatment = models.TextField("treatment", blank=True)
    outcome = models.TextField("outcome", blank=True)
    adverse_events = models.TextField("adverse events", blank=True)
    advice = models.TextField("advice given", blank=True)
    plan = models.TextField("plan and follow-up", blank=True)

    signed_at = models.DateTimeField(null=True, blank=True)
    content_digest = models.CharField(max_length=64, blank=True)  # SHA-256 of the signed content
    # The signature block as signed, copied from the author's practitioner profile at signing: a later change to
    # the profile never changes a signed letter's reprint. Covered by the content digest.
    signer_name = models.CharField("signed by", max_length=300, blank=True)
    signer_credentials = models.CharField("signer's credentials", max_length=100, blank=True)
    signer_registration_number = models.CharField("signer's registration number", max_length=40, blank=True)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_in_error_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-created_at"], name="letter_patient_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed") | (Q(signed_at__isnull=False) & ~Q(content_digest="")),
                name="letter_signed_has_time_and_digest",
                violation_error_message="A signed letter records when it was signed and its digest.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.created_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_change_if_signed(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("records:letter-detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == LetterStatus.DRAFT

    @property
    def is_signed(self) -> bool:
        return self.status == LetterStatus.SIGNED

    @property
    def is_entered_in_error(self) -> bool:
        return self.status == LetterStatus.ENTERED_IN_ERROR

    def sections(self) -> list[tuple[str, str]]:
        """The body as printed: (heading, text) of each section that holds something."""
        return [(heading, getattr(self, field)) for field, heading in LETTER_SECTIONS.items() if getattr(self, field)]


class SignedLetterError(Exception):
    """A change was attempted on a signed letter."""


LETTER_ENTERED_IN_ERROR_FIELDS = {"status", "entered_in_error_at", "entered_in_error_by", "entered_in_error_reason"}


def refuse_change_if_signed(letter: Letter, update_fields: Iterable[str] | None) -> None:
    """Raise SignedLetterError before a save would change a stored signed letter: the one change left is marking
    it entered in error (clinical-reference.md 8.2, as for the clinical records)."""
    if letter.pk is None:
        return
    stored = Letter.objects.filter(pk=letter.pk).values_list("status", flat=True).first()
    changing = set(update_fields or ())
    if stored == LetterStatus.SIGNED and (not changing or changing - LETTER_ENTERED_IN_ERROR_FIELDS):
        raise SignedLetterError("A signed letter cannot be changed; add an addendum instead.")


class LetterAddendum(models.Model):
    """A correction or later note on a signed letter: dated, authored, never changed."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum of {self.created_at:%Y-%m-%d}"

    @property
    def audit_patient_id(self) -> int:
        return self.letter.patient_id


auditlog.register(Letter)
auditlog.register(LetterAddendum)
