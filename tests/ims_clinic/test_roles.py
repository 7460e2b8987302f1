"""The roles are groups whose permissions are exactly the roles table."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.backends import UserWithRolesBackend
from accounts.permissions import holds, permission_required
from accounts.roles import Role, user_roles
from ims_clinic.roles import ROLE_PERMISSIONS
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_migrations_create_exactly_the_three_roles() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert set(ROLE_PERMISSIONS) == set(Role.values)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.label)
def test_each_role_has_exactly_the_permissions_of_the_roles_table(role: Role) -> None:
    group = Group.objects.get(name=role)
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert held == set(ROLE_PERMISSIONS[role])


def test_only_the_clinic_admin_may_manage_staff_and_read_the_audit_log() -> None:
    for role, permissions in ROLE_PERMISSIONS.items():
        admin_only = {"accounts.change_user", "auditlog.view_logentry"} & permissions
        assert bool(admin_only) == (role == Role.CLINIC_ADMIN)


@pytest.mark.django_db
def test_permission_required_lets_a_role_granting_it_through_and_refuses_others() -> None:
    @permission_required("assessments.view_assessment")
    def clinical_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("clinical")

    request = RequestFactory().get("/")
    request.user = UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])
    assert clinical_view(request).content == b"clinical"

    request.user = UserFactory(username="sam", roles=[Role.FRONT_DESK])
    with pytest.raises(PermissionDenied):
        clinical_view(request)


@pytest.mark.django_db
def test_permission_required_sends_someone_not_signed_in_to_the_login_page() -> None:
    @permission_required("patients.view_patient")
    def patients_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("patients")

    request = RequestFactory().get("/patients/?q=x")
    request.user = AnonymousUser()
    response = patients_view(request)

    assert response.status_code == 302
    assert (
        response["Location"].startswith(reverse("accounts:login"))
        and "next=/patients/%3Fq%3Dx" in response["Location"]
    )


@pytest.mark.django_db
def test_only_roles_grant_permissions_not_the_superuser_flag_or_a_persons_own_grants() -> None:
    """The clinic's pages follow the roles table alone: a superuser without a role opens none of them."""
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    root.user_permissions.add(Permission.objects.get(codename="view_assessment"))

    assert not holds(root, "assessments.view_assessment")
    assert not holds(UserFactory(username="nobody"), "accounts.view_home")


@pytest.mark.django_db
def test_a_switched_off_user_holds_no_role() -> None:
    user = UserFactory(username="gone", roles=[Role.CLINIC_ADMIN], is_active=False)
    assert user_roles(user) == frozenset()
    assert not holds(user, "accounts.view_home")


@pytest.mark.django_db
def test_a_user_may_hold_two_roles() -> None:
    user = UserFactory(username="owner", roles=[Role.CLINIC_ADMIN, Role.PHYSIOTHERAPIST])
    assert user_roles(user) == {Role.CLINIC_ADMIN, Role.PHYSIOTHERAPIST}


def test_permission_required_needs_a_permission() -> None:
    with pytest.raises(ValueError, match="at least one permission"):
        permission_required()


@pytest.mark.django_db
def test_a_signed_in_request_reads_the_roles_with_the_user(django_assert_num_queries: Any) -> None:
    owner = UserFactory(username="owner", roles=[Role.CLINIC_ADMIN, Role.PHYSIOTHERAPIST])
    UserFactory(username="sam", roles=[Role.FRONT_DESK])

    with django_assert_num_queries(1):
        user = UserWithRolesBackend().get_user(owner.pk)
        assert user_roles(user) == {Role.CLINIC_ADMIN, Role.PHYSIOTHERAPIST}
        # And what the roles grant, from the roles table: no query either.
        assert user.has_perms(["accounts.view_auditevent", "assessments.view_assessment"])
        assert not user.has_perm("records.import_patients")
        assert holds(user, "scheduling.manage_own_calendar_feed")


@pytest.mark.django_db
def test_a_switched_off_user_is_not_signed_in_by_the_backend() -> None:
    gone = UserFactory(username="gone", roles=[Role.CLINIC_ADMIN], is_active=False)
    assert UserWithRolesBackend().get_user(gone.pk) is None
