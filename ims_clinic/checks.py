"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# Backends that print a message (patients' addresses, private questionnaire links) to the log, or never send it.
NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_backend_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    if settings.EMAIL_BACKEND in NON_DELIVERING_EMAIL_BACKENDS:
        return [
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND} with DEBUG off: patients' e-mails would be printed to the "
                "log or never sent.",
                hint="Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and DJANGO_EMAIL_HOST.",
                id="ims_clinic.E001",
            )
        ]
    if not settings.CLINIC_EMAIL_BACKEND_FROM_ENVIRONMENT:
        return [
            Warning(
                "DJANGO_EMAIL_BACKEND is not set: with DEBUG off the e-mail backend must be chosen explicitly.",
                hint="Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and DJANGO_EMAIL_HOST.",
                id="ims_clinic.W001",
            )
        ]
    return []
