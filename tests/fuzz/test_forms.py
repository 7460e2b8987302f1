"""Every form the app accepts, posted with hostile values by each persona it is shown to.

The forms are found by opening the pages (tests/fuzz/crawl.py); the few a fresh world does not show (an addendum
needs a signed record, a restore an archived patient) are read from their form classes. Each example draws the
form's page variant, the persona, each field (the page's own value, a hostile one, missing, or repeated), stray
fields, sometimes another object's id or one that does not exist in the path, and whether htmx sent it. What is
checked of each answer: tests/fuzz/harness.py.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.db import connection
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.forms import TwoFactorCodeForm
from assessments.forms import AddendumForm, NeedledSiteForm, NeedlingPlanForm, SignForm
from assessments.models import Assessment, TreatmentSession
from assessments.visit_forms import EarlierDraftForm
from patients.forms import FlagMapForm
from patients.models import SafetyFlag
from records import importing
from records.forms import PatientImportConfirmForm
from records.letter_forms import LetterCreateForm, LetterDisclosureForm
from records.models import Letter
from tests.fuzz.crawl import Action, post_actions
from tests.fuzz.form_builders import plan_targets_offered
from tests.fuzz.harness import FILE, FUZZ_SETTINGS, send
from tests.fuzz.hostile import MISSING_IDS, csv_files, extra_fields, field_value
from tests.ims_clinic.page_table import PAGES

pytestmark = pytest.mark.django_db

STAFF = ("front_desk", "physio")


@dataclass(frozen=True)
class Fallback:
    """A form the fresh world does not show: who may post it, where, and its form."""

    personas: tuple[str, ...]
    kwargs: tuple[tuple[str, str], ...]
    form: Callable[[dict[str, object]], forms.Form] | None = None
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _signed_import(world: dict[str, object]) -> PatientImportConfirmForm:
    form = PatientImportConfirmForm()
    rows = "given_name,family_name,date_of_birth\nAda,Lovelace,1990-01-01\n<b id=fz7261>,{{ x }},9999-12-31\n"
    form.fields["payload"].initial = importing.sign_payload(rows)
    return form


FALLBACKS = {
    "accounts:mfa-verify": Fallback(("front_desk", "physio", "admin"), (), lambda w: TwoFactorCodeForm()),
    "assessments:addendum-create": Fallback(("physio",), (("pk", "assessment"),), lambda w: AddendumForm()),
    # The signature's form shows only when nothing is missing; the fuzz world's records still miss items.
    "assessments:assessment-sign": Fallback(
        ("physio",),
        (("pk", "assessment"),),
        lambda w: SignForm(initial={"version": Assessment.objects.get(pk=w["assessment"]).version}),
    ),
    "assessments:session-sign": Fallback(
        ("physio",),
        (("pk", "session"),),
        lambda w: SignForm(initial={"version": TreatmentSession.objects.get(pk=w["session"]).version}),
    ),
    "assessments:session-addendum-create": Fallback(("physio",), (("pk", "session"),), lambda w: AddendumForm()),
    "assessments:needled-site-create": Fallback(
        ("physio",), (("pk", "session"),), lambda w: NeedledSiteForm(suggested=["deltoid"])
    ),
    # The plan of muscles is offered once a level is confirmed, which the fresh world has not done.
    "assessments:needling-plan-save": Fallback(
        ("physio",), (("pk", "assessment"),), lambda w: NeedlingPlanForm(offered=plan_targets_offered())
    ),
    "patients:patient-restore": Fallback(STAFF, (("pk", "patient"),)),
    # The question about a draft from an earlier day: the fuzz world's drafts are of today.
    **{
        f"assessments:{kind}-earlier-draft": Fallback(
            ("physio",),
            (("patient_pk", "patient"),),
            lambda w, kind=kind: EarlierDraftForm(noun=kind),
            extra=(("draft", ()), ("appointment", ())),
        )
        for kind in ("session", "assessment")
    },
    "patients:safety-flag-map": Fallback(
        ("physio",),
        (("pk", "patient"), ("response_pk", "response"), ("flag_pk", "flag")),
        lambda w: FlagMapForm.for_flag(SafetyFlag.objects.get(pk=w["flag"])),
    ),
    "patients:safety-flags-acknowledge-low": Fallback(("physio",), (("pk", "patient"), ("response_pk", "response"))),
    "records:patient-import-confirm": Fallback(("front_desk",), (), _signed_import),
    # Letters: a course needs a signed assessment, signing a letter needs its parts written, and only a signed
    # letter takes an addendum or is printed or sent; the fuzz world's letter is a draft about a draft.
    "records:letter-create": Fallback(
        ("physio",),
        (("pk", "patient"),),
        lambda w: LetterCreateForm(initial={"assessment": w["assessment"], "kind": "discharge_summary"}),
    ),
    "records:letter-sign": Fallback(
        ("physio",),
        (("pk", "letter"),),
        lambda w: SignForm(initial={"version": Letter.objects.get(pk=w["letter"]).version}),
    ),
    "records:letter-send": Fallback(("physio",), (("pk", "letter"),), lambda w: LetterDisclosureForm()),
    "records:letter-addendum-create": Fallback(("physio",), (("pk", "letter"),), lambda w: AddendumForm()),
    **{
        f"scheduling:appointment-{change}": Fallback(
            STAFF, (("pk", "appointment"),), extra=(("next", ("/schedule/", "https://evil.example/")),)
        )
        for change in ("check-in", "no-show", "complete")
    },
}


def _form_fields(form: forms.Form) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for bound in form:
        choices = [str(value) for value, _ in getattr(bound.field, "choices", ())]
        initial = bound.value()
        fields[bound.html_name] = [*choices, *([str(initial)] if initial not in (None, "", []) else [])]
    return fields


def fallback_action(url_name: str, world: dict[str, object]) -> Action:
    fallback = FALLBACKS[url_name]
    path = reverse(url_name, kwargs={key: world[name] for key, name in fallback.kwargs})
    fields = _form_fields(fallback.form(world)) if fallback.form else {}
    fields.update({name: list(values) for name, values in fallback.extra})
    return Action(path, fields, set(fallback.personas))


# Every view that takes a POST. A view that starts taking one fails test_every_posted_form_is_fuzzed below.
POSTED = sorted(
    {
        *FALLBACKS,
        "accounts:login",
        "accounts:logout",
        "accounts:mfa-setup",
        "aftercare:check",
        "aftercare:sheet",
        "assessments:after-effect-close",
        "assessments:after-effect-record",
        "assessments:adverse-event-create",
        "assessments:assessment-entered-in-error",
        "assessments:assessment-row-add",
        "assessments:assessment-row-delete",
        "assessments:assessment-sign",
        "assessments:assessment-start",
        "assessments:assessment-step",
        "assessments:baseline-create",
        "assessments:outcome-create",
        "outcome_questionnaire:question",
        "outcome_questionnaire:start",
        "assessments:segment-decide",
        "assessments:needled-site-delete",
        "assessments:session-close",
        "assessments:session-consent-extend",
        "assessments:session-header",
        "assessments:session-recheck",
        "assessments:session-sign",
        "assessments:session-start",
        "assessments:spine-range",
        "assessments:spine-toggle",
        "patients:consent-create",
        "patients:consent-extend",
        "patients:consent-withdraw",
        "patients:patient-archive",
        "patients:patient-create",
        "patients:patient-update",
        "patients:questionnaire-link-create",
        "patients:questionnaire-link-revoke",
        "patients:safety-flag-acknowledge",
        "questionnaire:autosave",
        "questionnaire:section",
        "questionnaire:start",
        "records:clinic-export",
        "records:integration-list",
        "records:integration-revoke",
        "records:letter-detail",
        "records:letter-entered-in-error",
        "records:patient-export",
        "records:patient-import",
        "scheduling:appointment-cancel",
        "scheduling:appointment-create",
        "scheduling:appointment-reschedule",
        "scheduling:feed-manage",
        "scheduling:series-create",
        "scheduling:waitlist-create",
        "scheduling:waitlist-remove",
    }
)

# The crawl is slow (every page, every persona): the first test to need it keeps where each form was found,
# and each later test opens only those pages again, in its own world.
_SOURCES: dict[str, set[int]] = {}


def actions_for(url_name: str, clients: dict[str, Client], world: dict[str, object]) -> list[Action]:
    if not _SOURCES:
        _SOURCES.update(post_actions(clients, world)[1])
    found, _ = post_actions(clients, world, only=_SOURCES.get(url_name, set()))
    actions = list(found.get(url_name, {}).values())
    if url_name in FALLBACKS:
        actions.append(fallback_action(url_name, world))
    return actions


def other_path(path: str, world_ids: tuple[str, ...]) -> st.SearchStrategy[str]:
    """The same form's path with one of its ids replaced by another object's, or by one that does not exist."""
    match = resolve(path)
    numbered = [key for key, value in match.kwargs.items() if isinstance(value, int)]
    if not numbered:
        return st.just(path)
    # SQLite (for development only) cannot even look up an id past 2**63 - 1; PostgreSQL answers "not found".
    largest = 2**63 - 1 if connection.vendor == "sqlite" else math.inf
    ids = [value for value in (*world_ids, *MISSING_IDS) if value.isdigit() and int(value) <= largest]

    def swap(choice: tuple[str, str]) -> str:
        key, value = choice
        return reverse(match.view_name, kwargs={**match.kwargs, key: int(value)})

    return st.one_of(st.just(path), st.tuples(st.sampled_from(numbered), st.sampled_from(ids)).map(swap))


def test_every_posted_form_is_fuzzed(persona_clients: dict[str, Client], fuzz_world: dict[str, object]) -> None:
    found, sources = post_actions(persona_clients, fuzz_world)
    _SOURCES.update(sources)
    assert set(POSTED) <= {page.url_name for page in PAGES}
    unlisted = set(found) - set(POSTED)
    assert not unlisted, f"Add these views, whose pages show a form that posts to them, to POSTED: {unlisted}"
    unseen = set(POSTED) - set(found) - set(FALLBACKS)
    assert not unseen, f"No page of the fuzz world shows a form for these: give them a Fallback: {unseen}"


@pytest.mark.parametrize("url_name", POSTED)
def test_a_hostile_post_is_refused_or_saved_whole_and_never_echoed(
    url_name: str,
    persona_clients: dict[str, Client],
    fuzz_world: dict[str, object],
) -> None:
    actions = actions_for(url_name, persona_clients, fuzz_world)
    world_ids = tuple(str(value) for value in fuzz_world.values() if isinstance(value, int))

    @FUZZ_SETTINGS
    @given(st.data())
    def post(data: st.DataObject) -> None:
        action = data.draw(st.sampled_from(actions), label="form")
        persona = data.draw(st.sampled_from(sorted(action.personas)), label="persona")
        payload: dict[str, object] = {}
        for name, values in action.fields.items():
            if FILE in values:
                payload[name] = data.draw(st.one_of(csv_files(), field_value((), world_ids)), label=name)
            else:
                payload[name] = data.draw(field_value(tuple(values), world_ids), label=name)
        payload.update(data.draw(extra_fields(world_ids), label="stray fields"))
        path = data.draw(st.one_of(st.just(action.path), other_path(action.path, world_ids)), label="path")
        htmx = data.draw(st.booleans(), label="htmx")
        follow = data.draw(st.sampled_from((False, False, False, True)), label="follow redirect")
        send(persona_clients[persona], "post", path, payload, htmx=htmx, follow=follow)

    post()
