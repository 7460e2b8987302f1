"""The plain identity rules: folded names for search, names, phones, postal codes, health numbers and dates."""

import unicodedata
from datetime import date

import pytest

from patients.identity import (
    HEALTH_NUMBER_FORMATS,
    MAX_QUERY_LENGTH,
    RegistryQuery,
    bc_phn_check_digit_ok,
    date_of_birth_problem,
    digits,
    fold,
    name_problem,
    normalise_health_number,
    normalise_phone,
    normalise_postal_code,
    parse_registry_query,
    parse_search_dates,
    search_name,
)
from patients.models import Province

NAME_CHARACTERS = "Use letters, spaces, apostrophes, hyphens and full stops only, starting with a letter."
NAME_CONTROL = "Remove the invisible or control characters from the name."
PHONE_CHARACTERS = "Use digits, spaces, brackets, dots and dashes only, with + only at the start."
PHONE_INTERNATIONAL = "An international number has 8 to 15 digits after the +."
PHONE_LENGTH = "Enter a 10-digit number with its area code, e.g. 604-555-0134."
PHONE_AREA_CODE = "This is not a valid North American number: check the area code and exchange."
POSTAL_CODE = "Enter a Canadian postal code such as V6B 1A1."
BC_CHECK_DIGIT = "This BC Personal Health Number fails its check digit: check each digit against the card."
TODAY = date(2026, 3, 2)


# --- fold and search_name ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Chloé", "chloe"),
        ("CHLOÉ", "chloe"),
        ("chloe", "chloe"),
        ("Ærøskøbing", "aeroskobing"),
        ("Łukasz", "lukasz"),
        ("Strauß", "strauss"),
        ("STRAUSS", "strauss"),
        ("ẞ", "ss"),
        ("Nguyễn", "nguyen"),
        ("François-Xavier", "francois-xavier"),
        ("O\u2019Brien", "o\u2019brien"),
        ("  Anne \t  Marie\n ", "anne marie"),
        ("", ""),
    ],
)
def test_fold_lowers_case_strips_accents_and_squeezes_spaces(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_fold_makes_a_decomposed_accent_equal_to_a_composed_one() -> None:
    assert fold(unicodedata.normalize("NFD", "Chloé")) == fold("Chloé") == "chloe"


def test_search_name_folds_every_name_and_skips_the_blank_ones() -> None:
    assert search_name("Chloé", "", "Dubois-Strauß") == "chloe dubois-strauss"
    assert search_name("Ana", "   ", "LÓPEZ") == "ana lopez"
    assert search_name() == ""


# --- name_problem --------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Chloé",
        "O'Brien",
        "O\u2019Brien",
        "Jean-Luc",
        "St. John",
        "Mary Ann",
        "Strauß",
        "Nguyễn",
        "Zoë",
        "D'Arcy-Smith",
        "李",
        "Øyvind",
    ],
)
def test_real_names_have_no_problem(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    ["R2D2", "Anne 2", "4th", "-Anne", "'Brien", ".John", " Anne", "Anne_Marie", "Anne/Marie", "Anne@clinic", ""],
)
def test_digits_symbols_and_a_first_character_that_is_no_letter_are_refused(name: str) -> None:
    assert name_problem(name) == NAME_CHARACTERS


@pytest.mark.parametrize(
    "name",
    ["Anne\tMarie", "Anne\nMarie", "Anne\x00", "Ann\u200be", "An\u00adne", "\u202eAnne", "Anne\x7f"],
    ids=["tab", "newline", "nul", "zero-width-space", "soft-hyphen", "right-to-left-override", "delete"],
)
def test_invisible_and_control_characters_are_refused_with_their_own_message(name: str) -> None:
    assert name_problem(name) == NAME_CONTROL


def test_a_decomposed_accent_is_accepted_like_the_composed_one() -> None:
    assert name_problem(unicodedata.normalize("NFD", "Chloé")) is None


# --- phones ---------------------------------------------------------------------


def test_digits_keeps_only_the_digits() -> None:
    assert digits("+1 (604) 555-0134") == "16045550134"
    assert digits("no digits") == ""


@pytest.mark.parametrize(
    "typed",
    [
        "604-555-0134",
        "6045550134",
        "(604) 555-0134",
        "604 555 0134",
        "604.555.0134",
        "1 604 555 0134",
        "1-604-555-0134",
        "+1 604 555 0134",
        "+1 (604) 555-0134",
        "  604-555-0134  ",
    ],
)
def test_north_american_numbers_are_shown_as_604_555_0134(typed: str) -> None:
    assert normalise_phone(typed) == "604-555-0134"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("+33 (1) 23-45-67-89", "+33123456789"),
        ("+49 1234567", "+491234567"),
        ("+81 2345 678 901 234", "+812345678901234"),
    ],
)
def test_international_numbers_keep_their_plus_and_digits(typed: str, shown: str) -> None:
    assert normalise_phone(typed) == shown


@pytest.mark.parametrize("typed", ["+44 12345", "+4412345", "+8 1234567890123456", "+"])
def test_an_international_number_outside_8_to_15_digits_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=r"^An international number has 8 to 15 digits after the \+\.$"):
        normalise_phone(typed)


@pytest.mark.parametrize(
    "typed",
    ["604-555-013", "555-0134", "604-555-01345", "2 604 555 0134", "+1 604 555 01345", "--"],
)
def test_a_north_american_number_without_ten_digits_is_refused(typed: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalise_phone(typed)
    assert str(refused.value) == PHONE_LENGTH


@pytest.mark.parametrize("typed", ["004-555-0134", "104-555-0134", "604-055-0134", "604-155-0134", "1 104 555 0134"])
def test_an_area_code_or_exchange_starting_with_0_or_1_is_refused(typed: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalise_phone(typed)
    assert str(refused.value) == PHONE_AREA_CODE


@pytest.mark.parametrize("typed", ["604-555-0134 ext 2", "604/555/0134", "604-555-O134", "six oh four", "604#5550134"])
def test_letters_and_other_symbols_in_a_phone_are_refused(typed: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalise_phone(typed)
    assert str(refused.value) == PHONE_CHARACTERS


@pytest.mark.parametrize("typed", ["", "   "])
def test_a_blank_phone_stays_blank(typed: str) -> None:
    assert normalise_phone(typed) == ""


# --- postal codes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("V6B 1A1", "V6B 1A1"), ("v6b1a1", "V6B 1A1"), (" k1a 0b1 ", "K1A 0B1"), ("X0A 0H0", "X0A 0H0"), ("", "")],
)
def test_postal_codes_are_shown_in_capitals_with_one_space(typed: str, shown: str) -> None:
    assert normalise_postal_code(typed) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "D6B 1A1",  # D never starts a postal code
        "W6B 1A1",  # nor W or Z
        "Z6B 1A1",
        "V6O 1A1",  # O is never used
        "V6B 1A",
        "V6B 1A1X",
        "V6B  1A1",
        "V6B-1A1",
        "90210",
        "6VB 1A1",
    ],
)
def test_what_is_not_a_canadian_postal_code_is_refused(typed: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalise_postal_code(typed)
    assert str(refused.value) == POSTAL_CODE


# --- health numbers -------------------------------------------------------------------


def test_the_bc_phn_check_digit_is_modulus_11() -> None:
    assert bc_phn_check_digit_ok("9698658215")
    assert not bc_phn_check_digit_ok("9698648215")
    assert not bc_phn_check_digit_ok("9698658216")


@pytest.mark.parametrize("typed", ["9698 658 215", "9698658215", "9698-658-215", " 9698 658 215 "])
def test_a_valid_bc_phn_is_kept_without_spaces_or_dashes(typed: str) -> None:
    assert normalise_health_number(typed, "BC") == "9698658215"


@pytest.mark.parametrize("typed", ["9698648215", "9698 658 216"])
def test_a_bc_phn_with_a_wrong_digit_fails_its_check_digit(typed: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalise_health_number(typed, "BC")
    assert str(refused.value) == BC_CHECK_DIGIT


@pytest.mark.parametrize("typed", ["1698 658 215", "969 865 821", "96986582150", "9698 658 21X"])
def test_a_bc_phn_not_starting_with_9_or_without_ten_digits_shows_the_bc_example(typed: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalise_health_number(typed, "BC")
    assert str(refused.value) == "This is not a BC health number; they look like 9698 658 215."


@pytest.mark.parametrize(
    ("province", "typed", "kept"),
    [
        ("AB", "12345-6789", "123456789"),
        ("SK", "123 456 789", "123456789"),
        ("MB", "123456789", "123456789"),
        ("ON", "1234-567-890", "1234567890"),
        ("ON", "1234-567-890-ab", "1234567890AB"),
        ("QC", "abcd 1234 5678", "ABCD12345678"),
        ("NB", "123 456 789", "123456789"),
        ("NS", "1234 567 890", "1234567890"),
        ("PE", "12345678", "12345678"),
        ("NL", "123 456 789 012", "123456789012"),
        ("YT", "123 456 789", "123456789"),
        ("NT", "n1234567", "N1234567"),
        ("NU", "123 456 789", "123456789"),
    ],
)
def test_each_province_accepts_its_own_format(province: str, typed: str, kept: str) -> None:
    assert normalise_health_number(typed, province) == kept


@pytest.mark.parametrize(
    ("province", "typed"),
    [
        ("AB", "1234 5678"),
        ("ON", "123 456 789"),
        ("ON", "1234567890ABC"),
        ("QC", "1234 1234 5678"),
        ("QC", "ABC 1234 5678"),
        ("PE", "123456789"),
        ("NL", "12345678901"),
        ("NT", "12345678"),
        ("NS", "123456789"),
    ],
)
def test_a_number_in_the_wrong_format_names_the_province_and_its_example(province: str, typed: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalise_health_number(typed, province)
    expected = HEALTH_NUMBER_FORMATS[province].example
    assert str(refused.value) == f"This is not a {province} health number; they look like {expected}."


def test_every_province_has_a_health_number_format() -> None:
    assert set(HEALTH_NUMBER_FORMATS) == set(Province.values)


@pytest.mark.parametrize("province", ["", "XX", "bc"])
def test_a_health_number_without_a_known_province_asks_for_the_province(province: str) -> None:
    with pytest.raises(ValueError) as refused:
        normalise_health_number("9698 658 215", province)
    assert str(refused.value) == "Choose the province that issued the health number."


@pytest.mark.parametrize("typed", ["", "  ", " - "])
def test_a_blank_health_number_stays_blank_whatever_the_province(typed: str) -> None:
    assert normalise_health_number(typed, "BC") == ""
    assert normalise_health_number(typed, "") == ""


# --- dates of birth ---------------------------------------------------------------------


@pytest.mark.parametrize("born", [TODAY, date(2026, 3, 1), date(1980, 3, 12), date(1906, 3, 2), date(1906, 3, 3)])
def test_a_date_of_birth_from_today_back_to_120_years_has_no_problem(born: date) -> None:
    assert date_of_birth_problem(born, TODAY) is None


@pytest.mark.parametrize("born", [date(2026, 3, 3), date(2027, 1, 1)])
def test_a_date_of_birth_in_the_future_is_refused(born: date) -> None:
    assert date_of_birth_problem(born, TODAY) == "The date of birth is in the future."


@pytest.mark.parametrize("born", [date(1905, 12, 31), date(1900, 1, 1), date(1026, 3, 2)])
def test_a_date_of_birth_more_than_120_years_ago_is_refused(born: date) -> None:
    assert date_of_birth_problem(born, TODAY) == "The date of birth is more than 120 years ago: check the year."


def test_a_date_of_birth_120_years_and_some_months_ago_is_refused() -> None:
    assert date_of_birth_problem(date(1906, 1, 2), date(2026, 12, 31)) is not None


# --- dates typed into the registry search ------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "1980-03-12",
        "1980/03/12",
        "1980.03.12",
        "19800312",
        "12 Mar 1980",
        "12 March 1980",
        "Mar 12 1980",
        "March 12, 1980",
        "mar 12, 1980",
        "  12   Mar  1980 ",
        "12.03.1980",
    ],
)
def test_a_typed_date_of_birth_is_read_in_each_usual_format(typed: str) -> None:
    assert date(1980, 3, 12) in parse_search_dates(typed)


def test_an_ambiguous_date_gives_both_readings_earliest_first() -> None:
    assert parse_search_dates("03/04/1980") == [date(1980, 3, 4), date(1980, 4, 3)]
    assert parse_search_dates("03-04-1980") == [date(1980, 3, 4), date(1980, 4, 3)]


def test_a_date_with_a_day_over_12_has_one_reading() -> None:
    assert parse_search_dates("13/04/1980") == [date(1980, 4, 13)]
    assert parse_search_dates("04/13/1980") == [date(1980, 4, 13)]


@pytest.mark.parametrize("typed", ["", "   ", "1980", "03/04/80", "31/02/1980", "Chloé", "12 Smarch 1980", "0134"])
def test_what_is_not_a_full_date_gives_no_date(typed: str) -> None:
    assert parse_search_dates(typed) == []


# --- the registry's one search box -----------------------------------------------------------


def test_a_blank_query_is_empty() -> None:
    assert parse_registry_query("   ") == RegistryQuery()
    assert parse_registry_query("") == RegistryQuery()


def test_name_fragments_are_folded_and_kept_in_any_order() -> None:
    one_way = parse_registry_query("Chloé Dubois")
    other_way = parse_registry_query("  DUBOIS,  chloe ")

    assert one_way == RegistryQuery(name_terms=("chloe", "dubois"))
    assert other_way == RegistryQuery(name_terms=("dubois", "chloe"))
    assert set(one_way.name_terms) == set(other_way.name_terms)


def test_names_with_apostrophes_and_hyphens_stay_one_term() -> None:
    assert parse_registry_query("O\u2019Brien Jean-Luc").name_terms == ("o\u2019brien", "jean-luc")


def test_a_date_query_searches_by_date_of_birth() -> None:
    assert parse_registry_query("03/04/1980") == RegistryQuery(dates=(date(1980, 3, 4), date(1980, 4, 3)))
    assert parse_registry_query("12 Mar 1980") == RegistryQuery(dates=(date(1980, 3, 12),))


@pytest.mark.parametrize(
    ("typed", "phone_digits"),
    [("0134", "0134"), ("555-0134", "5550134"), ("(604) 555-0134", "6045550134"), ("+1 604 555 0134", "16045550134")],
)
def test_four_or_more_digits_search_by_phone(typed: str, phone_digits: str) -> None:
    assert parse_registry_query(typed) == RegistryQuery(phone_digits=phone_digits)


def test_fewer_than_four_digits_are_searched_as_text() -> None:
    assert parse_registry_query("604") == RegistryQuery(name_terms=("604",))


def test_a_seven_digit_local_number_searches_by_phone() -> None:
    assert parse_registry_query("5550112") == RegistryQuery(phone_digits="5550112")


def test_an_over_long_query_is_cut_to_100_characters() -> None:
    query = parse_registry_query("a" * 150)

    assert MAX_QUERY_LENGTH == 100
    assert query.name_terms == ("a" * 100,)


def test_an_over_long_query_keeps_only_the_terms_in_its_first_100_characters() -> None:
    typed = "chloe " + "x" * 93 + " dubois"

    assert parse_registry_query(typed).name_terms == ("chloe", "x" * 93)
