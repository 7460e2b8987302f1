"""Accounts own the clinic's staff: one User per person, roles as groups."""

from collections.abc import Callable

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A member of staff. Roles are groups (see accounts.roles); one account per person."""

    # Kept on the object for one request, never stored: its roles (accounts.roles) and, set by
    # django-otp's middleware, whether this sign-in passed the second factor.
    _clinic_roles: frozenset[str]
    is_verified: Callable[[], bool]

    # django-stubs does not declare AbstractUser.Meta, which Django defines and this Meta extends.
    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        ordering = ["last_name", "first_name", "username"]
        swappable = "AUTH_USER_MODEL"
        permissions = [("view_home", "Open the clinic's home page")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class SubmissionKey(models.Model):
    """A rendered form's one-time key: the same POST sent twice gets the first answer, not a copy."""

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.key)


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    SIGN = "sign", "Signed"
    ADDENDUM = "addendum", "Added an addendum"
    EXPORT = "export", "Exported"
    PRINT = "print", "Printed"


class AuditEventQuerySet(models.QuerySet):
    def for_report(self) -> "AuditEventQuerySet":
        return self.select_related("actor").order_by("-at", "-id")


class AuditEvent(models.Model):
    """One look at or change to the clinic's data: appended, never changed or deleted.

    The patient is a plain id, not a foreign key: accounts sits below patients, and an audit row
    must outlive anything it mentions. On PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who the actor was at the time: roles change, the record of them must not.
    actor_username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction)
    patient_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    # The django-auditlog entry holding the field changes, when there is one.
    log_entry_id = models.BigIntegerField(null=True, blank=True)
    # What else the event needs to say what was seen: the period and filters of a list, its page, whose rows.
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient_id", "-at"], name="audit_patient_recent"),
            models.Index(fields=["actor", "-at"], name="audit_actor_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username or 'system'} {self.action} {self.object_type} {self.object_id}"


auditlog.register(User, exclude_fields=["last_login"], mask_fields=["password"], m2m_fields={"groups"})
