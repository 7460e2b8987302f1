"""The ranked list of muscles a plan of needling is chosen from (clinical-reference.md 1.4 step 4, 2.1-2.3).

Plain data and pure functions with no Django import. Once the physiotherapist has confirmed the involved levels and
sides, the muscles to consider are ranked in three groups, each muscle once:

1. the muscles of those levels found tender, banded or shortened on the hands-on page, with what was found;
2. the paraspinal partner at each confirmed level and side: the multifidus/rotatores at that level (2.1), whose
   dorsal rami come from the same spinal nerves as the limb myotome;
3. the rest of the levels' muscles of 2.3, head to foot, those with the level as a primary root first.

A muscle is offered as targets: a side (left or right) and, for a segmental muscle (paraspinal, intercostal), the
level. What the plan keeps is the set of targets ticked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from assessments.anatomy import (
    Muscle,
    PrecautionTag,
    Side,
    level_index,
    muscle,
    paraspinal_muscle_for_level,
    spinal_level,
)
from assessments.gunn_signs import Finding, FindingStatus, suggested_muscles

# The hands-on signs that place a needle: tenderness at the motor point, taut bands, shortening (1.2).
FOUND_SIGN_WORDS: Mapping[str, str] = {
    "SEN-MOTORPOINT": "tender",
    "MOT-TAUTBAND": "taut bands",
    "MOT-SHORTENED": "shortened",
}
PLAN_SIDES: tuple[Side, ...] = (Side.LEFT, Side.RIGHT)
SIDE_WORDS: Mapping[str, str] = {"L": "left", "R": "right"}


class Rank(StrEnum):
    FOUND = "found"
    PARTNER = "partner"
    SEGMENT = "segment"


@dataclass(frozen=True, order=True)
class Target:
    """One place a needle may go: a catalogue muscle, a side, and the level of a segmental muscle."""

    muscle: str
    side: str
    level: str = ""

    @property
    def key(self) -> str:
        """The target as a form posts it."""
        return f"{self.muscle}|{self.level}|{self.side}"

    @classmethod
    def parse(cls, key: str) -> Target:
        """The target a form posted; ValueError, in words, when it names no muscle, level or side of the catalogue."""
        parts = key.split("|")
        if len(parts) != 3:
            raise ValueError("Choose muscles from the list.")
        code, level, side = parts
        try:
            catalogue_muscle = muscle(code)
        except ValueError:
            raise ValueError("That muscle is not in the catalogue.") from None
        if side not in SIDE_WORDS:
            raise ValueError(f"Choose the left or the right side of the {catalogue_muscle.name}.")
        if catalogue_muscle.is_segmental:
            if level not in catalogue_muscle.roots:
                raise ValueError(f"Choose a level at which the {catalogue_muscle.name} is needled.")
        elif level:
            raise ValueError(f"The {catalogue_muscle.name} is planned by side, not by level.")
        return cls(code, side, level)

    @property
    def side_words(self) -> str:
        return SIDE_WORDS[self.side]

    @property
    def words(self) -> str:
        """The side, and the level of a segmental muscle: "right", "C6 right"."""
        return f"{self.level} {SIDE_WORDS[self.side]}" if self.level else SIDE_WORDS[self.side]


@dataclass(frozen=True)
class FoundSign:
    """What the hands-on page found at a muscle, in words: "tender, right"."""

    words: str
    side: str
    level: str = ""


@dataclass(frozen=True)
class RankedTarget:
    target: Target
    found: tuple[str, ...]  # what was found at this target, in words ("tender", "taut bands")
    partner_of: str  # the confirmed level and side this target is the paraspinal partner of ("C6 right"), or ""
    partner_note: str  # the 2.2 partner column for that level ("C5-C6 level multifidus"), or ""


@dataclass(frozen=True)
class RankedMuscle:
    muscle: Muscle
    rank: Rank
    targets: tuple[RankedTarget, ...]
    found: tuple[str, ...]  # what was found, in words, with the side: ("tender, right", "taut bands, right")

    @property
    def code(self) -> str:
        return self.muscle.code

    @property
    def precautions(self) -> tuple[PrecautionTag, ...]:
        return self.muscle.precautions


@dataclass(frozen=True)
class MuscleRanking:
    muscles: tuple[RankedMuscle, ...]
    found_elsewhere: tuple[tuple[Muscle, tuple[str, ...]], ...]  # found, but outside the confirmed levels

    def group(self, rank: Rank) -> tuple[RankedMuscle, ...]:
        return tuple(m for m in self.muscles if m.rank is rank)

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(t.target for m in self.muscles for t in m.targets)


@dataclass
class _TargetDraft:
    found: list[str] = field(default_factory=list)
    partner_of: str = ""
    partner_note: str = ""


@dataclass
class _Draft:
    muscle: Muscle
    targets: dict[Target, _TargetDraft] = field(default_factory=dict)

    def add(self, target: Target, *, found: str = "", partner_of: str = "", partner_note: str = "") -> None:
        entry = self.targets.setdefault(target, _TargetDraft())
        if found and found not in entry.found:
            entry.found.append(found)
        if partner_of:
            entry.partner_of, entry.partner_note = partner_of, partner_note


def _found_signs(findings: Iterable[Finding]) -> dict[str, list[FoundSign]]:
    """The present tender, banded and shortened findings at a muscle, by muscle, in recording order."""
    found: dict[str, list[FoundSign]] = {}
    for finding in findings:
        if finding.muscle is None or finding.status is not FindingStatus.PRESENT:
            continue
        words = FOUND_SIGN_WORDS.get(finding.sign_code)
        if words is None:
            continue
        sides = PLAN_SIDES if finding.side is Side.BILATERAL else (finding.side,)
        for side in sides:
            if side.value in SIDE_WORDS:
                for level in finding.levels or ("",):
                    found.setdefault(finding.muscle, []).append(FoundSign(words, side.value, level))
    return found


def rank_muscles(confirmed: Mapping[str, Iterable[Side]], findings: Iterable[Finding] = ()) -> MuscleRanking:
    """The muscles of the confirmed levels and sides, ranked: found first, the paraspinal partners, then the rest.

    ``confirmed`` maps each level confirmed involved to its sides (left, right). ``findings`` are the assessment's
    recorded signs; the tender, banded or shortened ones at a muscle of those levels put it first.
    """
    sides_by_level = {level: tuple(s for s in sides if s in PLAN_SIDES) for level, sides in confirmed.items()}
    sides_by_level = {level: sides for level, sides in sides_by_level.items() if sides}
    segment = suggested_muscles(tuple(sides_by_level), sides_by_level=sides_by_level)
    drafts: dict[str, _Draft] = {}
    order: dict[str, int] = {}
    for index, suggestion in enumerate(segment):
        order.setdefault(suggestion.muscle, index)
        draft = drafts.setdefault(suggestion.muscle, _Draft(muscle(suggestion.muscle)))
        for level in suggestion.levels:
            for side in sides_by_level.get(level, ()):
                draft.add(Target(suggestion.muscle, side.value, level if draft.muscle.is_segmental else ""))

    partners: set[str] = set()
    for level, sides in sides_by_level.items():
        partner = paraspinal_muscle_for_level(level)
        if partner is None:
            continue
        partners.add(partner.code)
        for side in sides:
            target = Target(partner.code, side.value, level if partner.is_segmental else "")
            drafts[partner.code].add(
                target,
                partner_of=f"{level} {SIDE_WORDS[side.value]}",
                partner_note=spinal_level(level).paraspinal_partner or "",
            )

    elsewhere: list[tuple[Muscle, tuple[str, ...]]] = []
    found_muscles: set[str] = set()
    for code, signs in _found_signs(findings).items():
        found_draft = drafts.get(code)
        outside: list[str] = []
        for sign in signs:
            side_words = SIDE_WORDS[sign.side]
            place = f"{sign.level} {side_words}" if sign.level else side_words
            if found_draft is None or (found_draft.muscle.is_segmental and sign.level not in sides_by_level):
                outside.append(f"{sign.words}, {place}")
                continue
            found_draft.add(
                Target(code, sign.side, sign.level if found_draft.muscle.is_segmental else ""), found=sign.words
            )
            found_muscles.add(code)
        if outside:
            elsewhere.append((muscle(code), tuple(dict.fromkeys(outside))))

    ranked = []
    for code, draft in drafts.items():
        rank = Rank.FOUND if code in found_muscles else Rank.PARTNER if code in partners else Rank.SEGMENT
        targets = tuple(
            RankedTarget(target, tuple(entry.found), entry.partner_of, entry.partner_note)
            for target, entry in sorted(draft.targets.items(), key=lambda item: _target_order(item[0]))
        )
        found_words = tuple(f"{', '.join(t.found)}, {t.target.words}" for t in targets if t.found)
        ranked.append(RankedMuscle(draft.muscle, rank, targets, found_words))
    group_order = {Rank.FOUND: 0, Rank.PARTNER: 1, Rank.SEGMENT: 2}
    # Within the found group, the muscle with more signs found first; otherwise the segment's own order.
    ranked.sort(key=lambda m: (group_order[m.rank], -_sign_count(m), order.get(m.code, 0)))
    return MuscleRanking(tuple(ranked), tuple(elsewhere))


def _sign_count(ranked: RankedMuscle) -> int:
    return len({words for target in ranked.targets for words in target.found}) if ranked.rank is Rank.FOUND else 0


def _target_order(target: Target) -> tuple[int, int]:
    return (level_index(target.level) if target.level else -1, PLAN_SIDES.index(Side(target.side)))
