"""Plain rules for a patient's identity and contact: names for search, phones, health numbers, dates.

No Django import: the forms, the services and the registry search all read from here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

# --- Names ------------------------------------------------------------------


# Letters that carry no combining accent to strip, spelled as people type them without one.
UNACCENTED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"}
)


def fold(text: str) -> str:
    """Lower case without accents, so that "Chloé" finds "chloe", "CHLOE" finds "Chloé", "lukasz" "Łukasz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", stripped.translate(UNACCENTED)).strip()


def search_name(*names: str) -> str:
    """What the registry searches: every name folded, separated by spaces."""
    return " ".join(fold(name) for name in names if name and name.strip())


NAME_PUNCTUATION = frozenset(" '\u2019.-")


def normalise_name(name: str) -> str:
    """One space between words, and accents composed (text pasted from some systems arrives decomposed)."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def name_problem(name: str) -> str | None:
    """Why a typed name cannot be a person's name, or None. Letters of any script, with their accents."""
    name = unicodedata.normalize("NFC", name)
    if any(unicodedata.category(char).startswith("C") for char in name):
        return "Remove the invisible or control characters from the name."
    first_is_letter = bool(name) and unicodedata.category(name[0]).startswith("L")
    allowed = all(unicodedata.category(char)[0] in "LM" or char in NAME_PUNCTUATION for char in name)
    if not (first_is_letter and allowed):
        return "Use letters, spaces, apostrophes, hyphens and full stops only, starting with a letter."
    return None


# --- Phones -----------------------------------------------------------------


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def normalise_phone(text: str) -> str:
    """A phone as staff should see it, or ValueError with the reason.

    North American numbers (10 digits, or 11 starting with 1) become 604-555-0134; other
    numbers must start with + and have 8 to 15 digits (E.164).
    """
    cleaned = text.strip()
    if not cleaned:
        return ""
    if re.search(r"[^\d\s().+\-]", cleaned) or "+" in cleaned[1:]:
        raise ValueError("Use digits, spaces, brackets, dots and dashes only, with + only at the start.")
    number = digits(cleaned)
    if cleaned.startswith("+") and not cleaned.startswith("+1"):
        if not 8 <= len(number) <= 15:
            raise ValueError("An international number has 8 to 15 digits after the +.")
        return "+" + number
    if len(number) == 11 and number.startswith("1"):
        number = number[1:]
    if len(number) != 10:
        raise ValueError("Enter a 10-digit number with its area code, e.g. 604-555-0134.")
    if number[0] in "01" or number[3] in "01":
        raise ValueError("This is not a valid North American number: check the area code and exchange.")
    return f"{number[:3]}-{number[3:6]}-{number[6:]}"


# --- Canadian postal codes and health numbers --------------------------------

POSTAL_CODE = re.compile(r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)$")


def normalise_postal_code(text: str) -> str:
    cleaned = text.strip().upper()
    if not cleaned:
        return ""
    match = POSTAL_CODE.match(cleaned)
    if not match:
        raise ValueError("Enter a Canadian postal code such as V6B 1A1.")
    return f"{match.group(1)} {match.group(2)}"


@dataclass(frozen=True)
class HealthNumberFormat:
    pattern: str
    example: str


# Formats of the provincial health numbers as printed on the cards. Only British Columbia's
# Personal Health Number carries a published check digit (Modulus 11), which is checked too.
HEALTH_NUMBER_FORMATS: dict[str, HealthNumberFormat] = {
    "BC": HealthNumberFormat(r"9\d{9}", "9698 658 215"),
    "AB": HealthNumberFormat(r"\d{9}", "12345-6789"),
    "SK": HealthNumberFormat(r"\d{9}", "123 456 789"),
    "MB": HealthNumberFormat(r"\d{9}", "123 456 789"),
    "ON": HealthNumberFormat(r"\d{10}[A-Z]{0,2}", "1234-567-890-AB"),
    "QC": HealthNumberFormat(r"[A-Z]{4}\d{8}", "ABCD 1234 5678"),
    "NB": HealthNumberFormat(r"\d{9}", "123 456 789"),
    "NS": HealthNumberFormat(r"\d{10}", "1234 567 890"),
    "PE": HealthNumberFormat(r"\d{8}", "12345678"),
    "NL": HealthNumberFormat(r"\d{12}", "123 456 789 012"),
    "YT": HealthNumberFormat(r"\d{9}", "123 456 789"),
    "NT": HealthNumberFormat(r"[A-Z]\d{7}", "N1234567"),
    "NU": HealthNumberFormat(r"\d{9}", "123 456 789"),
}

BC_PHN_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3)


def bc_phn_check_digit_ok(number: str) -> bool:
    """British Columbia PHN: digits 2-9 weighted 2,4,8,5,10,9,7,3, each product mod 11, summed;
    the check digit (the tenth) is 11 minus the sum mod 11."""
    total = sum((int(d) * w) % 11 for d, w in zip(number[1:9], BC_PHN_WEIGHTS, strict=True))
    check = 11 - (total % 11)
    return check < 10 and check == int(number[9])


def normalise_health_number(text: str, province: str) -> str:
    """The health number without spaces or dashes, or ValueError naming the expected format."""
    cleaned = re.sub(r"[\s\-]", "", text.strip().upper())
    if not cleaned:
        return ""
    expected = HEALTH_NUMBER_FORMATS.get(province)
    if expected is None:
        raise ValueError("Choose the province that issued the health number.")
    if not re.fullmatch(expected.pattern, cleaned):
        raise ValueError(f"This is not a {province} health number; they look like {expected.example}.")
    if province == "BC" and not bc_phn_check_digit_ok(cleaned):
        raise ValueError("This BC Personal Health Number fails its check digit: check each digit against the card.")
    return cleaned


# --- Dates of birth ------------------------------------------------------------

OLDEST_AGE = 120


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def date_of_birth_problem(born: date, today: date) -> str | None:
    if born > today:
        return "The date of birth is in the future."
    if born < years_before(today, OLDEST_AGE):
        return f"The date of birth is more than {OLDEST_AGE} years ago: check the year."
    return None


# What staff type into the registry's one search box as a date. Day-first and month-first
# readings are both tried when a date like 03/04/1980 is ambiguous.
DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y", "%d.%m.%Y",
    "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y",
)  # fmt: skip


EARLIEST_SEARCH_YEAR = 1880


def parse_search_dates(text: str, *, today: date | None = None) -> list[date]:
    """Every date of birth the typed text can mean, earliest first; empty when it is not one.

    Only years a living patient can be born in count, so that digits such as 5550112 stay a phone.
    """
    cleaned = re.sub(r"\s+", " ", text.strip())
    if not cleaned or not re.search(r"\d{4}", cleaned):
        return []
    if cleaned.isdigit() and len(cleaned) != 8:
        return []
    latest_year = (today or date.today()).year  # noqa: DTZ011 (the year bound needs no zone)
    found: set[date] = set()
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
        if EARLIEST_SEARCH_YEAR <= parsed.year <= latest_year:
            found.add(parsed)
    return sorted(found)


@dataclass(frozen=True)
class RegistryQuery:
    """What a registry search means: names to match, a date of birth, or phone digits."""

    name_terms: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    phone_digits: str = ""


MIN_PHONE_DIGITS = 4
MAX_QUERY_LENGTH = 100


def parse_registry_query(text: str) -> RegistryQuery:
    text = text.strip()[:MAX_QUERY_LENGTH]
    if not text:
        return RegistryQuery()
    dates = parse_search_dates(text)
    if dates:
        return RegistryQuery(dates=tuple(dates))
    if re.fullmatch(r"[\d\s().+\-]+", text):
        number = digits(text)
        if len(number) >= MIN_PHONE_DIGITS:
            return RegistryQuery(phone_digits=number)
    terms = tuple(term for term in re.split(r"[\s,]+", fold(text)) if term)
    return RegistryQuery(name_terms=terms)
