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
    # 27: revenue lines are a source of their own (one grouped query per snapshot kind, quarter and year);
    # +4 for the accounts' attention scores (read, replace, drop the expired days').
    with django_assert_max_num_queries(31):
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


def test_each_snapshot_keeps_its_move_since_a_week_before_whatever_wrote_it():
    """`week_change` (what the week's movers read) equals the rank difference of the two statuses, after the
    refresh, a refresh of the day compared with, and writes that bypass the refresh."""
    from performance.models import STATUS_RANK

    for _ in range(3):
        AccountFactory()
    week_ago = TODAY - datetime.timedelta(days=7)
    kpi_snapshot_refresh(as_of=week_ago)
    kpi_snapshot_refresh(as_of=TODAY)
    rows = list(KpiSnapshot.objects.filter(as_of=week_ago).order_by("pk"))
    for row, status in zip(rows, ["at_risk", "off_track", "on_track", "no_target", "no_data"] * len(rows)):
        KpiSnapshot.objects.filter(pk=row.pk).update(status=status)
    kpi_snapshot_refresh(as_of=week_ago)  # copies the day again into today's rows: back to the refresh's statuses
    KpiSnapshot.objects.filter(as_of=TODAY, kpi__code="revenue").update(week_before_status="off_track")
    KpiSnapshot.objects.filter(as_of=TODAY, kpi__code="nps").update(status="on_track", week_before_status="at_risk")
    found = list(KpiSnapshot.objects.values_list("status", "week_before_status", "week_change"))
    assert found and all(
        change == (STATUS_RANK[now] - STATUS_RANK[before] if now in STATUS_RANK and before in STATUS_RANK else 0)
        for now, before, change in found
    )
    assert any(change for _now, _before, change in found)


def test_the_week_movers_read_off_the_stored_move_equal_the_two_days_compared():
    from accounts.models import Account
    from performance.selectors.weekly_dashboard import SnapshotDays, dashboard_kpis, week_movers

    for _ in range(4):
        AccountFactory()
    week_ago = TODAY - datetime.timedelta(days=7)
    kpi_snapshot_refresh(as_of=week_ago)
    for n, row in enumerate(KpiSnapshot.objects.filter(as_of=week_ago).order_by("pk")):
        KpiSnapshot.objects.filter(pk=row.pk).update(status=["at_risk", "off_track", "on_track", "no_data"][n % 4])
    kpi_snapshot_refresh(as_of=TODAY)
    for n, row in enumerate(KpiSnapshot.objects.filter(as_of=TODAY).order_by("pk")):
        KpiSnapshot.objects.filter(pk=row.pk).update(status=["on_track", "off_track", "at_risk"][n % 3])
    accounts = Account.objects.all()
    kpis = dashboard_kpis(accounts=accounts, as_of=TODAY, kind="quarter")
    stored = week_movers(accounts=accounts, kpis=kpis, days=SnapshotDays(TODAY, week_ago), kind="quarter", limit=None)
    # From scratch: each of today's snapshots paired with its week-old self.
    from performance.models import STATUS_RANK

    old = {(r.account_id, r.kpi_id): r.status for r in KpiSnapshot.objects.filter(as_of=week_ago, period_kind="quarter")}
    compared = sorted(
        (
            (STATUS_RANK[r.status] - STATUS_RANK[old[(r.account_id, r.kpi_id)]], -r.account.revenue_ttm, r.account.name,
             r.kpi_id, r.account_id, old[(r.account_id, r.kpi_id)], r.status)
            for r in KpiSnapshot.objects.filter(as_of=TODAY, period_kind="quarter", kpi__in=[k.pk for k in kpis])
            if r.status in STATUS_RANK and old.get((r.account_id, r.kpi_id)) in STATUS_RANK
            and r.status != old[(r.account_id, r.kpi_id)]
        )
    )
    assert stored
    assert [(m.account_id, m.kpi.pk, m.previous_status, m.status, m.change) for m in stored] == [
        (account_id, kpi_id, before, now, change) for change, _revenue, _name, kpi_id, account_id, before, now in compared
    ]


def _attention_from_scratch() -> dict:
    from performance.models import KpiDefinition

    scores = {}
    for row in KpiSnapshot.objects.filter(kpi__in=KpiDefinition.objects.filter(is_active=True, show_on_dashboard=True)):
        points = {"off_track": 100, "at_risk": 1}.get(row.status, 0)
        if points:
            key = (row.account_id, row.as_of, row.period_kind)
            scores[key] = scores.get(key, 0) + points
    return scores


def _attention_stored() -> dict:
    from performance.models import AccountAttention

    return {(a.account_id, a.as_of, a.period_kind): a.score for a in AccountAttention.objects.all()}


def test_attention_scores_follow_the_refresh_single_saves_and_the_dashboard_kpis():
    """The stored score of each account, day and period kind is the sum over its dashboard KPIs' snapshots after
    every write that changes them: a refresh (of some accounts too), a snapshot's save, a KPI joining or leaving
    the dashboard, a KPI deleted, expired days."""
    from performance.models import KpiDefinition

    accounts = [AccountFactory(team_type=("sales", "operations", "mixed")[n % 3]) for n in range(4)]
    for account in accounts:
        OrderFactory(account=account, ordered_on=TODAY - datetime.timedelta(days=3))
    kpi_snapshot_refresh(as_of=TODAY - datetime.timedelta(days=7))
    kpi_snapshot_refresh(as_of=TODAY)
    rows = list(KpiSnapshot.objects.filter(as_of=TODAY, kpi__show_on_dashboard=True, kpi__is_active=True).order_by("pk"))
    for number, row in enumerate(rows):  # statuses of every kind, written one by one
        row.status = ["off_track", "at_risk", "on_track", "no_target"][number % 4]
        row.save()
    assert any(score >= 100 for score in _attention_stored().values())
    assert _attention_stored() == _attention_from_scratch()

    KpiSnapshot.objects.filter(account=accounts[0], as_of=TODAY).update(status="off_track")
    kpi_snapshot_refresh(as_of=TODAY, account_ids=[accounts[0].pk])  # a bulk write recomputes its own rows
    assert _attention_stored() == _attention_from_scratch()

    shown = KpiDefinition.objects.filter(show_on_dashboard=True, is_active=True).first()
    shown.show_on_dashboard = False
    shown.save()
    assert _attention_stored() == _attention_from_scratch()
    hidden = KpiDefinition.objects.filter(show_on_dashboard=False).exclude(pk=shown.pk).first()
    hidden.show_on_dashboard = True
    hidden.save()
    assert _attention_stored() == _attention_from_scratch()
    KpiDefinition.objects.filter(show_on_dashboard=True, is_active=True).first().delete()
    assert _attention_stored() == _attention_from_scratch()

    kpi_snapshot_refresh(as_of=TODAY + datetime.timedelta(days=SNAPSHOT_RETENTION_DAYS + 8))  # the old days expire
    assert _attention_stored() == _attention_from_scratch()
    assert {day for _account, day, _kind in _attention_stored()} <= {TODAY + datetime.timedelta(days=SNAPSHOT_RETENTION_DAYS + 8)}
    accounts[1].delete()
    assert _attention_stored() == _attention_from_scratch()
