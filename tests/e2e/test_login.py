"""Signing in through the real login page, in Chromium."""

import re

import pytest

from accounts.roles import Role

# Each role's Today opens on that role's first list.
FIRST_LIST = {
    Role.FRONT_DESK: "Today's arrivals",
    Role.PHYSIOTHERAPIST: "Your patients today",
    Role.CLINIC_ADMIN: "Records unsigned for more than a day",
}


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.name.lower())
def test_staff_sign_in_on_the_login_page_and_see_their_roles_home(
    page: object, sign_in_as: object, role: Role
) -> None:
    from playwright.sync_api import expect

    sign_in_as(role, first_name="Robin")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Robin")
    expect(page.get_by_role("heading", name=FIRST_LIST[role], exact=True)).to_be_visible()
    admin_link = page.get_by_role("navigation").get_by_role("link", name="Audit log", exact=True)
    expect(admin_link).to_have_count(1 if role == Role.CLINIC_ADMIN else 0)


def test_a_wrong_password_is_shown_on_the_login_page(page: object) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("That username and password do not match")
    expect(page.get_by_label("Username")).to_have_value("nobody")


def test_signing_out_returns_to_the_login_page(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    sign_in_as(Role.FRONT_DESK)
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
