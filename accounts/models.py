"""Accounts own the clinic's staff: one User per person, roles as groups."""

from auditlog.registry import auditlog
from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A member of staff. Roles are groups (see accounts.roles); one account per person."""

    class Meta(AbstractUser.Meta):
        ordering = ["last_name", "first_name", "username"]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


auditlog.register(User, exclude_fields=["last_login"], mask_fields=["password"], m2m_fields={"groups"})
