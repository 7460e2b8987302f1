"""Hostile values for form fields and query parameters, as hypothesis strategies.

Each field gets, most of the time, a value its page would send (so the other fields' checks are reached),
and otherwise one of the values people and scripts really send: nothing, a novel, NUL bytes, right-to-left and
emoji text, numbers out of any range, dates at the ends of the calendar or not dates at all, markup and
template syntax, other objects' ids and ids that do not exist; or the field is left out, or sent twice.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

# Submitted markup must never come back raw: any page that shows this string unescaped has an injection hole.
MARKER = "<b id=fz7261>"
# What a page would show if it rendered submitted text as a template instead of as text.
TEMPLATE_LEAKS = ("WSGIRequest", "FZ-TEMPLATE-RAN")

MISSING = object()

HOSTILE_TEXT = (
    "",
    " ",
    "\t\r\n",
    "x" * 10_000,
    "a\x00b",
    "\x00",
    "\u202eevil\u202c right-to-left",
    "مرحبا بالعالم",
    "שלום",
    "👩‍⚕️🦴💉" * 5,
    "Ǆ̈̀ͅ" * 20,
    "-1",
    "0",
    "-0",
    "-99999999999999999999",
    "99999999999999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "1e309",
    "NaN",
    "-inf",
    "3.5",
    "0x1F",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2025-02-30",
    "2025-13-01",
    "31/12/2025",
    "2025-1-1",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2025-06-01T25:61",
    "2025-06-01 10:00",
    "10:00",
    "99:99",
    MARKER,
    f"{MARKER}<script>alert(1)</script>",
    f'"><img src=x onerror=alert(1)>{MARKER}',
    f"javascript:alert(1)//{MARKER}",
    "{{ request }}",
    "{% debug %}",
    "{% filter upper %}fz-template-ran{% endfilter %}",
    "{{ 7|add:8 }}",
    "on",
    "yes",
    "true",
    "null",
    "[]",
    '{"a": 1}',
    "%s%n%x",
    "' OR 1=1 --",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
)

# Ids that name nothing, and ids at the edges of the database's integer types.
MISSING_IDS = ("0", "-1", "999999999", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808")


def hostile_value(world_ids: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(MISSING_IDS + world_ids),
        st.text(st.characters(codec="utf-8"), max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def field_value(natural: tuple[str, ...], world_ids: tuple[str, ...]) -> st.SearchStrategy:
    """A value for one field: usually natural, else hostile; sometimes left out, sometimes sent twice or more."""
    single = hostile_value(world_ids)
    if natural:
        single = st.one_of(st.sampled_from(natural), st.sampled_from(natural), single)
    return st.one_of(
        single,
        single,
        single,
        st.just(MISSING),
        st.lists(single, min_size=2, max_size=3),
    )


def extra_fields(world_ids: tuple[str, ...]) -> st.SearchStrategy[dict[str, object]]:
    """Fields no form of the page has: a stray name, or one with a wrong type of value."""
    names = st.sampled_from(("id", "pk", "patient", "user", "is_staff", "signed_at", "status", "next", "fz"))
    return st.dictionaries(names, hostile_value(world_ids), max_size=2)


def csv_files() -> st.SearchStrategy[SimpleUploadedFile]:
    """An uploaded CSV file: a header the import knows or not, hostile cells, or bytes that are not text."""
    cell = st.sampled_from(HOSTILE_TEXT[:40]).map(lambda text: text.replace('"', '""'))
    rows = st.lists(st.lists(cell, min_size=1, max_size=4).map(lambda cells: ",".join(f'"{c}"' for c in cells)))
    headers = st.sampled_from(("given_name,family_name,date_of_birth", "", "name", "given_name,given_name,x"))
    content = st.tuples(headers, rows).map(lambda parts: "\n".join([parts[0], *parts[1]]).encode())
    raw = st.one_of(content, st.binary(max_size=200), st.just(b"\xff\xfe\x00"))
    return raw.map(lambda data: SimpleUploadedFile("patients.csv", data, content_type="text/csv"))
