"""The seed's revenue lines are checked in one pass before they go in with SQLite's per-row checks skipped."""

import datetime
from decimal import Decimal

import pytest
from django.db import models

from accounts.models import RevenueLine
from demo.revenue import REVENUE_CHECKS, revenue_rows_check


def test_revenue_rows_check_covers_every_check_constraint_of_revenue_lines():
    checks = {c.name for c in RevenueLine._meta.constraints if isinstance(c, models.CheckConstraint)}
    assert checks == set(REVENUE_CHECKS)


@pytest.mark.parametrize("row", [
    (1, 2, datetime.date(2026, 3, 2), Decimal(5), Decimal(1), "SO-1-R1"),
    (1, 2, datetime.date(2026, 3, 1), Decimal(-1), Decimal(1), "SO-1-R1"),
    (1, 2, datetime.date(2026, 3, 1), Decimal(5), Decimal(-1), "SO-1-R1"),
])
def test_revenue_rows_check_refuses_a_row_a_check_would_refuse(row):
    good = (1, 2, datetime.date(2026, 3, 1), Decimal(5), Decimal(0), "SO-1-R2")
    revenue_rows_check([good])
    with pytest.raises(ValueError):
        revenue_rows_check([good, row])
