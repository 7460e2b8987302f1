"""Who is signed in: Django's model backend, reading the user's roles in the same query as the user."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .roles import with_roles


class UserWithRolesBackend(ModelBackend):
    """Every signed-in request loads its user here; its roles come as columns, not as a query of their own."""

    def get_user(self, user_id: Any) -> Any:
        user = with_roles(get_user_model()._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
