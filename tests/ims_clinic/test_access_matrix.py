"""The access matrix, read from the body: a refused, redirected or missing page never carries patient data.

It reuses the page table of test_pages.py (every URL of the project, every persona), with a patient whose
name and clinical note are unique markers; and it checks that browsing all of it leaves no patient data
and no password in the logs.
"""

import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from patients.models import Patient
from tests.factories import TEST_PASSWORD, PatientFactory, UserFactory
from tests.ims_clinic.page_table import ALL_PERSONAS, LINK, PAGES, Page

GIVEN, FAMILY = "Zyqxhmarker", "Vwqjcanary"
CLINICAL = "Ulnar-canary-complaint-7731"
REFUSED = {302, 403, 404, 405}


@pytest.fixture
def marked_world(world: dict[str, object]) -> dict[str, object]:
    """The page table's world, with its patient and assessment carrying marker strings."""
    Patient.objects.filter(pk=world["patient"]).update(given_name=GIVEN, family_name=FAMILY, preferred_name="")
    Assessment.objects.filter(pk=world["assessment"]).update(chief_complaint=CLINICAL)
    return world


def markers_in(body: str) -> list[str]:
    return [marker for marker in (GIVEN, FAMILY, CLINICAL) if marker in body]


@pytest.mark.django_db
@pytest.mark.parametrize("persona_client", ALL_PERSONAS, indirect=True)
def test_no_refused_or_redirected_answer_carries_the_patients_data(
    persona_client: Client, marked_world: dict[str, object], request: pytest.FixtureRequest
) -> None:
    persona = request.node.callspec.params["persona_client"]
    leaks = []
    for page in PAGES:
        response = persona_client.get(page.url(marked_world))
        assert response.status_code == page.expected_for(persona), page.url_name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        found = markers_in(body.decode(errors="replace"))
        if response.status_code in REFUSED and found:
            leaks.append((page.url_name, response.status_code, found))
        if persona in {"front_desk", "admin", "anonymous", LINK} and CLINICAL in found:
            leaks.append((page.url_name, response.status_code, [CLINICAL]))
    assert leaks == []


def nested_pages() -> list[Page]:
    """Pages that name a patient and also an object of that patient: the object must belong to the patient."""
    return [
        page
        for page in PAGES
        if ("pk", "patient") in page.kwargs and len(page.kwargs) > 1 and page.url_name.startswith("patients:")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("page", nested_pages(), ids=lambda page: page.url_name)
def test_another_patients_object_is_not_found_and_shows_nothing(
    page: Page, physio_client: Client, marked_world: dict[str, object]
) -> None:
    other = PatientFactory()
    url = page.url({**marked_world, "patient": other.pk})

    response = physio_client.get(url) if page.expected["physio"] != 405 else physio_client.post(url)

    assert response.status_code == 404
    assert markers_in(response.content.decode()) == []


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@pytest.fixture
def every_log_line() -> Iterator[Captured]:
    """Every record the most verbose allowed setting (DJANGO_LOG_LEVEL=DEBUG) would write, from every logger,
    also those that do not propagate to the root; loggers settings.LOGGING pins keep their level."""
    handler = Captured()
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    root_level = root.level
    for logger in loggers:
        logger.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.setLevel(root_level)
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_browsing_every_page_in_every_role_logs_no_patient_data_and_no_password(
    marked_world: dict[str, object], every_log_line: Captured
) -> None:
    from accounts.roles import Role

    people = {
        "front_desk": UserFactory(username="desk-logs", roles=[Role.FRONT_DESK]),
        "physio": UserFactory(username="physio", roles=[Role.PHYSIOTHERAPIST]),
        "admin": UserFactory(username="admin-logs", roles=[Role.CLINIC_ADMIN], is_staff=True),
    }
    clients = {"anonymous": Client()}
    for persona, user in people.items():
        client = Client()
        client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD + "x"})
        signed_in = client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
        assert signed_in.status_code == 302, persona
        clients[persona] = client

    for client in clients.values():
        for page in PAGES:
            client.get(page.url(marked_world))
            client.get(page.url(marked_world) + "?q=" + GIVEN)

    logged = "\n".join(every_log_line.lines)
    assert logged, "the capture saw no log output at all"
    assert [line[:300] for line in every_log_line.lines if markers_in(line)] == []
    assert TEST_PASSWORD not in logged


@pytest.mark.django_db
def test_a_confirmed_link_opens_nothing_of_another_patients_link(
    patient_link_client: Client,
    marked_world: dict[str, object],
) -> None:
    """Confirming one's own date of birth does not open someone else's questions: their link asks again."""
    import uuid

    from patients import services

    other = PatientFactory(given_name="Qoxwother", family_name="Jyvmarker")
    _link, token = services.questionnaire_link_issue(
        patient=other, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    start = reverse("questionnaire:start", kwargs={"token": token})
    questions = reverse("questionnaire:section", kwargs={"token": token, "section": "blood_thinners"})

    section = patient_link_client.get(questions)
    first_page = patient_link_client.get(start)

    assert section.status_code == 302 and section["Location"] == start
    assert first_page.status_code == 200 and 'name="date_of_birth"' in first_page.content.decode()
    for body in (section.content.decode(), first_page.content.decode()):
        # Neither patient's record shows; the other link greets its patient by given name only, as for anyone.
        assert markers_in(body) == [] and "Jyvmarker" not in body and "Blood thinners" not in body
