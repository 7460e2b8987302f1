"""The rules' version and the answer values the questionnaire, its validation and its rules share (5.6)."""

from __future__ import annotations

from datetime import date

# Stored questionnaire results record this; bump it whenever a question, a rule or a default changes.
RULES_VERSION = "2026.1"

TEXT_MAX_LENGTH = 500  # 5.6: free text is limited to 500 characters.

# The clinic's date range (accounts.dates, repeated here so that the rules stay pure Python; a test keeps them equal).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)

YES = "yes"
NO = "no"
NOT_SURE = "not_sure"
NONE_OF_THESE = "none"
OTHER = "other"
DONT_KNOW = "dont_know"
