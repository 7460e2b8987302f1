"""Finding every form the app shows: open each page of the page table as each persona it answers, and some more
(each assessment step, each questionnaire section, the consent and session pages offering an extension), and read
the forms that post. A form belongs to the view its action resolves to; the personas it was shown to may post it."""

from dataclasses import dataclass, field

from django.test import Client
from django.urls import reverse

from assessments.views import STEPS
from patients.safety_rules import SECTIONS, BodyRegion
from tests.fuzz.harness import FormSpec, forms_on, view_name
from tests.ims_clinic.page_table import ALLOWED, PAGES, Page


@dataclass
class Action:
    """One path a form posts to, with the union of the fields its forms send there and who was shown them."""

    path: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    personas: set[str] = field(default_factory=set)

    def merge(self, spec: FormSpec, persona: str) -> None:
        self.personas.add(persona)
        for name, values in spec.fields.items():
            known = self.fields.setdefault(name, [])
            known.extend(value for value in values if value not in known)


def extra_pages(world: dict[str, object]) -> list[tuple[str, tuple[str, ...]]]:
    """Pages the table lists once that show other forms in other states: (path, personas)."""
    physio = ("physio",)
    steps = [
        reverse("assessments:assessment-step", kwargs={"pk": world["assessment"], "step": step}) for step, _ in STEPS
    ]
    sections = [
        reverse("questionnaire:section", kwargs={"token": world["token"], "section": section.code})
        for section in SECTIONS
    ]
    session = reverse("assessments:session-detail", kwargs={"pk": world["session"]})
    consent = reverse("patients:consent-detail", kwargs={"pk": world["patient"], "consent_pk": world["consent"]})
    regions = [f"?extend={region}" for region in BodyRegion] + [f"?region={region}" for region in BodyRegion]
    return [
        *((path, physio) for path in steps),
        *((path, ("patient_link",)) for path in sections),
        *((f"{session}{query}", physio) for query in regions),
        *((f"{consent}{query}", physio) for query in regions),
        (reverse("patients:patient-detail", kwargs={"pk": world["patient"]}), ("front_desk", "physio")),
    ]


def table_pages(world: dict[str, object], personas: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    def open_to(page: Page) -> tuple[str, ...]:
        return tuple(persona for persona in personas if page.expected_for(persona) == ALLOWED)

    return [(page.url(world), open_to(page)) for page in PAGES if not page.url_name.startswith(("admin:", "fhir:"))]


def pages_to_open(clients: dict[str, Client], world: dict[str, object]) -> list[tuple[str, str]]:
    """(path, persona) for every page and persona the crawl opens, always in the same order."""
    listed = table_pages(world, tuple(clients)) + extra_pages(world)
    return [(path, persona) for path, personas in listed for persona in personas]


def post_actions(
    clients: dict[str, Client], world: dict[str, object], *, only: set[int] | None = None
) -> tuple[dict[str, dict[str, Action]], dict[str, set[int]]]:
    """url name -> path -> the action there; and url name -> the places in pages_to_open() showing its forms."""
    found: dict[str, dict[str, Action]] = {}
    sources: dict[str, set[int]] = {}
    for place, (path, persona) in enumerate(pages_to_open(clients, world)):
        if only is not None and place not in only:
            continue
        response = clients[persona].get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for spec in forms_on(response.content.decode(), path):
            name = view_name(spec.action)
            if spec.method == "post" and name:
                found.setdefault(name, {}).setdefault(spec.action, Action(spec.action)).merge(spec, persona)
                sources.setdefault(name, set()).add(place)
    return found, sources
