"""The weekly dashboard and the Pareto view are cached until the next write they read from."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import portfolio_cache
from accounts.models import Account, PortfolioStamp
from accounts.services import account_key_account_set, account_revenue_refresh, opportunity_save
from performance.models import KpiSnapshot
from performance.services import kpi_snapshot_refresh
from planning.models import PlanStatus
from tests.factories import PASSWORD, AccountPlanFactory, OpportunityFactory, OrderFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("performance:dashboard")
PARETO = reverse("accounts:pareto")

def plan_counts(response) -> dict:
    """The dashboard's "Account plans" tile (registered by planning in `performance.panels`)."""
    return next((panel["counts"] for panel in response.context["panels"] if panel["key"] == "plans"), {})



def funnel_count(response, tier: int) -> int:
    return next((row["count"] for row in response.context["funnel"] if row["tier"] == tier), 0)


def test_a_second_visit_reads_the_cache_with_fewer_queries(client_for, executive, portfolio, django_assert_max_num_queries):
    portfolio(4)
    client = client_for(executive)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(13):  # session, user, roles, filter choices, 6 stamps (one per cached card), snapshot days
        assert client.get(DASHBOARD).status_code == 200


def test_a_new_opportunity_shows_in_the_funnel_at_once(client_for, executive, account_manager, portfolio):
    accounts = portfolio(2)
    client = client_for(executive)
    before = funnel_count(client.get(DASHBOARD), 1)
    opportunity_save(opportunity=OpportunityFactory.build(account=accounts[0], tier=1, stage="identified"),
                     acting_user=account_manager)
    assert funnel_count(client.get(DASHBOARD), 1) == before + 1


def test_recomputed_snapshots_show_at_once(client_for, executive, portfolio):
    accounts = portfolio(2)
    client = client_for(executive)
    assert client.get(DASHBOARD).context["total"] == 2
    Account.objects.filter(pk=accounts[0].pk).update(name="Renamed in bulk")  # past the signals
    kpi_snapshot_refresh(as_of=datetime.date.today())  # the hourly job: bumps the stamp
    assert "Renamed in bulk" in {row.name for row in client.get(DASHBOARD).context["rows"]}


def test_a_plan_status_change_shows_in_the_plan_tile(client_for, executive, portfolio):
    accounts = portfolio(2)
    client = client_for(executive)
    plan = AccountPlanFactory(account=accounts[0], fiscal_year=datetime.date.today().year, status=PlanStatus.DRAFT)
    assert plan_counts(client.get(DASHBOARD)) == {"Draft": 1}
    plan.status = PlanStatus.SUBMITTED
    plan.save()
    assert plan_counts(client.get(DASHBOARD)) == {"Submitted": 1}


def test_a_new_team_member_sees_the_account_at_once(client_for, other_account_manager, portfolio):
    from tests.factories import TeamMemberFactory

    accounts = portfolio(2)
    client = client_for(other_account_manager)
    mine = client.get(DASHBOARD).context["total"]
    TeamMemberFactory(account=next(a for a in accounts if not a.team.filter(user=other_account_manager).exists()),
                      user=other_account_manager, role="sales_rep")
    assert client.get(DASHBOARD).context["total"] == mine + 1


def test_users_see_their_own_accounts_not_a_colleagues_cached_page(client_for, account_manager, other_account_manager, portfolio):
    portfolio(4)
    mine = {row.name for row in client_for(account_manager).get(DASHBOARD).context["rows"]}
    theirs = {row.name for row in client_for(other_account_manager).get(DASHBOARD).context["rows"]}
    assert mine and theirs and not mine & theirs


def test_korean_and_english_pages_are_cached_apart(client_for, executive, portfolio):
    accounts = portfolio(2)
    AccountPlanFactory(account=accounts[0], fiscal_year=datetime.date.today().year, status=PlanStatus.APPROVED)
    client = client_for(executive)
    assert plan_counts(client.get(DASHBOARD)) == {"Approved": 1}
    assert plan_counts(client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="ko")) == {"승인됨": 1}


def test_a_login_does_not_empty_the_cache(client, executive, portfolio):
    portfolio(1)
    token = portfolio_cache.stamp()
    client.post(reverse("login"), {"username": executive.username, "password": PASSWORD})
    assert portfolio_cache.stamp() == token
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})  # stored on the user, shown nowhere
    assert executive.__class__.objects.get(pk=executive.pk).language == "ko"
    assert portfolio_cache.stamp() == token


def test_a_bump_changes_the_token_every_process_reads(db):
    first = portfolio_cache.stamp()
    portfolio_cache.bump()
    second = PortfolioStamp.objects.get(name=portfolio_cache.PORTFOLIO).token
    assert second != first and portfolio_cache.stamp() == second
    portfolio_cache.bump()
    assert portfolio_cache.stamp() != second


def test_pareto_follows_a_revenue_refresh_and_a_key_flag(client_for, executive, portfolio):
    accounts = portfolio(3)
    client = client_for(executive)
    response = client.get(PARETO)
    smallest = response.context["rows"][-1]["account"]
    OrderFactory(account=smallest, amount=Decimal("999999999999"), ordered_on=datetime.date.today())
    assert client.get(PARETO).context["rows"][-1]["account"] == smallest  # orders alone change nothing yet
    account_revenue_refresh()
    assert client.get(PARETO).context["rows"][0]["account"] == smallest
    flagged = client.get(PARETO).context["flagged"]
    target = next(a for a in accounts if not Account.objects.get(pk=a.pk).is_key_account)
    account_key_account_set(account=target, is_key_account=True, acting_user=executive)
    assert client.get(PARETO).context["flagged"] == flagged + 1


def test_snapshots_saved_one_by_one_also_refresh_the_dashboard(client_for, executive, portfolio):
    portfolio(1)
    client = client_for(executive)
    shown = next(cell for cell in client.get(DASHBOARD).context["rows"][0].cells if cell)
    row = KpiSnapshot.objects.get(pk=shown.pk)
    row.status = "off_track" if row.status != "off_track" else "on_track"
    row.save()
    cells = client.get(DASHBOARD).context["rows"][0].cells
    assert any(cell and cell.pk == row.pk and cell.status == row.status for cell in cells)


def test_a_new_kam_shows_in_the_owner_filters_at_once(client_for, executive, portfolio):
    from accounts.services import account_kam_set
    from tests.factories import make_account_manager

    accounts = portfolio(1)
    client = client_for(executive)
    home = reverse("accounts:home")
    assert "Newcomer" not in client.get(home).text and "Newcomer" not in client.get(DASHBOARD).text
    newcomer = make_account_manager(username="newcomer")
    newcomer.first_name, newcomer.last_name = "Newcomer", "Kam"
    newcomer.save()
    # The KAM is replaced, never added beside another (one KAM per account).
    account_kam_set(account=accounts[0], user=newcomer, acting_user=None)
    assert "Newcomer" in client.get(home).text and "Newcomer" in client.get(DASHBOARD).text


def test_a_deleted_user_makes_the_kept_names_stale(db):
    from tests.factories import UserFactory

    person = UserFactory(username="leaver")
    before = portfolio_cache.stamp()
    person.delete()
    assert portfolio_cache.stamp() != before  # owners in filters, My work's action owners are read again


def test_an_opportunity_saved_recomputes_the_funnel_not_the_kpi_statuses(client_for, executive, account_manager, portfolio, monkeypatch):
    from performance.selectors import weekly_dashboard

    accounts = portfolio(2)
    calls = {"statuses": 0, "funnel": 0}

    def counting(real, key):
        def wrapper(*args, **kwargs):
            calls[key] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(weekly_dashboard, "dashboard_kpis", counting(weekly_dashboard.dashboard_kpis, "statuses"))
    monkeypatch.setattr(weekly_dashboard, "tier_funnel", counting(weekly_dashboard.tier_funnel, "funnel"))
    client = client_for(executive)
    client.get(DASHBOARD)
    assert calls == {"statuses": 1, "funnel": 1}
    opportunity_save(opportunity=OpportunityFactory.build(account=accounts[0], tier=2, stage="identified"),
                     acting_user=account_manager)
    client.get(DASHBOARD)
    assert calls == {"statuses": 1, "funnel": 2}
    kpi_snapshot_refresh(as_of=datetime.date.today())
    client.get(DASHBOARD)
    assert calls == {"statuses": 2, "funnel": 2}


def test_pages_answer_when_the_cache_server_is_down(client_for, executive, portfolio, monkeypatch, caplog):
    class DownCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

        set = get

    portfolio(2)
    monkeypatch.setattr(portfolio_cache, "cache", DownCache())
    client = client_for(executive)
    for url in (DASHBOARD, PARETO, reverse("accounts:home"), reverse("planning:plan-list"),
                reverse("accounts:home") + "?sort=-pipeline"):
        assert client.get(url).status_code == 200, url
    assert "Cache unavailable" in caplog.text


def test_reloading_the_demo_makes_the_cache_stale_once_not_once_a_row(db):
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("seed_demo", accounts=6, verbosity=0)
    before = portfolio_cache.tokens(portfolio_cache.ALL)
    with CaptureQueriesContext(connection) as captured:
        call_command("seed_demo", accounts=6, flush=True, verbosity=0)
    bumps = [q for q in captured.captured_queries if q["sql"].startswith('UPDATE "accounts_portfoliostamp"')]
    assert len(bumps) <= 8  # every stamp once at the end, the snapshot refreshes' own; not one per deleted row
    assert all(new != old for new, old in zip(portfolio_cache.tokens(portfolio_cache.ALL), before, strict=True))


def test_the_account_list_follows_new_accounts_renames_and_a_revenue_refresh(client_for, account_manager, portfolio):
    from tests.factories import AccountFactory, TeamMemberFactory

    portfolio(3)
    home = reverse("accounts:home")
    client = client_for(account_manager)
    found = client.get(home, {"q": "Zephyr"}).context["page"].paginator.count
    new = AccountFactory(name="Zephyr Logistics")
    TeamMemberFactory(account=new, user=account_manager)
    assert client.get(home, {"q": "Zephyr"}).context["page"].paginator.count == found + 1
    new.name = new.english_name = "Aurora Logistics"
    new.save()
    assert client.get(home, {"q": "Zephyr"}).context["page"].paginator.count == found
    # Key accounts first, then the largest: new revenue reorders the list once it is refreshed.
    Account.objects.filter(pk=new.pk).update(is_key_account=True)
    OrderFactory(account=new, amount=Decimal("999999999999"), ordered_on=datetime.date.today())
    account_revenue_refresh()
    assert client.get(home).context["page"].object_list[0] == new


def test_after_the_hourly_refreshes_the_executives_first_visit_is_already_computed(
    client_for, executive, portfolio, django_assert_max_num_queries
):
    from performance.tasks import refresh_account_revenue
    from performance.tasks import refresh_kpi_snapshots

    portfolio(4)
    client = client_for(executive)
    client.get(DASHBOARD)
    for task in (refresh_kpi_snapshots, refresh_account_revenue):
        task.delay()  # eager in the tests, as the worker runs it
        with django_assert_max_num_queries(13):  # as on a second visit: the sums are read from the cache
            english = client.get(DASHBOARD)
        client.post(reverse("set_language"), {"language": "ko", "next": "/"})
        with django_assert_max_num_queries(13):
            korean = client.get(DASHBOARD)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert english.context["total"] == korean.context["total"] == 4


def test_the_warm_up_needs_someone_who_sees_every_account_and_never_fails_a_refresh(db, portfolio, monkeypatch, caplog):
    from performance.selectors import weekly_dashboard
    from performance.services import dashboard_warm

    portfolio(2)
    assert dashboard_warm() == 0  # only account managers here
    from tests.factories import make_executive

    make_executive(username="ceo")
    assert dashboard_warm() == 2  # English and Korean
    monkeypatch.setattr(weekly_dashboard, "week_movers", lambda **kwargs: 1 / 0)
    portfolio_cache.bump()
    assert dashboard_warm() == 0 and "not computed ahead" in caplog.text
