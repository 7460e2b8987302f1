"""The rules' version and the answer values the questionnaire, its validation and its rules share (5.6)."""

from __future__ import annotations

# Stored questionnaire results record this; bump it whenever a question, a rule or a default changes.
RULES_VERSION = "2026.1"

TEXT_MAX_LENGTH = 500  # 5.6: free text is limited to 500 characters.

YES = "yes"
NO = "no"
NOT_SURE = "not_sure"
NONE_OF_THESE = "none"
OTHER = "other"
DONT_KNOW = "dont_know"
