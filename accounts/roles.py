"""The clinic's roles (fixed in ARCHITECTURE.md), and each user's roles read with the user.

What a role may do is the roles table (ims_clinic/roles.py); pages ask for permissions (accounts.permissions)."""

from django.contrib.auth.models import Group
from django.db import models

from .http import Visitor
from .models import User


class Role(models.TextChoices):
    FRONT_DESK = "Front desk", "Front desk"
    PHYSIOTHERAPIST = "Physiotherapist", "Physiotherapist"
    CLINIC_ADMIN = "Clinic admin", "Clinic admin"


def _column(role: Role) -> str:
    return f"has_role_{role.name.lower()}"


def with_roles(users: models.QuerySet[User]) -> models.QuerySet[User]:
    """Users with their roles as columns of the same query (user_roles then asks nothing)."""
    return users.annotate(
        **{_column(role): models.Exists(Group.objects.filter(user=models.OuterRef("pk"), name=role)) for role in Role}
    )


def user_roles(user: Visitor | None) -> frozenset[str]:
    """The user's roles, read once per request (or with the user, by with_roles) and kept on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_clinic_roles", None)
    if cached is None and all(hasattr(user, _column(role)) for role in Role):
        cached = frozenset(role.value for role in Role if getattr(user, _column(role)))
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    user._clinic_roles = cached
    return cached
