"""The questionnaire in French on a phone: the patient's language by default, the switcher by keyboard, axe clean."""

import uuid
from datetime import date

from accounts.roles import Role
from patients import services
from tests.e2e.conftest import PHONE, assert_no_violations
from tests.factories import PatientFactory, UserFactory

DATE_OF_BIRTH = date(1975, 11, 2)


def choose(page: object, code: str, label: str) -> None:
    page.locator(f'[data-question="{code}"]').get_by_label(label, exact=True).check()


def test_a_french_speaking_patient_answers_the_questionnaire_in_french_on_a_phone(phone: object) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(
        given_name="Élodie", family_name="Tremblay", date_of_birth=DATE_OF_BIRTH, preferred_language="fr-ca"
    )
    link, token = services.questionnaire_link_issue(
        patient=patient,
        issued_by=UserFactory(roles=[Role.FRONT_DESK]),
        link_url=lambda token: f"/q/{token}/",
        submission_key=uuid.uuid4(),
    )

    phone.goto(f"/q/{token}/")
    expect(phone.locator("html")).to_have_attribute("lang", "fr-ca")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bonjour Élodie")
    assert_no_violations(phone)
    phone.get_by_label("Votre date de naissance").fill("1975-11-03")
    phone.get_by_role("button", name="Continuer").click()
    expect(phone.get_by_label("Votre date de naissance")).to_have_accessible_description(
        "Cette date de naissance ne correspond pas à notre dossier. Vérifiez-la et essayez de nouveau, "
        "ou appelez la clinique."
    )
    phone.get_by_label("Votre date de naissance").fill(DATE_OF_BIRTH.isoformat())
    phone.get_by_role("button", name="Continuer").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Anticoagulants")
    which_one = phone.get_by_text("Le(s)quel(s)?")
    expect(which_one).to_be_hidden()
    choose(phone, "A1", "Oui")
    expect(which_one).to_be_visible()
    choose(phone, "A2", "Apixaban (Eliquis)")
    expect(phone.locator("#save-status")).to_contain_text("Enregistré à")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_violations(phone)
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Médicaments pour les plaquettes")
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.get_by_role("alert").first).to_contain_text("Veuillez")
    assert_no_violations(phone)

    # The switcher, by keyboard: English for this browser, and back to French.
    switcher = phone.get_by_role("navigation", name="Langue").get_by_role("link", name="English")
    switcher.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("html")).to_have_attribute("lang", "en-ca")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Platelet medicines")
    assert_no_violations(phone)
    phone.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Médicaments pour les plaquettes")

    draft = services.questionnaire_draft(link=link)
    assert draft.answers["A1"] == "yes" and draft.answers["A2"] == ["apixaban"]
