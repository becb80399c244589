"""Dates the way people type them, shown one way per language: 2026-12-07 · 2026.12.07 · 2026/12/07 ·
2026. 12. 7. · 2026년 12월 7일 · 20261207.

`<input type=date>` shows the *browser's* locale format (mm/dd/yyyy in an English Chromium), so a Korean
user saw dates one way in the pickers and another on the pages. Every date input is instead this text
input (`DateInput`), showing the date in the page language's DATE_INPUT_FORMATS (kam/formats: ISO in both
languages, as the pages show dates); static/js/dates.js rewrites what was typed into that format and adds a
calendar button. `parse_date` is the one parser (the server's; the script's copy only tidies), `DateField`
the form field every date uses.
"""

import datetime
import re

from django import forms
from django.forms.utils import from_current_timezone, to_current_timezone
from django.utils import formats
from django.utils.translation import gettext_lazy as _

_SEPARATED = re.compile(r"^(?P<year>\d{4})\s*[-./]\s*(?P<month>\d{1,2})\s*[-./]\s*(?P<day>\d{1,2})\s*\.?$")
_KOREAN = re.compile(r"^(?P<year>\d{4})\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일?$")
_COMPACT = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")

# The same forms for the browser's `pattern` attribute (a JavaScript regular expression with the v flag,
# matched against the whole value); the script and the server still say what exactly is wrong.
INPUT_PATTERN = (
    r"\s*\d{4}\s*(?:[\-.\/]\s*\d{1,2}\s*[\-.\/]\s*\d{1,2}\s*\.?|년\s*\d{1,2}\s*월\s*\d{1,2}\s*일?|\d{4})\s*"
)


# One message for a date that cannot be read, from the server and (before sending) from the script.
INVALID_DATE = _("Enter a date such as 2026-12-07 (2026.12.07 or 2026년 12월 7일 work too).")
INVALID_DATE_TIME = _("Enter a date and time such as 2026-12-07 14:00.")


def parse_date(text: str) -> datetime.date:
    """The calendar date `text` says; ValueError when it says none (or one the calendar lacks: 2026-02-30)."""
    cleaned = str(text).strip()
    if not cleaned.isascii():
        cleaned = cleaned.translate(_FULL_WIDTH)
    for pattern in (_SEPARATED, _KOREAN, _COMPACT):
        match = pattern.match(cleaned)
        if match:
            return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
    raise ValueError(text)


_TIME = re.compile(r"^(?P<date>.+?)(?:\s*T\s*|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?$")


def parse_datetime(text: str) -> datetime.datetime:
    """The (naive) date and time `text` says: a date as `parse_date` reads it, then a 24-hour time
    (2026-12-07 14:00, 2026.12.07 14:00, 2026년 12월 7일 14:00, and 2026-12-07T14:00 as
    `<input type=datetime-local>` sent it); ValueError otherwise."""
    match = _TIME.match(str(text).strip())
    if not match:
        raise ValueError(text)
    return datetime.datetime.combine(
        parse_date(match["date"]), datetime.time(int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
    )


# Full-width digits and punctuation, as a Korean or Japanese input method may type them.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－．／　", "0123456789-./ ")


class DateInput(forms.DateInput):
    """A text input (not type=date, whose display follows the browser's locale) for one date.

    The value is written in the active language's first DATE_INPUT_FORMATS; `data-date` lets
    static/js/dates.js tidy typed dates into that form and add a calendar button.
    """

    input_type = "text"

    def __init__(self, attrs=None, format=None):
        super().__init__(
            {
                "data-date": "",
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": INPUT_PATTERN,
                "maxlength": "20",
                "placeholder": _("YYYY-MM-DD"),
                "title": _("A date such as 2026-12-07 (2026.12.07 or 2026년 12월 7일 work too)"),
                "data-date-choose": _("Choose a date"),
                "data-date-invalid": INVALID_DATE,
                **(attrs or {}),
            },
            format=format,
        )


class DateField(forms.DateField):
    """A date typed as people type it (see `parse_date`), with one message for anything else."""

    widget = DateInput
    default_error_messages = {
        "invalid": INVALID_DATE,
        "no_such_day": _("“%(value)s” is not a date of the calendar."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        try:
            return parse_date(text)
        except ValueError:
            pass
        try:  # the language's own input formats, should one ever differ from the forms above
            return super().to_python(text)
        except forms.ValidationError:
            pass
        if any(pattern.match(text) for pattern in (_SEPARATED, _KOREAN, _COMPACT)):
            raise forms.ValidationError(self.error_messages["no_such_day"], code="invalid", params={"value": text})
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class DateTimeInput(forms.DateTimeInput):
    """A text input for a date and a time: the date as `DateInput` writes it, then HH:MM (24 hours)."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            {
                "data-date": "datetime",
                "autocomplete": "off",
                "maxlength": "30",
                "placeholder": _("YYYY-MM-DD HH:MM"),
                "title": _("A date and time such as 2026-12-07 14:00"),
                "data-date-choose": _("Choose a date and time"),
                "data-date-invalid": INVALID_DATE_TIME,
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, datetime.datetime):
            value = to_current_timezone(value)
            return value.strftime(f"{formats.get_format('DATE_INPUT_FORMATS')[0]} %H:%M")
        return super().format_value(value)


class DateTimeField(forms.DateTimeField):
    """A date and time typed as people type them (see `parse_datetime`), in the current time zone."""

    widget = DateTimeInput
    default_error_messages = {
        "invalid": INVALID_DATE_TIME,
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return from_current_timezone(value) if value.tzinfo is None else value
        try:
            return from_current_timezone(parse_datetime(str(value)))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
