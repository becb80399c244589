"""One parser for dates as people type them, the form fields built on it, and one display format per language."""

import datetime
import re

import pytest
from django import forms
from django.utils import timezone, translation

from core.dates import INPUT_PATTERN, DateField, DateInput, DateTimeField, parse_date, parse_datetime


class _DateForm(forms.Form):
    day = DateField(label="Day")
    optional = DateField(label="Optional", required=False)


class _MeetingForm(forms.Form):
    at = DateTimeField(label="At")


ACCEPTED = [
    "2026-12-07",
    "2026-12-7",
    "2026.12.07",
    "2026.12.07.",
    "2026. 12. 7.",
    "2026/12/07",
    "2026년 12월 7일",
    "2026년12월7일",
    "20261207",
    "  2026-12-07 ",
    "２０２６－１２－０７",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_parse_date_reads_what_people_type(text):
    assert parse_date(text) == datetime.date(2026, 12, 7)


@pytest.mark.parametrize("text", ["", "12/07/2026", "07.12.2026", "2026-13-01", "2026-02-30", "yesterday", "2026-12", "2026년 12월"])
def test_parse_date_refuses_what_is_no_calendar_day(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("text", ACCEPTED)
def test_date_field_accepts_each_typed_form(text):
    form = _DateForm({"day": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": datetime.date(2026, 12, 7), "optional": None}


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Enter a date such as 2026-12-07 (2026.12.07 or 2026년 12월 7일 work too)."),
    ("ko", "2026-12-07처럼 날짜를 입력하세요(2026.12.07, 2026년 12월 7일도 됩니다)."),
])
def test_date_field_says_how_to_write_a_date(language, message):
    with translation.override(language):
        form = _DateForm({"day": "12/07/2026"})
        assert not form.is_valid()
        assert form.errors["day"] == [message]


def test_date_field_names_a_day_the_calendar_lacks():
    form = _DateForm({"day": "2026.02.30"})
    assert not form.is_valid()
    assert form.errors["day"] == ["“2026.02.30” is not a date of the calendar."]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_date_input_shows_the_languages_format_not_the_browsers(language):
    with translation.override(language):
        html = _DateForm(initial={"day": datetime.date(2026, 12, 7)})["day"].as_widget()
    assert 'type="text"' in html and 'value="2026-12-07"' in html and "data-date" in html
    assert 'type="date"' not in html


def test_date_input_pattern_accepts_each_typed_form_and_nothing_else():
    # The browser matches `pattern` against the whole value (the v flag changes nothing here).
    pattern = re.compile(rf"^(?:{INPUT_PATTERN})$")
    assert all(pattern.match(text) for text in ACCEPTED if text.isascii() or "년" in text)
    assert not pattern.match("12/07/2026") and not pattern.match("soon")
    assert DateInput().attrs["pattern"] == INPUT_PATTERN


@pytest.mark.parametrize("text", ["2026-12-07 14:00", "2026-12-07T14:00", "2026.12.07 14:00", "2026년 12월 7일 14:00", "2026-12-07 14:00:00"])
def test_date_time_field_accepts_each_typed_form_in_the_sites_time_zone(text):
    assert parse_datetime(text) == datetime.datetime(2026, 12, 7, 14, 0)
    form = _MeetingForm({"at": text})
    assert form.is_valid(), form.errors
    assert timezone.localtime(form.cleaned_data["at"]).replace(tzinfo=None) == datetime.datetime(2026, 12, 7, 14, 0)


@pytest.mark.parametrize("text", ["2026-12-07", "soon", "2026-12-07 25:00", "12/07/2026 2:00 PM"])
def test_date_time_field_refuses_anything_else_with_a_message(text):
    form = _MeetingForm({"at": text})
    assert not form.is_valid()
    assert form.errors["at"] == ["Enter a date and time such as 2026-12-07 14:00."]


def test_date_time_input_shows_date_and_24_hour_time():
    moment = timezone.make_aware(datetime.datetime(2026, 12, 7, 14, 0))
    html = _MeetingForm(initial={"at": moment})["at"].as_widget()
    assert 'value="2026-12-07 14:00"' in html and 'data-date="datetime"' in html
