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
    re.compile(r"\s*\[[A-Z]{1,2}\d+\](?:\s*-\s*\[[A-Z]{1,2}\d+\])?"),
    re.compile(r"\s*\((?:section\s+)?\d+\.\d+(?:\s*(?:,|and|-)\s*\d+\.\d+)*\)"),
    re.compile(r"\s*\([A-Z]\d+(?:,\s*[A-Z]\d+)*\)"),
    re.compile(r"\s*\(unverified[^)]*\)", re.IGNORECASE),
    re.compile(r",?\s*\bunverified\b", re.IGNORECASE),
)
# The precaution tags of clinical-reference.md 2.3 when prose names them by their code.
_TAG_WORDS: Mapping[str, str] = MappingProxyType(
    {"THORAX": "chest-wall", "NV": "nerve or vessel", "DEEP": "deep", "CANAL": "near-the-spine", "VISCERA": "visceral"}
)
_TAGS = re.compile(r"\b(THORAX|NV|DEEP|CANAL|VISCERA)(?:-tagged)?\b")


def without_references(text: str) -> str:
    """``text`` with its citations taken out and precaution tags in words; the sentence otherwise unchanged."""
    for citation in _CITATIONS:
        text = citation.sub("", text)
    text = _TAGS.sub(lambda match: _TAG_WORDS[match.group(1)], text)
    text = re.sub(r"\(\s*[,;]?\s*\)", "", text)
    return re.sub(r"\s+([.,;:])", r"\1", text).strip()
