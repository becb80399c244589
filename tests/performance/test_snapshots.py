import datetime

import pytest
from django.core.management import call_command

from performance.models import KpiSnapshot
from performance.services import SNAPSHOT_RETENTION_DAYS, kpi_snapshot_refresh
from performance.tasks import refresh_kpi_snapshots
from tests.factories import AccountFactory, KpiTargetFactory, OrderFactory, kpi

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 5, 15)


def test_refresh_writes_each_applicable_kpi_for_the_current_quarter_and_year():
    sales = AccountFactory(team_type="sales", fiscal_year_start_month=4)
    operations = AccountFactory(team_type="operations")
    kpi_snapshot_refresh(as_of=TODAY)
    sales_codes = set(KpiSnapshot.objects.filter(account=sales, period_kind="quarter").values_list("kpi__code", flat=True))
    ops_codes = set(KpiSnapshot.objects.filter(account=operations, period_kind="quarter").values_list("kpi__code", flat=True))
    assert "revenue" in sales_codes and "utilisation" not in sales_codes
    assert "utilisation" in ops_codes and "revenue" not in ops_codes
    quarter = KpiSnapshot.objects.filter(account=sales, period_kind="quarter").first()
    assert (quarter.fiscal_year, quarter.period_index) == (2025, 1)  # April start: 15 May is in Q1
    year = KpiSnapshot.objects.filter(account=operations, period_kind="year").first()
    assert (year.fiscal_year, year.period_index) == (2025, 1)


def test_refresh_stores_actual_target_to_date_and_status():
    account = AccountFactory(fiscal_year_start_month=4)
    OrderFactory(account=account, ordered_on=datetime.date(2025, 4, 10), amount=250, cost=0)
    KpiTargetFactory(account=account, kpi=kpi("revenue"), fiscal_year=2025, period_kind="quarter", period_index=1,
                     value=910)
    kpi_snapshot_refresh(as_of=TODAY)
    row = KpiSnapshot.objects.get(account=account, kpi__code="revenue", period_kind="quarter")
    assert (row.actual, row.target, row.expected, row.status) == (250, 910, 450, "off_track")


def test_refresh_twice_gives_the_same_rows():
    AccountFactory()
    first = kpi_snapshot_refresh(as_of=TODAY)
    second = kpi_snapshot_refresh(as_of=TODAY)
    assert first == second == KpiSnapshot.objects.count()


def test_refresh_of_some_accounts_leaves_the_others():
    one, two = AccountFactory(), AccountFactory()
    kpi_snapshot_refresh(as_of=TODAY)
    before = KpiSnapshot.objects.filter(account=two).count()
    kpi_snapshot_refresh(as_of=TODAY, account_ids=[one.pk])
    assert KpiSnapshot.objects.filter(account=two).count() == before


def test_old_snapshots_are_dropped():
    AccountFactory()
    kpi_snapshot_refresh(as_of=TODAY - datetime.timedelta(days=SNAPSHOT_RETENTION_DAYS + 1))
    kpi_snapshot_refresh(as_of=TODAY)
    assert set(KpiSnapshot.objects.values_list("as_of", flat=True)) == {TODAY}


def test_refresh_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(20):
        OrderFactory(account=AccountFactory())
    with django_assert_max_num_queries(25):
        kpi_snapshot_refresh(as_of=TODAY)


def test_task_and_command_refresh_snapshots():
    AccountFactory()
    assert refresh_kpi_snapshots.delay().get() > 0
    call_command("refresh_kpis", "--with-last-week", "--as-of", TODAY.isoformat())
    assert set(KpiSnapshot.objects.values_list("as_of", flat=True)) >= {TODAY, TODAY - datetime.timedelta(days=7)}


def test_refresh_copies_the_week_before_status_and_actual_into_each_snapshot():
    AccountFactory()
    week_ago = TODAY - datetime.timedelta(days=7)
    kpi_snapshot_refresh(as_of=week_ago)
    assert not KpiSnapshot.objects.filter(as_of=week_ago).exclude(week_before_as_of=None).exists()
    KpiSnapshot.objects.filter(as_of=week_ago).update(status="at_risk", actual=42)
    kpi_snapshot_refresh(as_of=TODAY)
    today_rows = KpiSnapshot.objects.filter(as_of=TODAY)
    assert today_rows.exists()
    assert set(today_rows.values_list("week_before_as_of", "week_before_status", "week_before_actual").distinct()) == {(week_ago, "at_risk", 42)}


def test_refreshing_a_past_day_copies_it_again_into_the_day_that_compares_with_it():
    AccountFactory()
    week_ago = TODAY - datetime.timedelta(days=7)
    kpi_snapshot_refresh(as_of=week_ago)
    kpi_snapshot_refresh(as_of=TODAY)
    KpiSnapshot.objects.filter(as_of=week_ago).update(status="off_track")  # what a re-run would change
    kpi_snapshot_refresh(as_of=week_ago)
    statuses = dict(KpiSnapshot.objects.filter(as_of=week_ago).values_list("pk", "status"))
    pairs = KpiSnapshot.objects.filter(as_of=TODAY).values_list("account_id", "kpi_id", "period_kind", "week_before_status")
    before = {(a, k, p): s for a, k, p, s in KpiSnapshot.objects.filter(as_of=week_ago).values_list("account_id", "kpi_id", "period_kind", "status")}
    assert statuses and all(before[(a, k, p)] == status for a, k, p, status in pairs)


def test_a_snapshot_with_nothing_a_week_older_keeps_no_week_before():
    AccountFactory()
    kpi_snapshot_refresh(as_of=TODAY - datetime.timedelta(days=3))
    kpi_snapshot_refresh(as_of=TODAY)
    assert set(KpiSnapshot.objects.filter(as_of=TODAY).values_list("week_before_as_of", "week_before_status").distinct()) == {(None, "")}
