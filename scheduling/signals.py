"""What happens to an appointment, for the apps above scheduling that act on it (their messages before a visit).

Sent inside the booking's transaction, so that what a receiver queues is saved with the booking; the receivers
run in a savepoint, and if one fails their work is undone and logged: a booking never fails because a
message about it could not be queued.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# appointment: the Appointment booked or moved (its new time), or cancelled.
appointment_placed = Signal()
appointment_cancelled = Signal()


class _ReceiverFailed(Exception):
    pass


def announce(signal: Signal, *, appointment: object) -> None:
    """Send the signal in a savepoint: if a receiver fails, what the receivers did is undone and logged, and the
    appointment's change stands."""
    if not signal.has_listeners(type(appointment)):
        return
    try:
        with transaction.atomic():
            for _receiver, result in signal.send_robust(sender=type(appointment), appointment=appointment):
                if isinstance(result, Exception):
                    raise _ReceiverFailed(type(result).__name__) from result
    except Exception:
        logger.exception("A receiver of an appointment's change failed; the change itself is kept.")
