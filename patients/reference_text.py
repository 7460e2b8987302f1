"""Prose of the reference-data modules as a reader sees it, without the citations written for their maintainers.

The modules cite clinical-reference.md as they state each fact: source IDs ("[S2][S5]", "[P1]-[P5]"), section
numbers ("(5.2)", "(5.4, 2.3)"), question and rule IDs ("(G3)"), "(unverified)" marks and precaution tags written
as codes ("DEEP muscles"). Those stay in the code and the docs; a page shows the same sentence without them.
Plain Python, no Django import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

_CITATIONS = (
    # A maintainer's aside about a value's standing ("; 3.0 is unverified, [S7]") goes whole, not word by word.
    re.compile(r"\s*;\s*[^;()]*\bis\s+unverified\b[^;()]*(?=\))", re.IGNORECASE),
    re.compile(r"\s*\[[A-Z]{1,2}\d+\](?:\s*-\s*\[[A-Z]{1,2}\d+\])?"),
    re.compile(r"\s*\((?:section\s+)?\d+\.\d+(?:\s*(?:,|and|-)\s*\d+\.\d+)*\)"),
    re.compile(r"\s*\([A-Z]\d+(?:,\s*[A-Z]\d+)*\)"),
    re.compile(r"\s*\(unverified[^)]*\)", re.IGNORECASE),
    re.compile(r",?\s*\bunverified\b", re.IGNORECASE),
)
# The precaution tags of clinical-reference.md 2.3 in words: the one vocabulary of the badges on screen
# (assessments.anatomy reads it) and of prose naming a tag by its code ("avoid DEEP muscles": "avoid deep muscles").
PRECAUTION_TAG_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "THORAX": "Chest wall",
        "NV": "Nerve or vessel",
        "DEEP": "Deep",
        "CANAL": "Near the spine",
        "VISCERA": "Organs beneath",
    }
)
_TAGS = re.compile(r"\b(THORAX|NV|DEEP|CANAL|VISCERA)(?:-tagged)?\b")


def without_references(text: str) -> str:
    """``text`` with its citations taken out and precaution tags in words; the sentence otherwise unchanged."""
    for citation in _CITATIONS:
        text = citation.sub("", text)
    text = _TAGS.sub(lambda match: PRECAUTION_TAG_WORDS[match.group(1)].lower(), text)
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
    return re.sub(r"\s+([.,;:])", r"\1", text).strip()
