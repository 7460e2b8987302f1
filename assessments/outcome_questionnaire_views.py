"""The patient's outcome questionnaire before a visit, behind its private link /o/<token>/: one question a page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from patients import private_links
from patients.services import token_hash

from . import patient_outcomes
from .models import OutcomeLink
from .outcome_questionnaire_forms import AnswerForm, PainNowForm

SEEN = "outcome_links_seen"  # token hashes this browser confirmed the date of birth for
SENT = "outcome_links_sent"  # and those it sent the answers through


def _remember(request: HttpRequest, key: str, token: str) -> None:
    hashes = list(request.session.get(key, []))
    if token_hash(token) not in hashes:
        request.session[key] = [*hashes[-9:], token_hash(token)]


def _closed(request: HttpRequest) -> HttpResponse:
    return render(request, "outcome_questionnaire/closed.html", status=410)


def _thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "outcome_questionnaire/thanks.html")


def _in_the_patients_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The language active before the view is back when it returns: _open switches to the patient's own."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override(translation.get_language()):
            return view(*args, **kwargs)

    return wrapped


def _open(request: HttpRequest, token: str) -> OutcomeLink | HttpResponse:
    """The usable link, confirmed by the patient's date of birth; or the page to show instead."""
    if token_hash(token) in request.session.get(SENT, []):
        return _thanks(request)  # a reload or a second tap of "Send my answers"
    found = private_links.open_link(request, OutcomeLink, token)
    if isinstance(found, HttpResponse):
        # Only a browser that confirmed the date of birth learns that the visit's questionnaire is closed.
        return _closed(request) if token_hash(token) in request.session.get(SEEN, []) else found
    asked = private_links.require_date_of_birth(
        request, found, purpose=gettext("This link opens a few questions about how you are doing before your visit.")
    )
    if private_links.is_verified(request, found):
        _remember(request, SEEN, token)
    if asked is not None:
        return asked
    if patient_outcomes.is_closed(found):
        return _closed(request)
    return found


@private_links.patient_page
@require_http_methods(["GET", "POST"])
@_in_the_patients_language
def outcome_start(request: HttpRequest, token: str) -> HttpResponse:
    found = _open(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    asked = patient_outcomes.questions(link)
    missing = patient_outcomes.missing_answers(link)
    first = next((i for i, q in enumerate(asked, start=1) if q.name in missing), len(asked))
    context = {
        "first_name": link.patient.given_name,
        "visit": patient_outcomes.visit_words(link.visit_starts_at),
        "count": len(asked),
        "start_url": reverse("outcome_questionnaire:question", kwargs={"token": token, "number": first}),
        "is_started": bool(link.answers),
    }
    return render(request, "outcome_questionnaire/start.html", context)


@private_links.patient_page
@require_http_methods(["GET", "POST"])
@_in_the_patients_language
def outcome_question(request: HttpRequest, token: str, number: str) -> HttpResponse:
    found = _open(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    asked = patient_outcomes.questions(link)
    if not number.isdigit() or not 1 <= int(number) <= len(asked):
        return redirect("outcome_questionnaire:start", token=token)
    return _question(request, link, token, asked, int(number))


def _question(
    request: HttpRequest, link: OutcomeLink, token: str, asked: list[patient_outcomes.Question], number: int
) -> HttpResponse:
    question = asked[number - 1]
    form = _form(link, question, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            regions = form.cleaned_data["where"] if isinstance(form, PainNowForm) else None
            patient_outcomes.save_answer(
                link=link, name=question.name, value=form.cleaned_data["answer"], regions=regions
            )
        if request.POST.get("go") == "back":
            return redirect("outcome_questionnaire:question", token=token, number=max(1, number - 1))
        if form.is_valid():
            if number < len(asked):
                return redirect("outcome_questionnaire:question", token=token, number=number + 1)
            return _submit(request, link, token, asked)
    return _render(request, token, asked, number, form, status=400 if form.errors else 200)


def _form(link: OutcomeLink, question: patient_outcomes.Question, data: Mapping[str, Any] | None) -> AnswerForm:
    """The question's form, its stored answer first; the pain now's with where it hurts."""
    initial: dict[str, Any] = {"answer": link.answers.get(question.name)}
    if question.name != patient_outcomes.PAIN_NOW:
        return AnswerForm(data, choices=question.choices, initial=initial)
    initial["where"] = patient_outcomes.marked_regions(link)
    return PainNowForm(data, choices=question.choices, initial=initial)


def _render(
    request: HttpRequest,
    token: str,
    asked: list[patient_outcomes.Question],
    number: int,
    form: AnswerForm,
    status: int,
) -> HttpResponse:
    context = {
        "question": asked[number - 1],
        "form": form,
        "where": form["where"] if isinstance(form, PainNowForm) else None,
        "number": number,
        "count": len(asked),
        "is_last": number == len(asked),
        "action": reverse("outcome_questionnaire:question", kwargs={"token": token, "number": number}),
    }
    return render(request, "outcome_questionnaire/question.html", context, status=status)


def _submit(
    request: HttpRequest, link: OutcomeLink, token: str, asked: list[patient_outcomes.Question]
) -> HttpResponse:
    try:
        patient_outcomes.submit(link=link)
    except patient_outcomes.AlreadyAnswered:
        return private_links.unavailable(request)
    except patient_outcomes.VisitClosed:
        return _closed(request)
    except ValidationError:
        # A question left unanswered (pages skipped by hand): that page, saying so.
        missing = patient_outcomes.missing_answers(link)
        number = next(i for i, q in enumerate(asked, start=1) if q.name in missing)
        form = _form(link, asked[number - 1], {})
        return _render(request, token, asked, number, form, status=400)
    _remember(request, SENT, token)
    return _thanks(request)
