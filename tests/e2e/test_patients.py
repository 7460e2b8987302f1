"""Front desk registers, finds and opens a patient in Chromium."""

import re
from datetime import date

from django.utils import timezone

from accounts.roles import Role
from tests.factories import PatientFactory


def test_front_desk_registers_a_patient_then_finds_and_opens_the_chart(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    sign_in_as(Role.FRONT_DESK)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="New patient", exact=True).click()

    page.get_by_label("Given name").fill("Noémie")
    page.get_by_label("Family name").fill("Lefèvre")
    page.get_by_label("Date of birth").fill("1977-08-19")
    page.get_by_label("Phone").first.fill("604 555 0188")
    page.get_by_role("button", name="Register patient").click()

    expect(page.get_by_role("alert").filter(has_text="is registered")).to_contain_text("Noémie Lefèvre is registered.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noémie Lefèvre")
    expect(page.get_by_text("No IMS consent on file")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_label("Find a patient").fill("lefevre noem")
    expect(page.locator("#patient-results")).to_contain_text("1 patient found")
    page.get_by_role("link", name="Lefèvre, Noémie").click()
    expect(page).to_have_url(re.compile(r"/patients/\d+/$"))


def test_a_possible_duplicate_is_shown_before_registering(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    PatientFactory(given_name="Noemie", family_name="Lefevre", date_of_birth=date(1977, 8, 19))
    sign_in_as(Role.FRONT_DESK)
    page.goto("/patients/new/")
    page.get_by_label("Given name").fill("Noémie")
    page.get_by_label("Family name").fill("Lefèvre")
    page.get_by_label("Date of birth").fill("1977-08-19")
    page.get_by_label("Phone").first.fill("604 555 0177")
    page.get_by_role("button", name="Register patient").click()

    expect(page.locator("#possible-duplicates")).to_contain_text("same date of birth and a similar name")
    expect(page.get_by_label("Given name")).to_have_value("Noémie")
    page.get_by_role("button", name="Register as a new patient anyway").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noémie Lefèvre")


def test_a_future_date_of_birth_is_refused_at_the_field(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    sign_in_as(Role.FRONT_DESK)
    page.goto("/patients/new/")
    page.get_by_label("Given name").fill("Zoë")
    page.get_by_label("Family name").fill("O'Connor")
    page.get_by_label("Date of birth").fill(f"{timezone.localdate().year + 1}-01-01")
    page.get_by_label("Phone").first.fill("604 555 0177")
    page.get_by_role("button", name="Register patient").click()

    expect(page.get_by_text("The date of birth is in the future.")).to_be_visible()
    expect(page.get_by_label("Family name")).to_have_value("O'Connor")
