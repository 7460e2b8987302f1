"""Dates in the HTML: the `iso_datetime` filter (a `<time datetime>` value HTML accepts, in the clinic's time zone,
to the second) and the date picker without the attributes a date input may not carry."""

from datetime import UTC, date, datetime

from django import forms
from django.template import Context, Template
from django.test import override_settings

from accounts.dates import DatePickerInput


def rendered(value: object) -> str:
    return Template('{% load clinic_dates %}<time datetime="{{ value|iso_datetime }}">').render(
        Context({"value": value})
    )


@override_settings(TIME_ZONE="America/Vancouver")
def test_a_moment_is_written_to_the_second_in_the_clinic_time_zone() -> None:
    moment = datetime(2026, 4, 1, 16, 30, 5, 123456, tzinfo=UTC)

    assert rendered(moment) == '<time datetime="2026-04-01T09:30:05-07:00">'


def test_a_day_is_written_as_a_date_and_nothing_as_nothing() -> None:
    assert rendered(date(2026, 4, 1)) == '<time datetime="2026-04-01">'
    assert rendered(None) == '<time datetime="">'


def test_a_text_answer_shown_as_a_date_picker_has_no_maxlength() -> None:
    class AnswerForm(forms.Form):
        answer = forms.CharField(max_length=10, widget=DatePickerInput)

    form = AnswerForm({"answer": "x" * 11})
    shown = str(form["answer"])

    assert shown.startswith('<input type="date" name="answer"') and "maxlength" not in shown
    assert form.errors["answer"] == ["Ensure this value has at most 10 characters (it has 11)."]
