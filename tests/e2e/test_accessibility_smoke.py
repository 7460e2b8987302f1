"""The pages every member of staff meets first pass axe-core's WCAG 2.1 AA checks."""

from accounts.roles import Role


def test_the_login_page_is_accessible(page: object, assert_accessible: object) -> None:
    page.goto("/accounts/login/")
    assert_accessible()


def test_the_front_desk_home_and_registry_are_accessible(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    sign_in_as(Role.FRONT_DESK)
    assert_accessible()
    page.goto("/patients/")
    assert_accessible()
    page.goto("/patients/new/")
    assert_accessible()
