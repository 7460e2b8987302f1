"""Every page is valid HTML, as the Nu Html Checker (the W3C validator) reads it.

The test renders each GET page of the page table as every persona that may open it, plus the states
a page only reaches after an action (a form shown again with its errors, each questionnaire section,
each assessment step, signed records), writes them to a folder and runs the checker once over all of
them. It needs Java and the checker's jar (VNU_JAR; `.ci/run` installs it): without them it is
skipped, and in CI that is a failure.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from assessments import patient_outcomes
from assessments import services as assessment_services
from assessments.models import OutcomeLink
from assessments.views import STEPS
from patients import services as patient_services
from patients.models import Patient, QuestionnaireLink
from patients.questionnaire_forms import PATIENT_SECTIONS
from tests.assessments.signing import ready_to_sign, sign_assessment
from tests.ims_clinic.page_table import ALL_PERSONAS, PAGES, Page
from tests.run_suite import JAVA, VNU_JAR

# GET pages of the table that answer with a file (CSV, JSON, iCalendar), not a page.
DOWNLOADS = {
    "healthz",
    "accounts:audit-export",
    "patients:patient-access-report-export",
    "assessments:adverse-event-export",
    "scheduling:practitioner-feed",
}
# The quick compiler and the serial collector suit one short run; the schema's recursion needs the larger stack.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss2m")


def pages_of_the_table(
    objects: dict[str, object], client_for: dict[str, Client]
) -> Iterator[tuple[Page, str, Client]]:
    """(page, label, client) for each GET page of the table and each persona it lets in."""
    for page in PAGES:
        for persona in ALL_PERSONAS:
            if page.expected_for(persona) == 200:
                yield page, f"{page.url_name} as {persona}", client_for[persona]


def step_url(assessment: int, step: str) -> str:
    return reverse("assessments:assessment-step", kwargs={"pk": assessment, "step": step})


def html_of(response: HttpResponse, label: str, *, statuses: tuple[int, ...] = (200,)) -> str:
    """The page's HTML; a form sent back with its errors answers 400."""
    assert response.status_code in statuses, f"{label} answered {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), f"{label} is {response['Content-Type']}"
    return response.content.decode()


def run_checker(files: list[Path]) -> list[dict[str, object]]:
    """The checker's errors over all files, from one start of the JVM."""
    command = [JAVA, *JVM_OPTIONS, "-jar", VNU_JAR, "--errors-only", "--format", "json", "--stdout", *map(str, files)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    try:
        return json.loads(finished.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"The checker did not answer in JSON (exit {finished.returncode}): {finished.stderr[-2000:]}")


def readable(message: dict[str, object], label_of: dict[str, str]) -> str:
    path = unquote(urlparse(str(message.get("url", ""))).path)
    page = label_of.get(Path(path).name, path or "(no file)")
    return f"{page}, line {message.get('lastLine', '?')}: {message.get('message')}\n    {message.get('extract', '')!r}"


def today_with_rows(
    objects: dict[str, object], client_for: dict[str, Client], *, patient: Patient, session: object, signed: object
) -> dict[str, str]:
    """Today as each role sees it with rows in every list: visits, drafts, unrecorded visits, arrivals, a missing
    questionnaire, a waitlist match, an old draft, an adverse event and a record failing verification."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from assessments.models import AdverseEvent, Assessment
    from scheduling.models import Practitioner
    from tests.factories import AppointmentFactory, PatientFactory, UserFactory

    physio = client_for["physio"].user
    practitioner = Practitioner.objects.get(pk=objects["practitioner"])
    early = datetime.combine(timezone.localdate(), time(5), tzinfo=timezone.get_current_timezone())
    AppointmentFactory(patient=patient, practitioner=practitioner, starts_at=early)
    AppointmentFactory(practitioner=practitioner, starts_at=early - timedelta(days=2), status="completed")
    assessment_services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    AppointmentFactory(starts_at=early + timedelta(days=1, hours=3))  # a patient with no questionnaire yet
    AppointmentFactory(
        practitioner=practitioner,
        starts_at=early + timedelta(days=1, hours=1),
        status="cancelled",
        cancellation_reason="Unwell",
        cancelled_by=UserFactory(),
    )
    Assessment.objects.filter(pk=objects["assessment"]).update(started_at=timezone.now() - timedelta(days=2))
    AdverseEvent.objects.create(
        session=session, event_type="bruising", event_class="mild", onset="during", action_taken="Pressed.",
        reported_by=physio,
    )  # fmt: skip
    Assessment.objects.filter(pk=signed.pk).update(chief_complaint="Changed after signing")
    return {
        f"today as {persona}": html_of(client_for[persona].get(reverse("home")), f"today as {persona}")
        for persona in ("physio", "front_desk", "admin")
    }


def after_a_session_pages(objects: dict[str, object], client_for: dict[str, Client]) -> dict[str, str]:
    from assessments.models import AfterEffectReview

    physio, patient = client_for["physio"], client_for["patient_link"]
    review = AfterEffectReview.objects.select_related("report__session").get(pk=objects["after_effect_review"])
    check_url = reverse("aftercare:check", kwargs={"token": objects["check_token"]})
    review_url = reverse("assessments:after-effect-review", kwargs={"pk": review.pk})
    pages = {
        "session with reported after-effects": html_of(physio.get(review.report.session.get_absolute_url()), "after"),
        "check refused": html_of(patient.post(check_url, {"soreness": "11"}), "check refused", statuses=(400,)),
        "check answered": html_of(
            patient.post(check_url, {"soreness": "3", "bruising": "none", "warning_signs": ["breathless_chest_pain"]}),
            "check answered",
        ),
        "review refused": html_of(
            physio.post(reverse("assessments:after-effect-close", kwargs={"pk": review.pk}), {"note": ""}),
            "review refused",
            statuses=(400,),
        ),
    }
    physio.post(reverse("assessments:after-effect-close", kwargs={"pk": review.pk}), {"note": "Called; fine."})
    pages["review closed"] = html_of(physio.get(review_url), "review closed")
    return pages


@pytest.mark.nu
@pytest.mark.django_db
def test_every_page_is_valid_html(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    objects = request.getfixturevalue("world")
    client_for = {persona: request.getfixturevalue(f"{persona}_client") for persona in ALL_PERSONAS}
    physio = client_for["physio"]
    rendered: dict[str, str] = {}

    for page, label, client in pages_of_the_table(objects, client_for):
        response = client.get(page.url(objects))
        if page.url_name in DOWNLOADS:
            assert response.status_code == 200 and not response["Content-Type"].startswith("text/html"), label
        else:
            rendered[label] = html_of(response, label)

    # Every step of an assessment, a draft of someone else's and one the physiotherapist signed.
    for name, _ in STEPS:
        label = f"assessment step {name} (draft)"
        rendered[label] = html_of(physio.get(step_url(objects["assessment"], name)), label)
    patient = Patient.objects.get(pk=objects["patient"])
    own = assessment_services.assessment_start(patient=patient, physiotherapist=physio.user)
    own = assessment_services.assessment_save_fields(
        assessment=own, data={"chief_complaint": "Right shoulder pain"}, version=own.version
    )
    # Its review before signing: nothing missing and the signature's form, the form refused, and once signed.
    review_url = reverse("assessments:assessment-sign", kwargs={"pk": own.pk})
    ready_to_sign(own)
    rendered["sign review (ready)"] = html_of(physio.get(review_url), "sign review (ready)")
    refused = physio.post(review_url, {"version": "x"})
    rendered["sign review (refused)"] = html_of(refused, "sign review (refused)", statuses=(400,))
    own = sign_assessment(own)
    rendered["sign review (signed)"] = html_of(physio.get(review_url), "sign review (signed)")
    for name, _ in STEPS:
        label = f"assessment step {name} (signed by the viewer)"
        rendered[label] = html_of(physio.get(step_url(own.pk, name)), label)

    # The physiotherapist's own signed session with a score: its page with the addendum form, and the charts.
    session = assessment_services.session_start(patient=patient, physiotherapist=physio.user)
    session = assessment_services.session_save_fields(
        session=session,
        data={"pain_before": 6, "pain_after": 3, "needles_accounted_for": True},
        version=session.version,
    )
    session = assessment_services.session_sign(session=session, signed_by=physio.user, version=session.version)
    assessment_services.outcome_record(
        patient=patient, session=session, instrument="ODI", total=30, recorded_by=physio.user
    )
    session_url = reverse("assessments:session-detail", kwargs={"pk": session.pk})
    rendered["signed session"] = html_of(physio.get(session_url), "signed session")
    progress_url = reverse("assessments:progress", kwargs={"patient_pk": patient.pk})
    rendered["progress with charts"] = html_of(physio.get(progress_url), "progress")

    # After a session: its page with the messages and what the patient reported, the check refused with its errors
    # and then answered, the review closed.
    rendered.update(after_a_session_pages(objects, client_for))

    # Each role's Today with a row in each of its lists.
    rendered.update(today_with_rows(objects, client_for, patient=patient, session=session, signed=own))

    # Every questionnaire section (warfarin opens the warfarin page), as shown and as checked with its errors.
    link = QuestionnaireLink.objects.get(pk=objects["link"])
    patient_services.questionnaire_save_answers(link=link, answers={"A1": "yes", "A2": ["warfarin"]})
    for section in PATIENT_SECTIONS:
        url = reverse("questionnaire:section", kwargs={"token": objects["token"], "section": section.code})
        for query, state, statuses in (("", "shown", (200,)), ("?check=1", "checked", (200, 400))):
            label = f"questionnaire section {section.code} ({state})"
            rendered[label] = html_of(client_for["patient_link"].get(url + query), label, statuses=statuses)
    wrong = Client().post(
        reverse("questionnaire:start", kwargs={"token": objects["token"]}), {"date_of_birth": "1900-01-01"}
    )
    rendered["questionnaire start with a wrong date of birth"] = html_of(wrong, "questionnaire start")

    # The outcome questionnaire's pages: a question refused empty, the pain now, the thanks, and closed.
    phone = client_for["patient_link"]
    outcome_link = OutcomeLink.objects.get(appointment_id=objects["appointment"])
    for number in range(1, 11):
        patient_outcomes.save_answer(link=outcome_link, name=f"item_{number}", value=2)

    def question(number: int) -> str:
        return reverse("outcome_questionnaire:question", kwargs={"token": objects["outcome_token"], "number": number})

    refused_answer = phone.post(question(1), {"go": "next"})
    rendered["outcome question refused empty"] = html_of(refused_answer, "outcome question", statuses=(400,))
    rendered["outcome pain now"] = html_of(phone.get(question(11)), "outcome pain now")
    sent = phone.post(question(11), {"answer": "4", "go": "next"})
    rendered["outcome thanks"] = html_of(sent, "outcome thanks")
    rendered["outcome closed"] = render_to_string(
        "outcome_questionnaire/closed.html", request=RequestFactory().get("/")
    )

    # Forms shown again with their errors.
    for label, client, url_name in (
        ("login with a wrong password", client_for["anonymous"], "accounts:login"),
        ("new patient, empty", client_for["front_desk"], "patients:patient-create"),
        ("new appointment, empty", client_for["front_desk"], "scheduling:appointment-create"),
        ("waitlist entry, empty", client_for["front_desk"], "scheduling:waitlist-create"),
    ):
        data = {"username": "nobody", "password": "wrong"} if url_name == "accounts:login" else {}
        rendered[label] = html_of(client.post(reverse(url_name), data), label, statuses=(200, 400))

    files, label_of = [], {}
    for index, (label, html) in enumerate(rendered.items()):
        name = f"{index:03}-{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}.html"
        (tmp_path / name).write_text(html, encoding="utf-8")
        files.append(tmp_path / name)
        label_of[name] = label

    errors = run_checker(files)

    assert not errors, f"{len(errors)} HTML errors in {len(files)} pages:\n" + "\n".join(
        readable(message, label_of) for message in errors
    )
