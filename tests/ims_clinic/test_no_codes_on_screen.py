"""No internal code on any page: every page of the page table, as every persona that may open it, with a demo
world holding every sign, region, symptom clue, sensory modality, flag, precaution tag and record type, reads in
words. Codes, slugs, model labels, reference tags and section numbers stay in the code and the docs."""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, User
from assessments import anatomy, gunn_signs, scales
from assessments import services as assessment_services
from assessments.models import Assessment, NeedledSite, RedFlag, SymptomClue, TreatmentSession
from assessments.views import STEPS
from patients.models import Patient, QuestionnaireResponse
from patients.safety_rules import BodyRegion
from patients.safety_rules.flags import FLAG_DEFINITIONS
from tests.conftest import PERSONAS
from tests.factories import QuestionnaireResponseFactory, SafetyFlagFactory, UserFactory
from tests.ims_clinic.page_table import ALLOWED, LINK, PAGES, Page

# What a code looks like in the text a person reads.
_APP_LABELS = "|".join(sorted({config.label for config in apps.get_app_configs()}, key=len, reverse=True))
CODE_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a sign code", re.compile(r"\b[A-Z]{2,4}-[A-Z]+\b")),
    ("a snake_case slug", re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")),
    ("a reference tag", re.compile(r"\[[A-Z]\d+\]")),
    ("a model label", re.compile(rf"\b(?:{_APP_LABELS})\.[a-z_]+\b")),
    ("an '(unverified)' mark", re.compile(r"\bunverified\b", re.IGNORECASE)),
    ("a reference document", re.compile(r"clinical-reference", re.IGNORECASE)),
    # A section number ("1.4", "3.6 to 3.8") anywhere inside parentheses; a measure ("(12.5%)", "4.5 kg") is not.
    (
        "a reference section",
        re.compile(r"\([^()]*?(?<![\d.])\d\.\d{1,2}(?![\d.])(?!\s*(?:%|kg|°|cm|mm|points?\b))[^()]*\)"),
    ),
    ("a precaution tag", re.compile(r"\b(?:THORAX|CANAL|VISCERA|DEEP|NV)\b")),
)


class VisibleText(HTMLParser):
    """The text a person reads as words: no tags, no attribute values, nothing inside script, style or template,
    nor inside <code>, which shows what a person types or compares as it is (a CSV file's column names, a digest)."""

    HIDDEN = frozenset({"script", "style", "template", "head", "code"})

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self.feed(body)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def codes_in(body: str) -> list[str]:
    text = VisibleText(body).text
    found = []
    for name, shape in CODE_SHAPES:
        for match in shape.finditer(text):
            start = max(match.start() - 40, 0)
            found.append(f"{name} {match.group()!r} in …{text[start : match.end() + 40]}…")
    return found


def test_the_scan_catches_each_kind_of_code_and_reads_only_visible_text() -> None:
    page = (
        '<p title="SEN-MOTORPOINT light_touch">Tender motor point</p><script>let x = "SPI-PARASHORT";</script>'
        "<p>SEN-MOTORPOINT upper_limb BLEED_ANTICOAGULANT [S2] patients.patient 4 (unverified) (5.2) CANAL</p>"
        "<p>Support it (see 1.4; rules of December). Normal values (as in 3.6 to 3.8). As the reference says.</p>"
        "<caption>Range of motion, against the clinical-reference.md values</caption>"
    )

    found = codes_in(page)

    assert len(found) == 11, found
    assert not codes_in('<p title="SEN-MOTORPOINT">Tender motor point: extensor carpi radialis brevis, right</p>')
    assert not codes_in("<p>Left weaker by 4.5 kg (12.5%); score 8.0 (mild); grip (4.5 kg); MRC 4/5 (weak)</p>")


def _full_assessment(physiotherapist: User, patient: Patient) -> Assessment:
    """A draft with every sign, region, symptom clue, red flag and sensory modality recorded somewhere, every kind
    of strength test, baseline questionnaires (a PSFS with its activities), a palpated range and a plan of muscles."""
    record = assessment_services
    assessment = record.assessment_start(patient=patient, physiotherapist=physiotherapist)
    assessment = record.assessment_save_fields(
        assessment=assessment,
        version=assessment.version,
        data={
            "chief_complaint": "Neck, arm and low back pain.",
            "pain_regions": [{"region": region.value, "side": "R"} for region in BodyRegion],
            "mechanism": "overuse",
            "symptom_clues": [clue.value for clue in SymptomClue],
            "red_flags": [flag.value for flag in RedFlag],
            "imaging": "ultrasound",
        },
    )
    for modality in scales.SensoryModality:
        for side, score in (("R", "1"), ("L", "2")):
            record.sensory_record(
                assessment=assessment, level="C6", side=side, modality=modality, score=score, is_hyper=False
            )
    record.reflex_record(assessment=assessment, reflex="achilles", side="L", grade="1+")
    record.reflex_record(assessment=assessment, reflex="achilles", side="R", grade="2+")
    record.strength_record(assessment=assessment, level="C6", side="R", grade="4")
    record.strength_record(assessment=assessment, level="C6", side="L", grade="5")
    record.rom_record(
        assessment=assessment, joint="cervical", movement="rotation", side="R", mode="active", degrees=60, pain=True
    )
    record.rom_record(
        assessment=assessment,
        joint="shoulder",
        movement="internal_rotation",
        side="L",
        mode="passive",
        degrees=50,
        pain=False,
    )
    for code, catalogue_sign in gunn_signs.SIGNS.items():
        if catalogue_sign.is_derived:
            continue
        attaches = catalogue_sign.attaches_to
        if gunn_signs.Attachment.MUSCLE in attaches:
            place = {"muscle": "extensor-carpi-radialis-brevis"}
        elif gunn_signs.Attachment.LEVELS in attaches:
            place = {"level": "C6"}
        else:
            place = {"region_note": "lateral elbow"}
        record.finding_record(assessment=assessment, sign_code=code, side="R", status="present", **place)
    record.finding_record(
        assessment=assessment, sign_code="SEN-MOTORPOINT", side="R", status="present", muscle="supinator"
    )
    for level in ("C5", "C6"):
        record.segment_decide(assessment=assessment, level=level, side="R", decision="confirmed")
    for side, grade, kilograms in (("R", "4", 24), ("L", "5", 31)):
        record.muscle_strength_record(
            assessment=assessment, muscle="extensor-carpi-radialis-brevis", side=side, grade=grade
        )
        record.grip_record(assessment=assessment, side=side, kilograms=kilograms)
    record.baseline_record(
        assessment=assessment,
        recorded_by=physiotherapist,
        instrument="PSFS",
        items=[3, 5, 6],
        activities=["Lifting the kettle", "Typing for an hour", "Turning the car key"],
    )
    record.baseline_record(assessment=assessment, recorded_by=physiotherapist, instrument="NDI", items=[2] * 10)
    assessment.refresh_from_db()
    record.spine_range_record(
        assessment=assessment, palpated_from="C4", palpated_to="C7", palpated_sides=list(record.PALPATED_SIDES)
    )
    assessment.refresh_from_db()
    planned = record.muscle_ranking(assessment=assessment).targets[:3]
    record.needling_plan_record(assessment=assessment, recorded_by=physiotherapist, targets=planned)
    assessment.refresh_from_db()
    return assessment


def _every_flag(patient: Patient) -> QuestionnaireResponse:
    response = QuestionnaireResponseFactory(patient=patient)
    for rank, definition in enumerate(FLAG_DEFINITIONS):
        SafetyFlagFactory(
            response=response,
            code=definition.code.value,
            severity=definition.severity.value,
            severity_rank=rank,
            reason=definition.why,
            action=definition.action,
        )
    return response


@pytest.fixture
def demo_world(world: dict[str, object]) -> dict[str, object]:
    """The page table's world, the demo clinic, and an assessment and questionnaire holding every code."""
    call_command("seed_demo", force=True, stdout=StringIO())
    physio = UserFactory(username="physio")
    patient = Patient.objects.get(pk=world["patient"])
    full = _full_assessment(physio, patient)
    responses = [_every_flag(patient)]
    # The precautions of every tag reach a summary: a muscle with each tag at the confirmed levels, or a site.
    session = assessment_services.session_start(patient=patient, physiotherapist=physio)
    for tag in anatomy.PrecautionTag:
        tagged = next(m for m in anatomy.MUSCLES.values() if tag in m.precautions)
        level = tagged.roots[0] if tagged.is_segmental else ""
        NeedledSite.objects.create(session=session, muscle=tagged.code, side="R", level=level)
    return {**world, "full_assessment": full.pk, "responses": [r.pk for r in responses]}


def _extra_pages() -> list[str]:
    """The pages the page table opens once, opened for every record of the demo world."""
    urls = []
    for assessment in Assessment.objects.all():
        urls += [reverse("assessments:assessment-step", args=[assessment.pk, step]) for step, _ in STEPS]
        urls.append(reverse("assessments:assessment-print", args=[assessment.pk]))
    for session in TreatmentSession.objects.all():
        urls.append(reverse("assessments:session-detail", args=[session.pk]))
    for response in QuestionnaireResponse.objects.exclude(submitted_at=None):
        urls.append(reverse("patients:questionnaire-review", args=[response.patient_id, response.pk]))
    for patient in Patient.objects.filter(treatment_sessions__isnull=False).distinct():
        urls.append(reverse("assessments:progress", args=[patient.pk]))
        urls.append(reverse("patients:patient-detail", args=[patient.pk]))
        urls.append(reverse("records:patient-export", args=[patient.pk]))
    return urls


@pytest.mark.django_db
def test_no_page_shows_a_code_to_anyone(
    demo_world: dict[str, object], patient_link_client: Client, physio_client: Client, admin_client: Client
) -> None:
    clients = {
        **dict.fromkeys(PERSONAS),
        "physio": physio_client,
        "admin": admin_client,
        "anonymous": Client(),
        LINK: patient_link_client,
    }
    clients["front_desk"] = Client()
    clients["front_desk"].force_login(UserFactory(username="frontdesk"))
    problems: list[str] = []

    def scan(client: Client, persona: str, url: str) -> None:
        response = client.get(url)
        if response.status_code != ALLOWED or "html" not in response.get("Content-Type", ""):
            return
        problems.extend(f"{persona} {url}: {code}" for code in codes_in(response.content.decode()))

    page: Page
    for page in PAGES:
        if page.url_name.startswith(("admin:", "fhir:")):
            continue  # the back office is Django's own; the API answers machines
        for persona, client in clients.items():
            if page.expected_for(persona) == ALLOWED:
                scan(client, persona, page.url(demo_world))
    for url in _extra_pages():
        scan(physio_client, "physio", url)
    patient_pks = set(Patient.objects.values_list("pk", flat=True)) & set(
        AuditEvent.objects.exclude(patient_id=None).values_list("patient_id", flat=True)
    )
    # The audit log and each access report, after every page above was opened and so logged.
    scan(admin_client, "admin", reverse("accounts:audit-list"))
    for pk in sorted(patient_pks)[:10]:
        scan(admin_client, "admin", reverse("patients:patient-access-report", args=[pk]))

    assert not problems, "\n".join(sorted(set(problems)))
