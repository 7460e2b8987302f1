"""One display vocabulary for every page: `{{ value|words:"kind" }}` says a stored code in clinical words.

The words live beside the codes, in each app's reference modules (the signs in assessments.gunn_signs, the
precaution tags in assessments.anatomy, the flags in patients.safety_rules...); this library only looks them up,
so a template never spells a label itself. Kinds: sign, status, side, muscle, region, clue, red_flag, modality, flag,
precaution, caution (a precaution tag's caution, for its hover and focus text), questionnaire (an outcome
questionnaire's name), record (an audit event's kind of record) and text (prose written with reference IDs and
section numbers, shown without them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django import template

from accounts.audit import record_words
from assessments import anatomy, gunn_signs, outcomes, scales
from assessments.models import RedFlag, SymptomClue
from patients.models import REGION_LABELS
from patients.reference_text import without_references
from patients.safety_rules import FLAG_DEFINITION_BY_CODE, FlagCode

register = template.Library()


def _plain(value: str) -> str:
    """A code with no label yet, as words rather than as a code."""
    return value.replace("_", " ").replace("-", " ").strip().capitalize()


def _flag(value: str) -> str:
    try:
        return FLAG_DEFINITION_BY_CODE[FlagCode(value)].title
    except ValueError:
        return _plain(value)


def _precaution(value: str) -> str:
    return anatomy.PrecautionTag(value).label


def _caution(value: str) -> str:
    tag = anatomy.PrecautionTag(value)
    return f"{tag.label}: {tag.caution}"


_KINDS: Mapping[str, Callable[[str], str]] = {
    "sign": gunn_signs.sign_words,
    "status": lambda value: gunn_signs.FINDING_STATUS_WORDS[value],
    "side": lambda value: anatomy.Side(value).label,
    "muscle": lambda value: anatomy.muscle(value).name,
    "region": lambda value: REGION_LABELS[value],
    "clue": lambda value: str(SymptomClue(value).label),
    "red_flag": lambda value: str(RedFlag(value).label),
    "modality": lambda value: scales.SensoryModality(value).label,
    "flag": _flag,
    "precaution": _precaution,
    "caution": _caution,
    "questionnaire": outcomes.display_name,
    "record": record_words,
    "text": without_references,
}


@register.filter
def words(value: object, kind: str) -> str:
    """`value` (a code, a tag or reference prose) in the words of `kind`."""
    if value is None or value == "":
        return ""
    code = str(getattr(value, "value", value))
    try:
        return _KINDS[kind](code)
    except (KeyError, ValueError):
        if kind not in _KINDS:
            raise template.TemplateSyntaxError(f"words: unknown kind {kind!r}; one of {', '.join(_KINDS)}.") from None
        return _plain(code)


@register.filter
def evidence_for(side: gunn_signs.SideEvidence, lines: Mapping[tuple[str, str], tuple[str, ...]]) -> str:
    """A summary row's evidence in words ("Tender motor point: supinator, right; Paraspinal bands C6 right")."""
    if not side.evidence:
        return ""
    return "; ".join(lines.get((side.evidence[0].level, side.side.value), ()))
