"""Two-factor sign-in: enrol an authenticator app (TOTP) once, then a fresh code after every password."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import TwoFactorCodeForm
from .http import AuthenticatedHttpRequest
from .middleware import two_factor_not_required

WRONG_CODE = "That code is not right, or it was already used. Wait for the next code and try again."


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # Only a path: anything else would reach redirect() as a view name to look up.
    return wanted if safe and wanted.startswith("/") else "/"


@never_cache
@sensitive_post_parameters("token")
@two_factor_not_required
def mfa_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol the one authenticator app; a second enrolment needs the clinic admin to delete the first device."""
    if any(devices_for_user(request.user, confirmed=True)):
        return redirect(_step("accounts:mfa-verify", request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_is_allowed()[0] and device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is set up. You will be asked for a code at each sign-in.")
            return redirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
        "secret": _grouped_base32(device.bin_key),
    }
    return render(request, "accounts/mfa_setup.html", context)


@never_cache
@sensitive_post_parameters("token")
@two_factor_not_required
def mfa_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not any(devices_for_user(request.user, confirmed=True)):
        return redirect(_step("accounts:mfa-setup", request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Each TOTP device refuses a code at or before the last one it accepted, so a code works once.
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


def _step(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def _grouped_base32(key: bytes) -> str:
    """The secret as typed into an app by hand, in groups of four."""
    encoded = b32encode(key).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))
