"""Amounts and dates as Korean spreadsheets and ERP exports write them, read without guessing.

Every parser returns `(value, None)` or `(None, reason)`: a value that is unreadable, rounded
or ambiguous is never turned into some number; the reason says why, so an import can report it
on the row.

Amounts: the won sign in its forms (₩ U+20A9, ￦ U+FFE6, and `\\`, which is how a CP949 file's
won sign reads), `KRW`, the unit 원, spaces, and 만 / 억 units (`1억 2,000만원`). A comma
separates thousands only in groups of three (`1,234,567`); a dot is the decimal point. Refused
with a reason: scientific notation (`1.23E+09`: Excel rounded the number to show it), a single
dot followed by exactly three digits (`1.234`: a thousands separator in some countries, a
decimal point in others), commas not in groups of three (`1,23`), dots as thousands separators
(`1.234.567`).

Months (a revenue line's recognised month): `2026-03`, `2026.03`, `2026. 3.`, `2026/3`, `202603`,
`2026년 3월`, or any date above (its month is taken).

Dates: year first: `2026-03-05`, `2026.03.05`, `2026. 3. 5.`, `2026/3/5`, `20260305`,
`2026년 3월 5일` (with or without a weekday `(목)`), each optionally followed by a time
(`14:30`, `오후 2:30:00`, `T14:30:00+09:00`), which is dropped. Refused with a reason: day or
month first (`03/05/2026`: March 5 or May 3?) and two-digit years (`26.03.05`).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

WON_SIGNS = ("₩", "￦", "\\", "KRW", "krw", "원")
_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_SCIENTIFIC = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")
_AMBIGUOUS_DOT = re.compile(r"^[1-9]\d{0,2}\.\d{3}$")
_UNIT_PART = re.compile(r"^(?:(?P<eok>[\d.,]+)억)?(?:(?P<man>[\d.,]+)만)?(?P<rest>[\d.,]*)$")


def parse_amount(text: str) -> tuple[Decimal | None, str | None]:
    """A money amount (may be negative: `-`, `△` or `(…)`), or the reason it cannot be read."""
    original = text
    text = _SPACES.sub("", text or "")
    if not text:
        return None, None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text[:1] in ("-", "−", "△", "▲"):
        negative, text = True, text[1:]
    for sign in WON_SIGNS:
        if text.startswith(sign):
            text = text[len(sign):]
        if text.endswith(sign):
            text = text[: -len(sign)]
    if text[:1] == "-" and not negative:
        negative, text = True, text[1:]
    if _SCIENTIFIC.match(text):
        return None, _(
            "“%(value)s” is in scientific notation: Excel rounded it to show it. Format the column as a number "
            "(no decimals) and save the file again."
        ) % {"value": original.strip()}
    if "억" in text or "만" in text:
        match = _UNIT_PART.match(text)
        if not match:
            return None, _("“%(value)s” is not a number.") % {"value": original.strip()}
        total = Decimal(0)
        for part, factor in (("eok", 100_000_000), ("man", 10_000), ("rest", 1)):
            if match.group(part):
                number, problem = _plain_number(match.group(part), original)
                if problem:
                    return None, problem
                total += number * factor
        return (-total if negative else total), None
    number, problem = _plain_number(text, original)
    if problem:
        return None, problem
    return (-number if negative else number), None


def _plain_number(text: str, original: str) -> tuple[Decimal | None, str | None]:
    if _AMBIGUOUS_DOT.match(text):
        return None, _(
            "“%(value)s” is ambiguous: the dot may be a decimal point or a thousands separator. "
            "Write thousands with commas (1,234) and decimals with a dot (1.5)."
        ) % {"value": original.strip()}
    if text.count(".") > 1:
        return None, _("“%(value)s” uses dots between thousands; write 1,234,567.") % {"value": original.strip()}
    if "," in text and not _GROUPED.match(text):
        return None, _(
            "“%(value)s” is ambiguous: a comma separates thousands only in groups of three digits (1,234,567); "
            "decimals take a dot (1.5)."
        ) % {"value": original.strip()}
    if not (_GROUPED.match(text) or _PLAIN.match(text)):
        return None, _("“%(value)s” is not a number.") % {"value": original.strip()}
    try:
        return Decimal(text.replace(",", "")), None
    except InvalidOperation:  # pragma: no cover - the patterns above admit only valid decimals
        return None, _("“%(value)s” is not a number.") % {"value": original.strip()}


_WEEKDAY = r"(?:\(?\s*[월화수목금토일](?:요일)?\s*\)?)?"
_TIME = r"(?:[\sT]+(?:오전|오후|AM|PM|am|pm)?\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:AM|PM|am|pm)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_FORMS = (
    re.compile(r"^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})" + _TIME + "$"),
    re.compile(r"^(\d{4})\s*\.\s*(\d{1,2})\s*\.\s*(\d{1,2})\s*\.?\s*" + _WEEKDAY + _TIME + "$"),
    re.compile(r"^(\d{4})\s*/\s*(\d{1,2})\s*/\s*(\d{1,2})\s*" + _WEEKDAY + _TIME + "$"),
    re.compile(r"^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s*" + _WEEKDAY + _TIME + "$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_DAY_FIRST = re.compile(r"^\d{1,2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{4}")
_SHORT_YEAR = re.compile(r"^\d{2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}\.?$")


def parse_date(text: str) -> tuple[datetime.date | None, str | None]:
    """A calendar date (any time of day dropped), or the reason it cannot be read."""
    text = _SPACES.sub(" ", (text or "").strip())
    if not text:
        return None, None
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()[:3])), None
            except ValueError:
                return None, _("“%(value)s” is not a date of the calendar.") % {"value": text}
    if _DAY_FIRST.match(text):
        return None, _(
            "“%(value)s” is ambiguous: the day and the month could be either way round. Write the year first: 2026-03-05."
        ) % {"value": text}
    if _SHORT_YEAR.match(text):
        return None, _("“%(value)s” has a two-digit year. Write the year in full: 2026-03-05.") % {"value": text}
    return None, _("“%(value)s” is not a date; use YYYY-MM-DD.") % {"value": text}


# Order dates: one rule for the import, the API and the web (README, "Importing data").
ORDER_DATE_MIN = datetime.date(2000, 1, 1)


def order_date_problem(day: datetime.date, today: datetime.date) -> str | None:
    """Why an order date is refused (before 2000-01-01, or after today), or None."""
    if day < ORDER_DATE_MIN:
        return _("%(date)s is before %(min)s.") % {"date": day.isoformat(), "min": ORDER_DATE_MIN.isoformat()}
    if day > today:
        return _("%(date)s is in the future.") % {"date": day.isoformat()}
    return None


_MONTH_FORMS = (
    re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*\.?$"),
    re.compile(r"^(\d{4})년\s*(\d{1,2})월$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def parse_month(text: str) -> tuple[datetime.date | None, str | None]:
    """A calendar month as its first day (from a month or from any date in it), or the reason it cannot be read."""
    text = _SPACES.sub(" ", (text or "").strip())
    for form in _MONTH_FORMS:
        match = form.match(text)
        if match:
            year, month = (int(part) for part in match.groups())
            if not 1 <= month <= 12:
                return None, _("“%(value)s” is not a month of the calendar.") % {"value": text}
            return datetime.date(year, month, 1), None
    if text and not any(form.match(text) for form in (*_DATE_FORMS, _DAY_FIRST, _SHORT_YEAR)):
        return None, _("“%(value)s” is not a month; use YYYY-MM.") % {"value": text}
    day, problem = parse_date(text)
    return (day.replace(day=1) if day else None), problem


def revenue_month_problem(month: datetime.date, today: datetime.date) -> str | None:
    """Why a revenue line's month is refused (before January 2000, or after this month), or None."""
    if month < ORDER_DATE_MIN:
        return _("%(month)s is before %(min)s.") % {"month": month.strftime("%Y-%m"), "min": ORDER_DATE_MIN.strftime("%Y-%m")}
    if month > today.replace(day=1):
        return _("%(month)s has not started yet.") % {"month": month.strftime("%Y-%m")}
    return None
