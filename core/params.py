"""Whole numbers taken from a URL, a query string or a hidden form field.

One rule for all of them: ASCII digits only (no sign, spaces, decimal point, exponent, hex,
and none of the Unicode digits that `str.isdigit()` accepts but `int()` refuses, such as
`²`, `①` or `١`), within a range the database can hold. Anything else is "no value": an id
then answers 404 (`id_or_404`), a filter is ignored, a form field gets the form's own error,
and a page number falls back to the first page (and one past the end shows the last page,
as Django's `Paginator.get_page` does).
"""

import datetime

from django.http import Http404

from core import dates

# The database's integers: ids are at least 32-bit signed everywhere, so anything above
# this cannot name a row of a small table and is refused before it reaches the driver.
MAX_ID = 2**31 - 1
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PAGE = 1_000_000
MAX_VERSION = MAX_ID
MAX_LOCK_VERSION = MAX_ID
_MAX_DATE_LENGTH = 30  # 2026년 12월 7일 with room for spaces; anything longer is no date
_MAX_DIGITS = 10  # len(str(2**31 - 1)): a longer string is out of range without converting it


def parse_int(value, *, minimum: int, maximum: int) -> int | None:
    """`value` as an int when it is ASCII digits (or already an int) within [minimum, maximum]; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value and value.isascii() and value.isdigit() and len(value.lstrip("0")) <= _MAX_DIGITS:
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A database id (1 .. 2**31-1), or None."""
    return parse_int(value, minimum=1, maximum=MAX_ID)


def id_or_404(value) -> int:
    """A database id, or Http404 for anything else."""
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


def parse_year(value) -> int | None:
    """A (fiscal) year the application knows (2000 .. 2100), or None."""
    return parse_int(value, minimum=MIN_YEAR, maximum=MAX_YEAR)


def parse_quarter(value) -> int | None:
    """A quarter, 1 .. 4, or None."""
    return parse_int(value, minimum=1, maximum=4)


def parse_version(value) -> int | None:
    """A plan version number (1 and up), or None."""
    return parse_int(value, minimum=1, maximum=MAX_VERSION)


def parse_lock_version(value) -> int | None:
    """An optimistic-lock counter sent back by a form (0 and up), or None."""
    return parse_int(value, minimum=0, maximum=MAX_LOCK_VERSION)


def page_number(value) -> int:
    """A page number for `Paginator.get_page`: 1 for anything unreadable, capped at MAX_PAGE
    (beyond the last page, `get_page` shows the last page)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value.lstrip("0")) > _MAX_DIGITS:
        return MAX_PAGE
    number = parse_int(value, minimum=1, maximum=2**63 - 1)
    if number is None:
        return 1
    return min(number, MAX_PAGE)


def parse_date(value) -> datetime.date | None:
    """A date from a query string, as a date input sends it (2026-03-05) or as typed there
    (2026.03.05, 2026년 3월 5일: `core.dates.parse_date`), or None for anything else, including dates
    the calendar does not have (2026-02-30) and years outside MIN_YEAR..MAX_YEAR."""
    if not (isinstance(value, str) and len(value) <= _MAX_DATE_LENGTH):
        return None
    try:
        day = dates.parse_date(value)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None

def parse_month(value) -> datetime.date | None:
    """A month from a query string, as a month input sends it (2026-03), as its first day; or None for
    anything else, including months outside 1..12 and years outside MIN_YEAR..MAX_YEAR."""
    if not (isinstance(value, str) and len(value) <= 7):
        return None
    year, _dash, month = value.partition("-")
    year, month = parse_year(year), parse_int(month, minimum=1, maximum=12)
    if year is None or month is None:
        return None
    return datetime.date(year, month, 1)
