import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from performance.models import KpiSnapshot
from performance.services import kpi_snapshot_link_week_before
from tests.factories import AccountFactory, make_account_manager

pytestmark = pytest.mark.django_db

URL = reverse("performance:dashboard")

def plan_counts(response) -> dict:
    """The dashboard's "Account plans" tile (registered by planning in `performance.panels`)."""
    return next((panel["counts"] for panel in response.context["panels"] if panel["key"] == "plans"), {})



def names_in_grid(response) -> set[str]:
    return {account.name for account in response.context["rows"]}


def test_executive_sees_every_account(client_for, executive, portfolio):
    accounts = portfolio(4)
    response = client_for(executive).get(URL)
    assert response.status_code == 200
    assert names_in_grid(response) == {a.name for a in accounts}


def test_account_manager_sees_only_their_own_accounts(client_for, account_manager, portfolio):
    accounts = portfolio(4)
    response = client_for(account_manager).get(URL)
    mine = {a.name for a in accounts if a.team.filter(user=account_manager).exists()}
    assert names_in_grid(response) == mine
    assert response.context["total"] == 2
    # Nor do the charts leak other accounts.
    assert {row.name for row in response.context["pareto"].rows} <= mine


def test_account_manager_with_no_accounts_sees_an_empty_dashboard(client_for, portfolio):
    portfolio(2)
    response = client_for(make_account_manager(username="newcomer")).get(URL)
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No account matches these filters." in response.text


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_filters_by_vertical_unit_grade_kam_and_key_accounts(client_for, executive, account_manager, portfolio):
    accounts = portfolio(6)
    client = client_for(executive)
    unit = accounts[0].vertical_unit
    response = client.get(URL, {"vertical_unit": unit.pk})
    assert names_in_grid(response) == {a.name for a in accounts if a.vertical_unit_id == unit.pk}
    grade = accounts[1].grade
    response = client.get(URL, {"grade": grade.pk})
    assert names_in_grid(response) == {a.name for a in accounts if a.grade_id == grade.pk}
    response = client.get(URL, {"kam": account_manager.pk})
    assert names_in_grid(response) == {a.name for a in accounts if a.team.filter(user=account_manager).exists()}
    response = client.get(URL, {"key_only": "on"})
    assert names_in_grid(response) == {a.name for a in accounts if a.is_key_account}


def test_unknown_filter_values_are_ignored(client_for, executive, portfolio):
    accounts = portfolio(2)
    response = client_for(executive).get(URL, {"vertical_unit": "abc", "grade": "99999", "sort": "x", "page": "z"})
    assert response.status_code == 200
    assert names_in_grid(response) == {a.name for a in accounts}


def test_year_view_reads_the_fiscal_year_snapshots(client_for, executive, portfolio):
    portfolio(2)
    response = client_for(executive).get(URL, {"period": "year"})
    cells = [cell for account in response.context["rows"] for cell in account.cells if cell]
    assert cells and all(cell.period_kind == "year" for cell in cells)


def test_needs_attention_sorts_accounts_with_most_kpis_off_track_first(client_for, executive, portfolio):
    portfolio(6)
    rows = client_for(executive).get(URL).context["rows"]
    scores = [account.attention for account in rows]
    assert scores == sorted(scores, reverse=True)


def test_kpi_status_counts_add_up_to_the_snapshots(client_for, executive, portfolio):
    portfolio(3)
    response = client_for(executive).get(URL)
    revenue = next(kpi for kpi in response.context["kpis"] if kpi.code == "revenue")
    day = response.context["days"].latest
    stored = KpiSnapshot.objects.filter(as_of=day, period_kind="quarter", kpi=revenue)
    assert revenue.on_track + revenue.at_risk + revenue.off_track + revenue.without_target == stored.count()


def test_movers_list_status_changes_since_a_week_ago(client_for, executive, portfolio):
    accounts = portfolio(2)
    today_row = KpiSnapshot.objects.filter(as_of=datetime.date.today(), account=accounts[0], period_kind="quarter",
                                           kpi__code="revenue").get()
    KpiSnapshot.objects.filter(pk=today_row.pk).update(status="off_track")
    KpiSnapshot.objects.filter(as_of=datetime.date.today() - datetime.timedelta(days=7), account=accounts[0],
                               period_kind="quarter", kpi__code="revenue").update(status="on_track")
    kpi_snapshot_link_week_before(day=datetime.date.today())  # what a refresh does after writing a day
    movers = client_for(executive).get(URL).context["movers"]
    fall = next(move for move in movers if move.account_id == accounts[0].pk and move.kpi.code == "revenue")
    assert (fall.previous_status, fall.status, fall.change) == ("on_track", "off_track", -2)
    assert movers[0].change < 0  # falls first


def test_dashboard_without_snapshots_explains_what_happens(client_for, kam_admin):
    response = client_for(kam_admin).get(URL)
    assert response.status_code == 200
    assert "KPI statuses have not been computed yet." in response.text
    assert "Recompute now" in response.text


def test_plan_tile_is_hidden_when_no_account_has_a_running_plan(client_for, executive, portfolio):
    portfolio(1)
    response = client_for(executive).get(URL)
    assert plan_counts(response) == {}
    assert "Account plans" not in response.text


def test_plan_tile_counts_running_and_upcoming_plans_by_status(client_for, executive, account_manager, portfolio):
    from tests.factories import AccountPlanFactory

    accounts = portfolio(4)
    this_year = datetime.date.today().year
    AccountPlanFactory(account=accounts[0], fiscal_year=this_year, status="approved")
    AccountPlanFactory(account=accounts[0], fiscal_year=this_year + 1, status="submitted")
    AccountPlanFactory(account=accounts[1], fiscal_year=this_year + 1, status="draft")
    AccountPlanFactory(account=accounts[2], fiscal_year=this_year - 2, status="closed")  # ended: not counted
    response = client_for(executive).get(URL)
    assert plan_counts(response) == {"Draft": 1, "Submitted": 1, "Approved": 1}
    assert "Account plans" in response.text
    # An account manager counts only the plans of their own accounts.
    assert plan_counts(client_for(account_manager).get(URL)) == {"Submitted": 1, "Approved": 1}


def test_admin_recomputes_snapshots(client_for, kam_admin, account):
    response = client_for(kam_admin).post(reverse("performance:dashboard-refresh"))
    assert response.status_code == 302
    assert KpiSnapshot.objects.filter(account=account, as_of=datetime.date.today()).exists()


@pytest.mark.parametrize("who", ["executive", "account_manager"])
def test_only_admins_may_recompute(client_for, request, who, account):
    response = client_for(request.getfixturevalue(who)).post(reverse("performance:dashboard-refresh"))
    assert response.status_code == 403
    assert not KpiSnapshot.objects.exists()


def test_account_names_are_escaped(client_for, executive, portfolio):
    account = portfolio(1)[0]
    account.name = "<script>alert(1)</script>"
    account.save()
    response = client_for(executive).get(URL)
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_pagination_shows_25_accounts_a_page(client_for, executive):
    for _ in range(27):
        AccountFactory()
    from performance.services import kpi_snapshot_refresh

    kpi_snapshot_refresh()
    client = client_for(executive)
    first = client.get(URL)
    assert len(first.context["rows"]) == 25 and first.context["total"] == 27
    second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == 2


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_query_count_does_not_grow(client_for, executive, portfolio, django_assert_max_num_queries, size):
    portfolio(size)
    client = client_for(executive)
    # 27 when computed (the portfolio stamps, read for the KAM filter, three sums and the stale-plans tile, are five;
    # the tile reads the live plans; the resources card is its stamps and at most four sums), fewer from the cache.
    with django_assert_max_num_queries(27):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(27):
        assert client.get(URL, {"vertical_unit": 1, "grade": 1, "kam": 1, "key_only": "on", "period": "year"}).status_code == 200


@pytest.mark.parametrize("table", ["status", "movers", "pareto", "funnel", "kpis"])
def test_every_dashboard_table_exports_to_csv_and_excel(client_for, executive, portfolio, table):
    portfolio(3)
    client = client_for(executive)
    response = client.get(URL, {"export": table, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]
    response = client.get(URL, {"export": table, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert sheet.max_row == len(rows)


def test_status_export_covers_every_account_not_only_the_page(client_for, executive):
    for _ in range(30):
        AccountFactory()
    response = client_for(executive).get(URL, {"export": "status", "format": "csv"})
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 31


def test_account_manager_export_holds_only_their_accounts(client_for, account_manager, portfolio):
    accounts = portfolio(4)
    response = client_for(account_manager).get(URL, {"export": "status", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    for account in accounts:
        assert (account.name in text) == account.team.filter(user=account_manager).exists()


def test_dashboard_renders_in_korean(client_for, executive, portfolio):
    portfolio(2)
    client = client_for(executive)
    client.post(reverse("set_language"), {"language": "ko", "next": URL})
    response = client.get(URL)
    assert response.status_code == 200
    assert '<html lang="ko">' in response.text
    assert "매출" in response.text  # the KPI's Korean name


def test_navbar_has_the_dashboard(client_for, account_manager, account):
    response = client_for(account_manager).get(reverse("accounts:home"))
    assert reverse("performance:dashboard") in response.text
    assert reverse("performance:import") in response.text


def test_executive_navbar_has_no_import(client_for, executive):
    response = client_for(executive).get(URL)
    assert reverse("performance:import") not in response.text


def test_kam_filter_lists_only_kams_of_visible_accounts(client_for, account_manager, other_account_manager, portfolio):
    portfolio(2)
    form = client_for(account_manager).get(URL).context["form"]
    kam_ids = {value for value, _label in form.fields["kam"].choices if value}
    assert account_manager.pk in kam_ids and other_account_manager.pk not in kam_ids


def test_a_wrong_filter_value_does_not_drop_the_others(client_for, executive, portfolio):
    accounts = portfolio(4)
    unit = accounts[0].vertical_unit
    response = client_for(executive).get(URL, {"vertical_unit": unit.pk, "grade": "99999"})
    assert names_in_grid(response) == {a.name for a in accounts if a.vertical_unit_id == unit.pk}


def _two_day_movers(*, accounts, kpis, days, kind):
    """The week's movers as the dashboard computed them before snapshots kept their week-before copy:
    both days' snapshots grouped per account and KPI."""
    from django.db.models import F, Max, Q

    from performance.selectors.weekly_dashboard import STATUS_RANK, _status_rank

    now, before = Q(as_of=days.latest), Q(as_of=days.week_before)
    rows = (
        KpiSnapshot.objects.filter(as_of__in=[days.latest, days.week_before], period_kind=kind, account__in=accounts, kpi__in=kpis)
        .order_by().values("account_id", "kpi_id")
        .annotate(status_now=Max("status", filter=now), status_before=Max("status", filter=before))
        .filter(status_now__in=list(STATUS_RANK), status_before__in=list(STATUS_RANK))
        .exclude(status_now=F("status_before"))
        .annotate(change=_status_rank("status_now") - _status_rank("status_before"))
    )
    return sorted((row["account_id"], row["kpi_id"], row["status_before"], row["status_now"], row["change"]) for row in rows)


@pytest.mark.parametrize("kind", ["quarter", "year"])
def test_movers_from_the_stored_week_before_match_two_days_grouped(client_for, executive, portfolio, kind):
    import random

    from accounts.models import Account
    from performance.selectors.weekly_dashboard import dashboard_kpis, snapshot_days, week_movers

    portfolio(9)
    rng = random.Random(19)
    for pk in KpiSnapshot.objects.values_list("pk", flat=True):  # both days, so that many KPIs move
        KpiSnapshot.objects.filter(pk=pk).update(status=rng.choice(["on_track", "at_risk", "off_track", "no_target"]))
    kpi_snapshot_link_week_before(day=datetime.date.today())  # today's rows copy the changed week-before statuses
    accounts, days = Account.objects.all(), snapshot_days()
    kpis = dashboard_kpis(accounts=accounts, as_of=days.latest, kind=kind)
    stored = week_movers(accounts=accounts, kpis=kpis, days=days, kind=kind, limit=None)
    expected = _two_day_movers(accounts=accounts, kpis=kpis, days=days, kind=kind)
    assert expected, "the changed statuses make movers"
    assert sorted((m.account_id, m.kpi.pk, m.previous_status, m.status, m.change) for m in stored) == expected
    assert [m.change for m in stored] == sorted(m.change for m in stored)  # falls first
    shown = client_for(executive).get(URL, {"period": kind}).context["movers"]
    assert [(m.account_id, m.kpi.pk, m.status) for m in shown] == [(m.account_id, m.kpi.pk, m.status) for m in stored[:10]]


def test_cold_dashboard_reads_one_snapshot_day_for_the_movers(client_for, executive, portfolio):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts import portfolio_cache

    portfolio(4)
    client = client_for(executive)
    portfolio_cache.bump(portfolio_cache.SNAPSHOTS)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    snapshot_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "performance_kpisnapshot"' in q["sql"] and "GROUP BY" in q["sql"]]
    week_ago = (datetime.date.today() - datetime.timedelta(days=7)).isoformat()
    assert not [sql for sql in snapshot_reads if week_ago in sql], "no request groups two days of snapshots"
    assert client.get(URL).context["movers"] is not None


def test_status_counts_follow_the_kpis_sort_order_and_count_only_the_accounts_in_scope(
    client_for, account_manager, portfolio
):
    from django.db.models import Count

    from performance.models import KpiDefinition
    from performance.selectors.weekly_dashboard import DashboardFilters, dashboard_accounts, snapshot_days

    portfolio(6)
    first = KpiDefinition.objects.filter(show_on_dashboard=True, is_active=True).order_by("-pk").first()
    KpiDefinition.objects.filter(pk=first.pk).update(sort_order=0)
    mine = dashboard_accounts(user=account_manager, filters=DashboardFilters())
    expected = {
        (row["kpi_id"], row["status"]): row["n"]
        for row in KpiSnapshot.objects.filter(as_of=snapshot_days().latest, period_kind="quarter", account__in=mine,
                                          kpi__show_on_dashboard=True, kpi__is_active=True)
        .values("kpi_id", "status").annotate(n=Count("pk"))
    }
    kpis = client_for(account_manager).get(URL).context["kpis"]
    assert kpis[0].pk == first.pk
    assert [kpi.pk for kpi in kpis] == list(
        KpiDefinition.objects.filter(show_on_dashboard=True, is_active=True).values_list("pk", flat=True)
    )
    for kpi in kpis:
        assert kpi.on_track == expected.get((kpi.pk, "on_track"), 0)
        assert kpi.off_track == expected.get((kpi.pk, "off_track"), 0)
        assert kpi.without_target == expected.get((kpi.pk, "no_target"), 0) + expected.get((kpi.pk, "no_data"), 0)
    assert sum(kpi.on_track + kpi.at_risk + kpi.off_track + kpi.without_target for kpi in kpis) == sum(expected.values())


@pytest.mark.parametrize("sort", ["attention", "revenue", "name"])
def test_grid_pages_follow_the_full_ordering_with_their_kams_and_total(executive, portfolio, sort):
    from accounts.models import AccountTeamMember
    from performance.selectors.weekly_dashboard import (
        DashboardFilters, dashboard_accounts, dashboard_kpis, snapshot_days, status_grid,
    )

    portfolio(7)
    accounts, days = dashboard_accounts(user=executive, filters=DashboardFilters()), snapshot_days()
    kpis = dashboard_kpis(accounts=accounts, as_of=days.latest, kind="quarter")
    everything, total = status_grid(accounts=accounts, kpis=kpis, as_of=days.latest, kind="quarter", sort=sort, limit=None)
    pages = [
        status_grid(accounts=accounts, kpis=kpis, as_of=days.latest, kind="quarter", sort=sort, offset=offset, limit=3)
        for offset in (0, 3, 6)
    ]
    assert total == accounts.count() == 7 and all(page_total == 7 for _rows, page_total in pages)
    assert [a.pk for rows, _t in pages for a in rows] == [a.pk for a in everything]
    for account in everything:
        kams = AccountTeamMember.objects.filter(account=account, role="kam").select_related("user")
        assert account.kam_names == ", ".join(member.user.get_full_name() or member.user.username for member in kams)
        assert len(account.cells) == len(kpis)
