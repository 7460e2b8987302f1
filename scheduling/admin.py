"""The clinic admin's back office for scheduling: practitioners, their hours and time off, appointment types."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from accounts.roles import Role

from .models import AppointmentType, Practitioner, TimeOff, WorkingHours


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 1


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0
    fields = ["starts_at", "ends_at", "reason"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "registration_number", "colour", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["display_name", "registration_number", "user__username"]
    fields = ["user", "display_name", "registration_number", "colour", "is_active"]
    inlines = [WorkingHoursInline, TimeOffInline]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=Role.PHYSIOTHERAPIST).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "starts_at", "ends_at", "reason"]
    list_filter = ["practitioner"]
    date_hierarchy = "starts_at"


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "duration_minutes", "buffer_minutes", "colour", "is_active"]
    list_filter = ["kind", "is_active"]
