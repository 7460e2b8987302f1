from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static


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
        "logo_url": logo_url,  # called by the template only where a letterhead is printed
    }


def logo_url() -> str:
    """The logo's address, or "" when the static storage does not hold it (the manifest storage of production
    refuses a file that was not collected): the letter then prints without its logo rather than failing."""
    try:
        return static(settings.CLINIC_LOGO)
    except ValueError:
        return ""
