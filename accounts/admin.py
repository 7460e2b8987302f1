"""The clinic admin's back office for staff accounts."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import ManyToManyField, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest

from .http import AuthenticatedHttpRequest
from .models import User
from .roles import Role

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec  # the admin's own name for a fieldsets value

admin.site.site_header = "IMS Clinic back office"
admin.site.site_title = "IMS Clinic"
admin.site.index_title = "Clinic administration"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role_names", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    clinic_admin_fieldsets: "_FieldsetSpec" = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "is_staff", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    # The roles are a few ticks, not Django's two-box chooser (whose script labels a bare span, which
    # assistive technology ignores).
    filter_horizontal = ("user_permissions",)
    actions = ["deactivate", "reactivate"]

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """Accounts are never deleted: the audit trail and the clinical records name who did what.

        Someone who leaves is deactivated: they can no longer sign in, and a session still open ends
        at its next request (the authentication backend refuses inactive users).
        """
        return False

    @admin.action(description="Deactivate the selected accounts (they can no longer sign in)", permissions=["change"])
    def deactivate(self, request: AuthenticatedHttpRequest, users: QuerySet[User]) -> None:
        changed = 0
        for user in users.filter(is_active=True).exclude(pk=request.user.pk):
            user.is_active = False
            user.save(update_fields=["is_active"])  # one save each, so each is in the audit trail
            changed += 1
        if users.filter(pk=request.user.pk).exists():
            self.message_user(request, "Your own account stays active: ask another admin.", messages.WARNING)
        self.message_user(request, f"{changed} account(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Reactivate the selected accounts", permissions=["change"])
    def reactivate(self, request: HttpRequest, users: QuerySet[User]) -> None:
        changed = 0
        for user in users.filter(is_active=False):
            user.is_active = True
            user.save(update_fields=["is_active"])
            changed += 1
        self.message_user(request, f"{changed} account(s) reactivated.", messages.SUCCESS)

    @admin.display(description="Roles")
    def role_names(self, user: User) -> str:
        return ", ".join(sorted(group.name for group in user.groups.all()))

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request).prefetch_related("groups")
        # A clinic admin manages staff, never the site's superusers.
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> "_FieldsetSpec":
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.clinic_admin_fieldsets

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values)
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)
