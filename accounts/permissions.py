"""The one check every view uses: the Django permissions its page needs, which the user's roles grant.

What each role grants is the roles table (ims_clinic/roles.py, ROLE_PERMISSIONS); the authentication
backend answers `has_perm` from it (accounts.backends). Rules about whose record or which practitioner
are not here: they live in the QuerySets and services, so that every caller obeys them.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .http import Visitor


def holds(user: Visitor | None, *labels: str) -> bool:
    """Whether the user's roles grant every one of `labels`: the question every page and rule asks.

    Only roles count: a superuser without a role opens the back office, not the clinic's pages.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return set(labels) <= user.get_all_permissions()


def permission_required(*labels: str) -> Callable:
    """Let the view run only for a user holding every one of `labels` ("app_label.codename").

    Someone not signed in is sent to the login page; a signed-in user without the permissions gets 403
    (the "This page is not open to your role" page).
    """
    if not labels:
        raise ValueError("permission_required needs at least one permission")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                # Imported here: the models that ask `holds` import this module while the apps load.
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not holds(request.user, *labels):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permissions = frozenset(labels)  # type: ignore[attr-defined]
        return wrapped

    return decorator
