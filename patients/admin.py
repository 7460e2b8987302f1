"""The clinic admin's back office for patients' app: the consent texts."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ConsentTextVersion


@admin.register(ConsentTextVersion)
class ConsentTextVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "effective_on", "created_by", "created_at"]
    fields = ["version", "title", "effective_on", "body"]
    search_fields = ["version", "title"]

    def get_readonly_fields(self, request: HttpRequest, obj: ConsentTextVersion | None = None) -> Any:
        # A text that patients have consented to is never changed: add a new version instead.
        if obj is not None and obj.consents.exists():
            return self.fields
        return []

    def has_delete_permission(self, request: HttpRequest, obj: ConsentTextVersion | None = None) -> bool:
        return obj is not None and not obj.consents.exists() and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ConsentTextVersion, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
