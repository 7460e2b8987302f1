"""The IMS evaluation, step by step: each step a page, everything saved as the physiotherapist goes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.forms import BaseForm, Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import permission_required
from accounts.versioning import edit_conflict
from patients import safety_state
from patients import services as patient_services
from patients.models import Patient

from . import anatomy, forms, gunn_signs, outcomes, rom, scales, services
from .models import (
    Assessment,
    AssessmentStatus,
    OutcomeMeasure,
    ReflexTest,
    RomMeasurement,
    SensoryTest,
    SignFinding,
    StrengthTest,
    TreatmentSession,
)

STEPS = (
    ("history", "History and symptoms"),
    ("safety", "Safety"),
    ("movement", "Movement"),
    ("strength", "Strength"),
    ("reflexes", "Reflexes and sensation"),
    ("hands-on", "Hands-on exam"),
    ("spine", "The spine"),
    ("summary", "Summary and sign"),
)
STEP_NAMES = dict(STEPS)
AssessmentRow: TypeAlias = RomMeasurement | StrengthTest | ReflexTest | SensoryTest | SignFinding | OutcomeMeasure
ROW_MODELS: dict[str, type[AssessmentRow]] = {
    "rom": RomMeasurement,
    "strength": StrengthTest,
    "reflex": ReflexTest,
    "sensory": SensoryTest,
    "finding": SignFinding,
    "baseline": OutcomeMeasure,
}
GRID_LEVELS = anatomy.LEVEL_CODES[: anatomy.LEVEL_CODES.index("S2") + 1]  # C1 to S2


def _assessment(pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related("patient", "physiotherapist", "signed_by", "entered_in_error_by"), pk=pk
    )


def own_record(request: AuthenticatedHttpRequest, record: Assessment | TreatmentSession) -> None:
    """Only the physiotherapist who made an assessment or treatment session writes to it (403 for a colleague,
    who may read it: the record is no secret to them, so it is not hidden as not found)."""
    if record.physiotherapist_id != request.user.pk:
        raise PermissionDenied


@require_POST
@permission_required("assessments.add_assessment")
def assessment_start(request: AuthenticatedHttpRequest, patient_pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=patient_pk)
    try:
        assessment = services.assessment_start(patient=patient, physiotherapist=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(patient)
    return redirect(assessment)


@permission_required("assessments.view_assessment")
def assessment_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_NAMES:
        raise Http404
    assessment = _assessment(pk)
    if request.method == "POST":
        own_record(request, assessment)
        return _save_step(request, assessment, step)
    services.assessment_opened(assessment=assessment)
    return _render_step(request, assessment, step, prefill=request.GET)


def _save_step(request: HttpRequest, assessment: Assessment, step: str) -> HttpResponse:
    form_class = {"history": forms.HistoryForm, "summary": forms.SummaryForm}.get(step)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, instance=assessment)
    if form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        data.pop("pain_region_choices", None)
        try:
            services.assessment_save_fields(assessment=assessment, data=data, version=form.cleaned_data["version"])
        except services.StaleAssessment:
            assessment.refresh_from_db()
            retry, conflict = form.retry_on(assessment), edit_conflict(form, assessment, record="this assessment")
            return _render_step(request, assessment, step, form=retry, status=409, conflict=conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{STEP_NAMES[step]} saved.")
            return redirect(_next_step_url(assessment, step, request.POST.get("go")))
    assessment.refresh_from_db()
    return _render_step(request, assessment, step, form=form, status=400)


def _next_step_url(assessment: Assessment, step: str, go: str | None) -> str:
    names = [name for name, _ in STEPS]
    index = names.index(step) + (1 if go == "next" else 0)
    return reverse(
        "assessments:assessment-step", kwargs={"pk": assessment.pk, "step": names[min(index, len(names) - 1)]}
    )


def _render_step(
    request: HttpRequest,
    assessment: Assessment,
    step: str,
    *,
    form: BaseForm | None = None,
    status: int = 200,
    prefill: QueryDict | None = None,
    **extra: Any,
) -> HttpResponse:
    context: dict[str, Any] = {
        "assessment": assessment,
        "patient": assessment.patient,
        "step": step,
        "step_title": STEP_NAMES[step],
        "steps": STEPS,
        "step_number": [name for name, _ in STEPS].index(step) + 1,
        "editable": assessment.is_draft and assessment.physiotherapist_id == request.user.pk,
        "addenda": list(assessment.addenda.select_related("author")) if not assessment.is_draft else [],
    }
    context.update(STEP_CONTEXT[step](assessment, form))
    if step == "history":
        chosen = prefill.get("instrument") if prefill else None
        context.update(_baseline_context(assessment, form, chosen=chosen, editable=context["editable"]))
    if prefill and step in STEP_ROW_KIND:
        context["form"] = _prefilled_form(STEP_ROW_KIND[step], prefill)
    context.update(extra)
    # A refused change whose form the page does not show (the record is no longer editable, or an
    # addendum to a record that is not signed): say why at the top instead.
    refused = [form] if form is not None and not context["editable"] else []
    if extra.get("addendum_form") is not None and assessment.status != AssessmentStatus.SIGNED:
        refused.append(extra["addendum_form"])
    context["refused_forms"] = refused
    return render(request, f"assessments/step_{step.replace('-', '_')}.html", context, status=status)


def _history_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    if isinstance(form, forms.OutcomeForm):
        form = None
    return {"form": form or forms.HistoryForm(instance=assessment)}


def measure_rows(measures: list[OutcomeMeasure]) -> list[dict[str, Any]]:
    """Outcome measures as the pages and the print show them: the questionnaire, its score and each answer."""
    rows = []
    for measure in measures:
        spec = outcomes.instrument(measure.instrument)
        topics = outcomes.ITEM_TOPICS[spec.code]
        if spec.code == outcomes.InstrumentCode.PSFS and measure.activities:
            answers = list(zip(measure.activities, measure.items, strict=False))
        else:
            answers = [(topics[i], value) for i, value in enumerate(measure.items) if i < len(topics)]
        rows.append(
            {
                "measure": measure,
                "name": outcomes.display_name(spec.code),
                "score": f"{measure.score:.1f}",
                "unit": spec.score_unit,
                "better": "lower" if spec.direction == outcomes.Direction.HIGHER_IS_WORSE else "higher",
                "answers": [(topic, "not answered" if value is None else value) for topic, value in answers],
            }
        )
    return rows


def _baseline_context(
    assessment: Assessment, form: BaseForm | None, *, chosen: str | None, editable: bool
) -> dict[str, Any]:
    """The complaint's baseline: the questionnaires its regions call for, those recorded, and one to fill in."""
    measures = list(assessment.baseline_measures.all())
    recorded = {measure.instrument for measure in measures}
    offered = outcomes.instruments_for_regions([item.get("region", "") for item in assessment.pain_regions])
    if isinstance(form, forms.OutcomeForm):
        baseline_form: forms.OutcomeForm | None = form
    else:
        if chosen not in forms.INSTRUMENT_CODES:
            chosen = next((code.value for code in offered if code.value not in recorded), None)
        is_open = editable and chosen is not None and chosen not in recorded
        baseline_form = forms.OutcomeForm(instrument=chosen) if is_open else None
    others = [code for code in outcomes.InstrumentCode if code not in offered]
    return {
        "baseline_measures": measure_rows(measures),
        "baseline_form": baseline_form,
        "baseline_choices": [
            {
                "code": code.value,
                "name": outcomes.display_name(code),
                "is_suggested": code in offered,
                "is_recorded": code.value in recorded,
            }
            for code in (*offered, *others)
        ],
        "baseline_note": outcomes.ENTRY_NOTES[baseline_form.spec.code] if baseline_form and baseline_form.spec else "",
    }


def _safety_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    response = patient_services.current_questionnaire(patient=assessment.patient)
    return {
        "gate": safety_state.patient_decision(patient=assessment.patient),
        "questionnaire": response,
        "flags": list(response.flags.select_related("acknowledged_by")) if response else [],
    }


def _movement_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    rows = list(assessment.rom_measurements.all())
    by_movement: dict[tuple[str, str, str], dict[str, RomMeasurement]] = defaultdict(dict)
    for row in rows:
        by_movement[(row.joint, row.movement, row.mode)][row.side] = row
    table = []
    for row in rows:
        norm = rom.rom_norm(row.joint, row.movement)
        try:
            percent = round(rom.percent_of_normal(row.joint, row.movement, row.degrees))
        except ValueError:
            percent = None
        sides = by_movement[(row.joint, row.movement, row.mode)]
        other = sides.get(OTHER_SIDE.get(row.side, ""))
        table.append(
            {
                "row": row,
                "label": norm.label,
                "normal": rom.reference_value(row.joint, row.movement).degrees,
                "percent": percent,
                "limited": percent is not None and percent < rom.DEFAULT_LIMITED_BELOW_PERCENT,
                "difference": row.degrees - other.degrees if other else None,
                "other_side": _other_side(
                    assessment, "rom", row.side, sides, joint_movement=f"{row.joint}:{row.movement}", mode=row.mode
                ),
            }
        )
    return {"form": form or forms.RomForm(), "table": table, **_area("rom")}


def _strength_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    tests = list(assessment.strength_tests.all())
    by_level: dict[str, dict[str, StrengthTest]] = defaultdict(dict)
    for test in tests:
        by_level[test.level][test.side] = test
    return {
        "form": form or forms.StrengthForm(),
        "mrc_credit_line": scales.MRC_CREDIT_LINE,
        "table": [
            {
                "row": test,
                "test": anatomy.spinal_level(test.level).key_muscle_test,
                "weak": scales.is_weak(test.grade),
                "other_side": _other_side(assessment, "strength", test.side, by_level[test.level], level=test.level),
            }
            for test in tests
        ],
        **_area("strength"),
    }


def _reflexes_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    tests = list(assessment.reflex_tests.all())
    by_reflex: dict[str, dict[str, str]] = defaultdict(dict)
    for test in tests:
        by_reflex[test.reflex][test.side] = test.grade
    asymmetric = {
        code
        for code, sides in by_reflex.items()
        if "L" in sides
        and "R" in sides
        and scales.reflexes_are_asymmetric(scales.reflex_grade(sides["L"]), scales.reflex_grade(sides["R"]))
    }
    return {
        "form": form if isinstance(form, forms.ReflexForm) else forms.ReflexForm(),
        "sensory_form": form if isinstance(form, forms.SensoryForm) else forms.SensoryForm(),
        "table": [
            {
                "row": test,
                "name": anatomy.REFLEXES[test.reflex].name,
                "roots": "-".join(anatomy.REFLEXES[test.reflex].roots),
                "asymmetric": test.reflex in asymmetric,
                "other_side": _other_side(assessment, "reflex", test.side, by_reflex[test.reflex], reflex=test.reflex),
            }
            for test in tests
        ],
        **_area("reflex"),
        "sensory_table": list(assessment.sensory_tests.all()),
    }


def _hands_on_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    findings = [f for f in assessment.findings.all() if f.sign_code not in services.SPINAL_GRID_SIGNS or f.muscle]
    return {
        "form": form or forms.FindingForm(),
        "findings": [
            {"row": f, "sign": gunn_signs.SIGNS[f.sign_code], "muscle": _muscle_name(f.muscle)} for f in findings
        ],
    }


def _muscle_name(code: str) -> str:
    return anatomy.MUSCLES[code].name if code else ""


def _spine_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    present = {
        (f.level, f.side, f.sign_code)
        for f in assessment.findings.filter(sign_code__in=services.SPINAL_GRID_SIGNS, muscle="")
    }
    return {"grid": spine_grid(present), "grid_signs": GRID_SIGNS}


GRID_SIGNS = (
    ("SEN-PARASPINAL", "Tender", "Paraspinal tenderness"),
    ("SPI-PARASHORT", "Band", "Paraspinal bands or shortening"),
    ("SPI-TROPHIC", "Skin", "Trophedema or skin-roll tenderness"),
)
MIDLINE_SIGN = ("SPI-SPINOUS", "Spinous", "Spinous process tenderness")
ALL_GRID_SIGNS = (*GRID_SIGNS, MIDLINE_SIGN)


def spine_grid(present: set[tuple[str, str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "level": level,
            "left": [(code, short, label, (level, "L", code) in present) for code, short, label in GRID_SIGNS],
            "midline": (*MIDLINE_SIGN, (level, "M", MIDLINE_SIGN[0]) in present),
            "right": [(code, short, label, (level, "R", code) in present) for code, short, label in GRID_SIGNS],
        }
        for level in GRID_LEVELS
    ]


def _summary_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    # segment_decisions for the decisions and the muscles; strength_tests for the summary and the untested list
    prefetch_related_objects([assessment], "segment_decisions", "strength_tests")
    summary = services.assessment_summary(assessment=assessment)
    decisions = {(d.level, d.side): d.decision for d in assessment.segment_decisions.all()}
    gate = safety_state.patient_decision(patient=assessment.patient)
    muscles = services.muscles_today(patient=gate, muscles=services.confirmed_muscles(assessment=assessment))
    return {
        "form": form or forms.SummaryForm(instance=assessment),
        "summary": summary,
        "decisions": decisions,
        "untested_muscles": [
            f"{test.level} {test.side}"
            for test in assessment.strength_tests.all()
            if test.grade == scales.MrcGrade.NOT_TESTED
        ],
        "gate": gate,
        "muscles": muscles,
        "addendum_form": forms.AddendumForm(),
        "error_form": forms.EnteredInErrorForm(),
        "min_groups": services.summary_settings().min_groups,
        "grid_levels": GRID_LEVELS,
    }


STEP_CONTEXT = {
    "history": _history_context,
    "safety": _safety_context,
    "movement": _movement_context,
    "strength": _strength_context,
    "reflexes": _reflexes_context,
    "hands-on": _hands_on_context,
    "spine": _spine_context,
    "summary": _summary_context,
}


ROW_FORMS: dict[str, tuple[type[Form], str, Callable[..., object]]] = {
    "rom": (forms.RomForm, "movement", services.rom_record),
    "strength": (forms.StrengthForm, "strength", services.strength_record),
    "reflex": (forms.ReflexForm, "reflexes", services.reflex_record),
    "sensory": (forms.SensoryForm, "reflexes", services.sensory_record),
    "finding": (forms.FindingForm, "hands-on", services.finding_record),
}


# The rows recorded one side then the other. After an add the form keeps what names the movement, muscle or reflex,
# and the side, so the other side or a second value is one choice away; the focus goes to the value to type next.
SIDE_BY_SIDE: dict[str, tuple[tuple[str, ...], str]] = {
    "rom": (("joint_movement", "side", "mode"), "degrees"),
    "strength": (("level", "side"), "grade"),
    "reflex": (("reflex", "side"), "grade"),
}
STEP_ROW_KIND = {"movement": "rom", "strength": "strength", "reflexes": "reflex"}
OTHER_SIDE = {"L": "R", "R": "L"}
SIDE_WORDS = {"L": "left", "R": "right"}


def _area(kind: str) -> dict[str, Any]:
    """What the template of a side-by-side row needs to add it in place: the section to swap, the next field."""
    return {"area_id": f"{kind}-area", "next_field": SIDE_BY_SIDE[kind][1]}


def _prefilled_form(kind: str, values: Mapping[str, Any]) -> Form:
    """The row form with what the address keeps (after an add without JavaScript, or the other-side shortcut).
    A value outside the choices selects nothing: the form's own validation refuses it if it is posted."""
    kept = SIDE_BY_SIDE[kind][0]
    initial = {name: values[name] for name in kept if isinstance(values.get(name), str) and len(values[name]) <= 60}
    return ROW_FORMS[kind][0](initial=initial)


def _row_form_url(assessment: Assessment, kind: str, values: Mapping[str, str]) -> str:
    step = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": ROW_FORMS[kind][1]})
    return f"{step}?{urlencode(values)}#add-{kind}"


def _other_side(
    assessment: Assessment, kind: str, side: str, recorded: Mapping[str, object], **values: str
) -> dict[str, str] | None:
    """The shortcut to record the same movement, muscle or reflex on the side not yet recorded, if any."""
    other = OTHER_SIDE.get(side)
    if other is None or other in recorded:
        return None
    return {"url": _row_form_url(assessment, kind, {**values, "side": other}), "side": SIDE_WORDS[other]}


def _rows_answer(request: HttpRequest, assessment: Assessment, kind: str, form: Form, *, saved: bool) -> HttpResponse:
    """htmx's answer to an added row: the form and the table of its section, put back in place of the section."""
    step = ROW_FORMS[kind][1]
    context: dict[str, Any] = {"assessment": assessment, "editable": True, "saved": saved}
    context.update(STEP_CONTEXT[step](assessment, form))
    response = render(request, f"assessments/_{kind}_rows.html", context)
    if not saved:
        # A refused form comes back with a success status so that htmx swaps it in, with its messages at the fields.
        response["HX-Retarget"] = f"#{kind}-area"
        response["HX-Reswap"] = "outerHTML"
    return response


@require_POST
@permission_required("assessments.change_assessment")
def assessment_row_add(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in ROW_FORMS:
        raise Http404
    assessment = _assessment(pk)
    own_record(request, assessment)
    form_class, step, record = ROW_FORMS[kind]
    form = form_class(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if kind == "rom":
            del data["joint_movement"]  # the form's clean() split it into joint and movement
        try:
            record(assessment=assessment, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if kind not in SIDE_BY_SIDE:
                messages.success(request, "Saved.")
                return redirect("assessments:assessment-step", pk=assessment.pk, step=step)
            kept = {name: form.cleaned_data[name] for name in SIDE_BY_SIDE[kind][0]}
            if request.htmx:
                return _rows_answer(request, assessment, kind, form_class(initial=kept), saved=True)
            messages.success(request, "Saved.")
            return redirect(_row_form_url(assessment, kind, kept))
    if request.htmx and kind in SIDE_BY_SIDE:
        return _rows_answer(request, assessment, kind, form, saved=False)
    return _render_step(request, assessment, step, form=form, status=400)


@require_POST
@permission_required("assessments.change_assessment")
def baseline_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    own_record(request, assessment)
    form = forms.OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.baseline_record(assessment=assessment, recorded_by=request.user, **form.measure_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Baseline questionnaire recorded.")
            history = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "history"})
            return redirect(f"{history}#baseline")
    assessment.refresh_from_db()
    return _render_step(request, assessment, "history", form=form, status=400)


@require_POST
@permission_required("assessments.change_assessment")
def assessment_row_delete(request: AuthenticatedHttpRequest, pk: int, kind: str, row_pk: int) -> HttpResponse:
    if kind not in ROW_MODELS:
        raise Http404
    assessment = _assessment(pk)
    own_record(request, assessment)
    # One of ROW_MODELS' rows (get_object_or_404 types a row of a union of models as a plain Model).
    row = cast(AssessmentRow, get_object_or_404(ROW_MODELS[kind], pk=row_pk, assessment=assessment))
    try:
        services.assessment_row_delete(assessment=assessment, row=row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    step = "history" if kind == "baseline" else ROW_FORMS[kind][1]
    return redirect("assessments:assessment-step", pk=assessment.pk, step=step)


@require_POST
@permission_required("assessments.change_assessment")
def spine_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One tap in the spinal grid. htmx gets the cell back; a plain post goes back to the grid."""
    assessment = _assessment(pk)
    own_record(request, assessment)
    form = forms.SpineToggleForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Unknown level, side or sign.", status=400)
    data = form.cleaned_data
    try:
        finding = services.spinal_sign_toggle(assessment=assessment, **data)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:assessment-step", pk=assessment.pk, step="spine")
    if request.htmx:
        label = next(item for item in ALL_GRID_SIGNS if item[0] == data["sign_code"])
        context = {
            "assessment": assessment,
            "level": data["level"],
            "side": data["side"],
            "code": data["sign_code"],
            "short": label[1],
            "label": label[2],
            "is_present": finding is not None,
            "editable": True,
        }
        return render(request, "assessments/_spine_cell.html", context)
    grid = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "spine"})
    return redirect(f"{grid}#level-{data['level']}")


@require_POST
@permission_required("assessments.change_assessment")
def segment_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    own_record(request, assessment)
    form = forms.SegmentDecisionForm(request.POST)
    if form.is_valid():
        sides = ["L", "R"] if form.cleaned_data["side"] == "B" else [form.cleaned_data["side"]]
        try:
            for side in sides:
                services.segment_decide(
                    assessment=assessment,
                    level=form.cleaned_data["level"],
                    side=side,
                    decision=form.cleaned_data["decision"],
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Choose a level, a side and a decision.")
    return redirect("assessments:assessment-step", pk=assessment.pk, step="summary")


@require_POST
@permission_required("assessments.change_assessment")
def assessment_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    form = forms.VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date: reload it and sign again.")
        return redirect("assessments:assessment-step", pk=pk, step="summary")
    try:
        services.assessment_sign(assessment=assessment, signed_by=request.user, version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The assessment is signed. It can no longer change; add an addendum if needed.")
    return redirect("assessments:assessment-step", pk=pk, step="summary")


@require_POST
@permission_required("assessments.change_assessment")
def addendum_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    form = forms.AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(record=assessment, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect("assessments:assessment-step", pk=pk, step="summary")
    return _render_step(request, assessment, "summary", addendum_form=form, status=400)


@require_POST
@permission_required("assessments.change_assessment")
def assessment_entered_in_error(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    own_record(request, assessment)
    form = forms.EnteredInErrorForm(request.POST)
    if form.is_valid():
        services.assessment_mark_entered_in_error(
            assessment=assessment, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "The assessment is marked entered in error. It stays in the record.")
        return redirect("assessments:assessment-step", pk=pk, step="summary")
    return _render_step(request, assessment, "summary", error_form=form, status=400)


@permission_required("assessments.view_assessment")
def assessment_print(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    services.assessment_printed(assessment=assessment)
    reflexes = _reflexes_context(assessment, None)
    summary = _summary_context(assessment, None)
    context = {
        "assessment": assessment,
        "patient": assessment.patient,
        "baseline_measures": measure_rows(list(assessment.baseline_measures.all())),
        "rom_table": _movement_context(assessment, None)["table"],
        "strength_table": _strength_context(assessment, None)["table"],
        "reflex_table": reflexes["table"],
        "sensory_table": reflexes["sensory_table"],
        "findings": _hands_on_context(assessment, None)["findings"],
        "spinal_findings": assessment.findings.filter(sign_code__in=services.SPINAL_GRID_SIGNS, muscle=""),
        "summary": summary["summary"],
        "decisions": summary["decisions"],
        "untested_muscles": summary["untested_muscles"],
        "muscles": summary["muscles"],
        "addenda": list(assessment.addenda.select_related("author")),
    }
    return render(request, "assessments/assessment_print.html", context)
