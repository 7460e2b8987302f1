"""Auth wiring: remember when a session signed in, for the absolute session lifetime."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .models import User

SESSION_STARTED_AT = "clinic_session_started_at"


@receiver(user_logged_in)
def remember_sign_in_time(sender: type[User], request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_AT] = timezone.now().timestamp()
