"""Auth wiring: remember when a session signed in, for the absolute session lifetime."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SESSION_STARTED_AT = "clinic_session_started_at"


@receiver(user_logged_in)
def remember_sign_in_time(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_AT] = timezone.now().timestamp()
