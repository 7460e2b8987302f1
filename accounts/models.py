"""Accounts own the clinic's staff: one User per person, roles as groups."""

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A member of staff. Roles are groups (see accounts.roles); one account per person."""

    class Meta(AbstractUser.Meta):
        ordering = ["last_name", "first_name", "username"]
        swappable = "AUTH_USER_MODEL"

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


auditlog.register(User, exclude_fields=["last_login"], mask_fields=["password"], m2m_fields={"groups"})
