"""The chart's timeline and header: each app that records something about a patient registers a provider.

Higher apps (scheduling, assessments) register theirs in their AppConfig.ready, so this app never
imports them. A timeline provider answers in one query (consents: one more when a region was added to
one), newest first, at most `limit` entries; a header provider answers in one query with the facts the
chart's header shows for its app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from .models import Consent, ConsentExtension

if TYPE_CHECKING:
    from .models import Patient


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # a short word for the icon and filter: "patient", "consent", "appointment", …
    title: str  # shown to every role: *that* something happened
    detail: str = ""  # clinical content: shown only to clinical roles
    url: str = ""
    is_clinical: bool = False  # the record itself is clinical: front desk sees the title only
    status: str = ""  # e.g. "withdrawn", "cancelled"


@dataclass(frozen=True)
class HeaderFact:
    label: str  # "Next appointment"
    value: str  # "Tue 2 Dec 09:30 with Maya Chen"
    url: str = ""
    tone: str = "secondary"  # a Bootstrap colour: success, warning, danger, secondary…
    is_clinical: bool = False  # front desk sees only facts that are not clinical


@dataclass(frozen=True)
class ChartAction:
    """A button on the chart that another app offers: a link, or a form posting to `url`."""

    label: str
    url: str
    method: str = "get"
    icon: str = ""
    is_clinical: bool = True
    fields: tuple[tuple[str, str], ...] = ()  # hidden inputs the form posts with it


Provider = Callable[["Patient", int], list[TimelineEntry]]
ActionProvider = Callable[["Patient", object], list[ChartAction]]
HeaderProvider = Callable[["Patient"], list[HeaderFact]]
_providers: dict[str, Provider] = {}
_header_providers: dict[str, HeaderProvider] = {}
_action_providers: dict[str, ActionProvider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def register_header(name: str, provider: HeaderProvider) -> None:
    _header_providers[name] = provider


def register_action(name: str, provider: ActionProvider) -> None:
    _action_providers[name] = provider


def actions_for(patient: Patient, user: object, *, clinical: bool) -> list[ChartAction]:
    actions = [action for provider in _action_providers.values() for action in provider(patient, user)]
    return [action for action in actions if clinical or not action.is_clinical]


def header_for(patient: Patient, *, clinical: bool) -> list[HeaderFact]:
    facts = [fact for provider in _header_providers.values() for fact in provider(patient)]
    return [fact for fact in facts if clinical or not fact.is_clinical]


def timeline_for(patient: Patient, *, clinical: bool, limit: int = 50) -> list[TimelineEntry]:
    entries = [entry for provider in _providers.values() for entry in provider(patient, limit)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    entries = entries[:limit]
    if clinical:
        return entries
    return [replace(entry, detail="", url="") if entry.is_clinical else entry for entry in entries]


def patient_events(patient: Patient, _limit: int) -> list[TimelineEntry]:
    entries = [TimelineEntry(at=patient.created_at, kind="patient", title="Registered")]
    if patient.is_archived and patient.archived_at:
        entries.append(TimelineEntry(at=patient.archived_at, kind="patient", title="Archived", status="archived"))
    return entries


def consent_events(patient: Patient, limit: int) -> list[TimelineEntry]:
    """Consents, their withdrawals and the regions added to them: one query more only when a region was added."""
    entries = []
    consents = list(
        patient.consents.annotate(
            has_extensions=Exists(ConsentExtension.objects.filter(consent_id=OuterRef("pk")))
        ).order_by("-given_at", "-id")[:limit]
    )
    for consent in consents:
        entries.append(
            TimelineEntry(
                at=consent.given_at,
                kind="consent",
                title="Consent to IMS recorded" + (" (withdrawn)" if consent.is_withdrawn else ""),
                detail=", ".join(consent.region_labels),
                url=consent.get_absolute_url(),
                is_clinical=True,
                status="withdrawn" if consent.is_withdrawn else "",
            )
        )
        if consent.withdrawn_at:
            entries.append(
                TimelineEntry(
                    at=consent.withdrawn_at,
                    kind="consent",
                    title="Consent to IMS withdrawn",
                    detail=consent.withdrawal_reason,
                    url=consent.get_absolute_url(),
                    is_clinical=True,
                    status="withdrawn",
                )
            )
    extended = {consent.pk: consent for consent in consents if consent.has_extensions}
    if extended:
        extensions = ConsentExtension.objects.filter(consent_id__in=extended).order_by("-given_at", "-id")
        entries += [_extension_entry(extension, extended[extension.consent_id]) for extension in extensions[:limit]]
    return entries


def _extension_entry(extension: ConsentExtension, consent: Consent) -> TimelineEntry:
    # The region is clinical: the front desk reads only that the consent was extended.
    spine = ", including next to the spine" if extension.includes_paraspinal else ""
    return TimelineEntry(
        at=extension.given_at,
        kind="consent",
        title="Consent to IMS extended" + (" (withdrawn)" if consent.is_withdrawn else ""),
        detail=f"Consent extended to {extension.region_words}{spine}",
        url=consent.get_absolute_url(),
        is_clinical=True,
        status="withdrawn" if consent.is_withdrawn else "",
    )


register("patient", patient_events)
register("consent", consent_events)


def questionnaire_events(patient: Patient, limit: int) -> list[TimelineEntry]:
    entries = []
    for link in patient.questionnaire_links.select_related("response").order_by("-created_at", "-id")[:limit]:
        entries.append(
            TimelineEntry(at=link.created_at, kind="questionnaire", title="Safety questionnaire link issued")
        )
        response = getattr(link, "response", None)
        if response is not None and response.submitted_at:
            entries.append(
                TimelineEntry(
                    at=response.submitted_at,
                    kind="questionnaire",
                    title="Safety questionnaire completed",
                    detail=f"Risk level {response.risk_level}" if response.risk_level else "No flags",
                    url=response.get_absolute_url(),
                    is_clinical=True,
                )
            )
        if link.locked_at:
            entries.append(
                TimelineEntry(
                    at=link.locked_at,
                    kind="questionnaire",
                    title="Questionnaire link locked after wrong dates of birth",
                    status="locked",
                )
            )
    return entries


register("questionnaire", questionnaire_events)
