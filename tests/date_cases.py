"""The dates a page or field must survive: the ends of Python's calendar, the day either side of the clinic's range,
nonsense, nothing and a very long string."""

from accounts.dates import DATE_RANGE_MESSAGE

OUT_OF_RANGE = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"]
MALFORMED = ["not-a-date", "2" * 5000]


def cases(malformed_message: str, empty_message: str | None = None) -> list[tuple[str, str | None]]:
    """(value, the message shown at the field or None); a malformed date gets each form's own wording."""
    return [
        *((value, DATE_RANGE_MESSAGE) for value in OUT_OF_RANGE),
        *((value, malformed_message) for value in MALFORMED),
        ("", empty_message),
    ]


def case_id(value: str) -> str:
    return value if len(value) < 20 else f"{value[:4]}...({len(value)} characters)"
