"""The clinic admin's back office for scheduling: practitioners, their hours and time off, appointment types."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey
from django.forms import BaseInlineFormSet, Field, Form, ModelChoiceField, SplitDateTimeWidget
from django.http import HttpRequest

from accounts.admin_lists import CalendarSafeAdmin
from accounts.roles import Role

from .models import AppointmentType, Practitioner, TimeOff, WorkingHours


def name_for_screen_readers(field: Field, name: str) -> None:
    """Give a field its name (aria-label), and each half of a date and time its own, where the admin
    shows no label tied to the box: in a table's rows, or in the two boxes of a date and time."""
    label = str(field.label or name)
    if isinstance(field.widget, SplitDateTimeWidget):
        field.widget.widgets[0].attrs.setdefault("aria-label", f"{label}: date")
        field.widget.widgets[1].attrs.setdefault("aria-label", f"{label}: time")
    elif not field.widget.is_hidden:
        field.widget.attrs.setdefault("aria-label", label)


class LabelledRowsFormSet(BaseInlineFormSet):
    """Rows of a table whose fields are named only by the column headers."""

    def add_fields(self, form: Form, index: int | None) -> None:
        super().add_fields(form, index)
        for name, field in form.fields.items():
            name_for_screen_readers(field, name)


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledRowsFormSet


class WorkingHoursInline(LabelledTabularInline):
    model = WorkingHours
    extra = 1


class TimeOffInline(LabelledTabularInline):
    model = TimeOff
    extra = 0
    fields = ["starts_at", "ends_at", "reason"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "registration_number", "colour", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["display_name", "registration_number", "user__username"]
    fields = ["user", "display_name", "registration_number", "credentials", "colour", "is_active"]
    inlines = [WorkingHoursInline, TimeOffInline]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=Role.PHYSIOTHERAPIST).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TimeOff)
class TimeOffAdmin(CalendarSafeAdmin, admin.ModelAdmin):
    list_display = ["practitioner", "starts_at", "ends_at", "reason"]
    list_filter = ["practitioner"]
    date_hierarchy = "starts_at"

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, SplitDateTimeWidget):
            name_for_screen_readers(field, db_field.name)
        return field


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "duration_minutes", "buffer_minutes", "colour", "is_active"]
    list_filter = ["kind", "is_active"]
