"""Every form class of the apps, built the way its view builds it, from the fuzz world.

A builder takes the world (the page table's objects, loaded once per test) and gives the form's variants: each
variant binds posted data (and files) to a form constructed with the arguments its view passes: the record it
edits, the practitioners a persona may book for, the questionnaire section, the flag, the region. A new form
class in an app's forms module has no builder, and tests/fuzz/test_form_classes.py fails until it has one.
"""

import functools
import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.test import RequestFactory
from django.utils import timezone

from accounts import forms as account_forms
from accounts.models import User
from assessments import adverse_event_forms, aftercare_forms, needling_plan, outcome_questionnaire_forms
from assessments import forms as assessment_forms
from assessments.anatomy import Side
from assessments.models import Assessment, TreatmentSession
from assessments.visit_forms import EarlierDraftForm
from patients import forms as patient_forms
from patients import questionnaire_forms
from patients.models import REGION_LABELS, Patient, QuestionnaireResponse, SafetyFlag
from patients.safety_rules import Section
from records import forms as records_forms
from records import importing, letter_forms
from records.models import Letter
from scheduling import forms as scheduling_forms
from scheduling.models import Practitioner
from tests.factories import TEST_PASSWORD

APPS = ("accounts", "patients", "scheduling", "assessments", "records")
ROOT = Path(__file__).resolve().parents[2]

Bind = Callable[[Any, Any], forms.BaseForm]  # (data, files) -> the bound form


@dataclass(frozen=True)
class World:
    """The fuzz world's objects, as the views would load them."""

    ids: Mapping[str, object]
    patient: Patient
    assessment: Assessment
    session: TreatmentSession
    response: QuestionnaireResponse
    flag: SafetyFlag
    physio: User
    front_desk: User

    @classmethod
    def load(cls, ids: Mapping[str, object], *, physio: User, front_desk: User) -> "World":
        return cls(
            ids=ids,
            patient=Patient.objects.get(pk=ids["patient"]),
            assessment=Assessment.objects.get(pk=ids["assessment"]),
            session=TreatmentSession.objects.get(pk=ids["session"]),
            response=QuestionnaireResponse.objects.get(pk=ids["response"]),
            flag=SafetyFlag.objects.get(pk=ids["flag"]),
            physio=physio,
            front_desk=front_desk,
        )


def form_classes() -> set[type[forms.BaseForm]]:
    """Every form class defined in a forms module (any module named *forms*.py) of the apps."""
    found: set[type[forms.BaseForm]] = set()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*forms*.py")):
            if "migrations" in path.parts:
                continue
            module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
            for value in vars(module).values():
                is_form = inspect.isclass(value) and issubclass(value, forms.BaseForm | forms.BaseFormSet)
                if is_form and value.__module__ == module.__name__:
                    found.add(value)
    return found


def plain(form_class: type[forms.BaseForm], **kwargs: Any) -> Callable[[World], list[Bind]]:
    """A form its view binds to the posted data alone (or with fixed keyword arguments)."""
    return lambda world: [lambda data, files: form_class(data, files, **kwargs)]


def _login(world: World) -> list[Bind]:
    request = RequestFactory().post("/accounts/login/")
    return [lambda data, files: account_forms.LoginForm(request, data=data)]


def _editing(form_class: type[forms.ModelForm], record: str) -> Callable[[World], list[Bind]]:
    return lambda world: [lambda data, files: form_class(data, files, instance=getattr(world, record))]


def _consent_record(world: World) -> list[Bind]:
    initial = {"patient_specific_risks": "Takes apixaban."}
    return [lambda data, files: patient_forms.ConsentRecordForm(data, initial=initial)]


def _consent_extension(world: World) -> list[Bind]:
    """The consent page's form (no region preset), the session page's (the region the gate held), and the post,
    whose own `region` picks the variant (as the session view reads it)."""
    region = next(iter(REGION_LABELS))
    return [
        lambda data, files: patient_forms.ConsentExtensionForm(data),
        lambda data, files: patient_forms.ConsentExtensionForm(data, region=str(region)),
        lambda data, files: patient_forms.ConsentExtensionForm(data, region=data.get("region") if data else None),
    ]


def _outcome(world: World) -> list[Bind]:
    """The post as the views bind it (its own `instrument` picks the items), and each questionnaire as the history
    step and the session page show it, item by item."""
    variants: list[Bind] = [lambda data, files: assessment_forms.OutcomeForm(data)]
    for code in assessment_forms.INSTRUMENT_CODES:
        variants.append(lambda data, files, code=code: assessment_forms.OutcomeForm(data, instrument=code))
    return variants


def _flag_map(world: World) -> list[Bind]:
    mapped = SafetyFlag.objects.create(
        response=world.response,
        code="PLACE_LOCAL",
        severity="MODERATE",
        severity_rank=3,
        reason="Eczema on the left forearm.",
        rules_version="2026.1",
        areas=[{"region": str(next(iter(REGION_LABELS))), "side": "L"}],
        areas_mapped_at=timezone.now(),
        areas_mapped_by=world.physio,
    )
    return [
        lambda data, files: patient_forms.FlagMapForm.for_flag(world.flag, data),
        lambda data, files: patient_forms.FlagMapForm.for_flag(mapped, data),
    ]


def _recheck(world: World) -> list[Bind]:
    return [lambda data, files: patient_forms.SafetyRecheckForm(data, questionnaire=world.response)]


def _sections(world: World) -> list[Bind]:
    answers = dict(world.response.answers)
    return [functools.partial(_section_form, section, answers) for section in questionnaire_forms.PATIENT_SECTIONS]


def _section_form(section: Section, answers: dict[str, Any], data: Any, files: Any) -> forms.BaseForm:
    return questionnaire_forms.SectionForm(section, answers, data)


def _outcome_answers(world: World) -> list[Bind]:
    """Each scale of the phone's outcome questions: NDI's and ODI's 0-5, QuickDASH's 1-5, LEFS's 0-4, the pain's
    and PSFS's 0-10."""
    scales = [(0, 5), (1, 5), (0, 4), (0, 10)]
    return [
        functools.partial(_answer_form, [(value, str(value)) for value in range(low, high + 1)])
        for low, high in scales
    ]


def _answer_form(choices: list[tuple[int, str]], data: Any, files: Any) -> forms.BaseForm:
    return outcome_questionnaire_forms.AnswerForm(data, choices=choices)


def _pain_now(world: World) -> list[Bind]:
    """The last page of the phone's outcome questions: the pain's 0-10 and where it hurts on the pain map."""
    return [functools.partial(_pain_now_form, [(value, str(value)) for value in range(11)])]


def _pain_now_form(choices: list[tuple[int, str]], data: Any, files: Any) -> forms.BaseForm:
    return outcome_questionnaire_forms.PainNowForm(data, choices=choices)


def _booking(form_class: type[forms.Form]) -> Callable[[World], list[Bind]]:
    """The booking pages: prefilled from a free slot, for the practitioners each staff persona books for."""

    def build(world: World) -> list[Bind]:
        slot = {"practitioner": world.ids["practitioner"], "starts_at": "2027-01-15T10:00", "patient": world.patient}
        variants: list[Bind] = []
        for user in (world.front_desk, world.physio):
            practitioners = Practitioner.objects.bookable_by(user)
            variants.append(lambda data, files, p=practitioners: form_class(data, initial=slot, practitioners=p))
        return variants

    return build


def _waitlist(world: World) -> list[Bind]:
    initial = {"wanted_until": timezone.localdate(), "patient": world.patient.pk}
    return [lambda data, files: scheduling_forms.WaitlistEntryForm(data, initial=initial)]


def _needled_site(world: World) -> list[Bind]:
    return [
        lambda data, files: assessment_forms.NeedledSiteForm(data),
        lambda data, files: assessment_forms.NeedledSiteForm(data, suggested=["deltoid"]),
    ]


def plan_targets_offered() -> tuple[needling_plan.Target, ...]:
    """What the summary offers once C6 left is confirmed: the plan form's choices."""
    return needling_plan.rank_muscles({"C6": [Side.LEFT]}).targets


def _needling_plan(world: World) -> list[Bind]:
    return [
        lambda data, files: assessment_forms.NeedlingPlanForm(data),
        lambda data, files: assessment_forms.NeedlingPlanForm(data, offered=plan_targets_offered()),
    ]


def _adverse_event(world: World) -> list[Bind]:
    earlier = list(TreatmentSession.objects.order_by("pk"))
    return [
        lambda data, files: assessment_forms.AdverseEventForm(data),
        lambda data, files: assessment_forms.AdverseEventForm(data, earlier_sessions=earlier),
    ]


def _import_confirm(world: World) -> list[Bind]:
    return [lambda data, files: records_forms.PatientImportConfirmForm(data)]


def _letter_form(world: World) -> list[Bind]:
    letter = Letter.objects.get(pk=world.ids["letter"])
    return [lambda data, files: letter_forms.LetterForm(data, files, instance=letter)]


def signed_import() -> str:
    """A payload the upload page signs: one plain row, one hostile."""
    rows = "given_name,family_name,date_of_birth\nAda,Lovelace,1990-01-01\n<b id=fz7261>,{{ x }},9999-12-31\n"
    return importing.sign_payload(rows)


BUILDERS: dict[type[forms.BaseForm], Callable[[World], list[Bind]]] = {
    # accounts
    account_forms.LoginForm: _login,
    account_forms.AuditFilterForm: plain(account_forms.AuditFilterForm),
    account_forms.TwoFactorCodeForm: plain(account_forms.TwoFactorCodeForm),
    # patients
    patient_forms.RegistrySearchForm: plain(patient_forms.RegistrySearchForm),
    patient_forms.PatientForm: plain(patient_forms.PatientForm),  # the import checks each row with it
    patient_forms.PatientCreateForm: plain(patient_forms.PatientCreateForm),
    patient_forms.PatientUpdateForm: _editing(patient_forms.PatientUpdateForm, "patient"),
    patient_forms.ConsentRecordForm: _consent_record,
    patient_forms.ConsentWithdrawForm: plain(patient_forms.ConsentWithdrawForm),
    patient_forms.ConsentExtensionForm: _consent_extension,
    patient_forms.QuestionnaireLinkForm: plain(patient_forms.QuestionnaireLinkForm),
    patient_forms.FlagAcknowledgeForm: plain(patient_forms.FlagAcknowledgeForm),
    patient_forms.FlagMapForm: _flag_map,
    patient_forms.SafetyRecheckForm: _recheck,
    questionnaire_forms.DateOfBirthForm: plain(questionnaire_forms.DateOfBirthForm),
    questionnaire_forms.SectionForm: _sections,
    # scheduling
    scheduling_forms.ScheduleDateForm: plain(scheduling_forms.ScheduleDateForm),
    scheduling_forms.BookingFieldsMixin: _booking(scheduling_forms.BookingFieldsMixin),
    scheduling_forms.AppointmentBookForm: _booking(scheduling_forms.AppointmentBookForm),
    scheduling_forms.AppointmentSeriesForm: _booking(scheduling_forms.AppointmentSeriesForm),
    scheduling_forms.AppointmentRescheduleForm: _booking(scheduling_forms.AppointmentRescheduleForm),
    scheduling_forms.AppointmentCancelForm: plain(scheduling_forms.AppointmentCancelForm),
    scheduling_forms.FreeSlotsForm: plain(scheduling_forms.FreeSlotsForm),
    scheduling_forms.PatientSearchForm: plain(scheduling_forms.PatientSearchForm),
    scheduling_forms.WaitlistEntryForm: _waitlist,
    # assessments
    assessment_forms.VersionedForm: plain(assessment_forms.VersionedForm),
    assessment_forms.SignForm: plain(assessment_forms.SignForm),
    assessment_forms.HistoryForm: _editing(assessment_forms.HistoryForm, "assessment"),
    assessment_forms.RomForm: plain(assessment_forms.RomForm),
    assessment_forms.StrengthForm: plain(assessment_forms.StrengthForm),
    assessment_forms.MuscleStrengthForm: plain(assessment_forms.MuscleStrengthForm),
    assessment_forms.GripForm: plain(assessment_forms.GripForm),
    assessment_forms.ReflexForm: plain(assessment_forms.ReflexForm),
    assessment_forms.SensoryForm: plain(assessment_forms.SensoryForm),
    assessment_forms.FindingForm: plain(assessment_forms.FindingForm),
    assessment_forms.SpineToggleForm: plain(assessment_forms.SpineToggleForm),
    assessment_forms.SpineRangeForm: plain(assessment_forms.SpineRangeForm),
    assessment_forms.SegmentDecisionForm: plain(assessment_forms.SegmentDecisionForm),
    assessment_forms.SummaryForm: _editing(assessment_forms.SummaryForm, "assessment"),
    assessment_forms.NeedlingPlanForm: _needling_plan,
    assessment_forms.AddendumForm: plain(assessment_forms.AddendumForm),
    assessment_forms.EnteredInErrorForm: plain(assessment_forms.EnteredInErrorForm),
    assessment_forms.SessionHeaderForm: _editing(assessment_forms.SessionHeaderForm, "session"),
    assessment_forms.SessionCloseForm: _editing(assessment_forms.SessionCloseForm, "session"),
    assessment_forms.NeedledSiteForm: _needled_site,
    assessment_forms.AdverseEventForm: _adverse_event,
    assessment_forms.OutcomeForm: _outcome,
    assessment_forms.DateRangeForm: plain(assessment_forms.DateRangeForm),
    adverse_event_forms.AdverseEventFilterForm: plain(adverse_event_forms.AdverseEventFilterForm),
    outcome_questionnaire_forms.AnswerForm: _outcome_answers,
    outcome_questionnaire_forms.PainNowForm: _pain_now,
    EarlierDraftForm: plain(EarlierDraftForm, noun="session", day="Thursday 26 November 2026"),
    # records
    records_forms.PatientPickForm: plain(records_forms.PatientPickForm),
    records_forms.DisclosureFields: plain(records_forms.DisclosureFields),
    records_forms.PatientExportForm: plain(records_forms.PatientExportForm),
    records_forms.ClinicExportForm: plain(records_forms.ClinicExportForm),
    records_forms.PatientImportUploadForm: plain(records_forms.PatientImportUploadForm),
    records_forms.PatientImportConfirmForm: _import_confirm,
    records_forms.IntegrationTokenForm: plain(records_forms.IntegrationTokenForm),
    assessment_forms.PrintRecipientForm: plain(assessment_forms.PrintRecipientForm),
    letter_forms.LetterCreateForm: plain(letter_forms.LetterCreateForm),
    letter_forms.LetterForm: lambda world: _letter_form(world),
    letter_forms.LetterEnteredInErrorForm: plain(letter_forms.LetterEnteredInErrorForm),
    letter_forms.LetterDisclosureForm: plain(letter_forms.LetterDisclosureForm),
    # after a session: the patient's check, the physiotherapist's review of it
    aftercare_forms.CheckForm: plain(aftercare_forms.CheckForm),
    aftercare_forms.ReviewAdverseEventForm: plain(aftercare_forms.ReviewAdverseEventForm),
    aftercare_forms.ReviewCloseForm: plain(aftercare_forms.ReviewCloseForm),
}

# Values a field's page would offer beyond its choices and initial value: what makes a form valid.
EXTRA_NATURAL: dict[tuple[type[forms.BaseForm], str], Callable[[World], tuple[str, ...]]] = {
    (records_forms.PatientImportConfirmForm, "payload"): lambda world: (signed_import(),),
    (account_forms.LoginForm, "username"): lambda world: ("physio", "frontdesk", "nobody"),
    (account_forms.LoginForm, "password"): lambda world: ("not-the-password", TEST_PASSWORD),
    (patient_forms.PatientUpdateForm, "version"): lambda world: (str(world.patient.version),),
    (assessment_forms.HistoryForm, "version"): lambda world: (str(world.assessment.version),),
    (assessment_forms.SummaryForm, "version"): lambda world: (str(world.assessment.version),),
    (assessment_forms.NeedlingPlanForm, "version"): lambda world: (str(world.assessment.version),),
    (assessment_forms.SessionHeaderForm, "version"): lambda world: (str(world.session.version),),
    (assessment_forms.SessionCloseForm, "version"): lambda world: (str(world.session.version),),
    (assessment_forms.SignForm, "version"): lambda world: (str(world.assessment.version), str(world.session.version)),
    (patient_forms.SafetyRecheckForm, "questionnaire"): lambda world: (str(world.response.pk),),
}
