from __future__ import annotations

import uuid
from datetime import date
from typing import Any, cast

from django import forms

from accounts.dates import ClinicDateField
from accounts.versioning import VersionedFormMixin
from patients import pain_map
from patients.models import REGION_LABELS
from patients.reference_text import without_references

from . import anatomy, gunn_signs, needling_plan, needling_safety, outcomes, rom, scales
from .models import Assessment, RedFlag, SegmentDecision, SymptomClue, TreatmentSession

SIDES = [("L", "Left"), ("R", "Right")]
ALL_SIDES = [(side.value, anatomy.SIDE_LABELS[side].capitalize()) for side in anatomy.Side]
LEVELS = [(code, code) for code in anatomy.LEVEL_CODES]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SignForm(VersionedForm):
    """The signature, the second step after the review: the version reviewed and the clinician's confirmation."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page was out of date: review the record again and sign.",
            "invalid": "The page was out of date: review the record again and sign.",
        },
    )

    reviewed = forms.BooleanField(
        label="I have reviewed this record and sign it as my own",
        error_messages={"required": "Tick the box to confirm that you have reviewed the record before signing."},
    )


class HistoryForm(VersionedFormMixin, forms.ModelForm):
    pain_region_choices = forms.MultipleChoiceField(
        label="Where it hurts",
        required=False,
        widget=pain_map.PainMapWidget(list_open=True),
        choices=[
            (f"{region}:{side}", f"{label} ({side_label})")
            for region, label in REGION_LABELS.items()
            for side, side_label in (("L", "left"), ("R", "right"), ("B", "both sides"))
        ],
    )
    symptom_clues = forms.MultipleChoiceField(
        label="Symptom clues", required=False, widget=forms.CheckboxSelectMultiple, choices=SymptomClue.choices
    )
    red_flags = forms.MultipleChoiceField(
        label="Red flags that call for referral",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=RedFlag.choices,
    )

    class Meta:
        model = Assessment
        fields = [
            "chief_complaint", "onset_on", "duration_text", "mechanism", "mechanism_detail", "symptom_clues",
            "pain_now", "pain_best", "pain_worst", "aggravating_factors", "easing_factors", "imaging",
            "imaging_result", "previous_treatment", "red_flags", "red_flag_action", "goals",
        ]  # fmt: skip
        widgets = {
            "onset_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "chief_complaint": forms.Textarea(attrs={"rows": 2}),
            "mechanism_detail": forms.Textarea(attrs={"rows": 2}),
            "aggravating_factors": forms.Textarea(attrs={"rows": 2}),
            "easing_factors": forms.Textarea(attrs={"rows": 2}),
            "imaging_result": forms.Textarea(attrs={"rows": 2}),
            "previous_treatment": forms.Textarea(attrs={"rows": 2}),
            "red_flag_action": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 2}),
            "pain_now": forms.NumberInput(attrs={"min": 0, "max": 10}),
            "pain_best": forms.NumberInput(attrs={"min": 0, "max": 10}),
            "pain_worst": forms.NumberInput(attrs={"min": 0, "max": 10}),
        }
        field_classes = {"onset_on": ClinicDateField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and not self.is_bound:
            self.initial["pain_region_choices"] = [
                f"{item['region']}:{item['side']}" for item in self.instance.pain_regions
            ]
        for name in ("chief_complaint", "duration_text", "mechanism_detail", "goals"):
            self.fields[name].widget.attrs.setdefault("maxlength", 2000)

    def clean_onset_on(self) -> date | None:
        onset = self.cleaned_data.get("onset_on")
        from django.utils import timezone

        if onset and onset > timezone.localdate():
            raise forms.ValidationError("The pain cannot have begun in the future.")
        return onset

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        best, worst = cleaned.get("pain_best"), cleaned.get("pain_worst")
        if best is not None and worst is not None and best > worst:
            self.add_error("pain_best", "Pain at best cannot be higher than pain at worst.")
        if cleaned.get("red_flags") and not (cleaned.get("red_flag_action") or "").strip():
            self.add_error("red_flag_action", "Record what you did about the red flags (referral, advice).")
        cleaned["pain_regions"] = [
            {"region": value.split(":")[0], "side": value.split(":")[1]}
            for value in cleaned.get("pain_region_choices", [])
        ]
        return cleaned


ROM_MOVEMENTS = [(f"{norm.joint.value}:{norm.movement.value}", norm.label) for norm in rom.ROM_NORMS]


class RomForm(forms.Form):
    joint_movement = forms.ChoiceField(
        label="Joint and movement",
        choices=ROM_MOVEMENTS,
        error_messages={"required": "Choose the joint and movement measured."},
    )
    side = forms.ChoiceField(choices=[*SIDES, ("M", "Spine (no side)")])
    mode = forms.ChoiceField(choices=[(mode.value, mode.value.capitalize()) for mode in rom.RomMode])
    degrees = forms.IntegerField(
        min_value=0,
        max_value=360,
        error_messages={
            "min_value": "Degrees go from 0 to 360.",
            "max_value": "Degrees go from 0 to 360.",
            "invalid": "Enter a whole number of degrees.",
        },
    )
    pain = forms.BooleanField(label="Pain at end of range", required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        value = cleaned.get("joint_movement")
        if value:
            joint, movement = value.split(":")
            cleaned["joint"], cleaned["movement"] = joint, movement
            norm = rom.rom_norm(joint, movement)
            sided = norm.region != rom.RomRegion.SPINE or norm.is_each_side
            side = cleaned.get("side")
            if side and sided and side == "M":
                self.add_error("side", "Say which side: this movement is measured on the left or the right.")
            if side and not sided and side != "M":
                self.add_error("side", "This spinal movement has no side: choose Spine (no side).")
        return cleaned


class StrengthForm(forms.Form):
    level = forms.ChoiceField(
        label="Key muscle",
        choices=[
            (level.code, f"{level.code}: {without_references(level.key_muscle_test)}")
            for level in anatomy.SPINAL_LEVELS.values()
            if level.key_muscle_test
        ],
        error_messages={"required": "Choose the key muscle tested."},
    )
    side = forms.ChoiceField(choices=SIDES)
    grade = forms.ChoiceField(label="MRC grade", choices=[(g.value, g.value) for g in scales.MrcGrade])


MRC_GRADE_CHOICES = [
    (grade.value, "Not tested" if grade == scales.MrcGrade.NOT_TESTED else f"{grade.value}: {info.name}")
    for grade, info in scales.MRC_GRADES.items()
]


class MuscleStrengthForm(forms.Form):
    """Any catalogue muscle graded by MRC; shares the strength page with StrengthForm, so its ids are its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_muscle_%s")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["muscle"]).choices = muscle_choices([])

    muscle = forms.ChoiceField(
        error_messages={
            "required": "Choose the muscle tested.",
            "invalid_choice": "Choose a muscle from the catalogue.",
        },
    )
    side = forms.ChoiceField(
        label="Left or right",
        choices=SIDES,
        error_messages={"required": "Choose the side tested.", "invalid_choice": "Choose left or right."},
    )
    grade = forms.ChoiceField(
        label="Grade (MRC)",
        choices=[("", "Choose a grade"), *MRC_GRADE_CHOICES],
        error_messages={
            "required": "Choose the MRC grade.",
            "invalid_choice": "Choose an MRC grade from 0 to 5, or not tested.",
        },
    )


class GripForm(forms.Form):
    """Grip strength by dynamometer: one value per side (the clinical reference gives no number of trials)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_grip_%s")
        super().__init__(*args, **kwargs)

    side = forms.ChoiceField(
        label="Hand",
        choices=SIDES,
        error_messages={"required": "Choose the hand measured.", "invalid_choice": "Choose left or right."},
    )
    kilograms = forms.DecimalField(
        label="Grip (kg)",
        min_value=scales.GRIP_KG_MIN,
        max_value=scales.GRIP_KG_MAX,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the grip strength in kilograms.",
            "invalid": "Enter the grip strength as a number of kilograms, such as 32.5.",
            "min_value": "Grip strength goes from 0 to 100 kg.",
            "max_value": "Grip strength goes from 0 to 100 kg.",
            "max_decimal_places": "Give the kilograms to one decimal place at most.",
        },
    )


class ReflexForm(forms.Form):
    reflex = forms.ChoiceField(
        choices=[(code, reflex.name) for code, reflex in anatomy.REFLEXES.items()],
        error_messages={"required": "Choose the reflex tested."},
    )
    side = forms.ChoiceField(choices=SIDES)
    grade = forms.ChoiceField(choices=[(g.value, g.value) for g in scales.ReflexGrade])


class SensoryForm(forms.Form):
    """Shares the reflexes page with ReflexForm: its own element ids keep each label on its own control."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_sensory_%s")
        super().__init__(*args, **kwargs)

    level = forms.ChoiceField(
        label="Key sensory point",
        choices=[
            (level.code, f"{level.code}: {level.key_sensory_point}")
            for level in anatomy.SPINAL_LEVELS.values()
            if level.key_sensory_point
        ],
    )
    side = forms.ChoiceField(choices=SIDES)
    modality = forms.ChoiceField(choices=[(m.value, m.value.replace("_", " ")) for m in scales.SensoryModality])
    score = forms.ChoiceField(choices=[(s.value, s.value) for s in scales.SensoryScore])
    is_hyper = forms.BooleanField(label="Heightened (hyper)", required=False)


HANDS_ON_SIGNS = [
    (code, sign.label)
    for code, sign in gunn_signs.SIGNS.items()
    if sign.group.value in {"sensory", "autonomic", "trophic", "motor"}
]


class FindingForm(forms.Form):
    sign_code = forms.ChoiceField(label="Sign", choices=HANDS_ON_SIGNS)
    muscle = forms.ChoiceField(
        label="Muscle",
        required=False,
        choices=[("", "—"), *((code, muscle.name) for code, muscle in anatomy.MUSCLES.items())],
    )
    level = forms.ChoiceField(label="Level", required=False, choices=[("", "—"), *LEVELS])
    region_note = forms.CharField(label="Or region", required=False, max_length=200)
    is_beside_spine = forms.BooleanField(
        label="Beside the spine",
        required=False,
        help_text="Found on the paravertebral line at the level: counted with the spine's signs.",
    )
    side = forms.ChoiceField(choices=ALL_SIDES)
    status = forms.ChoiceField(choices=list(gunn_signs.FINDING_STATUS_WORDS.items()))
    grade = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((str(k), f"{k} {v}") for k, v in gunn_signs.FINDING_GRADES.items())],
    )
    note = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class SpineToggleForm(forms.Form):
    level = forms.ChoiceField(choices=LEVELS)
    side = forms.ChoiceField(choices=[("L", "Left"), ("M", "Midline"), ("R", "Right")])
    sign_code = forms.ChoiceField(
        choices=[(code, code) for code in ("SEN-PARASPINAL", "SPI-PARASHORT", "SPI-TROPHIC", "SPI-SPINOUS")]
    )


GRID_LEVEL_CHOICES = [("", "—"), *((code, code) for code in gunn_signs.SPINE_GRID_LEVELS)]


class SpineRangeForm(forms.Form):
    """The stretch of the spine palpated; the service checks that it is whole and runs from the head down."""

    palpated_from = forms.ChoiceField(
        label="Palpated from",
        required=False,
        choices=GRID_LEVEL_CHOICES,
        error_messages={"invalid_choice": "Choose a level from C1 to S2."},
    )
    palpated_to = forms.ChoiceField(
        label="Down to",
        required=False,
        choices=GRID_LEVEL_CHOICES,
        error_messages={"invalid_choice": "Choose a level from C1 to S2."},
    )
    palpated_sides = forms.MultipleChoiceField(
        label="Sides palpated",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("L", "Left"), ("M", "Midline"), ("R", "Right")],
        error_messages={"invalid_choice": "The sides palpated are left, midline and right."},
    )

    def clean(self) -> dict[str, Any]:
        """A range is given whole (both ends and a side, from the head down) or not at all (none recorded)."""
        data = super().clean() or {}
        parts = {"from": "palpated_from", "to": "palpated_to", "sides": "palpated_sides"}
        from_level, to_level = data.get("palpated_from") or "", data.get("palpated_to") or ""
        sides: list[str] = data.get("palpated_sides") or []
        if from_level or to_level or sides or self.errors:
            errors = gunn_signs.palpated_range_errors(from_level, to_level, sides)
            for part, message in errors.items():
                if parts[part] not in self.errors:
                    self.add_error(parts[part], message)
        return data


class SegmentDecisionForm(forms.Form):
    level = forms.ChoiceField(choices=LEVELS)
    side = forms.ChoiceField(choices=[("L", "Left"), ("R", "Right"), ("B", "Both")])
    decision = forms.ChoiceField(choices=SegmentDecision.Decision.choices)


class SummaryForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["clinical_impression", "plan"]
        widgets = {
            "clinical_impression": forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
            "plan": forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
        }


class _PlanTargetsField(forms.MultipleChoiceField):
    """The ticked targets; each is checked by the form's clean_targets, which says what is wrong with it."""

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


NO_PLAN = "Tick the muscles to needle, or record that no needling is planned and why."


class NeedlingPlanForm(VersionedForm):
    """The plan of muscles: the targets ticked among those the summary offers, or no needling with a reason."""

    targets = _PlanTargetsField(label="Muscles to needle", required=False, widget=forms.CheckboxSelectMultiple)
    no_needling = forms.BooleanField(label="No needling planned", required=False)
    no_needling_reason = forms.CharField(
        label="Why no needling is planned",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )

    def __init__(self, *args: Any, offered: tuple[needling_plan.Target, ...] = (), **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_plan_%s")
        super().__init__(*args, **kwargs)
        self.offered = frozenset(offered)
        cast(forms.ChoiceField, self.fields["targets"]).choices = [(t.key, t.key) for t in offered]

    def clean_targets(self) -> list[needling_plan.Target]:
        chosen = []
        for key in self.cleaned_data.get("targets") or []:
            try:
                target = needling_plan.Target.parse(key)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
            if target not in self.offered:
                name = anatomy.MUSCLES[target.muscle].name
                raise forms.ValidationError(
                    f"The {name}, {target.words}, is not among the muscles of the confirmed levels."
                )
            chosen.append(target)
        return list(dict.fromkeys(chosen))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        targets, no_needling = cleaned.get("targets"), cleaned.get("no_needling")
        reason = (cleaned.get("no_needling_reason") or "").strip()
        if "targets" not in cleaned:
            return cleaned
        if no_needling and targets:
            self.add_error("no_needling", "Untick the muscles, or untick “No needling planned”: not both.")
        elif no_needling and not reason:
            self.add_error("no_needling_reason", "Say why no needling is planned.")
        elif not no_needling and not targets:
            self.add_error("targets", NO_PLAN)
        cleaned["no_needling_reason"] = reason if no_needling else ""
        return cleaned


class AddendumForm(forms.Form):
    reason = forms.CharField(max_length=200, error_messages={"required": "Say why you add this addendum."})
    text = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Write the addendum."}
    )


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        max_length=500, error_messages={"required": "Say why this assessment was entered in error."}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the summary page also shows the addendum form, whose field has the same name.
        kwargs.setdefault("auto_id", "id_entered_in_error_%s")
        super().__init__(*args, **kwargs)


# --- Treatment sessions -------------------------------------------------------------------------------


class SessionHeaderForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = TreatmentSession
        fields = [
            "consent_reconfirmed", "pain_before", "position", "needle_product", "needle_diameter_mm",
            "needle_length_mm", "technique", "technique_note",
        ]  # fmt: skip
        widgets = {
            "pain_before": forms.NumberInput(attrs={"min": 0, "max": 10}),
            "needle_diameter_mm": forms.NumberInput(attrs={"step": "0.01", "min": "0.10", "max": "0.50"}),
        }
        labels = {"needle_diameter_mm": "Needle diameter (mm)", "needle_length_mm": "Needle length (mm)"}


class SessionCloseForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = TreatmentSession
        fields = ["pain_after", "retest_note", "needles_accounted_for", "broken_needle", "aftercare_advice", "plan"]
        widgets = {
            "pain_after": forms.NumberInput(attrs={"min": 0, "max": 10}),
            "retest_note": forms.Textarea(attrs={"rows": 2}),
            "aftercare_advice": forms.Textarea(attrs={"rows": 4}),
            "plan": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("broken_needle") and not cleaned.get("needles_accounted_for"):
            self.add_error("needles_accounted_for", "Account for the broken needle and record an adverse event.")
        return cleaned


def muscle_choices(suggested: list[str], planned: list[str] | None = None) -> list[tuple[str, Any]]:
    """The catalogue, with the muscles of the assessment's plan first, then the others it suggested."""
    by_region: dict[str, list[tuple[str, str]]] = {}
    for code, muscle in anatomy.MUSCLES.items():
        by_region.setdefault(muscle.region.value.replace("_", " ").capitalize(), []).append((code, muscle.name))
    groups: list[tuple[str, Any]] = [("", "Choose a muscle")]
    if planned:
        groups.append(("Planned at the assessment", [(code, anatomy.MUSCLES[code].name) for code in planned]))
    suggested = [code for code in suggested if code not in (planned or ())]
    if suggested:
        groups.append(("Suggested by the assessment", [(code, anatomy.MUSCLES[code].name) for code in suggested]))
    groups += list(by_region.items())
    return groups


class NeedledSiteForm(forms.Form):
    muscle = forms.ChoiceField(error_messages={"invalid_choice": "Choose a muscle from the catalogue."})
    side = forms.ChoiceField(choices=SIDES)
    level = forms.ChoiceField(
        required=False, choices=[("", "—"), *LEVELS], help_text="For paraspinal and intercostal sites."
    )
    insertions = forms.IntegerField(min_value=1, max_value=50, initial=1)
    depth = forms.ChoiceField(
        required=False, choices=[("", "—"), *((c.code, c.label) for c in needling_safety.DEPTHS)]
    )
    twitch = forms.ChoiceField(
        label="Twitch", choices=[(c.code, c.label) for c in needling_safety.TWITCH_RESPONSES], initial="none"
    )
    grasp = forms.BooleanField(label="Grasp or cramp", required=False)
    sensations = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.code, c.label) for c in needling_safety.SENSATIONS],
    )
    familiar_pain = forms.BooleanField(label="Familiar pain reproduced", required=False)
    bleeding = forms.ChoiceField(choices=[(c.code, c.label) for c in needling_safety.SITE_BLEEDING], initial="none")
    compression_seconds = forms.IntegerField(required=False, min_value=1, max_value=600, label="Compression (s)")
    confirmation_note = forms.CharField(
        required=False,
        max_length=1000,
        label="Reason to proceed (when a precaution asks for it)",
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    def __init__(
        self, *args: Any, suggested: list[str] | None = None, planned: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["muscle"]).choices = muscle_choices(suggested or [], planned)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("bleeding") == "compression" and not cleaned.get("compression_seconds"):
            self.add_error("compression_seconds", "How many seconds of compression were needed?")
        return cleaned


class AdverseEventForm(forms.Form):
    event_type = forms.ChoiceField(
        label="Type", choices=[(t.code, t.label) for t in needling_safety.ADVERSE_EVENT_TYPES]
    )
    event_class = forms.ChoiceField(
        label="Class", choices=[(c.value, info.label) for c, info in needling_safety.ADVERSE_EVENT_CLASS_INFO.items()]
    )
    onset = forms.ChoiceField(
        choices=[(o.value, o.value.replace("_", " ").capitalize()) for o in needling_safety.AdverseEventOnset]
    )
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    action_taken = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    referral = forms.CharField(required=False, max_length=200, label="Escalated or referred to")
    earlier_session = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="It followed an earlier session",
        choices=[("", "This session")],
    )

    def __init__(self, *args: Any, earlier_sessions: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["earlier_session"]).choices = [("", "This session")] + [
            (str(session.pk), f"{session.started_at:%Y-%m-%d}") for session in earlier_sessions or []
        ]


INSTRUMENT_CHOICES = [(code.value, outcomes.display_name(code)) for code in outcomes.InstrumentCode]
INSTRUMENT_CODES = frozenset(code.value for code in outcomes.InstrumentCode)
PSFS_MIN_ACTIVITIES = outcomes.PSFS.min_items


def _missing_message(spec: outcomes.Instrument) -> str:
    return {
        outcomes.InstrumentCode.NDI: "Answer this section: the NDI is scored with at most one section unanswered.",
        outcomes.InstrumentCode.QUICKDASH: "Answer this item: the QuickDASH needs at least 10 of its 11 items.",
        outcomes.InstrumentCode.LEFS: "Answer this activity: the LEFS is scored with every activity answered.",
    }.get(spec.code, "Answer this item.")


def _item_label(number: int, topic: str, *, is_psfs: bool) -> str:
    """ "3. Lifting" for an item with a topic; an item known by its number only is "Item 3" or "Activity 3"."""
    if is_psfs:
        return f"Rating of activity {number}"
    return topic if topic.endswith(str(number)) else f"{number}. {topic}"


class OutcomeForm(forms.Form):
    """One outcome questionnaire entered item by item, each item its own group of answers (section 4).

    The instrument is chosen before the form is shown (it decides the items), and posted with it. An instrument
    scored from items may instead be entered as the total of a paper form already scored; the PSFS is always
    entered activity by activity.
    """

    instrument = forms.ChoiceField(
        choices=INSTRUMENT_CHOICES,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the questionnaire.",
            "invalid_choice": "Choose one of the questionnaires offered.",
        },
    )
    entry_key = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "The page was out of date: open the questionnaire again."},
    )
    total = forms.FloatField(
        required=False,
        label="Or the total of a paper form already scored",
        help_text="Leave the items empty when you enter a total.",
        error_messages={"invalid": "Enter the total as a number."},
    )

    def __init__(self, *args: Any, instrument: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = instrument if instrument is not None or not self.is_bound else self.data.get("instrument")
        chosen = chosen if isinstance(chosen, str) else None
        self.spec = outcomes.instrument(chosen) if chosen in INSTRUMENT_CODES else None
        if not self.is_bound:
            self.initial.setdefault("entry_key", uuid.uuid4())
        if self.spec is None:
            return
        self.initial.setdefault("instrument", self.spec.code.value)
        is_psfs = self.spec.code == outcomes.InstrumentCode.PSFS
        if is_psfs:
            del self.fields["total"]
        else:
            cast(forms.FloatField, self.fields["total"]).widget.attrs.update(
                {"min": self.spec.score_min, "max": self.spec.score_max, "step": "any"}
            )
        low, high = self.spec.item_min, self.spec.item_max
        choices = [(str(value), label) for value, label in outcomes.answer_choices(self.spec.code)]
        for number, topic in enumerate(outcomes.ITEM_TOPICS[self.spec.code], start=1):
            if is_psfs:
                self.fields[f"activity_{number}"] = forms.CharField(
                    required=False, max_length=200, label=f"Activity {number}, in the patient's words"
                )
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                required=False,
                coerce=int,
                empty_value=None,
                label=_item_label(number, topic, is_psfs=is_psfs),
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"invalid_choice": f"Choose an answer from {low} to {high}."},
            )

    def item_rows(self) -> list[dict[str, Any]]:
        """Each item as the page shows it: its number and topic, its answers, and the PSFS's activity."""
        if self.spec is None:
            return []
        return [
            {
                "number": number,
                "topic": topic,
                "field": self[f"item_{number}"],
                "activity": self[f"activity_{number}"] if f"activity_{number}" in self.fields else None,
            }
            for number, topic in enumerate(outcomes.ITEM_TOPICS[self.spec.code], start=1)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        spec = self.spec
        if spec is None or "instrument" in self.errors:
            return cleaned
        numbers = range(1, len(outcomes.ITEM_TOPICS[spec.code]) + 1)
        if spec.code == outcomes.InstrumentCode.PSFS:
            self._clean_activities(numbers)
            return cleaned
        items = [cleaned.get(f"item_{number}") for number in numbers]
        cleaned["items"], cleaned["activities"] = None, []
        if any(f"item_{number}" in self.errors for number in numbers):
            return cleaned
        total = cleaned.get("total")
        answered = [value for value in items if value is not None]
        if total is not None:
            if answered:
                self.add_error("total", "Enter the item answers or the total of a scored paper form, not both.")
            elif not spec.score_min <= total <= spec.score_max:
                low, high = spec.score_min, spec.score_max
                self.add_error("total", f"A {spec.code.value} score goes from {low:g} to {high:g}.")
            return cleaned
        if not answered:
            self.add_error("item_1", "Answer the items, or enter the total of a paper form already scored.")
            return cleaned
        missing = [number for number, value in zip(numbers, items, strict=True) if value is None]
        if len(missing) > outcomes.MAX_MISSING[spec.code]:
            for number in missing:
                self.add_error(f"item_{number}", _missing_message(spec))
            return cleaned
        cleaned["items"] = items
        return cleaned

    def _clean_activities(self, numbers: range) -> None:
        cleaned = self.cleaned_data
        activities, ratings = [], []
        for number in numbers:
            text = (cleaned.get(f"activity_{number}") or "").strip()
            rating = cleaned.get(f"item_{number}")
            if f"item_{number}" in self.errors:
                continue
            if text and rating is None:
                self.add_error(f"item_{number}", "Rate this activity from 0 to 10.")
            elif rating is not None and not text:
                self.add_error(f"activity_{number}", "Name the activity this rating is for.")
            elif text:
                activities.append(text)
                ratings.append(rating)
        if not self.errors and len(activities) < PSFS_MIN_ACTIVITIES:
            first_empty = next(n for n in numbers if not (cleaned.get(f"activity_{n}") or "").strip())
            self.add_error(
                f"activity_{first_empty}", "Name at least three activities the patient finds hard (up to five)."
            )
        cleaned["items"], cleaned["activities"], cleaned["total"] = ratings, activities, None

    def measure_data(self) -> dict[str, Any]:
        """What the outcome services take, once the form is valid."""
        cleaned = self.cleaned_data
        return {
            "instrument": cleaned["instrument"],
            "items": cleaned["items"],
            "activities": cleaned["activities"],
            "total": cleaned.get("total"),
            "entry_key": cleaned.get("entry_key"),
        }


class DateRangeForm(forms.Form):
    start = ClinicDateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    end = ClinicDateField(widget=forms.DateInput(attrs={"type": "date"}), label="To")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", "The end of the range is before its start.")
        return cleaned


class PrintRecipientForm(forms.Form):
    """Whom a printed assessment summary is for: a referral's recipient, or nobody for the patient's file."""

    to = forms.CharField(
        label="To (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Keep the recipient to 200 characters or fewer."},
    )

    def clean_to(self) -> str:
        return " ".join(self.cleaned_data["to"].split())
