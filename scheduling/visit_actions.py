"""What the apps above offer beside an appointment (the record of the visit), without this app importing them.

Each provider answers for one appointment and the user looking at it, in a query or two: the appointment's page
shows the answers next to its status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Appointment


@dataclass(frozen=True)
class VisitAction:
    """A button beside an appointment: a form posting `fields` to `url`, or a link (method "get")."""

    label: str
    url: str
    method: str = "post"
    fields: tuple[tuple[str, str], ...] = ()
    icon: str = ""


Provider = Callable[[Appointment, object], list[VisitAction]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def actions_for(appointment: Appointment, user: object) -> list[VisitAction]:
    return [action for provider in _providers.values() for action in provider(appointment, user)]
