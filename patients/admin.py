"""The clinic admin's back office for patients' app: the consent texts, and the messages sent to patients."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from accounts.admin_lists import CalendarSafeAdmin
from accounts.permissions import holds

from . import messaging
from .models import ConsentTextVersion, Message

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


@admin.register(Message)
class MessageAdmin(CalendarSafeAdmin, admin.ModelAdmin):
    """Messages to patients, as the clinic admin follows them: read-only; a failed one can be queued again."""

    list_display = ["patient", "kind", "send_after", "channel", "status", "attempts", "sent_at", "note"]
    list_filter = ["status", "kind", "channel"]
    list_select_related = ["patient"]
    search_fields = ["patient__family_name", "patient__given_name", "patient__preferred_name"]
    date_hierarchy = "send_after"
    actions = ["send_again"]
    fields = (
        "patient", "kind", "about", "created_at", "send_after", "status", "attempts", "sent_at", "note",
        "channel", "language", "recipient", "subject", "body",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def response_action(self, request: HttpRequest, queryset: QuerySet[Message]) -> HttpResponse | None:
        # A selection that is not a message's number (a forged form) selects nothing, rather than an error page.
        if not all(pk.isdigit() for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            self.message_user(request, "Select the messages from the list.", level=messages.WARNING)
            return None
        return super().response_action(request, queryset)

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        return holds(request.user, "patients.change_message")

    @admin.action(description="Try the selected failed messages again", permissions=["send_again"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        chosen = list(queryset)
        queued = messaging.send_again(messages=chosen)
        self.message_user(request, f"{queued} message(s) queued to be sent again.", level=messages.SUCCESS)
        left = len(chosen) - queued
        if left:
            self.message_user(
                request,
                f"{left} message(s) not queued: only failed messages can be tried again, and a questionnaire "
                "link is never kept, so send the patient a new one from their chart.",
                level=messages.WARNING,
            )
