"""The patient's questionnaire pages behind the private link /q/<token>/: no account, no clinical judgement shown."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.client_ip import client_ip

from . import languages, safety_rules, services
from .models import QuestionnaireLink
from .private_links import patient_page as _patient_page
from .questionnaire_forms import (
    INTRODUCTION,
    SECTION_BY_CODE,
    DateOfBirthForm,
    SectionForm,
    visible_patient_sections,
)
from .safety_rules import Section

SESSION_KEY = "questionnaire"
VERIFIED_FOR_SECONDS = 60 * 60


def unavailable(request: HttpRequest) -> HttpResponse:
    """One neutral answer for every link that cannot be used: it says nothing about whether the patient exists."""
    return render(request, "questionnaire/unavailable.html", status=404)


def refused(request: HttpRequest, wait_seconds: int) -> HttpResponse:
    """Too many failed look-ups from this address: try again after `wait_seconds` (also in Retry-After)."""
    minutes = math.ceil(wait_seconds / 60)
    wait = (
        ngettext("%(count)d second", "%(count)d seconds", wait_seconds) % {"count": wait_seconds}
        if wait_seconds < 60
        else ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    )
    response = render(request, "questionnaire/too_many_attempts.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


def _find_link(request: HttpRequest, token: str) -> QuestionnaireLink | HttpResponse:
    address = client_ip(request)
    wait_seconds = services.questionnaire_link_lookup_wait(address=address)
    if wait_seconds:
        return refused(request, wait_seconds)
    link = services.questionnaire_link_find(token=token, address=address)
    if link is None:
        return unavailable(request)
    languages.activate_for_patient(request, link.patient)
    return link


def _is_verified(request: HttpRequest, link: QuestionnaireLink) -> bool:
    state = request.session.get(SESSION_KEY) or {}
    verified_at = state.get("verified_at", 0)
    return state.get("link") == link.pk and timezone.now().timestamp() - verified_at < VERIFIED_FOR_SECONDS


def _context(link: QuestionnaireLink, **extra: Any) -> dict[str, Any]:
    # The patient's page shows only the clinic's name (from the context processor) and the patient's first name.
    return {"first_name": link.patient.given_name, **extra}


@_patient_page
@require_http_methods(["GET", "POST"])
def questionnaire_start(request: HttpRequest, token: str) -> HttpResponse:
    if _submitted_here(request, token):
        return _thanks(request)
    found = _find_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    services.questionnaire_link_opened(link=link)
    if request.method == "GET" and _is_verified(request, link):
        return redirect(_first_page_url(link, token))
    form = DateOfBirthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.questionnaire_confirm_date_of_birth(
            link=link, date_of_birth=form.cleaned_data["date_of_birth"]
        )
        if check == services.DateOfBirthCheck.LOCKED:
            return render(request, "questionnaire/locked.html", _context(link), status=403)
        if check == services.DateOfBirthCheck.CONFIRMED:
            request.session.cycle_key()
            request.session[SESSION_KEY] = {"link": link.pk, "verified_at": timezone.now().timestamp()}
            return redirect(_first_page_url(link, token))
        form.add_error("date_of_birth", services.DATE_OF_BIRTH_MISMATCH)
    introduction = languages.translate(INTRODUCTION)
    return render(request, "questionnaire/start.html", _context(link, form=form, introduction=introduction))


def _submitted_here(request: HttpRequest, token: str) -> bool:
    """This browser sent the answers through this link: it may see the thank-you page again."""
    state = request.session.get(SESSION_KEY) or {}
    return state.get("submitted_token_hash") == services.token_hash(token)


def _thanks(request: HttpRequest) -> HttpResponse:
    state = request.session.get(SESSION_KEY) or {}
    language = languages.chosen(request) or languages.supported(state.get("language"))
    if language:
        translation.activate(language)  # the language the answers were given in, on a reload
    return render(request, "questionnaire/thanks.html")


def _first_page_url(link: QuestionnaireLink, token: str) -> str:
    sections = visible_patient_sections(services.questionnaire_draft(link=link).answers)
    return reverse("questionnaire:section", kwargs={"token": token, "section": sections[0].code})


@_patient_page
@require_http_methods(["GET", "POST"])
def questionnaire_section(request: HttpRequest, token: str, section: str) -> HttpResponse:
    if _submitted_here(request, token):
        return _thanks(request)  # a double click or a reload of "Send my answers"
    found = _find_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    if not _is_verified(request, link):
        return redirect("questionnaire:start", token=token)
    draft = services.questionnaire_draft(link=link)
    sections = visible_patient_sections(draft.answers)
    current = SECTION_BY_CODE.get(section)
    if current is None or current not in sections:
        return redirect(_first_page_url(link, token))
    form = SectionForm(current, draft.answers, request.POST or None)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        draft = services.questionnaire_save_answers(link=link, answers=form.answers())
        sections = visible_patient_sections(draft.answers)
        if request.POST.get("go") == "back":
            return redirect(_neighbour_url(token, sections, current, step=-1))
        shown_before = set(request.POST.get("visible", "").split())
        shown_now = {q.code for q in safety_rules.visible_questions(draft.answers) if q in current.questions}
        opened = shown_now - shown_before  # follow-ups the patient has not seen yet (no JavaScript)
        errors = {
            code: message for code, message in _page_errors(draft.answers, current, link).items() if code not in opened
        }
        if not errors and not opened:
            if current.code == "confirm":
                return _submit(request, link, token)
            return redirect(_neighbour_url(token, sections, current, step=1))
        form = SectionForm(current, draft.answers)
        if opened and not errors:
            errors = {"__all__": gettext("Your answer opened a few more questions below.")}
    elif request.method == "POST":
        errors = _form_errors(form)
    elif request.method == "GET" and request.GET.get("check"):
        errors = _page_errors(draft.answers, current, link)
    return _render_section(request, link, token, form, current, sections, draft.answers, errors)


def _form_errors(form: SectionForm) -> dict[str, str]:
    """Errors the form itself found (an answer that is not one of the options, an absurd length), by question."""
    errors: dict[str, str] = {}
    for name, messages in form.errors.items():
        errors.setdefault(name.split("__")[0], str(messages[0]))
    return errors


def _page_errors(answers: dict[str, Any], section: Section, link: QuestionnaireLink) -> dict[str, str]:
    all_errors = safety_rules.validate_answers(
        answers, today=timezone.localdate(), expected_date_of_birth=link.patient.date_of_birth
    )
    codes = {question.code for question in section.questions}
    return {code: languages.translate(message) for code, message in all_errors.items() if code in codes}


def _neighbour_url(token: str, sections: list[Section], current: Section, *, step: int) -> str:
    index = next((i for i, section in enumerate(sections) if section.code == current.code), 0)
    target = sections[max(0, min(len(sections) - 1, index + step))]
    return reverse("questionnaire:section", kwargs={"token": token, "section": target.code})


def _render_section(
    request: HttpRequest,
    link: QuestionnaireLink,
    token: str,
    form: SectionForm,
    current: Section,
    sections: list[Section],
    answers: dict[str, Any],
    errors: dict[str, str],
) -> HttpResponse:
    visible = {question.code for question in safety_rules.visible_questions(answers)}
    show_rules = form.show_rules(answers)
    questions = [
        {
            "question": question,
            "fields": [
                form[name] for name in form.fields if name == question.code or name.startswith(question.code + "__")
            ],
            "visible": question.code in visible,
            "error": errors.get(question.code, ""),
            "show_if": show_rules.get(question.code, ""),
        }
        for question in form.questions
    ]
    step = next(i for i, section in enumerate(sections) if section.code == current.code) + 1
    context = _context(
        link,
        form=form,
        section=current,
        questions=questions,
        visible_codes=" ".join(sorted(code for code in visible if any(q.code == code for q in form.questions))),
        page_error=errors.get("__all__", ""),
        has_errors=bool(errors),
        step=step,
        steps=len(sections),
        is_last=current.code == "confirm",
        token=token,
    )
    status = 400 if errors and "__all__" not in errors else 200
    return render(request, "questionnaire/section.html", context, status=status)


def _submit(request: HttpRequest, link: QuestionnaireLink, token: str) -> HttpResponse:
    try:
        services.questionnaire_submit(link=link)
    except services.QuestionnaireIncomplete as incomplete:
        draft = services.questionnaire_draft(link=link)
        for section in visible_patient_sections(draft.answers):
            if any(question.code in incomplete.field_errors for question in section.questions):
                url = reverse("questionnaire:section", kwargs={"token": token, "section": section.code})
                return redirect(f"{url}?check=1")
        return redirect("questionnaire:start", token=token)
    except services.LinkLocked:
        return unavailable(request)
    request.session[SESSION_KEY] = {
        "submitted_token_hash": services.token_hash(token),
        "language": translation.get_language(),
    }
    return _thanks(request)


@_patient_page
@require_POST
def questionnaire_autosave(request: HttpRequest, token: str, section: str) -> HttpResponse:
    """htmx: save the page's answers as the patient goes; answers 204 with nothing to show."""
    found = _find_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    current = SECTION_BY_CODE.get(section)
    if not _is_verified(request, link) or current is None:
        return HttpResponse(status=403)
    form = SectionForm(current, {}, request.POST)
    if not form.is_valid():
        return HttpResponse(gettext("Not saved: check the highlighted answers."), status=200)
    services.questionnaire_save_answers(link=link, answers=form.answers())
    return HttpResponse(gettext("Saved at %(time)s.") % {"time": f"{timezone.localtime():%H:%M}"})
