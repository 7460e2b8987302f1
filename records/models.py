"""records owns the integration tokens of the read-only FHIR API."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import Q
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
