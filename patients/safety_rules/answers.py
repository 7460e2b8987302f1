"""Reading a patient's answer values, whatever form a page or a test gives them in."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Collection):
        return len(value) == 0
    return False


def _as_number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_choices(value: object) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value}) if value else frozenset()
    if isinstance(value, Collection):
        return frozenset(str(item) for item in value)
    return frozenset()


def _as_range(value: object) -> tuple[Decimal, Decimal] | None:
    if isinstance(value, str) or not isinstance(value, Collection) or len(value) != 2:
        return None
    low, high = (_as_number(item) for item in value)
    if low is None or high is None:
        return None
    return low, high


def _today(today: date | None) -> date:
    # Callers inside Django pass django.utils.timezone.localdate(); this fallback is the machine's local date.
    return today if today is not None else datetime.now(UTC).astimezone().date()
