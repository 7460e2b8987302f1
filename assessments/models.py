"""Assessments own the IMS evaluation: history, movement, strength, reflexes, Gunn's signs, the segment summary."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol, TypeAlias

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.dates import validate_clinic_date
from patients.models import PrivateLink

from . import anatomy, gunn_signs, needling_safety, outcomes, rom, scales


def _choices(values: Iterable[object]) -> list[tuple[str, str]]:
    return [(str(value), str(value)) for value in values]


LEVEL_CHOICES = [(code, code) for code in anatomy.LEVEL_CODES]
SIDE_CHOICES = [(side.value, anatomy.SIDE_LABELS[side].capitalize()) for side in anatomy.Side]
LIMB_SIDE_CHOICES = [(anatomy.Side.LEFT.value, "Left"), (anatomy.Side.RIGHT.value, "Right")]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class Mechanism(models.TextChoices):
    GRADUAL = "gradual", "Came on gradually, no clear cause"
    INJURY = "injury", "After an injury"
    OVERUSE = "overuse", "After overuse or a new activity"
    SURGERY = "surgery", "After surgery"
    UNKNOWN = "unknown", "Not known"


class SymptomClue(models.TextChoices):
    # The symptoms that point to neuropathic, segmental pain (clinical-reference.md 1.1).
    STIFFNESS = "stiffness", "Stiffness and reduced movement"
    SHORTENED_TENDER = "shortened_tender", "Shortened muscles with tender points"
    HEAT_BURNING = "heat_burning", "Heat or burning"
    DEEP_ACHE = "deep_ache", "Deep aches"
    SHARP_BURSTS = "sharp_bursts", "Short, sharp bursts of pain"
    ALLODYNIA = "allodynia", "Extreme sensitivity to touch"


class RedFlag(models.TextChoices):
    WEIGHT_LOSS = "weight_loss", "Unexplained weight loss"
    NIGHT_PAIN = "night_pain", "Constant night pain not eased by rest or position"
    CANCER_HISTORY = "cancer_history", "History of cancer"
    FEVER = "fever", "Fever or feeling systemically unwell"
    BLADDER_BOWEL = "bladder_bowel", "New bladder or bowel change"
    SADDLE_ANAESTHESIA = "saddle_anaesthesia", "Numbness in the saddle area"
    PROGRESSIVE_DEFICIT = "progressive_deficit", "Progressive weakness or numbness"
    MAJOR_TRAUMA = "major_trauma", "Significant trauma"


class Imaging(models.TextChoices):
    NONE = "none", "None"
    XRAY = "xray", "X-ray"
    MRI = "mri", "MRI"
    CT = "ct", "CT"
    ULTRASOUND = "ultrasound", "Ultrasound"
    OTHER = "other", "Other"


class Assessment(models.Model):
    """The first IMS evaluation of a patient: a draft saved as it goes, signed once, then only amended."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="assessments")
    physiotherapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    status = models.CharField(max_length=20, choices=AssessmentStatus, default=AssessmentStatus.DRAFT)
    # Compare-and-set on every save, so that two open tabs never silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # 1. History and symptoms
    chief_complaint = models.TextField(blank=True)
    pain_regions = models.JSONField(default=list, blank=True)  # [{"region": BodyRegion value, "side": "L"}]
    onset_on = models.DateField("began on", null=True, blank=True, validators=[validate_clinic_date])
    duration_text = models.CharField("how long", max_length=100, blank=True)
    mechanism = models.CharField(max_length=20, choices=Mechanism, blank=True)
    mechanism_detail = models.TextField(blank=True)
    symptom_clues = models.JSONField(default=list, blank=True)  # SymptomClue values
    pain_now = models.PositiveSmallIntegerField(
        "pain now (0-10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_best = models.PositiveSmallIntegerField(
        "pain at best (0-10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    pain_worst = models.PositiveSmallIntegerField(
        "pain at worst (0-10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    aggravating_factors = models.TextField(blank=True)
    easing_factors = models.TextField(blank=True)
    imaging = models.CharField(max_length=20, choices=Imaging, blank=True)
    imaging_result = models.TextField(blank=True)
    previous_treatment = models.TextField(blank=True)
    red_flags = models.JSONField(default=list, blank=True)  # RedFlag values
    red_flag_action = models.TextField("action on red flags", blank=True)
    goals = models.TextField("the patient's goals", blank=True)

    # 7. The spine: the stretch palpated for the grid's signs (gunn_signs.PalpatedRange). Inside it a sign not
    # marked is absent, outside it not tested; no range, nothing palpated beyond the signs marked.
    palpated_from = models.CharField("palpated from", max_length=4, choices=LEVEL_CHOICES, blank=True)
    palpated_to = models.CharField("palpated down to", max_length=4, choices=LEVEL_CHOICES, blank=True)
    palpated_sides = models.JSONField(default=list, blank=True)  # of "L", "M", "R", in that order

    # 8. Summary
    clinical_impression = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    summary_rules_version = models.CharField(max_length=20, blank=True)
    # The plan of needling: the ticked muscles, in the summary's order ([{"muscle", "side", "level"}], the level for a
    # segmental muscle only), or the reason no needling is planned; never both (assessments.services.plan).
    planned_muscles = models.JSONField("plan of muscles", default=list, blank=True)
    no_needling_reason = models.TextField("reason no needling is planned", blank=True)

    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_digest = models.CharField(max_length=64, blank=True)  # SHA-256 of the signed content
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_in_error_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["patient", "-started_at"], name="assessment_patient_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed") | (Q(signed_at__isnull=False) & ~Q(content_digest="")),
                name="assessment_signed_has_time_and_digest",
                violation_error_message="A signed assessment records when it was signed and its digest.",
            ),
            models.CheckConstraint(
                condition=Q(pain_best__isnull=True) | Q(pain_worst__isnull=True) | Q(pain_best__lte=F("pain_worst")),
                name="assessment_pain_best_not_above_worst",
                violation_error_message="Pain at best cannot be higher than pain at worst.",
            ),
            models.CheckConstraint(
                condition=Q(palpated_from="", palpated_to="") | (~Q(palpated_from="") & ~Q(palpated_to="")),
                name="assessment_palpated_range_has_both_ends",
                violation_error_message="Give both ends of the palpated range, or neither.",
            ),
            # One live assessment per appointment (assessments.services.visits checks first, for the message).
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(appointment__isnull=False) & ~Q(status="entered_in_error"),
                name="assessment_one_live_per_appointment",
                violation_error_message="This appointment already has its assessment.",
            ),
        ]

    def __str__(self) -> str:
        return f"IMS assessment of {self.started_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_change_if_signed(self, kwargs.get("update_fields"), name="assessment")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment-step", kwargs={"pk": self.pk, "step": "history"})

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def is_signed(self) -> bool:
        return self.status == AssessmentStatus.SIGNED

    @property
    def is_entered_in_error(self) -> bool:
        return self.status == AssessmentStatus.ENTERED_IN_ERROR


class SignedRecordError(Exception):
    """A change was attempted on a signed record."""


ENTERED_IN_ERROR_FIELDS = {"status", "entered_in_error_at", "entered_in_error_by", "entered_in_error_reason"}


def refuse_change_if_signed(
    record: Assessment | TreatmentSession, update_fields: Iterable[str] | None, *, name: str
) -> None:
    """Raise SignedRecordError before a save would change a stored signed record.

    A signed record is final (clinical-reference.md 8.2): the only change left is marking it entered in error.
    """
    if record.pk is None:
        return
    stored = type(record)._default_manager.filter(pk=record.pk).values_list("status", flat=True).first()
    changing = set(update_fields or ())
    if stored == AssessmentStatus.SIGNED and (not changing or changing - ENTERED_IN_ERROR_FIELDS):
        raise SignedRecordError(f"A signed {name} cannot be changed; add an addendum instead.")


class RomMeasurement(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="rom_measurements")
    joint = models.CharField(max_length=30, choices=_choices(rom.Joint))
    movement = models.CharField(max_length=40, choices=_choices(rom.Movement))
    side = models.CharField(max_length=1, choices=SIDE_CHOICES)
    mode = models.CharField(max_length=10, choices=_choices(rom.RomMode), default=rom.RomMode.ACTIVE.value)
    degrees = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(360)])
    pain_at_end_of_range = models.BooleanField(default=False)

    class Meta:
        verbose_name = "range of motion measurement"
        ordering = ["joint", "movement", "side", "mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "joint", "movement", "side", "mode"],
                name="rom_one_value_per_movement_side_mode",
                violation_error_message="This movement is already measured on that side.",
            ),
            models.CheckConstraint(
                condition=Q(degrees__lte=360),
                name="rom_degrees_at_most_360",
                violation_error_message="Degrees go from 0 to 360.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.joint} {self.movement} {self.side}: {self.degrees}°"


class StrengthTest(models.Model):
    """The MRC grade of a level's key muscle test on one side (2.2, 3.2)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="strength_tests")
    level = models.CharField(max_length=4, choices=LEVEL_CHOICES)
    side = models.CharField(max_length=1, choices=LIMB_SIDE_CHOICES)
    grade = models.CharField(max_length=3, choices=_choices(scales.MrcGrade))

    class Meta:
        ordering = ["level", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "level", "side"],
                name="strength_one_grade_per_level_side",
                violation_error_message="This key muscle is already graded on that side.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.side}: MRC {self.grade}"


class MuscleStrengthTest(models.Model):
    """The MRC grade of any catalogue muscle (2.3) on one side (3.2), beside the key-muscle screen by level."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="muscle_strength_tests")
    muscle = models.CharField(max_length=60, choices=[(code, m.name) for code, m in anatomy.MUSCLES.items()])
    side = models.CharField(max_length=1, choices=LIMB_SIDE_CHOICES)
    grade = models.CharField(max_length=3, choices=_choices(scales.MrcGrade))

    class Meta:
        ordering = ["muscle", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "muscle", "side"],
                name="muscle_strength_one_grade_per_muscle_side",
                violation_error_message="This muscle is already graded on that side.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.muscle} {self.side}: MRC {self.grade}"


class GripStrength(models.Model):
    """Grip strength by hand-held dynamometer, one value in kilograms per side."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="grip_strengths")
    side = models.CharField(max_length=1, choices=LIMB_SIDE_CHOICES)
    kilograms = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(scales.GRIP_KG_MIN), MaxValueValidator(scales.GRIP_KG_MAX)],
    )

    class Meta:
        ordering = ["side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "side"],
                name="grip_one_value_per_side",
                violation_error_message="Grip strength is already recorded on that side.",
            ),
            models.CheckConstraint(
                condition=Q(kilograms__gte=0) & Q(kilograms__lte=100),
                name="grip_kilograms_0_to_100",
                violation_error_message="Grip strength goes from 0 to 100 kg.",
            ),
        ]

    def __str__(self) -> str:
        return f"Grip {self.side}: {self.kilograms} kg"


class ReflexTest(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="reflex_tests")
    reflex = models.CharField(max_length=30, choices=[(code, code) for code in anatomy.REFLEXES])
    side = models.CharField(max_length=1, choices=LIMB_SIDE_CHOICES)
    grade = models.CharField(max_length=3, choices=_choices(scales.ReflexGrade))

    class Meta:
        ordering = ["reflex", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "reflex", "side"],
                name="reflex_one_grade_per_side",
                violation_error_message="This reflex is already graded on that side.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reflex} {self.side}: {self.grade}"


class SensoryTest(models.Model):
    """A sensory score at a level's key sensory point on one side (2.2, 3.3)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="sensory_tests")
    level = models.CharField(max_length=4, choices=LEVEL_CHOICES)
    side = models.CharField(max_length=1, choices=LIMB_SIDE_CHOICES)
    modality = models.CharField(max_length=20, choices=_choices(scales.SensoryModality))
    score = models.CharField(max_length=2, choices=_choices(scales.SensoryScore))
    is_hyper = models.BooleanField("heightened (hyper)", default=False)

    class Meta:
        ordering = ["level", "side", "modality"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "level", "side", "modality"],
                name="sensory_one_score_per_level_side_modality",
                violation_error_message="This point is already scored on that side.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.side} {self.modality}: {self.score}"


class SignFinding(models.Model):
    """One examined Gunn sign (1.2, 1.3): at a muscle, a spinal level or a region, on a side."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="findings")
    sign_code = models.CharField(max_length=20, choices=[(code, code) for code in gunn_signs.SIGN_CODES])
    side = models.CharField(max_length=1, choices=SIDE_CHOICES)
    status = models.CharField(
        max_length=12, choices=_choices(gunn_signs.FindingStatus), default=gunn_signs.FindingStatus.PRESENT.value
    )
    level = models.CharField(max_length=4, choices=LEVEL_CHOICES, blank=True)
    muscle = models.CharField(max_length=60, blank=True, choices=[(code, code) for code in anatomy.MUSCLES])
    region_note = models.CharField("region", max_length=200, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(3)])
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sign_code", "level", "muscle", "side", "id"]
        indexes = [models.Index(fields=["assessment", "sign_code"], name="finding_assessment_sign")]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "sign_code", "level", "muscle", "side", "region_note"],
                name="finding_one_per_sign_place_side",
                violation_error_message="This sign is already recorded there.",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__lte=3),
                name="finding_grade_0_to_3",
                violation_error_message="A grade goes from 0 to 3.",
            ),
        ]

    def __str__(self) -> str:
        place = self.muscle or self.level or self.region_note
        return f"{self.sign_code} {place} {self.side}: {self.status}"


class SegmentDecision(models.Model):
    """The physiotherapist's decision on a level the summary suggested, or added (1.4 step 4)."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "Involved"
        REJECTED = "rejected", "Not involved"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="segment_decisions")
    level = models.CharField(max_length=4, choices=LEVEL_CHOICES)
    side = models.CharField(max_length=1, choices=SIDE_CHOICES)
    decision = models.CharField(max_length=10, choices=Decision)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["level", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "level", "side"],
                name="segment_one_decision_per_level_side",
                violation_error_message="This level and side already has a decision.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.side}: {self.decision}"


class Addendum(models.Model):
    """A correction or later note on a signed assessment: dated, authored, never changed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum of {self.created_at:%Y-%m-%d}"


for model in (
    Assessment,
    RomMeasurement,
    StrengthTest,
    MuscleStrengthTest,
    GripStrength,
    ReflexTest,
    SensoryTest,
    SignFinding,
    SegmentDecision,
    Addendum,
):
    auditlog.register(model)


# --- Treatment sessions (clinical-reference.md 6.4) ----------------------------------------------------


class _Coded(Protocol):
    """An entry of a clinical catalogue: its stored code and the words for it."""

    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...


def _coded(choices: Iterable[_Coded]) -> list[tuple[str, str]]:
    return [(choice.code, choice.label) for choice in choices]


class TreatmentSession(models.Model):
    """One IMS treatment: the header, the needled sites, adverse events, and the close; signed once."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="treatment_sessions")
    physiotherapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="treatment_sessions"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="treatment_sessions"
    )
    status = models.CharField(max_length=20, choices=AssessmentStatus, default=AssessmentStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Header
    consent = models.ForeignKey("patients.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    consent_reconfirmed = models.BooleanField("consent reconfirmed today", default=False)
    questionnaire = models.ForeignKey(
        "patients.QuestionnaireResponse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Legacy header answer of sessions recorded before the visit's re-check; the re-check (`recheck`) replaces it.
    changed_since_questionnaire = models.BooleanField("any change since the questionnaire", null=True, blank=True)
    change_note = models.TextField(blank=True)
    # The visit's re-check (5.6, R35), recorded before the first site; part of the signed content.
    recheck = models.ForeignKey(
        "patients.SafetyRecheck", on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    pain_before = models.PositiveSmallIntegerField(
        "pain before (NPRS 0-10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    position = models.CharField(max_length=20, blank=True, choices=_coded(needling_safety.PATIENT_POSITIONS))
    needle_product = models.CharField("needle brand and lot", max_length=100, blank=True)
    needle_diameter_mm = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("0.50"))],
    )
    needle_length_mm = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(125)]
    )
    technique = models.CharField(max_length=30, blank=True, choices=_coded(needling_safety.TECHNIQUES))
    technique_note = models.CharField(max_length=200, blank=True)

    # Close
    pain_after = models.PositiveSmallIntegerField(
        "pain after (NPRS 0-10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    retest_note = models.TextField("retests after treatment", blank=True)
    needles_accounted_for = models.BooleanField(
        "all needles removed and disposed of in a sharps container", default=False
    )
    broken_needle = models.BooleanField(default=False)
    aftercare_advice = models.TextField(blank=True)
    plan = models.TextField(blank=True)

    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_digest = models.CharField(max_length=64, blank=True)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_in_error_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["patient", "started_at"], name="session_patient_time")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed") | (Q(signed_at__isnull=False) & ~Q(content_digest="")),
                name="session_signed_has_time_and_digest",
                violation_error_message="A signed session records when it was signed and its digest.",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(needles_accounted_for=True),
                name="session_signed_needles_accounted",
                violation_error_message="Confirm that every needle was removed and disposed of before signing.",
            ),
            # One live treatment session per appointment (assessments.services.visits checks first, for the message).
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(appointment__isnull=False) & ~Q(status="entered_in_error"),
                name="session_one_live_per_appointment",
                violation_error_message="This appointment already has its treatment session.",
            ),
        ]

    def __str__(self) -> str:
        return f"IMS treatment of {self.started_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_change_if_signed(self, kwargs.get("update_fields"), name="treatment session")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assessments:session-detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def is_signed(self) -> bool:
        return self.status == AssessmentStatus.SIGNED

    @property
    def is_entered_in_error(self) -> bool:
        return self.status == AssessmentStatus.ENTERED_IN_ERROR


class NeedledSite(models.Model):
    """One needled site (6.4): a catalogue muscle, its side and level, the needle, and the response."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="sites")
    muscle = models.CharField(max_length=60, choices=[(code, m.name) for code, m in anatomy.MUSCLES.items()])
    side = models.CharField(max_length=1, choices=LIMB_SIDE_CHOICES)
    level = models.CharField(max_length=4, choices=LEVEL_CHOICES, blank=True)
    needle_diameter_mm = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("0.50"))],
    )
    needle_length_mm = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(125)]
    )
    insertions = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(50)])
    depth = models.CharField(max_length=20, blank=True, choices=_coded(needling_safety.DEPTHS))
    depth_mm = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(125)])
    twitch = models.CharField(
        "local twitch response", max_length=10, default="none", choices=_coded(needling_safety.TWITCH_RESPONSES)
    )
    grasp = models.BooleanField("grasp or cramp", default=False)
    sensations = models.JSONField(default=list, blank=True)
    familiar_pain = models.BooleanField("reproduced the familiar pain", default=False)
    bleeding = models.CharField(max_length=20, default="none", choices=_coded(needling_safety.SITE_BLEEDING))
    compression_seconds = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(600)])
    immediate_effect = models.CharField(max_length=200, blank=True)
    site_outcome = models.CharField(max_length=30, blank=True)  # the gate's verdict when it was saved
    gate_reasons = models.JSONField(default=list, blank=True)  # the gate's cautions and reasons, in words
    rules_version = models.CharField(max_length=20, blank=True)  # the gate's rules that produced the verdict
    confirmation_note = models.TextField(blank=True)  # the clinician's reason to proceed past a 5.8 warning
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.muscle} {self.side}{f' {self.level}' if self.level else ''}"


class AdverseEvent(models.Model):
    """An adverse event of needling (6.1, 6.2): in the session it followed; a later report links back to it."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="adverse_events")
    reported_in = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, null=True, blank=True, related_name="adverse_events_reported"
    )
    event_type = models.CharField(
        max_length=30, choices=[(t.code, t.label) for t in needling_safety.ADVERSE_EVENT_TYPES]
    )
    event_class = models.CharField(
        max_length=12, choices=[(c.value, c.value.capitalize()) for c in needling_safety.AdverseEventClass]
    )
    onset = models.CharField(
        max_length=20,
        choices=[(o.value, o.value.replace("_", " ").capitalize()) for o in needling_safety.AdverseEventOnset],
    )
    description = models.TextField(blank=True)
    action_taken = models.TextField()
    referral = models.CharField(max_length=200, blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reported_at", "id"]
        indexes = [models.Index(fields=["reported_at"], name="adverse_event_reported")]
        permissions = [
            ("view_adverse_event_report", "Read the adverse-event report (counts, no patients)"),
            ("view_adverse_event_list", "Read and export the adverse events with their patients, for incident review"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} ({self.event_class})"


class OutcomeSource(models.TextChoices):
    STAFF = "staff", "Entered by the clinic"
    PATIENT = "patient", "Patient-reported"


class OutcomeMeasure(models.Model):
    """An outcome questionnaire's score (section 4), computed by assessments.outcomes and stored with its version.

    Taken in a treatment session, or at the assessment as the complaint's baseline (part of its signed content),
    or answered by the patient on their phone before a visit (patient-reported: linked to the visit's appointment,
    never to a signed record, with the pain the patient reported then).
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="outcome_measures")
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, null=True, blank=True, related_name="outcome_measures"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="baseline_measures"
    )
    instrument = models.CharField(max_length=12, choices=[(c.value, c.value) for c in outcomes.InstrumentCode])
    score = models.FloatField()
    raw_sum = models.PositiveSmallIntegerField()
    answered = models.PositiveSmallIntegerField()
    items = models.JSONField(default=list, blank=True)  # item responses when entered item by item
    activities = models.JSONField(default=list, blank=True)  # the PSFS: the patient's activities, in their words
    # One filled-in form, so that the form sent twice is recorded once (None: recorded by the clinic's own code).
    entry_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    band = models.CharField(max_length=40, blank=True)
    scoring_version = models.CharField(max_length=20)
    recorded_at = models.DateTimeField(default=timezone.now)
    # None only for the patient's own answers (source "patient").
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=OutcomeSource, default=OutcomeSource.STAFF)
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="outcome_measures"
    )
    pain_now = models.PositiveSmallIntegerField(
        "pain now (NPRS 0-10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    # Where it hurt that day, as the patient marked it on the pain map: [{"region": BodyRegion value, "side": "L"}]
    pain_regions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["patient", "instrument", "recorded_at"], name="outcome_patient_instrument")]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="patient") | Q(recorded_by__isnull=False),
                name="outcome_staff_entry_has_recorder",
                violation_error_message="A score entered by the clinic records who entered it.",
            ),
            models.CheckConstraint(
                condition=Q(source="staff")
                | (Q(appointment__isnull=False) & Q(session__isnull=True) & Q(assessment__isnull=True)),
                name="outcome_patient_reported_for_a_visit",
                violation_error_message="The patient's own answers belong to a visit, not to a signed record.",
            ),
            models.CheckConstraint(
                condition=Q(pain_now__isnull=True) | Q(pain_now__lte=10),
                name="outcome_pain_now_in_range",
                violation_error_message="Pain now goes from 0 to 10.",
            ),
            # The patient answers once per visit: a second submission is refused by the database too.
            models.UniqueConstraint(
                fields=["appointment", "instrument"],
                condition=Q(source="patient"),
                name="outcome_patient_once_per_visit",
                violation_error_message="These answers are already recorded for this visit.",
            ),
            models.CheckConstraint(
                condition=Q(session__isnull=True) | Q(assessment__isnull=True),
                name="outcome_in_a_session_or_an_assessment",
                violation_error_message="An outcome measure belongs to a session or to an assessment, not both.",
            ),
            models.UniqueConstraint(
                fields=["assessment", "instrument"],
                condition=Q(assessment__isnull=False),
                name="outcome_one_baseline_per_instrument",
                violation_error_message="This questionnaire is already recorded at this assessment.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.score:.1f}"

    @property
    def is_total_only(self) -> bool:
        """Entered as the total of a paper form already scored, without its items."""
        return not self.items

    @property
    def is_patient_reported(self) -> bool:
        return self.source == OutcomeSource.PATIENT


# A row of an assessment's steps, as the row pages add and delete them.
AssessmentRow: TypeAlias = (
    RomMeasurement
    | StrengthTest
    | MuscleStrengthTest
    | GripStrength
    | ReflexTest
    | SensoryTest
    | SignFinding
    | OutcomeMeasure
)


class SessionAddendum(models.Model):
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum of {self.created_at:%Y-%m-%d}"


for session_model in (TreatmentSession, NeedledSite, AdverseEvent, OutcomeMeasure, SessionAddendum):
    auditlog.register(session_model)


# --- After a session: the aftercare sheet and the check a day or two later (clinical-reference.md 6.5) ----------


class AftercareLink(PrivateLink):
    """The patient's link to the aftercare sheet of a signed session: read again as often as they like."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="aftercare_links")
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="aftercare_links")

    reusable = True

    def __str__(self) -> str:
        return f"Aftercare link of {self.created_at:%Y-%m-%d}"


class CheckRound(models.TextChoices):
    FIRST = "first", "A day after"
    FOLLOW_UP = "follow_up", "72 hours after"


class CheckLink(PrivateLink):
    """The patient's single-use link to the check after a session, open for its window."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="check_links")
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="check_links")
    check_round = models.CharField(max_length=10, choices=CheckRound)

    def __str__(self) -> str:
        return f"Check link of {self.created_at:%Y-%m-%d}"


class Bruising(models.TextChoices):
    NONE = "none", "None"
    SMALL = "small", "Small"
    LARGE = "large", "Large"


class WarningSign(models.TextChoices):
    """The warning signs of 6.5, stored as codes; the patient's words for them are in assessments.aftercare_forms."""

    BREATHLESS_CHEST_PAIN = "breathless_chest_pain", "Breathlessness or chest pain"
    INFECTION = "infection", "Spreading redness, heat, swelling or fever at a needle site"
    NUMBNESS_WEAKNESS = "numbness_weakness", "New numbness or weakness"
    FAINTING_DIZZINESS = "fainting_dizziness", "Fainting or dizziness that does not pass"
    WORSE_THAN_EXPECTED = "worse_than_expected", "Soreness much worse than expected"


class AfterEffectReport(models.Model):
    """What the patient reported on the check after a session (6.5): patient-reported, never part of the session."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="after_effect_reports")
    link = models.OneToOneField(CheckLink, on_delete=models.PROTECT, related_name="report")
    check_round = models.CharField(max_length=10, choices=CheckRound)
    soreness = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    regions = models.JSONField(default=list, blank=True)  # ["lumbosacral:L", ...] as the history step codes them
    bruising = models.CharField(max_length=10, choices=Bruising)
    warning_signs = models.JSONField(default=list, blank=True)  # WarningSign codes
    words = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "check_round"],
                name="after_effect_one_report_per_check",
                violation_error_message="This check is already answered.",
            ),
            models.CheckConstraint(
                condition=Q(soreness__lte=10), name="after_effect_soreness_0_10",
                violation_error_message="Soreness goes from 0 to 10.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"After-effects reported {self.submitted_at:%Y-%m-%d}"

    def get_warning_signs_display(self) -> list[str]:
        labels = dict(WarningSign.choices)
        return [labels.get(code, "Other") for code in self.warning_signs]


class AfterEffectReviewOutcome(models.TextChoices):
    ADVERSE_EVENT = "adverse_event", "Recorded as an adverse event"
    CLOSED = "closed", "Closed with a note"


class AfterEffectReview(models.Model):
    """A report the session's physiotherapist reviews (6.5): a warning sign, soreness of 7 or more, or soreness
    still there at 72 hours. Open until recorded as an adverse event of the session or closed with a note."""

    report = models.OneToOneField(AfterEffectReport, on_delete=models.PROTECT, related_name="review")
    physiotherapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(default=list)  # in words, for the physiotherapist
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=AfterEffectReviewOutcome, blank=True)
    note = models.TextField(blank=True)
    adverse_event = models.OneToOneField(
        AdverseEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="after_effect_review"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["physiotherapist", "resolved_at"], name="after_effect_review_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | (~Q(outcome="") & Q(resolved_by__isnull=False)),
                name="after_effect_review_resolved_has_outcome",
                violation_error_message="A closed review records how and by whom.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="closed") | ~Q(note=""),
                name="after_effect_review_closed_has_note",
                violation_error_message="Say why the report needs no adverse event.",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of after-effects reported {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def audit_patient_id(self) -> int:
        return self.report.session.patient_id


auditlog.register(AftercareLink, exclude_fields=["token_hash"])
auditlog.register(CheckLink, exclude_fields=["token_hash"])
auditlog.register(AfterEffectReport, exclude_fields=["words"])
auditlog.register(AfterEffectReview)


class OutcomeLink(PrivateLink):
    """The private link of an outcome questionnaire before a visit: the course's instrument (and the PSFS's
    activities in the patient's words, from the baseline), the visit's start it was sent for, and the answers so
    far (kept between the pages, until they are sent). Expires at the visit's end; used once."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="outcome_links")
    appointment = models.ForeignKey("scheduling.Appointment", on_delete=models.PROTECT, related_name="outcome_links")
    visit_starts_at = models.DateTimeField()
    instrument = models.CharField(max_length=12, choices=[(c.value, c.value) for c in outcomes.InstrumentCode])
    activities = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True)  # {"item_1": 3, ..., "pain_now": 4}
    measure = models.OneToOneField(
        OutcomeMeasure, on_delete=models.PROTECT, null=True, blank=True, related_name="link"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["appointment", "-created_at"], name="outcome_link_appointment")]

    def __str__(self) -> str:
        return f"Outcome questionnaire link of {self.created_at:%Y-%m-%d}"


auditlog.register(OutcomeLink, exclude_fields=["token_hash", "answers"])
