"""Fiscal periods: which month, quarter, half-year and year a date falls in for an account.

Each account has its own `fiscal_year_start_month`. A fiscal year is named after the calendar
year in which it starts: with April as the first month, FY2025 runs from 1 April 2025 to
31 March 2026, and its Q1 is April–June 2025. Period indexes count from the start of the
fiscal year: month 1 is the fiscal year's first month, quarter 1 its first three months,
half 1 its first six months, and the year itself has index 1.

Everything here is pure date arithmetic: no database, no settings.
"""

import calendar
import datetime
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half-year")
    YEAR = "year", _("Year")


MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
PERIODS_PER_YEAR = {kind: 12 // months for kind, months in MONTHS_IN.items()}
MIN_FISCAL_YEAR = 2000
MAX_FISCAL_YEAR = 2100


def _check_start_month(start_month: int) -> None:
    if not 1 <= start_month <= 12:
        raise ValueError(f"A fiscal year starts in month 1 to 12, not {start_month}.")


def fiscal_year_of(day: datetime.date, start_month: int) -> int:
    """The fiscal year `day` belongs to, named after the calendar year in which that fiscal year starts."""
    _check_start_month(start_month)
    return day.year if day.month >= start_month else day.year - 1


def fiscal_month_of(day: datetime.date, start_month: int) -> int:
    """1 for the fiscal year's first month … 12 for its last."""
    _check_start_month(start_month)
    return (day.month - start_month) % 12 + 1


@dataclass(frozen=True)
class Period:
    """One month, quarter, half-year or year of an account's fiscal calendar."""

    kind: str
    fiscal_year: int
    index: int
    start_month: int = 1

    def __post_init__(self) -> None:
        if self.kind not in MONTHS_IN:
            raise ValueError(f"Unknown period kind {self.kind!r}.")
        _check_start_month(self.start_month)
        if not 1 <= self.index <= PERIODS_PER_YEAR[self.kind]:
            raise ValueError(f"A {self.kind} index runs from 1 to {PERIODS_PER_YEAR[self.kind]}, not {self.index}.")
        if not MIN_FISCAL_YEAR <= self.fiscal_year <= MAX_FISCAL_YEAR:
            raise ValueError(f"Fiscal year {self.fiscal_year} is out of range.")

    # The calendar ------------------------------------------------------------------------
    @property
    def months(self) -> int:
        return MONTHS_IN[self.kind]

    @property
    def fiscal_months(self) -> range:
        """The fiscal month numbers (1–12) this period covers: Q2 covers 4, 5 and 6."""
        first = (self.index - 1) * self.months + 1
        return range(first, first + self.months)

    def _calendar_month(self, fiscal_month: int) -> tuple[int, int]:
        offset = self.start_month - 1 + fiscal_month - 1
        return self.fiscal_year + offset // 12, offset % 12 + 1

    @cached_property
    def start(self) -> datetime.date:
        year, month = self._calendar_month(self.fiscal_months[0])
        return datetime.date(year, month, 1)

    @cached_property
    def end(self) -> datetime.date:
        """The last day of the period (inclusive; like `start`, computed once: pages compare many dates with it)."""
        year, month = self._calendar_month(self.fiscal_months[-1])
        return datetime.date(year, month, calendar.monthrange(year, month)[1])

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def elapsed_fraction(self, as_of: datetime.date) -> Decimal:
        """How much of the period has passed by the end of `as_of`: 0 before it starts, 1 once it has ended."""
        if as_of < self.start:
            return Decimal(0)
        if as_of >= self.end:
            return Decimal(1)
        return Decimal((as_of - self.start).days + 1) / Decimal(self.days)

    # Neighbours --------------------------------------------------------------------------
    def shifted(self, steps: int) -> "Period":
        """The period `steps` periods of the same kind later (negative: earlier)."""
        per_year = PERIODS_PER_YEAR[self.kind]
        position = self.fiscal_year * per_year + (self.index - 1) + steps
        return Period(self.kind, position // per_year, position % per_year + 1, self.start_month)

    def previous(self) -> "Period":
        return self.shifted(-1)

    def next(self) -> "Period":
        return self.shifted(1)

    def year(self) -> "Period":
        return Period(PeriodKind.YEAR, self.fiscal_year, 1, self.start_month)

    # Labels ------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """A short label: '2025-04' for a month, 'FY2025 Q1', 'FY2025 H2', 'FY2025'."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return gettext("FY%(year)s Q%(index)s") % {"year": self.fiscal_year, "index": self.index}
        if self.kind == PeriodKind.HALF:
            return gettext("FY%(year)s H%(index)s") % {"year": self.fiscal_year, "index": self.index}
        return gettext("FY%(year)s") % {"year": self.fiscal_year}

    @property
    def long_label(self) -> str:
        """'April 2025' for a month (in the request's language); otherwise the short label."""
        if self.kind == PeriodKind.MONTH:
            return formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        return self.label

    @property
    def range_label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def __str__(self) -> str:
        return self.label


def period_containing(day: datetime.date, kind: str, start_month: int) -> Period:
    """The period of `kind` that contains `day` in a fiscal calendar starting in `start_month`."""
    fiscal_month = fiscal_month_of(day, start_month)
    return Period(kind, fiscal_year_of(day, start_month), (fiscal_month - 1) // MONTHS_IN[kind] + 1, start_month)


def periods_in_year(fiscal_year: int, kind: str, start_month: int) -> list[Period]:
    """Every period of `kind` in one fiscal year, in order."""
    return [Period(kind, fiscal_year, index, start_month) for index in range(1, PERIODS_PER_YEAR[kind] + 1)]


def month_periods(period: Period) -> list[Period]:
    """The months a period is made of."""
    return [Period(PeriodKind.MONTH, period.fiscal_year, month, period.start_month) for month in period.fiscal_months]
