"""What every back-office list with a calendar (date_hierarchy) shares."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest


class CalendarSafeChangeList(ChangeList):
    """A day out of the calendar's range in the address (year 9999's next year) is a bad filter, the list shown
    again without it (`?e=1`), rather than an error page."""

    def get_filters(self, request: HttpRequest) -> tuple[Any, ...]:
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class CalendarSafeAdmin:
    """Mix into a ModelAdmin with a date_hierarchy."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:  # noqa: ARG002
        return CalendarSafeChangeList
