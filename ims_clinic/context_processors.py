from typing import Any

from django.conf import settings
from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, Any]:
    return {"clinic_name": settings.CLINIC_NAME, "letterhead": letterhead()}


def letterhead() -> dict[str, Any]:
    """The clinic's details as printed letters and summaries head them (settings CLINIC_*)."""
    # An address set in a one-line environment file may carry its line breaks as a literal backslash-n.
    address = settings.CLINIC_ADDRESS.replace("\\n", "\n")
    return {
        "name": settings.CLINIC_NAME,
        "address_lines": [line.strip() for line in address.splitlines() if line.strip()],
        "phone": settings.CLINIC_PHONE,
        "fax": settings.CLINIC_FAX,
        "email": settings.CLINIC_EMAIL,
        "logo": settings.CLINIC_LOGO,
    }
