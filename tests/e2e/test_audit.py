"""The clinic admin reads the audit trail and a patient's access report; staff enrol two-factor sign-in;
a stale edit of a patient's details is shown, not saved over (Chromium)."""

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit
from accounts.models import AuditAction
from accounts.roles import Role
from patients import services
from tests.factories import TEST_PASSWORD, PatientFactory, UserFactory


def test_the_clinic_admin_filters_the_audit_log_downloads_it_and_opens_an_access_report(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(given_name="Ines", family_name="Okafor")
    sam = UserFactory(username="sam", roles=[Role.FRONT_DESK])
    audit.audit(action=AuditAction.VIEW, instance=patient, actor=sam)

    sign_in_as(Role.CLINIC_ADMIN, username="priya", first_name="Priya")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    assert_accessible()

    page.get_by_label("Patient number").fill(str(patient.pk))
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text="sam")).to_contain_text("Viewed")
    expect(rows.filter(has_text="sam")).to_contain_text("Front desk")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert re.match(r"audit-\d{8}-\d{4}\.csv", download.value.suggested_filename)

    page.get_by_role("link", name=f"#{patient.pk}").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has seen this record")
    expect(page.get_by_text("Patient #")).to_contain_text("Ines Okafor")
    expect(page.locator("ul").filter(has_text="sam (Front desk)")).to_be_visible()
    assert_accessible()


def test_staff_enrol_an_authenticator_and_then_need_a_code(page: object, settings: object) -> None:
    from playwright.sync_api import expect

    settings.CLINIC_REQUIRE_MFA = True
    UserFactory(username="maya", first_name="Maya", roles=[Role.PHYSIOTHERAPIST])
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    page.goto("/patients/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next=%2Fpatients%2F$"))

    device = TOTPDevice.objects.get(user__username="maya")
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page).to_have_url(re.compile(r"/patients/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Patients")


def test_a_stale_edit_shows_what_changed_and_keeps_the_users_input(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(given_name="Ines", family_name="Okafor", city="Vancouver", phone="604-555-0100")
    sign_in_as(Role.FRONT_DESK)
    page.goto(f"/patients/{patient.pk}/edit/")
    # Meanwhile a colleague saves a new phone number.
    services.patient_update(
        patient=patient, data={"phone": "604-555-0111"}, updated_by=UserFactory(), version=patient.version
    )
    page.get_by_label("City").fill("Burnaby")
    page.expected_problems.append("status of 409 (Conflict)")  # the refused save answers 409
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", name="Your changes were not saved")).to_be_visible()
    differences = page.locator("#conflict-differences")
    expect(differences.get_by_role("row", name=re.compile("City"))).to_contain_text("Burnaby")
    expect(differences.get_by_role("row", name=re.compile("Phone"))).to_contain_text("604-555-0111")
    expect(page.get_by_label("City")).to_have_value("Burnaby")
    assert_accessible()

    page.get_by_label("Phone").first.fill("604-555-0111")
    page.get_by_role("button", name="Save my edit over the new version").click()
    expect(page.get_by_role("alert").filter(has_text="saved")).to_contain_text("The patient's details are saved.")
    patient.refresh_from_db()
    assert (patient.city, patient.phone) == ("Burnaby", "604-555-0111")
