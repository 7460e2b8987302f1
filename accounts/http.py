"""Who a request is from, as the type checker should see it: a signed-in request's user is an accounts User."""

from collections.abc import Callable
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django_htmx.middleware import HtmxDetails

from .models import User

# Anyone a request may come from: a member of staff, or nobody signed in (a patient's private link).
Visitor: TypeAlias = User | AnonymousUser

# A view, as decorators and middleware see it.
ViewFunction: TypeAlias = Callable[..., HttpResponseBase]


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in member of staff: every page but login, the health check and the patient's
    private link is behind LoginRequiredMiddleware, so a view there reads `request.user` as a User (and, as
    on every request, HtmxMiddleware's `request.htmx`)."""

    user: User
    htmx: HtmxDetails
