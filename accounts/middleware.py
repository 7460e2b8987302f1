"""Session and audit middleware for signed-in staff."""

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_otp import devices_for_user as devices_for

from . import audit
from .client_ip import client_ip
from .http import ViewFunction
from .signals import SESSION_STARTED_AT


class SessionLifetimeMiddleware:
    """Ends a signed-in session once it is older than CLINIC_SESSION_ABSOLUTE_HOURS, however active.

    The idle limit is Django's own: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_AT)
            limit = timedelta(hours=settings.CLINIC_SESSION_ABSOLUTE_HOURS).total_seconds()
            if started is None or timezone.now().timestamp() - float(started) > limit:
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages shown to signed-in staff carry health information: browsers and proxies must not keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, with the client address taken only from trusted proxies."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request) or None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Our own audit events take who, role and address from the same request.
        token = audit.bind_request(request)
        try:
            return super().__call__(request)
        finally:
            audit.unbind(token)


def two_factor_not_required(view: ViewFunction) -> ViewFunction:
    """Mark a view a signed-in user may open before the code step (enrolment, the code step, sign-out)."""
    # A mark on the function itself, read back with getattr below; a Callable type declares no attributes.
    view.two_factor_required = False  # type: ignore[attr-defined]
    return view


class TwoFactorRequiredMiddleware:
    """With CLINIC_REQUIRE_MFA, a password alone opens no page: the code step, or enrolment, comes first.

    Pages open without login (the health check, the patient's link, the calendar feed) stay open.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: ViewFunction,
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponseBase | None:
        if not settings.CLINIC_REQUIRE_MFA or not request.user.is_authenticated or request.user.is_verified():
            return None
        if not getattr(view_func, "login_required", True) or not getattr(view_func, "two_factor_required", True):
            return None
        step = "accounts:mfa-verify" if any(devices_for(request.user, confirmed=True)) else "accounts:mfa-setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
