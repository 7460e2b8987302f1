"""The roles are groups whose permissions are exactly the roles table, and the page table agrees with it."""

import ast
from typing import Any

import pytest
from django.contrib import admin
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
from tests.ims_clinic.page_table import FORBIDDEN, NOT_ALLOWED_METHOD, PAGES, Page, project_views
from tests.layers import APPS, ROOT


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


# --- The roles table and the page table agree ---------------------------------------------

PERSONA_ROLES = {"front_desk": Role.FRONT_DESK, "physio": Role.PHYSIOTHERAPIST, "admin": Role.CLINIC_ADMIN}
VIEWS = project_views()


def required_permissions(page: Page) -> frozenset[str]:
    return getattr(VIEWS.get(page.url_name), "required_permissions", frozenset())


def granted_to(labels: frozenset[str]) -> set[str]:
    return {role for role, granted in ROLE_PERMISSIONS.items() if labels <= granted}


@pytest.mark.parametrize(
    "page", [page for page in PAGES if required_permissions(page)], ids=lambda page: page.url_name
)
def test_a_pages_permissions_are_granted_to_exactly_the_roles_the_page_table_lets_in(page: Page) -> None:
    statuses = {role: page.expected_for(persona) for persona, role in PERSONA_ROLES.items()}
    if NOT_ALLOWED_METHOD in statuses.values():
        # A POST-only page answers every GET with 405 before asking: at least one role is let in.
        assert granted_to(required_permissions(page))
    else:
        assert granted_to(required_permissions(page)) == {role for role, code in statuses.items() if code != FORBIDDEN}


def test_every_page_that_refuses_a_role_does_so_by_asking_for_permissions() -> None:
    refusing = [page for page in PAGES if FORBIDDEN in (page.expected_for(persona) for persona in PERSONA_ROLES)]
    assert [page.url_name for page in refusing if not required_permissions(page)] == []


@pytest.mark.django_db
def test_every_label_of_the_roles_table_names_a_real_permission() -> None:
    real = {
        f"{app}.{codename}" for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert set().union(*ROLE_PERMISSIONS.values()) - real == set()


def labels_in_the_code() -> set[str]:
    """Every string of the apps' code outside the roles table and the migrations: where pages and rules ask."""
    found: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "ims_clinic" / "roles.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found |= {
                node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            }
    return found


def back_office_labels() -> set[str]:
    """The permissions of the models the Django admin shows (and their inline rows): the admin asks for them."""
    model_admins = admin.site._registry.items()
    models = {model for model, _ in model_admins} | {inline.model for _, ma in model_admins for inline in ma.inlines}
    return {
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for model in models
        for action in ("add", "change", "delete", "view")
    }


def test_every_permission_a_role_grants_is_asked_for_by_a_page_a_rule_or_the_back_office() -> None:
    asked = labels_in_the_code()
    back_office = back_office_labels()
    unasked = {
        (role, label)
        for role, labels in ROLE_PERMISSIONS.items()
        for label in labels
        if label not in asked and not (role == Role.CLINIC_ADMIN and label in back_office)
    }
    assert unasked == set()
