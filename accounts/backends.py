"""Who is signed in: Django's model backend, reading the user's roles in the same query as the user."""

from django.contrib.auth.backends import ModelBackend

from .models import User
from .roles import with_roles


class UserWithRolesBackend(ModelBackend):
    """Every signed-in request loads its user here; its roles come as columns, not as a query of their own."""

    def get_user(self, user_id: int) -> User | None:
        user = with_roles(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
