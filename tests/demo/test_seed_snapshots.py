"""The demo seed writes its KPI snapshots with the loader's insert: the same rows as the refresh's own."""

import datetime
from functools import partial

import pytest
from django.utils import timezone

from demo.accounts_seed import demo_seed
from demo.bulk import insert_rows
from demo.performance import performance_demo_seed
from performance.models import KpiSnapshot
from performance.services import SNAPSHOT_COLUMNS, kpi_snapshot_refresh

pytestmark = pytest.mark.django_db

COLUMNS = (
    "account_id", "kpi_id", "as_of", "period_kind", "fiscal_year", "period_index", "actual", "target", "expected",
    "status", "week_before_as_of", "week_before_status", "week_before_actual",
)


def _refresh_both_days(today: datetime.date, **options) -> list[tuple]:
    for day in (today - datetime.timedelta(days=7), today):
        kpi_snapshot_refresh(as_of=day, **options)
    return list(KpiSnapshot.objects.order_by(*COLUMNS[:4]).values_list(*COLUMNS))


def test_seed_snapshots_are_the_rows_the_refresh_makes():
    today = timezone.localdate()
    demo_seed(account_count=9, seed=3, today=today)
    performance_demo_seed(seed=3, today=today)
    seeded = list(KpiSnapshot.objects.order_by(*COLUMNS[:4]).values_list(*COLUMNS))
    assert seeded and any(row[-1] is not None for row in seeded)  # today's rows carry last week's
    KpiSnapshot.objects.all().delete()
    assert _refresh_both_days(today) == seeded
    KpiSnapshot.objects.all().delete()
    assert _refresh_both_days(today, insert=partial(insert_rows, KpiSnapshot, SNAPSHOT_COLUMNS)) == seeded
