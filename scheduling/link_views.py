"""The visit's private page: its day, time and physiotherapist, and the clinic's details to cancel or move it.

It shows only what the reminder that carries the link already says, so it asks for no date of birth; the link is
the questionnaire's kind (hashed token, expiry at the end of the visit, guessing slowed and refused) and opens as
often as the patient likes until then. Cancelling or moving is done by calling or writing to the clinic.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from patients.private_links import open_link, patient_page

from .models import AppointmentLink, AppointmentStatus


@patient_page
@require_safe
def appointment_link_page(request: HttpRequest, token: str) -> HttpResponse:
    link = open_link(request, AppointmentLink, token)
    if isinstance(link, HttpResponse):
        return link
    appointment = AppointmentLink.objects.select_related("appointment__practitioner").get(pk=link.pk).appointment
    # An address set in a one-line environment file may carry its line breaks as a literal backslash-n.
    address = settings.CLINIC_ADDRESS.replace("\\n", "\n")
    context = {
        "starts_at": timezone.localtime(appointment.starts_at),
        "practitioner": appointment.practitioner.display_name,
        "is_booked": appointment.status == AppointmentStatus.BOOKED,
        "address_lines": [line.strip() for line in address.splitlines() if line.strip()],
        "phone": settings.CLINIC_PHONE,
        "phone_digits": "".join(character for character in settings.CLINIC_PHONE if character in "+0123456789"),
        "email": settings.CLINIC_EMAIL,
    }
    return render(request, "scheduling/appointment_link.html", context)
