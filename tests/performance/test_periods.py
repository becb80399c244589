import datetime
from decimal import Decimal

import pytest

from performance.periods import (
    Period,
    PeriodKind,
    fiscal_month_of,
    fiscal_year_of,
    month_periods,
    period_containing,
    periods_in_year,
)

D = datetime.date


def test_fiscal_year_starting_in_april_is_named_after_the_year_it_starts():
    assert fiscal_year_of(D(2025, 4, 1), 4) == 2025
    assert fiscal_year_of(D(2026, 3, 31), 4) == 2025
    assert fiscal_year_of(D(2025, 3, 31), 4) == 2024


def test_calendar_fiscal_year_is_the_calendar_year():
    assert fiscal_year_of(D(2025, 1, 1), 1) == 2025
    assert fiscal_year_of(D(2025, 12, 31), 1) == 2025


def test_first_quarter_of_an_april_year_is_april_to_june():
    q1 = Period(PeriodKind.QUARTER, 2025, 1, start_month=4)
    assert (q1.start, q1.end) == (D(2025, 4, 1), D(2025, 6, 30))


def test_fourth_quarter_of_an_april_year_ends_in_march_of_the_next_calendar_year():
    q4 = Period(PeriodKind.QUARTER, 2025, 4, start_month=4)
    assert (q4.start, q4.end) == (D(2026, 1, 1), D(2026, 3, 31))


def test_halves_and_year_of_an_april_fiscal_year():
    h1, h2 = periods_in_year(2025, PeriodKind.HALF, 4)
    assert (h1.start, h1.end) == (D(2025, 4, 1), D(2025, 9, 30))
    assert (h2.start, h2.end) == (D(2025, 10, 1), D(2026, 3, 31))
    year = Period(PeriodKind.YEAR, 2025, 1, 4)
    assert (year.start, year.end) == (D(2025, 4, 1), D(2026, 3, 31))


def test_month_index_counts_from_the_first_fiscal_month():
    assert fiscal_month_of(D(2025, 4, 15), 4) == 1
    assert fiscal_month_of(D(2026, 3, 15), 4) == 12
    first = Period(PeriodKind.MONTH, 2025, 1, 4)
    assert (first.start, first.end) == (D(2025, 4, 1), D(2025, 4, 30))
    last = Period(PeriodKind.MONTH, 2025, 12, 4)
    assert (last.start, last.end) == (D(2026, 3, 1), D(2026, 3, 31))


def test_february_of_a_leap_year_ends_on_the_29th():
    feb = Period(PeriodKind.MONTH, 2024, 2, 1)
    assert feb.end == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        (D(2025, 4, 1), PeriodKind.QUARTER, (2025, 1)),
        (D(2025, 7, 1), PeriodKind.QUARTER, (2025, 2)),
        (D(2026, 3, 31), PeriodKind.QUARTER, (2025, 4)),
        (D(2025, 9, 30), PeriodKind.HALF, (2025, 1)),
        (D(2025, 10, 1), PeriodKind.HALF, (2025, 2)),
        (D(2026, 2, 10), PeriodKind.YEAR, (2025, 1)),
        (D(2026, 2, 10), PeriodKind.MONTH, (2025, 11)),
    ],
)
def test_period_containing_a_date_in_an_april_year(day, kind, expected):
    period = period_containing(day, kind, 4)
    assert (period.fiscal_year, period.index) == expected
    assert period.contains(day)


def test_quarters_of_a_year_tile_it_without_gaps():
    quarters = periods_in_year(2025, PeriodKind.QUARTER, 10)
    assert quarters[0].start == Period(PeriodKind.YEAR, 2025, 1, 10).start
    for earlier, later in zip(quarters, quarters[1:]):
        assert later.start == earlier.end + datetime.timedelta(days=1)
    assert quarters[-1].end == Period(PeriodKind.YEAR, 2025, 1, 10).end


def test_previous_of_the_first_quarter_is_the_last_quarter_of_the_year_before():
    q1 = Period(PeriodKind.QUARTER, 2025, 1, 4)
    assert q1.previous() == Period(PeriodKind.QUARTER, 2024, 4, 4)
    assert q1.previous().next() == q1
    assert Period(PeriodKind.MONTH, 2025, 12, 4).next() == Period(PeriodKind.MONTH, 2026, 1, 4)


def test_months_of_a_quarter():
    months = month_periods(Period(PeriodKind.QUARTER, 2025, 2, 4))
    assert [m.index for m in months] == [4, 5, 6]
    assert months[0].start == D(2025, 7, 1)


def test_elapsed_fraction_counts_days_including_today():
    q1 = Period(PeriodKind.QUARTER, 2025, 1, 4)  # 91 days
    assert q1.elapsed_fraction(D(2025, 3, 31)) == 0
    assert q1.elapsed_fraction(D(2025, 4, 1)) == Decimal(1) / Decimal(91)
    assert q1.elapsed_fraction(D(2025, 5, 15)) == Decimal(45) / Decimal(91)
    assert q1.elapsed_fraction(D(2025, 6, 30)) == 1


@pytest.mark.parametrize(("kind", "index"), [("quarter", 5), ("half", 3), ("year", 2), ("month", 0), ("week", 1)])
def test_period_refuses_an_index_out_of_range(kind, index):
    with pytest.raises(ValueError):
        Period(kind, 2025, index, 1)


def test_period_refuses_a_start_month_out_of_range():
    with pytest.raises(ValueError):
        fiscal_year_of(D(2025, 1, 1), 13)


def test_labels_in_english_and_korean():
    from django.utils import translation

    q1 = Period(PeriodKind.QUARTER, 2025, 1, 4)
    month = Period(PeriodKind.MONTH, 2025, 1, 4)
    with translation.override("en"):
        assert q1.label == "FY2025 Q1"
        assert month.label == "2025-04"
        assert month.long_label == "April 2025"
    with translation.override("ko"):
        assert month.long_label.startswith("2025")
