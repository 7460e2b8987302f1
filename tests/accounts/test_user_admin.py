"""Staff accounts in the back office: never deleted (the records name who did what), deactivated instead."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory

CHANGELIST = reverse("admin:accounts_user_changelist")


@pytest.fixture
def leaver(db: None) -> User:
    return UserFactory(username="leaver", roles=[Role.FRONT_DESK])


def run_action(client: Client, action: str, *users: User) -> str:
    response = client.post(
        CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [user.pk for user in users]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_back_office_offers_no_way_to_delete_an_account(admin_client: Client, leaver: User) -> None:
    page = admin_client.get(CHANGELIST).content.decode()
    change_page = admin_client.get(reverse("admin:accounts_user_change", args=[leaver.pk])).content.decode()

    assert 'value="delete_selected"' not in page
    assert 'value="deactivate"' in page and "Deactivate the selected accounts" in page
    assert reverse("admin:accounts_user_delete", args=[leaver.pk]) not in change_page
    assert admin_client.get(reverse("admin:accounts_user_delete", args=[leaver.pk])).status_code == 403
    assert (
        admin_client.post(reverse("admin:accounts_user_delete", args=[leaver.pk]), {"post": "yes"}).status_code == 403
    )
    assert run_action(admin_client, "delete_selected", leaver) and User.objects.filter(pk=leaver.pk).exists()


@pytest.mark.django_db
def test_a_deactivated_account_is_signed_out_and_the_change_is_in_the_audit_trail(
    admin_client: Client, leaver: User
) -> None:
    their_desk = Client()
    their_desk.force_login(leaver)
    assert their_desk.get(reverse("home")).status_code == 200

    page = run_action(admin_client, "deactivate", leaver)

    assert "1 account(s) deactivated." in page
    leaver.refresh_from_db()
    assert leaver.is_active is False
    assert their_desk.get(reverse("home")).status_code == 302  # the open session ends at its next request
    entry = LogEntry.objects.get_for_object(leaver).latest("timestamp")
    assert entry.changes_dict["is_active"] == ["True", "False"]
    assert entry.actor.username == "clinicadmin"


@pytest.mark.django_db
def test_the_admin_cannot_deactivate_their_own_account_and_can_reactivate_others(
    admin_client: Client, leaver: User
) -> None:
    me = User.objects.get(username="clinicadmin")

    page = run_action(admin_client, "deactivate", me, leaver)
    again = run_action(admin_client, "reactivate", leaver)

    assert "Your own account stays active: ask another admin." in page and "1 account(s) deactivated." in page
    assert "1 account(s) reactivated." in again
    me.refresh_from_db()
    leaver.refresh_from_db()
    assert me.is_active and leaver.is_active
