from typing import Any

from django.http import HttpRequest

from .roles import Role, user_roles


def roles(request: HttpRequest) -> dict[str, Any]:
    """Flags for the templates, so that they display and never decide."""
    held = user_roles(getattr(request, "user", None))
    return {
        "user_roles": sorted(held),
        "is_front_desk": Role.FRONT_DESK in held,
        "is_physiotherapist": Role.PHYSIOTHERAPIST in held,
        "is_clinic_admin": Role.CLINIC_ADMIN in held,
    }
