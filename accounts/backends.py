"""Who is signed in and what they may do: Django's model backend, reading the user's roles in the same query
as the user, and answering `has_perm` from the roles table with no query of its own."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.module_loading import import_string

from .roles import user_roles, with_roles


def role_permissions() -> Mapping[str, frozenset[str]]:
    """The roles table: role -> the permission labels it grants (settings.CLINIC_ROLE_PERMISSIONS names it)."""
    return import_string(settings.CLINIC_ROLE_PERMISSIONS)


class UserWithRolesBackend(ModelBackend):
    """Every signed-in request loads its user here; its roles come as columns, not as a query of their own.

    A user's permissions are those their roles grant in the roles table, and only those: none are given
    to a person alone, and the groups' rows (kept in step for the back office) are not read again.
    """

    def get_user(self, user_id: Any) -> Any:
        user = with_roles(get_user_model()._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None:
            return set()
        table = role_permissions()
        return set().union(*(table.get(role, frozenset()) for role in user_roles(user_obj)))
