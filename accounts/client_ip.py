"""The client's address, believing X-Forwarded-For only from the proxies the clinic trusts."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind trusted proxies the right-most forwarded address that is not a proxy.

    The left-most entry is whatever the client typed, so it is never taken on trust.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(settings.CLINIC_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if hop not in trusted:
            return hop
    return remote
