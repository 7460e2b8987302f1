"""Letters pages: a patient's letters and courses, the draft, its signature, the print of a draft, and the
print or sending of a signed letter (a disclosure)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.forms import add_service_errors
from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import holds, permission_required
from accounts.submissions import DuplicateSubmission
from accounts.versioning import edit_conflict
from assessments.forms import AddendumForm, SignForm
from assessments.models import Assessment, AssessmentStatus
from patients.models import Patient
from scheduling.models import Practitioner

from . import letters
from .letter_forms import LetterCreateForm, LetterDisclosureForm, LetterEnteredInErrorForm, LetterForm
from .models import Letter, LetterKind

LETTERS_PAGE_SIZE = 20
COURSES_SHOWN = 5
CREATE_BUTTONS = {
    LetterKind.DISCHARGE_SUMMARY: "Write a discharge summary",
    LetterKind.FAMILY_DOCTOR: "Letter to the family doctor",
}
ALREADY_SENT = "This letter was already printed or sent from this form. Open the form again to print another copy."


def _letter(pk: int) -> Letter:
    return get_object_or_404(Letter.objects.select_related("patient", "author", "assessment"), pk=pk)


def _own(request: AuthenticatedHttpRequest, letter: Letter) -> None:
    """Only the letter's author writes to it (403 for a colleague, who may read it)."""
    if letter.author_id != request.user.pk:
        raise PermissionDenied


def _courses(patient: Patient) -> list[Assessment]:
    """The patient's latest signed assessments, each the start of a course, with its signed sessions counted."""
    return list(
        Assessment.objects.filter(patient=patient, status=AssessmentStatus.SIGNED)
        .annotate(
            signed_sessions=Count("treatment_sessions", filter=Q(treatment_sessions__status=AssessmentStatus.SIGNED))
        )
        .order_by("-signed_at", "-pk")[:COURSES_SHOWN]
    )


def _render_list(
    request: HttpRequest, patient: Patient, *, status: int = 200, error_form: LetterCreateForm | None = None
) -> HttpResponse:
    letters_of_patient = Letter.objects.filter(patient=patient).select_related("author").order_by("-created_at", "-pk")
    page = Paginator(letters_of_patient, LETTERS_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = _courses(patient)
    letters.courses_listed(courses=shown)  # each course's chief complaint is read here
    courses = [
        {
            "assessment": course,
            "forms": [
                (button, LetterCreateForm(initial={"assessment": course.pk, "kind": kind}, auto_id=False))
                for kind, button in CREATE_BUTTONS.items()
            ],
        }
        for course in shown
    ]
    context = {"patient": patient, "page": page, "courses": courses, "error_form": error_form}
    return render(request, "records/letter_list.html", context, status=status)


@require_safe
@permission_required("records.view_letter")
def letter_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_list(request, get_object_or_404(Patient, pk=pk))


@require_POST
@permission_required("records.add_letter")
def letter_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    form = LetterCreateForm(request.POST)
    if not form.is_valid():
        return _render_list(request, patient, status=400, error_form=form)
    # Another patient's course is not found here, whatever id is sent.
    assessment = get_object_or_404(Assessment, pk=form.cleaned_data["assessment"], patient=patient)
    try:
        letter = letters.letter_create(
            assessment=assessment,
            kind=form.cleaned_data["kind"],
            author=request.user,
            submission_key=form.cleaned_data["submission_key"],
            result_url="",
        )
    except DuplicateSubmission as duplicate:
        return redirect(duplicate.result_url or reverse("records:letter-list", kwargs={"pk": patient.pk}))
    except ValidationError as error:
        form.add_error(None, error)
        return _render_list(request, patient, status=400, error_form=form)
    messages.success(request, f"{letter.get_kind_display()} drafted from the course. Edit it in your own words.")
    return redirect(letter)


def _practitioner(letter: Letter) -> Practitioner | None:
    return Practitioner.objects.filter(user_id=letter.author_id).first()


def _render_detail(request: AuthenticatedHttpRequest, letter: Letter, status: int = 200, **forms: Any) -> HttpResponse:
    is_own = letter.author_id == request.user.pk
    context = {
        "letter": letter,
        "patient": letter.patient,
        "is_own": is_own,
        "form": forms.get("form") or (LetterForm(instance=letter) if letter.is_draft and is_own else None),
        "addendum_form": forms.get("addendum_form") or AddendumForm(),
        "error_form": forms.get("error_form") or LetterEnteredInErrorForm(),
        "conflict": forms.get("conflict"),
        "refused": forms.get("refused", ""),
        "addenda": list(letter.addenda.select_related("author")),
    }
    return render(request, "records/letter_detail.html", context, status=status)


@permission_required("records.view_letter")
def letter_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The letter (GET); its draft saved (POST), compare-and-set on the version the page was opened at."""
    letter = _letter(pk)
    if request.method != "POST":
        letters.letter_opened(letter=letter)
        return _render_detail(request, letter)
    if not holds(request.user, "records.change_letter"):
        raise PermissionDenied
    _own(request, letter)
    form = LetterForm(request.POST, instance=letter)
    if form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "version"}
        try:
            letters.letter_save_fields(letter=letter, data=data, version=form.cleaned_data["version"], by=request.user)
        except letters.LetterNotEditable as error:
            return _render_detail(request, _letter(pk), status=409, refused=" ".join(error.messages))
        except letters.StaleLetter:
            saved = _letter(pk)
            conflict = edit_conflict(form, saved, record="this letter")
            return _render_detail(request, saved, status=409, conflict=conflict, form=form.retry_on(saved))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(letter)
    saved = _letter(pk)
    if not saved.is_draft:
        return _render_detail(request, saved, status=409, refused=letters.SIGNED_LETTER)
    return _render_detail(request, saved, status=400, form=form)


@permission_required("records.change_letter")
def letter_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The review of what will be signed and what is missing (GET); the signature, confirmed, from it (POST)."""
    letter = _letter(pk)
    form = SignForm(request.POST) if request.method == "POST" else SignForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                letters.letter_sign(letter=letter, signed_by=request.user, version=form.cleaned_data["version"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "The letter is signed. Print or send it from here; add an addendum for "
                                 "anything later.")  # fmt: skip
                return redirect(letter)
        letter = _letter(pk)
        status = 400
    else:
        letters.letter_opened(letter=letter)
    is_own = letter.author_id == request.user.pk
    missing = letters.letter_missing(letter) if letter.is_draft else []
    context = {
        "letter": letter,
        "patient": letter.patient,
        "form": form,
        "missing": missing,
        "is_own": is_own,
        "can_sign": letter.is_draft and is_own and not missing,
    }
    return render(request, "records/letter_sign.html", context, status=status)


def _signature(letter: Letter) -> dict[str, Any]:
    """Who signed, as signed: a signed letter prints the name, credentials and registration number it was signed
    with; a draft shows the author's practitioner profile as it is now."""
    if letter.signed_at:
        return {
            "signer": letter.signer_name,
            "practitioner": {
                "credentials": letter.signer_credentials,
                "registration_number": letter.signer_registration_number,
            },
        }
    return {"signer": letter.author, "practitioner": _practitioner(letter)}


def _render_print(request: HttpRequest, letter: Letter, **extra: Any) -> HttpResponse:
    context = {
        "letter": letter,
        "patient": letter.patient,
        **_signature(letter),
        "addenda": list(letter.addenda.select_related("author")),
        "letter_date": timezone.localdate(letter.signed_at) if letter.signed_at else timezone.localdate(),
        "watermark": "Draft — not signed"
        if letter.is_draft
        else "Entered in error"
        if letter.is_entered_in_error
        else "",
        **extra,
    }
    return render(request, "records/letter_print.html", context)


@require_safe
@permission_required("records.view_letter")
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft as it will print, marked as a draft. A signed letter prints only through the disclosure form."""
    letter = _letter(pk)
    if letter.is_signed:
        return redirect("records:letter-send", pk=letter.pk)
    letters.letter_previewed(letter=letter)
    return _render_print(request, letter)


@permission_required("records.view_letter")
def letter_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """To whom and why (GET), recorded as a disclosure, then the printable letter (POST)."""
    letter = _letter(pk)
    if not letter.is_signed:
        messages.error(request, "Only a signed letter can be printed or sent. Sign it first.")
        return redirect(letter)
    form = LetterDisclosureForm(request.POST or None, letter=letter)
    if request.method == "POST" and form.is_valid():
        disclosure = form.disclosure()
        try:
            letters.letter_disclose(
                letter=letter,
                disclosed_by=request.user,
                disclosure=disclosure,
                submission_key=form.cleaned_data["submission_key"],
                result_url=request.path,
            )
        except DuplicateSubmission:
            form.add_error(None, ALREADY_SENT)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _render_print(request, letter, disclosure=disclosure)
    status = 400 if request.method == "POST" else 200
    return render(request, "records/letter_send.html", {"letter": letter, "patient": letter.patient, "form": form},
                  status=status)  # fmt: skip


@require_POST
@permission_required("records.change_letter")
def letter_addendum_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    letter = _letter(pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            letters.letter_addendum_add(letter=letter, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect(letter)
    letter = _letter(pk)
    if not letter.is_signed:  # the addendum form is only on a signed letter's page: say why here instead
        refused = letters.ERROR_LETTER if letter.is_entered_in_error else letters.ADDENDUM_ON_A_DRAFT
        return _render_detail(request, letter, status=409, refused=refused)
    return _render_detail(request, letter, status=400, addendum_form=form)


@require_POST
@permission_required("records.change_letter")
def letter_entered_in_error(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    letter = _letter(pk)
    form = LetterEnteredInErrorForm(request.POST)
    if form.is_valid():
        try:
            letters.letter_mark_entered_in_error(letter=letter, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The letter is marked entered in error. It stays in the record with the reason.")
            return redirect(letter)
    letter = _letter(pk)
    if letter.author_id != request.user.pk:  # the form is only on its author's page: say why here
        return _render_detail(request, letter, status=403, refused=letters.NOT_YOUR_LETTER_IN_ERROR)
    if letter.is_entered_in_error:  # marked already (in another tab): the form is gone from the page
        return _render_detail(request, letter, status=409, refused=letters.ERROR_LETTER)
    return _render_detail(request, letter, status=400, error_form=form)
