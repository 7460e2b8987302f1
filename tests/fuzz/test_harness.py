"""The fuzz's own checks catch what they are for: a page's forms are all read, and an echo fails."""

import logging

import pytest
from django.http import HttpResponse, JsonResponse

from tests.fuzz.harness import check_answer, forms_on, shows_form_errors
from tests.fuzz.hostile import MARKER

PAGE = """
<form method="post" action="/patients/1/archive/"><input type="hidden" name="submission_key" value="k"></form>
<form method="post" id="q" data-hx-post="/q/t/start/save/">
  <input type="radio" name="A1" value="yes"><input type="radio" name="A1" value="no">
  <select name="side"><option value="">Choose</option><option value="L">Left</option></select>
  <textarea name="note"></textarea><input type="date" name="onset_on"><button name="go" value="next">Next</button>
</form>
<form method="get" action="/patients/"><input name="q"></form>
"""


def test_every_form_of_a_page_is_read_with_the_values_it_offers() -> None:
    forms = {(form.action, form.method): form.fields for form in forms_on(PAGE, "/q/t/start/")}

    assert forms[("/patients/1/archive/", "post")] == {"submission_key": ["k"]}
    # A form htmx posts elsewhere than its action counts for both places.
    assert forms[("/q/t/start/", "post")] is forms[("/q/t/start/save/", "post")]
    assert forms[("/q/t/start/", "post")] == {
        "A1": ["yes", "no"],
        "side": ["", "L"],
        "note": ["Fuzz text"],
        "onset_on": ["2027-01-15"],
        "go": ["next"],
    }
    assert ("/patients/", "get") in forms


def test_markup_echoed_into_a_page_fails_and_escaped_or_in_json_passes() -> None:
    with pytest.raises(AssertionError, match="unescaped"):
        check_answer(HttpResponse(f"<p>{MARKER}</p>"), changed=None, logged=[])

    check_answer(HttpResponse("<p>&lt;b id=fz7261&gt;</p>"), changed=None, logged=[])
    check_answer(JsonResponse({"echo": MARKER}), changed=None, logged=[])


def test_a_500_a_logged_error_and_rows_saved_behind_an_error_page_each_fail() -> None:
    with pytest.raises(AssertionError, match="500"):
        check_answer(HttpResponse(status=500), changed=None, logged=[])
    with pytest.raises(AssertionError, match="logged at ERROR"):
        check_answer(HttpResponse(), changed=None, logged=[logging.makeLogRecord({"msg": "Internal Server Error"})])
    with pytest.raises(AssertionError, match="rows changed"):
        check_answer(HttpResponse(status=400), changed={"patients_patient": (1, 2)}, logged=[])
    assert shows_form_errors(HttpResponse('<input class="form-control is-invalid">'))
    assert not shows_form_errors(HttpResponse("<p>Saved.</p>"))
