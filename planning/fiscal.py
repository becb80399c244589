"""Dates of a plan's fiscal year and quarters.

Fiscal year N starts on the first day of the account's start month in calendar year N.
"""

import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), on the first of the month when given a first."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def fiscal_year_bounds(*, start_month: int, fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of fiscal year `fiscal_year` for an account whose year starts in `start_month`."""
    start = datetime.date(fiscal_year, start_month, 1)
    return start, add_months(start, 12) - datetime.timedelta(days=1)


def fiscal_year_of(*, start_month: int, day: datetime.date) -> int:
    """The fiscal year `day` falls in."""
    return day.year if day.month >= start_month else day.year - 1


def quarter_bounds(*, period_start: datetime.date, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of fiscal quarter 1–4 of the year starting on `period_start`."""
    start = add_months(period_start, 3 * (quarter - 1))
    return start, add_months(start, 3) - datetime.timedelta(days=1)


def quarter_of(*, period_start: datetime.date, day: datetime.date) -> int | None:
    """The fiscal quarter (1–4) `day` falls in, or None outside the year starting on `period_start`."""
    months = (day.year - period_start.year) * 12 + day.month - period_start.month
    if day < period_start or months >= 12:
        return None
    return months // 3 + 1
