"""The clinic admin's back office for patients' app: the consent texts."""

from __future__ import annotations

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from .models import ConsentTextVersion

CONSENT_TEXT_FIELDS = ("version", "title", "effective_on", "body")


@admin.register(ConsentTextVersion)
class ConsentTextVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "effective_on", "created_by", "created_at"]
    fields = CONSENT_TEXT_FIELDS
    search_fields = ["version", "title"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: ConsentTextVersion | None = None
    ) -> list[str] | tuple[str, ...]:
        # A text that patients have consented to is never changed: add a new version instead.
        if obj is not None and obj.consents.exists():
            return CONSENT_TEXT_FIELDS
        return []

    def has_delete_permission(self, request: HttpRequest, obj: ConsentTextVersion | None = None) -> bool:
        return obj is not None and not obj.consents.exists() and super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: ConsentTextVersion, form: ModelForm[ConsentTextVersion], change: bool
    ) -> None:
        if not change:
            # The back office is open only to signed-in staff, so the user is never anonymous here.
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
