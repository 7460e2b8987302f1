"""The patient's pages, questionnaire and e-mail in English or French (Canada); the staff's pages stay English.

Also the message files themselves: every patient-facing string the project marks, and every sentence of the
safety rules a patient reads, has a French translation (not missing, not empty, not fuzzy).
"""

import ast
import importlib.util
import pickle
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import time_machine
from babel.messages.pofile import read_po
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from patients import languages, rules_wording, safety_rules, services
from patients.models import Patient, QuestionnaireLink, QuestionnaireResponse
from patients.questionnaire_forms import INTRODUCTION, PATIENT_SECTIONS
from patients.safety_rules.wording import Wording
from tests.factories import PatientFactory, UserFactory
from tests.patients.answers import ALL_NO
from tests.patients.test_questionnaire_pages import (
    DATE_OF_BIRTH,
    NOW,
    answer_every_section,
    confirm_date_of_birth,
    error_at,
    section_url,
    start_url,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FRENCH_PO = ROOT / "locale/fr_CA/LC_MESSAGES/django.po"


def messages_script() -> Any:
    spec = importlib.util.spec_from_file_location("messages_script", ROOT / "scripts/messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def clinic_morning() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def issue(patient: Patient) -> str:
    _link, token = services.questionnaire_link_issue(
        patient=patient,
        issued_by=UserFactory(roles=[Role.FRONT_DESK]),
        link_url=lambda token: f"http://testserver/q/{token}/",
        submission_key=uuid.uuid4(),
    )
    return token


@pytest.fixture
def french_patient() -> Patient:
    return PatientFactory(
        given_name="Élodie",
        family_name="Tremblay",
        date_of_birth=DATE_OF_BIRTH,
        email="elodie@example.com",
        preferred_language="fr-ca",
    )


@pytest.fixture
def english_patient() -> Patient:
    return PatientFactory(
        given_name="Zebedee", family_name="Quartermaine", date_of_birth=DATE_OF_BIRTH, preferred_language="en-ca"
    )


def body(response: Any) -> str:
    return response.content.decode()


def french(text: str) -> str:
    with translation.override("fr-ca"):
        return languages.translate(text)


# The pages, in the patient's language


def test_a_french_speaking_patient_gets_the_questionnaire_in_french(french_patient: Patient) -> None:
    client = Client()
    token = issue(french_patient)

    start = client.get(start_url(token))

    page = body(start)
    assert '<html lang="fr-ca">' in page
    assert start["Content-Language"] == "fr-ca"
    assert "Bonjour Élodie" in page
    assert "Votre date de naissance" in page
    assert "D’abord, veuillez confirmer votre date de naissance." in page
    assert "Hello" not in page and "Your date of birth" not in page
    section = client.get(confirm_date_of_birth(client, token))
    page = body(section)
    assert '<html lang="fr-ca">' in page
    assert '<h1 class="h3">Anticoagulants</h1>' in page
    assert "Étape 1 de 9" in page
    assert "Prenez-vous un médicament pour éclaircir le sang" in page
    assert ">Oui</label>" in page and ">Non</label>" in page
    assert ">Suivant</button>" in page


def test_an_english_speaking_patient_gets_english_and_a_link_to_french(english_patient: Patient) -> None:
    page = body(Client().get(start_url(issue(english_patient))))

    assert '<html lang="en-ca">' in page
    assert "Hello Zebedee" in page
    assert '<nav class="q-language" aria-label="Language">' in page
    assert '<a href="?lang=fr-ca" hreflang="fr-ca" lang="fr-ca" class="btn btn-outline-light">Français</a>' in page


@pytest.mark.parametrize("section", PATIENT_SECTIONS, ids=lambda section: section.code)
def test_every_question_and_answer_of_every_page_shows_in_french(french_patient: Patient, section: Any) -> None:
    client = Client()
    token = issue(french_patient)
    confirm_date_of_birth(client, token)
    answers = {**ALL_NO, "A1": "yes", "A2": ["warfarin", "other"], "H2": "yes", "H6": "yes", "H8": "yes"}
    answers |= {"H10": "yes", "H12": "yes", "G2": "yes", "H4": ["pacemaker", "other"], "D1": "yes"}
    services.questionnaire_save_answers(link=QuestionnaireLink.objects.get(), answers=answers)

    page = body(client.get(section_url(token, section.code)))

    visible = [question for question in section.questions if question.code in page]
    assert visible
    assert f'<h1 class="h3">{french(section.title)}</h1>' in page
    for question in visible:
        for words in (question.text, *(option.label for option in question.options)):
            if french(words) != words:
                assert french(words).replace("’", "&#x27;") in page.replace("’", "&#x27;"), words
                assert f">{words}<" not in page, f"still in English: {words}"


def test_the_answers_checks_read_in_french_with_french_numbers(french_patient: Patient) -> None:
    client = Client()
    token = issue(french_patient)
    confirm_date_of_birth(client, token)
    link = QuestionnaireLink.objects.get()
    services.questionnaire_save_answers(link=link, answers={"A1": "yes", "A2": ["warfarin"]})

    out_of_range = client.post(section_url(token, "warfarin"), {"go": "next", "A3": "50", "visible": "A3 A4 A5"})
    assert error_at(out_of_range, "A3") == "Veuillez vérifier ce nombre. Il doit être entre 0,5 et 20."
    empty = client.post(section_url(token, "blood_thinners"), {"go": "next", "visible": "A1 A2"})
    assert error_at(empty, "A1") == "Veuillez choisir Oui, Non ou Je ne suis pas certain(e)."
    assert "Veuillez répondre aux questions signalées ci-dessous." in body(empty)


def test_a_decimal_comma_is_stored_as_the_point_the_rules_read(french_patient: Patient) -> None:
    client = Client()
    token = issue(french_patient)
    confirm_date_of_birth(client, token)
    link = QuestionnaireLink.objects.get()
    services.questionnaire_save_answers(link=link, answers={"A1": "yes", "A2": ["warfarin"]})

    client.post(section_url(token, "warfarin"), {"go": "next", "A3": "2,5", "A5__low": "2", "A5__high": "3,5"})

    answers = services.questionnaire_draft(link=link).answers
    assert (answers["A3"], answers["A5"]) == ("2.5", ["2", "3.5"])


def test_answers_given_in_french_are_stored_as_codes_and_read_in_english_by_the_physiotherapist(
    french_patient: Patient, physio_client: Client
) -> None:
    client = Client()
    token = issue(french_patient)

    _visited, thanks = answer_every_section(client, token, ALL_NO)

    assert "Merci" in body(thanks) and '<html lang="fr-ca">' in body(thanks)
    response = QuestionnaireResponse.objects.get()
    assert response.answers["F1"] == "no" and response.answers["H3"] == ALL_NO["H3"]
    review = body(physio_client.get(reverse("patients:questionnaire-review", args=[french_patient.pk, response.pk])))
    assert '<html lang="en">' in review
    assert "Do you bruise very easily" in review and "Avez-vous des bleus" not in review
    assert "Oui" not in review and "Non<" not in review


# The switcher


def test_the_switcher_changes_the_language_for_this_browser_only(english_patient: Patient) -> None:
    token = issue(english_patient)
    client = Client()

    switched = client.get(start_url(token) + "?lang=fr-ca")

    assert switched.status_code == 302 and switched["Location"] == start_url(token)
    page = body(client.get(start_url(token)))
    assert '<html lang="fr-ca">' in page and "Bonjour Zebedee" in page
    assert '<a href="?lang=en-ca" hreflang="en-ca" lang="en-ca" class="btn btn-outline-light">English</a>' in page
    assert "Hello Zebedee" in body(Client().get(start_url(token)))  # another browser: the patient's own language
    english_patient.refresh_from_db()
    assert english_patient.preferred_language == "en-ca"
    client.get(start_url(token) + "?lang=en-ca")
    assert "Hello Zebedee" in body(client.get(start_url(token)))


def test_the_choice_wins_over_the_patients_preferred_language(french_patient: Patient) -> None:
    token = issue(french_patient)
    client = Client()
    client.get(start_url(token) + "?lang=en-ca")

    section = client.get(confirm_date_of_birth(client, token))

    assert '<html lang="en-ca">' in body(section) and "Blood thinners" in body(section)


@pytest.mark.parametrize("code", ["xx", "", "fr", "FR-CA ", "de-de", "en-ca' onmouseover='x", "fr-ca\x00", "é" * 300])
def test_an_unknown_language_code_is_ignored(french_patient: Patient, code: str) -> None:
    token = issue(french_patient)
    client = Client()

    response = client.get(start_url(token), {"lang": code})

    assert response.status_code == 302 and response["Location"] == start_url(token)
    page = body(client.get(start_url(token)))
    expected = "Bonjour Élodie" if languages.supported(code) in (None, "fr-ca") else "Hello Élodie"
    assert expected in page
    assert "onmouseover" not in page


def test_a_forged_language_post_is_not_a_language_choice(french_patient: Patient) -> None:
    token = issue(french_patient)
    client = Client()

    response = client.post(start_url(token), {"lang": "xx", "patient_language": "xx"})

    assert response.status_code == 200
    assert error_at(response, "date_of_birth") is None
    assert "Entrez votre date de naissance." in body(response)
    assert languages.SESSION_KEY not in client.session


def test_choosing_french_on_a_patient_page_leaves_the_staff_pages_in_english(
    english_patient: Patient, front_desk_client: Client
) -> None:
    token = issue(english_patient)
    front_desk_client.get(start_url(token) + "?lang=fr-ca")
    assert "Bonjour" in body(front_desk_client.get(start_url(token)))

    staff = front_desk_client.get(reverse("patients:patient-detail", args=[english_patient.pk]))

    assert staff.status_code == 200
    assert '<html lang="en">' in body(staff) and "Content-Language" not in staff
    assert translation.get_language() == "en-ca"


def test_pages_before_the_patient_is_known_follow_the_browser(db: None) -> None:
    french_browser = Client(HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5")

    unavailable = french_browser.get(start_url("x" * 43))

    assert unavailable.status_code == 404
    assert '<html lang="fr-ca">' in body(unavailable)
    assert "Ce lien ne peut pas être utilisé" in body(unavailable)
    assert "This link cannot be used" in body(Client().get(start_url("y" * 43)))


def test_too_many_attempts_says_how_long_to_wait_in_french(db: None, settings: Any) -> None:
    settings.CLINIC_LINK_LOOKUP_LIMIT = 3
    client = Client(HTTP_ACCEPT_LANGUAGE="fr-ca")
    for attempt in range(3):
        client.get(start_url(f"{attempt}" * 43))

    refused = client.get(start_url("z" * 43))

    assert refused.status_code == 429
    assert re.search(r"Attendez \d+ minutes?, puis ouvrez votre lien de nouveau", body(refused))


def test_a_locked_link_says_so_in_french(french_patient: Patient, settings: Any) -> None:
    token = issue(french_patient)
    client = Client()
    for _ in range(settings.CLINIC_QUESTIONNAIRE_DOB_TRIES):
        response = client.post(start_url(token), {"date_of_birth": "1999-01-01"})

    assert response.status_code == 403
    assert "Veuillez appeler la clinique" in body(response)


def test_a_wrong_date_of_birth_is_explained_in_french(french_patient: Patient) -> None:
    response = Client().post(start_url(issue(french_patient)), {"date_of_birth": "1999-01-01"})

    assert "Cette date de naissance ne correspond pas à notre dossier." in body(response)


def test_the_autosave_answers_in_french(french_patient: Patient) -> None:
    client = Client()
    token = issue(french_patient)
    confirm_date_of_birth(client, token)

    saved = client.post(reverse("questionnaire:autosave", args=[token, "blood_thinners"]), {"A1": "no"})

    assert body(saved) == "Enregistré à 10:00."


# The e-mail


def test_the_questionnaire_e_mail_is_in_the_patients_language(
    french_patient: Patient, english_patient: Patient, django_capture_on_commit_callbacks: Any
) -> None:
    english_patient.email = "zeb@example.com"
    english_patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        issue(french_patient)
        issue(english_patient)

    french_mail, english_mail = mail.outbox
    assert french_mail.subject == "IMS Clinic : quelques questions avant votre rendez-vous"
    assert french_mail.body.startswith("Bonjour Élodie,\n\nAvant votre rendez-vous, IMS Clinic vous demande")
    assert "Ouvrez ce lien privé sur votre cellulaire ou votre ordinateur :" in french_mail.body
    assert "Le lien fonctionne jusqu’au lundi 16 mars 2026. Ne le partagez pas." in french_mail.body
    assert english_mail.subject == "IMS Clinic: a few questions before your visit"
    assert "The link works until Monday 16 March 2026." in english_mail.body
    assert translation.get_language() == "en-ca"


# The message files


def test_every_patient_facing_string_has_a_french_translation() -> None:
    script = messages_script()
    template = script.extracted()
    catalog = script.read(FRENCH_PO)

    assert len(template) > 150
    assert script.problems(catalog, template) == []


def test_the_check_finds_a_string_missing_untranslated_or_fuzzy() -> None:
    script = messages_script()
    template = script.extracted()
    catalog = script.read(FRENCH_PO)
    catalog.delete("Next")
    catalog["Back"].string = ""
    catalog["Thank you"].flags.add("fuzzy")

    found = script.problems(catalog, template)

    assert sorted(problem.split(":")[0] for problem in found) == ["fuzzy", "missing", "untranslated"]
    assert any(problem.startswith("missing: 'Next' (") for problem in found)


def test_the_extraction_reads_the_patient_templates_and_modules_but_not_the_staffs() -> None:
    sources = {path.relative_to(ROOT).as_posix() for path in messages_script().sources()}

    assert {"templates/questionnaire/section.html", "templates/aftercare/check.html"} <= sources
    assert {"patients/questionnaire_views.py", "patients/rules_wording.py", "patients/messaging.py"} <= sources
    assert not {path for path in sources if path.startswith("templates/admin/")}
    assert "records/importing.py" not in sources


def test_every_sentence_of_the_rules_a_patient_reads_is_listed_for_translation() -> None:
    listed = set(rules_wording.QUESTIONNAIRE) | set(rules_wording.MESSAGES)
    shown = {INTRODUCTION} | {section.title for section in PATIENT_SECTIONS}
    shown |= {question.text for section in PATIENT_SECTIONS for question in section.questions}
    shown |= {option.label for section in PATIENT_SECTIONS for q in section.questions for option in q.options}
    tree = ast.parse((ROOT / "patients/safety_rules/validation.py").read_text())
    documented = (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.Module))
    docstrings = {ast.get_docstring(node, clean=False) for node in documented}
    sentences = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value
    } - docstrings

    assert shown - listed == set()
    assert sentences - listed == set()


def test_the_message_file_is_valid_and_plural_forms_are_french() -> None:
    with FRENCH_PO.open("rb") as file:
        catalog = read_po(file)

    assert str(catalog.locale) == "fr_CA"
    assert catalog.plural_expr == "(n > 1)"
    assert not catalog.fuzzy
    for message in catalog:
        if message.id and message.python_format:
            names = set(re.findall(r"%\((\w+)\)", str(message.id)))
            assert set(re.findall(r"%\((\w+)\)", str(message.string))) == names, message.id


# The rules' wording stays pure


def test_a_sentence_with_values_is_still_the_english_sentence() -> None:
    sentence = Wording("Please check this number. It should be between %(low)s and %(high)s.", low=0.5, high=20.0)

    assert sentence == "Please check this number. It should be between 0.5 and 20."
    assert pickle.loads(pickle.dumps(sentence)).params == {"low": 0.5, "high": 20.0}
    assert french(sentence) == "Veuillez vérifier ce nombre. Il doit être entre 0,5 et 20."
    assert safety_rules.validate_answers({"H3": ["metal", safety_rules.NONE_OF_THESE]})["H3"] == (
        "“None” cannot be chosen together with other answers."
    )


def test_a_translation_fragment_is_merged_into_the_message_file(tmp_path: Path) -> None:
    target = tmp_path / "django.po"
    target.write_bytes(FRENCH_PO.read_bytes())
    fragment = tmp_path / "fr-new-page.po"
    fragment.write_text(
        'msgid "How sore is it now?"\nmsgstr "À quel point est-ce douloureux maintenant?"\n\n'
        '#, python-format\nmsgid "Hello %(first_name)s"\nmsgstr "Salut %(first_name)s"\n\n'
        'msgid "Not yet translated"\nmsgstr ""\n',
        encoding="utf-8",
    )
    spec = importlib.util.spec_from_file_location("merge_po", ROOT / "scripts/merge_po.py")
    assert spec and spec.loader
    merge_po = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(merge_po)

    status = merge_po.main(["--into", str(target), str(fragment)])

    merged = messages_script().read(target)
    assert merged["How sore is it now?"].string == "À quel point est-ce douloureux maintenant?"
    assert merged["Hello %(first_name)s"].string == "Bonjour %(first_name)s"  # kept, and reported
    assert status == 1
    assert merged.get("Not yet translated") is None
    assert len(merged) == len(messages_script().read(FRENCH_PO)) + 1


def test_a_private_links_date_of_birth_page_reads_in_french(french_patient: Patient) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from patients.questionnaire_forms import DateOfBirthForm

    request = RequestFactory().get("/")
    request.offers_language_choice = True
    with translation.override("fr-ca"):
        form = DateOfBirthForm({"date_of_birth": "not a date"})
        form.is_valid()
        page = render_to_string(
            "patient_links/date_of_birth.html",
            {"first_name": "Élodie", "form": form, "purpose": translation.gettext("Thank you")},
            request=request,
        )

    assert '<html lang="fr-ca">' in page
    assert "<title>Confirmez votre date de naissance · IMS Clinic</title>" in page
    assert "Bonjour Élodie" in page and "<p>Merci</p>" in page
    assert "Entrez votre date de naissance sous la forme année-mois-jour" in page
    assert '<a href="?lang=en-ca" hreflang="en-ca" lang="en-ca" class="btn btn-outline-light">English</a>' in page
