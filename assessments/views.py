"""The IMS evaluation, step by step: each step a page, everything saved as the physiotherapist goes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.forms import BaseForm, Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import permission_required
from accounts.versioning import edit_conflict
from patients import safety_state
from patients import services as patient_services
from patients.gate import PatientDecision
from patients.reference_text import without_references
from scheduling.models import Practitioner

from . import anatomy, forms, gunn_signs, outcomes, rom, scales, services, visit_views
from .models import (
    Assessment,
    AssessmentRow,
    AssessmentStatus,
    GripStrength,
    MuscleStrengthTest,
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
ROW_MODELS: dict[str, type[AssessmentRow]] = {
    "rom": RomMeasurement,
    "strength": StrengthTest,
    "muscle": MuscleStrengthTest,
    "grip": GripStrength,
    "reflex": ReflexTest,
    "sensory": SensoryTest,
    "finding": SignFinding,
    "baseline": OutcomeMeasure,
}
GRID_LEVELS = anatomy.LEVEL_CODES[: anatomy.LEVEL_CODES.index("S2") + 1]  # C1 to S2


def _assessment(pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related(
            "patient", "physiotherapist", "signed_by", "entered_in_error_by", "appointment"
        ),
        pk=pk,
    )


def own_record(request: AuthenticatedHttpRequest, record: Assessment | TreatmentSession) -> None:
    """Only the physiotherapist who made an assessment or treatment session writes to it (403 for a colleague,
    who may read it: the record is no secret to them, so it is not hidden as not found)."""
    if record.physiotherapist_id != request.user.pk:
        raise PermissionDenied


@require_POST
@permission_required("assessments.add_assessment")
def assessment_start(request: AuthenticatedHttpRequest, patient_pk: int) -> HttpResponse:
    return visit_views.start_record(request, patient_pk, Assessment)


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
    if prefill and step in STEP_ROW_KINDS:
        kind = prefill.get("add") or STEP_ROW_KINDS[step][0]
        if kind in STEP_ROW_KINDS[step]:
            context[ROW_FORM_CONTEXT.get(kind, "form")] = _prefilled_form(kind, prefill)
    context.update(extra)
    # A refused change whose form the page does not show (the record is no longer editable, or an
    # addendum to a record that is not signed): say why at the top instead.
    refused = [form] if form is not None and not context["editable"] else []
    if extra.get("addendum_form") is not None and assessment.status != AssessmentStatus.SIGNED:
        refused.append(extra["addendum_form"])
    if extra.get("plan_form") is not None and not context["editable"]:
        refused.append(extra["plan_form"])
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
    """The key-muscle screen by level, any catalogue muscle by MRC grade, and grip by dynamometer: each its own
    form and table, with the two sides compared."""
    tests = list(assessment.strength_tests.all())
    by_level: dict[str, dict[str, StrengthTest]] = defaultdict(dict)
    for test in tests:
        by_level[test.level][test.side] = test
    muscle_tests = sorted(
        assessment.muscle_strength_tests.all(), key=lambda test: (anatomy.MUSCLES[test.muscle].number, test.side)
    )
    by_muscle: dict[str, dict[str, MuscleStrengthTest]] = defaultdict(dict)
    for muscle_test in muscle_tests:
        by_muscle[muscle_test.muscle][muscle_test.side] = muscle_test
    grips = {grip.side: grip for grip in assessment.grip_strengths.all()}
    return {
        "form": form if isinstance(form, forms.StrengthForm) else forms.StrengthForm(),
        "muscle_form": form if isinstance(form, forms.MuscleStrengthForm) else forms.MuscleStrengthForm(),
        "grip_form": form if isinstance(form, forms.GripForm) else forms.GripForm(),
        "mrc_credit_line": scales.MRC_CREDIT_LINE,
        "table": [
            {
                "row": test,
                "test": without_references(anatomy.spinal_level(test.level).key_muscle_test),
                "weak": scales.is_weak(test.grade),
                "difference": mrc_side_difference(by_level[test.level]),
                "other_side": _other_side(assessment, "strength", test.side, by_level[test.level], level=test.level),
            }
            for test in tests
        ],
        "muscle_table": [
            {
                "row": test,
                "name": anatomy.MUSCLES[test.muscle].name,
                "roots": _root_span(anatomy.MUSCLES[test.muscle].roots),
                "weak": scales.is_weak(test.grade),
                "difference": mrc_side_difference(by_muscle[test.muscle]),
                "other_side": _other_side(assessment, "muscle", test.side, by_muscle[test.muscle], muscle=test.muscle),
            }
            for test in muscle_tests
        ],
        "grip_table": [
            {
                "row": grip,
                "difference": grip_side_difference(grips),
                "other_side": _other_side(assessment, "grip", grip.side, grips),
            }
            for grip in (grips[side] for side in ("L", "R") if side in grips)
        ],
        **_area("strength"),
    }


def _root_span(roots: tuple[str, ...]) -> str:
    return f"{roots[0]}-{roots[-1]}" if len(roots) > 1 else roots[0]


def mrc_side_difference(sides: Mapping[str, StrengthTest | MuscleStrengthTest]) -> str | None:
    """Both sides' MRC grades side by side and which is weaker ("Left 4/5, right 5/5: left weaker"); None until
    both sides are graded."""
    if "L" not in sides or "R" not in sides:
        return None
    left, right = sides["L"].grade, sides["R"].grade
    grades = f"Left {scales.mrc_out_of_five(left)}, right {scales.mrc_out_of_five(right)}"
    if scales.MrcGrade.NOT_TESTED in (left, right):
        return grades
    weaker = scales.weaker_of(left, right)
    return f"{grades}: {anatomy.Side(weaker).label} weaker" if weaker else f"{grades}: the same"


def grip_side_difference(sides: Mapping[str, GripStrength]) -> str | None:
    """The kilograms and the percentage of the stronger hand by which one hand is weaker; None until both are
    measured."""
    if "L" not in sides or "R" not in sides:
        return None
    difference = scales.grip_difference(sides["L"].kilograms, sides["R"].kilograms)
    if difference.weaker_side is None:
        return "The same on both sides"
    weaker = anatomy.Side(difference.weaker_side).label.capitalize()
    return f"{weaker} weaker by {difference.kilograms} kg ({difference.percent}%)"


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
    findings = [f for f in assessment.findings.all() if not _on_spine_grid(f)]
    return {
        "form": form or forms.FindingForm(),
        "findings": [
            {"row": f, "sign": gunn_signs.SIGNS[f.sign_code], "muscle": _muscle_name(f.muscle)} for f in findings
        ],
    }


def _on_spine_grid(finding: SignFinding) -> bool:
    """A grid sign at a level of the grid, shown and cleared there rather than in the hands-on list."""
    return finding.sign_code in services.SPINAL_GRID_SIGNS and not finding.muscle and finding.level in GRID_LEVELS


def _muscle_name(code: str) -> str:
    return anatomy.MUSCLES[code].name if code else ""


def _spine_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    palpated = services.palpated_range(assessment)
    if isinstance(form, forms.SpineRangeForm):
        range_form = form
    elif palpated is None:
        range_form = forms.SpineRangeForm(initial={"palpated_sides": list(services.PALPATED_SIDES)})
    else:
        range_form = forms.SpineRangeForm(
            initial={"palpated_from": palpated.from_level, "palpated_to": palpated.to_level,
                     "palpated_sides": [side.value for side in palpated.sides]}
        )  # fmt: skip
    return {
        "grid": spine_grid(services.spine_grid_states(assessment=assessment)),
        "grid_signs": GRID_SIGNS,
        "palpated": palpated,
        "range_form": range_form,
    }


GRID_SIGNS = (
    ("SEN-PARASPINAL", "Tender", "Paraspinal tenderness"),
    ("SPI-PARASHORT", "Band", "Paraspinal bands or shortening"),
    ("SPI-TROPHIC", "Skin", "Trophedema or skin-roll tenderness"),
)
MIDLINE_SIGN = ("SPI-SPINOUS", "Spinous", "Spinous process tenderness")
ALL_GRID_SIGNS = (*GRID_SIGNS, MIDLINE_SIGN)


def spine_grid(states: Mapping[gunn_signs.GridCell, gunn_signs.CellState]) -> list[dict[str, Any]]:
    """The grid's rows, each cell (sign code, short name, label, state: present, absent, not tested)."""

    def cells(level: str, side: anatomy.Side, signs: tuple[tuple[str, str, str], ...]) -> list[tuple[str, ...]]:
        return [(code, short, label, states[(level, side, code)].value) for code, short, label in signs]

    return [
        {
            "level": level,
            "left": cells(level, anatomy.Side.LEFT, GRID_SIGNS),
            "midline": cells(level, anatomy.Side.MIDLINE, (MIDLINE_SIGN,))[0],
            "right": cells(level, anatomy.Side.RIGHT, GRID_SIGNS),
        }
        for level in GRID_LEVELS
    ]


def _summary_context(assessment: Assessment, form: BaseForm | None) -> dict[str, Any]:
    # segment_decisions for the decisions and the plan; the strength tests for the summary and the untested lists;
    # findings for the summary and the ranked muscles; reflexes and sensation for the evidence in words
    prefetch_related_objects(
        [assessment],
        "segment_decisions",
        "strength_tests",
        "findings",
        "reflex_tests",
        "sensory_tests",
        "muscle_strength_tests",
    )
    summary = services.assessment_summary(assessment=assessment)
    decisions = {(d.level, d.side): d.decision for d in assessment.segment_decisions.all()}
    gate = safety_state.patient_decision(patient=assessment.patient)
    return {
        **_plan_context(assessment, gate),
        "form": form or forms.SummaryForm(instance=assessment),
        "summary": summary,
        "evidence_words": services.evidence_words(assessment=assessment, summary=summary),
        "decisions": decisions,
        "untested_muscles": [
            f"{test.level} {anatomy.Side(test.side).label}"
            for test in assessment.strength_tests.all()
            if test.grade == scales.MrcGrade.NOT_TESTED
        ],
        "untested_catalogue_muscles": [
            f"{anatomy.MUSCLES[test.muscle].name} {anatomy.Side(test.side).label}"
            for test in assessment.muscle_strength_tests.all()
            if test.grade == scales.MrcGrade.NOT_TESTED
        ],
        "gate": gate,
        "addendum_form": forms.AddendumForm(),
        "error_form": forms.EnteredInErrorForm(),
        "min_groups": services.summary_settings().min_groups,
        "grid_levels": GRID_LEVELS,
    }


def _plan_context(assessment: Assessment, gate: PatientDecision) -> dict[str, Any]:
    offer = services.plan_offer(assessment=assessment, patient=gate)
    offered = tuple(item.ranked.target for muscle in (*offer.first, *offer.rest) for item in muscle.targets)
    return {
        "plan_offer": offer,
        "plan_form": forms.NeedlingPlanForm(
            offered=offered,
            initial={
                "version": assessment.version,
                "no_needling": bool(assessment.no_needling_reason),
                "no_needling_reason": assessment.no_needling_reason,
                "targets": [target.key for target in services.planned_targets(assessment)],
            },
        ),
        "plan_rows": plan_rows(assessment),
    }


def plan_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """The plan of muscles as recorded, each muscle by name with its side or level in words."""
    return [
        {"name": anatomy.MUSCLES[target.muscle].name, "target": target}
        for target in services.planned_targets(assessment)
    ]


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
    "muscle": (forms.MuscleStrengthForm, "strength", services.muscle_strength_record),
    "grip": (forms.GripForm, "strength", services.grip_record),
    "reflex": (forms.ReflexForm, "reflexes", services.reflex_record),
    "sensory": (forms.SensoryForm, "reflexes", services.sensory_record),
    "finding": (forms.FindingForm, "hands-on", services.finding_record),
}


# The rows recorded one side then the other. After an add the form keeps what names the movement, muscle or reflex,
# and the side, so the other side or a second value is one choice away; the focus goes to the value to type next.
SIDE_BY_SIDE: dict[str, tuple[tuple[str, ...], str]] = {
    "rom": (("joint_movement", "side", "mode"), "degrees"),
    "strength": (("level", "side"), "grade"),
    "muscle": (("muscle", "side"), "grade"),
    "grip": (("side",), "kilograms"),
    "reflex": (("reflex", "side"), "grade"),
}
# The side-by-side rows of each step, the first the one an address fills in unless it names another (`add`).
STEP_ROW_KINDS = {"movement": ("rom",), "strength": ("strength", "muscle", "grip"), "reflexes": ("reflex",)}
ROW_FORM_CONTEXT = {"muscle": "muscle_form", "grip": "grip_form"}  # the others are the step's `form`
OTHER_SIDE = {"L": "R", "R": "L"}


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
    step = ROW_FORMS[kind][1]
    if kind != STEP_ROW_KINDS[step][0]:
        values = {**values, "add": kind}  # which of the step's forms the address fills in
    url = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": step})
    return f"{url}?{urlencode(values)}#add-{kind}"


def _other_side(
    assessment: Assessment, kind: str, side: str, recorded: Mapping[str, object], **values: str
) -> dict[str, str] | None:
    """The shortcut to record the same movement, muscle or reflex on the side not yet recorded, if any."""
    other = OTHER_SIDE.get(side)
    if other is None or other in recorded:
        return None
    return {"url": _row_form_url(assessment, kind, {**values, "side": other}), "side": anatomy.Side(other).label}


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
        services.spinal_sign_toggle(assessment=assessment, **data)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:assessment-step", pk=assessment.pk, step="spine")
    if request.htmx:
        label = next(item for item in ALL_GRID_SIGNS if item[0] == data["sign_code"])
        state = services.spine_grid_states(assessment=assessment)[
            (data["level"], anatomy.Side(data["side"]), data["sign_code"])
        ]
        context = {
            "assessment": assessment,
            "level": data["level"],
            "side": data["side"],
            "code": data["sign_code"],
            "short": label[1],
            "label": label[2],
            "state": state.value,
            "editable": True,
        }
        return render(request, "assessments/_spine_cell.html", context)
    grid = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "spine"})
    return redirect(f"{grid}#level-{data['level']}")


@require_POST
@permission_required("assessments.change_assessment")
def spine_range(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The stretch of the spine palpated; "clear" forgets it (every sign not marked is then not tested)."""
    assessment = _assessment(pk)
    own_record(request, assessment)
    clearing = "clear" in request.POST
    form = forms.SpineRangeForm({} if clearing else request.POST)
    if form.is_valid():
        try:
            services.spine_range_record(assessment=assessment, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Palpated range cleared." if clearing else "Palpated range saved.")
            grid = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "spine"})
            return redirect(f"{grid}#spine-range")
    return _render_step(request, assessment, "spine", form=form, status=400)


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
def needling_plan_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan of muscles ticked on the summary, or no needling planned with its reason."""
    assessment = _assessment(pk)
    own_record(request, assessment)
    prefetch_related_objects([assessment], "segment_decisions", "findings")
    offered = services.muscle_ranking(assessment=assessment).targets
    form = forms.NeedlingPlanForm(request.POST, offered=offered)
    status = 400
    if form.is_valid():
        try:
            services.needling_plan_record(
                assessment=assessment,
                recorded_by=request.user,
                targets=form.cleaned_data["targets"],
                no_needling_reason=form.cleaned_data["no_needling_reason"],
                version=form.cleaned_data["version"],
            )
        except services.StaleAssessment as error:
            form.add_error(None, error)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Plan of muscles saved.")
            summary = reverse("assessments:assessment-step", kwargs={"pk": pk, "step": "summary"})
            return redirect(f"{summary}#plan")
    assessment.refresh_from_db()
    return _render_step(request, assessment, "summary", plan_form=form, status=status)


@permission_required("assessments.change_assessment")
def assessment_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The review of what will be signed and what is missing (GET); the signature itself, confirmed, from it (POST)."""
    assessment = _assessment(pk)
    if request.method != "POST":
        services.assessment_opened(assessment=assessment)
        return _sign_review(request, assessment, forms.SignForm())
    form = forms.SignForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_sign(
                assessment=assessment, signed_by=request.user, version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The assessment is signed. It can no longer change; add an addendum if needed.")
            return redirect("assessments:assessment-step", pk=pk, step="summary")
    assessment.refresh_from_db()
    return _sign_review(request, assessment, form, status=400)


def _sign_review(
    request: AuthenticatedHttpRequest, assessment: Assessment, form: forms.SignForm, status: int = 200
) -> HttpResponse:
    is_own = assessment.physiotherapist_id == request.user.pk
    missing = services.assessment_missing(assessment) if assessment.is_draft else []
    step_urls = {
        name: reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": name}) for name in STEP_NAMES
    }
    spinal = assessment.findings.filter(sign_code__in=services.SPINAL_GRID_SIGNS, muscle="").count()
    context = {
        "assessment": assessment,
        "patient": assessment.patient,
        "form": form,
        "missing": [
            {"text": item.text, "url": f"{step_urls[item.step]}#{item.anchor}", "step": STEP_NAMES[item.step]}
            for item in missing
        ],
        "recorded": [
            ("Movement", assessment.rom_measurements.count(), step_urls["movement"]),
            ("Strength", assessment.strength_tests.count(), step_urls["strength"]),
            ("Muscles graded", assessment.muscle_strength_tests.count(), step_urls["strength"]),
            ("Grip", assessment.grip_strengths.count(), step_urls["strength"]),
            ("Reflexes", assessment.reflex_tests.count(), step_urls["reflexes"]),
            ("Sensation", assessment.sensory_tests.count(), step_urls["reflexes"]),
            ("Hands-on findings", assessment.findings.count() - spinal, step_urls["hands-on"]),
            ("Findings at the spine", spinal, step_urls["spine"]),
        ],
        "decisions": list(assessment.segment_decisions.all()),
        "baseline_measures": measure_rows(list(assessment.baseline_measures.all())),
        "palpated": services.palpated_range(assessment),
        "plan_rows": plan_rows(assessment),
        "summary_url": step_urls["summary"],
        "history_url": step_urls["history"],
        "is_own": is_own,
        "can_sign": assessment.is_draft and is_own and not missing,
    }
    return render(request, "assessments/assessment_sign.html", context, status=status)


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
    summary = _summary_context(assessment, None)
    recipient_form = forms.PrintRecipientForm(request.GET)
    context = {
        "assessment": assessment,
        "patient": assessment.patient,
        "recipient_form": recipient_form,
        "recipient": recipient_form.cleaned_data["to"] if recipient_form.is_valid() else "",
        "practitioner": Practitioner.objects.filter(user_id=assessment.physiotherapist_id).first(),
        "letter_date": timezone.localdate(assessment.signed_at) if assessment.signed_at else timezone.localdate(),
        "watermark": "DRAFT: not signed." if assessment.is_draft else "",
        **assessment_record_tables(assessment),
        "summary": summary["summary"],
        "evidence_words": summary["evidence_words"],
        "decisions": summary["decisions"],
        "untested_muscles": summary["untested_muscles"],
        "untested_catalogue_muscles": summary["untested_catalogue_muscles"],
        "plan_offer": summary["plan_offer"],
        "addenda": list(assessment.addenda.select_related("author")),
    }
    return render(request, "assessments/assessment_print.html", context)


def assessment_record_tables(assessment: Assessment) -> dict[str, Any]:
    """What an assessment recorded, row by row in words, as the print and the patient's record copy show it."""
    reflexes = _reflexes_context(assessment, None)
    strength = _strength_context(assessment, None)
    return {
        "baseline_measures": measure_rows(list(assessment.baseline_measures.all())),
        "rom_table": _movement_context(assessment, None)["table"],
        "strength_table": strength["table"],
        "muscle_strength_table": strength["muscle_table"],
        "grip_table": strength["grip_table"],
        "reflex_table": reflexes["table"],
        "sensory_table": reflexes["sensory_table"],
        "findings": _hands_on_context(assessment, None)["findings"],
        "spinal_findings": assessment.findings.filter(sign_code__in=services.SPINAL_GRID_SIGNS, muscle=""),
        "palpated": services.palpated_range(assessment),
        "plan_rows": plan_rows(assessment),
    }
