"""Every page that reads its query string, opened with hostile parameters by each persona it is open to.

The parameters are those the views read (`request.GET.get("…")`, `request.GET["…"]`, and the fields of a form
bound to `request.GET`); test_every_query_parameter_is_fuzzed fails when a view starts reading one not listed here.
Each example draws the persona, each parameter (a plausible value, a hostile one, missing, or repeated), stray
parameters and whether htmx asked; the answer is checked as tests/fuzz/harness.py says.
"""

import functools
import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from assessments.outcomes import InstrumentCode
from patients.safety_rules import BodyRegion
from tests.conftest import PERSONAS
from tests.fuzz.harness import FUZZ_SETTINGS, send
from tests.fuzz.hostile import extra_fields, field_value
from tests.ims_clinic.page_table import ALLOWED, LINK, PAGES, Page

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "assessments", "ims_clinic", "patients", "records", "scheduling")

DAYS = ("2027-01-15", "2026-12-07")
PAGE_NUMBERS = ("1", "2", "last")
REGIONS = tuple(str(region) for region in BodyRegion)
INSTRUMENTS = tuple(str(code) for code in InstrumentCode)
LANGUAGE_CODES = ("fr-ca", "en-ca", "fr")  # the patient pages' language switcher (patients/languages.py)
BOOKING = {"practitioner": (), "starts_at": ("2027-01-15T10:00",), "appointment_type": (), "duration_minutes": ("30",)}
BOOKING |= {"patient": (), "q": ("Nguyen", "ng")}
ADVERSE_EVENT_FILTERS = {
    "start": (*DAYS, "0001-01-01", "9999-12-31"),
    "end": (*DAYS, "0001-01-01", "9999-12-31"),
    "event_class": ("mild", "serious"),
    "event_type": ("bruising", "pneumothorax"),
    "practitioner": (),
}

# url name -> parameter -> plausible values (the world's ids are added to every parameter's).
QUERY_PARAMETERS: dict[str, dict[str, tuple[str, ...]]] = {
    "accounts:login": {"next": ("/", "/patients/")},
    "accounts:mfa-setup": {"next": ("/", "/patients/")},
    "accounts:mfa-verify": {"next": ("/", "/patients/")},
    "accounts:audit-list": {"patient": (), "user": (), "since": DAYS, "until": DAYS, "page": PAGE_NUMBERS},
    "accounts:audit-export": {"patient": (), "user": (), "since": DAYS, "until": DAYS},
    "patients:patient-list": {"q": ("Nguyen", "604"), "archived": ("on",), "page": PAGE_NUMBERS},
    "patients:patient-access-report": {"page": PAGE_NUMBERS},
    "patients:patient-messages": {"page": PAGE_NUMBERS},
    "patients:consent-detail": {"region": REGIONS},
    "assessments:session-detail": {"extend": REGIONS, "outcome": INSTRUMENTS},
    "assessments:assessment-step": {"instrument": INSTRUMENTS, "add": ("rom", "muscle", "grip"), "side": ("L", "R")},
    "assessments:adverse-event-report": {"start": DAYS, "end": DAYS},
    "assessments:adverse-event-list": ADVERSE_EVENT_FILTERS | {"page": PAGE_NUMBERS},
    "assessments:adverse-event-export": ADVERSE_EVENT_FILTERS,
    "assessments:session-earlier-draft": {"appointment": ()},
    "assessments:assessment-earlier-draft": {"appointment": ()},
    "questionnaire:section": {"check": ("1",), "lang": LANGUAGE_CODES},
    "questionnaire:start": {"lang": LANGUAGE_CODES},
    "records:patient-pick": {"q": ("Nguyen",), "page": PAGE_NUMBERS},
    "records:letter-list": {"page": PAGE_NUMBERS},
    "assessments:assessment-print": {"to": ("Dr. Ada Lovelace, Kitsilano Family Practice",)},
    "scheduling:schedule-day": {"date": DAYS, "practitioners": PAGE_NUMBERS},
    "scheduling:practitioner-week": {"date": DAYS},
    "scheduling:appointment-create": BOOKING,
    "scheduling:series-create": BOOKING,
    "scheduling:waitlist-create": BOOKING,
    "scheduling:patient-search": {**BOOKING, "for": ("waitlist", "booking")},
    "scheduling:appointment-detail": {"booked": ("1",)},
    "scheduling:free-slots": {"practitioner": (), "appointment_type": (), "after": DAYS, "patient": ()},
    "scheduling:waitlist-list": {"page": PAGE_NUMBERS},
    # Today: each list of each role pages on its own parameter.
    "home": {
        f"{name}_page": PAGE_NUMBERS
        for name in (
            "visits",
            "drafts",
            "unrecorded",
            "arrivals",
            "questionnaires",
            "waitlist",
            "stale",
            "events",
            "failed",
        )
    },
}
PAGES_BY_NAME = {page.url_name: page for page in PAGES}


def parameters_read_by_views() -> set[str]:
    """Each name a view reads from the query string, found in the source."""
    names: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).glob("*views.py"):
            source = path.read_text()
            names.update(re.findall(r"request\.GET(?:\.get\(|\[)\"(\w+)\"", source))
            module = importlib.import_module(f"{app}.{path.stem}")
            for form_name in re.findall(r"([\w.]+Form)\(request\.GET", source):
                form_class: type[forms.Form] = functools.reduce(getattr, form_name.split("."), module)
                names.update(form_class.base_fields)
    return names


def test_every_query_parameter_is_fuzzed() -> None:
    listed = {name for parameters in QUERY_PARAMETERS.values() for name in parameters}
    missing = parameters_read_by_views() - listed
    assert not missing, f"Views read these query parameters: add them to QUERY_PARAMETERS: {sorted(missing)}"
    assert set(QUERY_PARAMETERS) <= set(PAGES_BY_NAME)


def personas_for(page: Page) -> list[str]:
    if page.url_name.startswith("questionnaire:"):
        return [LINK]
    opened = [persona for persona in PERSONAS if page.expected_for(persona) == ALLOWED]
    # The inline patient search answers only htmx: without it, it hands over to the booking page (302).
    return opened or ["front_desk", "physio"]


@pytest.mark.parametrize("url_name", sorted(QUERY_PARAMETERS))
def test_a_hostile_query_string_never_breaks_or_echoes(
    url_name: str, persona_clients: dict[str, Client], fuzz_world: dict[str, object]
) -> None:
    page = PAGES_BY_NAME[url_name]
    path = page.url(fuzz_world)
    personas = personas_for(page)
    world_ids = tuple(str(value) for value in fuzz_world.values() if isinstance(value, int))

    @FUZZ_SETTINGS
    @given(st.data())
    def get(data: st.DataObject) -> None:
        persona = data.draw(st.sampled_from(personas), label="persona")
        query = {
            name: data.draw(field_value((*natural, *world_ids), world_ids), label=name)
            for name, natural in QUERY_PARAMETERS[url_name].items()
        }
        query.update(data.draw(extra_fields(world_ids), label="stray parameters"))
        htmx = data.draw(st.booleans(), label="htmx")
        send(persona_clients[persona], "get", path, query, htmx=htmx)

    get()
