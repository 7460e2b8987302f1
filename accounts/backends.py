"""Who is signed in and what they may do: Django's model backend, reading the user's roles in the same query
as the user, and answering `has_perm` from the roles table with no query of its own."""

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.utils.module_loading import import_string

from .models import User
from .roles import user_roles, with_roles


def role_permissions() -> Mapping[str, frozenset[str]]:
    """The roles table: role -> the permission labels it grants (settings.CLINIC_ROLE_PERMISSIONS names it)."""
    return import_string(settings.CLINIC_ROLE_PERMISSIONS)


class UserWithRolesBackend(ModelBackend):
    """Every signed-in request loads its user here; its roles come as columns, not as a query of their own.

    A user's permissions are those their roles grant in the roles table, and only those: none are given
    to a person alone, and the groups' rows (kept in step for the back office) are not read again.
    """

    def get_user(self, user_id: int) -> User | None:
        user = with_roles(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    # Django's signature: a person holds no permission of their own, whatever the object.
    def get_user_permissions(
        self,
        user_obj: AbstractBaseUser | AnonymousUser,  # noqa: ARG002
        obj: Model | None = None,  # noqa: ARG002
    ) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None) -> set[str]:
        if obj is not None:
            return set()
        if not isinstance(user_obj, User | AnonymousUser):
            return set()
        table = role_permissions()
        return set().union(*(table.get(role, frozenset()) for role in user_roles(user_obj)))
