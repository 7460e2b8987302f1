"""The browser harness: Playwright for Python driving Debian's Chromium against a live server.

Every page's browser test uses `page` and `sign_in_as`. Playwright's own browser download
cannot work here, so it launches /usr/bin/chromium (CHROMIUM_PATH) headless.
"""

import os
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory
from tests.run_suite import CHROMIUM

# Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls are
# synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESK = {"width": 1366, "height": 900}
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 360, "height": 740}
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # The live server runs in another thread and reads only committed data.
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    """A fresh browser context per test at desk size; the page fails the test on any JS error or CSP report."""
    context = browser.new_context(viewport=DESK, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None
        ),
    )
    page.expected_problems = []  # a test that expects an error status adds the console line it causes
    yield page
    context.close()
    unexpected = [problem for problem in problems if not any(e in problem for e in page.expected_problems)]
    assert not unexpected, unexpected


@pytest.fixture
def phone(page: object, live_server: object) -> Iterator[object]:
    """The patient's own phone: a separate browser context, 360 by 740, failing the test on any JS error."""
    yield from a_patient_browser(page, live_server, viewport=PHONE)


@pytest.fixture
def phone_without_javascript(page: object, live_server: object) -> Iterator[object]:
    yield from a_patient_browser(page, live_server, viewport=PHONE, java_script_enabled=False)


def a_patient_browser(page: object, live_server: object, **options: object) -> Iterator[object]:
    context = page.context.browser.new_context(base_url=live_server.url, **options)
    patient_page = context.new_page()
    patient_page.set_default_timeout(10_000)
    problems: list[str] = []
    patient_page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    patient_page.on(
        "console",
        lambda message: problems.append(f"console: {message.text}") if message.type == "error" else None,
    )
    yield patient_page
    context.close()
    # A page sent back with errors answers 400 by design, and Chromium logs that as a console error.
    assert [problem for problem in problems if "status of 400" not in problem] == []


@pytest.fixture
def sign_in_as(page: object) -> Callable[..., object]:
    """Create a member of staff with the given role and sign in through the real login page."""

    def sign_in(role: Role, username: str = "", first_name: str = "Maya") -> object:
        user = UserFactory(
            username=username or role.name.lower(),
            first_name=first_name,
            roles=[role],
            is_staff=role == Role.CLINIC_ADMIN,
        )
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return user

    return sign_in


def accessibility_violations(page: object) -> list[str]:
    """Run axe-core (vendored, injected through the debugging protocol so the page's CSP still holds) for
    WCAG 2.1 AA on the current page; one line per violation and element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def assert_no_violations(page: object) -> None:
    violations = accessibility_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


@pytest.fixture
def assert_accessible(page: object) -> Callable[[], None]:
    """Call after each page of a journey: no WCAG 2.1 AA violation that axe-core can find."""

    def check() -> None:
        assert_no_violations(page)

    return check


def next_weekday_at(hour: int) -> datetime:
    """The next working day after today, at `hour` in the clinic's zone: a time the schedule is open."""
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour)))
