"""The personal goals page of an account, and the weekly check on the dashboard filtered to a person."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import portfolio_cache
from performance.models import PersonalGoal
from performance.periods import fiscal_month_of, fiscal_year_of
from tests.factories import (
    AccountFactory,
    KpiTargetFactory,
    OrderFactory,
    TeamMemberFactory,
    UserFactory,
    kpi,
    make_account_manager,
    make_admin,
    make_executive,
)

pytestmark = pytest.mark.django_db


def page(account) -> str:
    return reverse("performance:personal-goals", args=[account.pk])


@pytest.fixture
def rep(account):
    person = UserFactory(username="rep-lee")
    TeamMemberFactory(account=account, user=person, role="sales_rep")
    return person


def test_the_kam_sees_the_grid_with_the_targets_and_saves_it(client_for, account, account_manager, rep):
    KpiTargetFactory(account=account, kpi=kpi("revenue"), fiscal_year=2026, period_kind="quarter", period_index=1,
                     value=300)
    client = client_for(account_manager)
    response = client.get(page(account), {"fiscal_year": 2026, "kpi": "revenue"})
    assert response.status_code == 200
    assert response.context["grid"].targets[:3] == [Decimal(100)] * 3
    assert f'name="goal-{rep.pk}-1"'.encode() in response.content
    response = client.post(page(account), {"fiscal_year": 2026, "kpi": "revenue", f"goal-{rep.pk}-1": "60",
                                           f"goal-{account_manager.pk}-1": "40"})
    assert response.status_code == 302 and "kpi=revenue" in response.url
    assert sorted(PersonalGoal.objects.values_list("month", "value")) == [(1, 40), (1, 60)]
    grid = client.get(response.url).context["grid"]
    assert grid.sums[0] == 100 and grid.differences[0] == 0 and grid.differences[1] == -100


def test_order_intake_is_among_the_kpis_and_takes_goals(client_for, account, account_manager, rep):
    client = client_for(account_manager)
    response = client.get(page(account), {"fiscal_year": 2026, "kpi": "order_intake"})
    assert [option.code for option in response.context["kpis"]] == ["orders", "order_intake", "revenue", "profit"]
    assert response.context["kpi"].code == "order_intake" and '<option value="order_intake" selected>' in response.text
    response = client.post(page(account), {"fiscal_year": 2026, "kpi": "order_intake", f"goal-{rep.pk}-4": "25,000,000"})
    assert response.status_code == 302
    assert list(PersonalGoal.objects.values_list("kpi__code", "month", "value")) == [("order_intake", 4, 25_000_000)]


def test_a_bad_cell_shows_the_message_and_saves_nothing(client_for, account, account_manager, rep):
    client = client_for(account_manager)
    response = client.post(page(account), {"fiscal_year": 2026, "kpi": "orders", f"goal-{rep.pk}-1": "3",
                                           f"goal-{rep.pk}-2": "-1", f"goal-{account_manager.pk}-3": "lots"})
    assert response.status_code == 200
    problems = response.context["problems"]
    assert any("A goal is 0 or more." in problem for problem in problems)
    assert any("“lots” is not a number." in problem for problem in problems)
    assert b'value="lots"' in response.content  # what was typed stays in its cell
    assert not PersonalGoal.objects.exists()


def test_the_even_split_is_filled_in_for_review_not_saved(client_for, account, account_manager, rep):
    KpiTargetFactory(account=account, kpi=kpi("revenue"), fiscal_year=2026, period_kind="month", period_index=2,
                     value=1_000_001)
    response = client_for(account_manager).post(page(account), {"fiscal_year": 2026, "kpi": "revenue", "split": "1"})
    assert response.status_code == 200
    assert f'name="goal-{account_manager.pk}-2" value="500001"'.encode() in response.content
    assert f'name="goal-{rep.pk}-2" value="500000"'.encode() in response.content
    assert not PersonalGoal.objects.exists()


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [("admin", 200, 302), ("kam", 200, 302), ("sales_rep", 200, 403), ("engineer", 200, 403), ("sponsor", 200, 403),
     ("executive", 200, 403), ("off_team", 404, 404)],
)
def test_roles_on_and_off_the_team(client_for, account, account_manager, who, get, post):
    users = {"admin": make_admin(), "kam": account_manager, "executive": make_executive(), "off_team": make_account_manager()}
    for role in ("sales_rep", "engineer"):
        users[role] = make_account_manager()
        TeamMemberFactory(account=account, user=users[role], role=role)
    users["sponsor"] = make_executive()
    TeamMemberFactory(account=account, user=users["sponsor"], role="executive_sponsor")
    client = client_for(users[who])
    response = client.get(page(account))
    assert response.status_code == get
    if get == 200:
        assert (b'name="goal-' in response.content) == (post == 302)
    response = client.post(page(account), {"kpi": "orders", f"goal-{account_manager.pk}-1": "2"})
    assert response.status_code == post
    assert PersonalGoal.objects.exists() == (post == 302)


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_query_count_does_not_grow(client_for, account, account_manager, django_assert_max_num_queries, size):
    revenue = kpi("revenue")
    for number in range(size):
        person = UserFactory()
        TeamMemberFactory(account=account, user=person, role="sales_rep")
        PersonalGoal.objects.create(account=account, user=person, kpi=revenue, fiscal_year=2026, month=number % 12 + 1,
                                    value=number)
    KpiTargetFactory(account=account, kpi=revenue, fiscal_year=2026, period_kind="year", period_index=1, value=1200)
    client = client_for(account_manager)
    with django_assert_max_num_queries(12):
        assert client.get(page(account), {"fiscal_year": 2026}).status_code == 200
    values = {f"goal-{person_id}-1": "5" for person_id in account.team.values_list("user_id", flat=True)}
    with django_assert_max_num_queries(16):
        assert client.post(page(account), {"fiscal_year": 2026, "kpi": "revenue", **values}).status_code == 302


def test_the_account_kpi_dashboard_links_to_the_page(client_for, account, account_manager):
    response = client_for(account_manager).get(reverse("performance:account-kpis", args=[account.pk]))
    assert page(account).encode() in response.content


# The weekly check on the dashboard ------------------------------------------------------------------
DASHBOARD = reverse("performance:dashboard")


def _goal_this_month(account, person, code, value):
    today = timezone.localdate()
    start = account.fiscal_year_start_month
    return PersonalGoal.objects.create(account=account, user=person, kpi=kpi(code), value=value,
                                       fiscal_year=fiscal_year_of(today, start), month=fiscal_month_of(today, start))


def test_the_dashboard_filtered_to_a_person_shows_their_goals(client_for, account, account_manager, rep):
    _goal_this_month(account, rep, "orders", 4)
    OrderFactory(account=account, sales_rep=rep, ordered_on=timezone.localdate(), with_revenue=False)
    response = client_for(account_manager).get(DASHBOARD, {"person": rep.pk})
    check = response.context["goal_check"]
    assert check.person == rep
    line = next(line for line in check.months[-1].totals if line.kpi.code == "orders")
    assert (line.goal, line.actual) == (4, 1)
    assert b'data-testid="personal-goals"' in response.content
    assert b'data-testid="personal-goals"' not in client_for(account_manager).get(DASHBOARD).content


def test_the_weekly_check_shows_totals_then_the_lines_per_account_furthest_behind_first(
    client_for, account_manager, rep, monkeypatch
):
    monkeypatch.setattr("performance.views.GOAL_CHECK_LINES", 2)
    accounts = []
    for name, orders in (("Zulu", 4), ("Bravo", 0), ("Charlie", 0)):  # goals of 4 orders each this month
        account = AccountFactory(name=name)
        TeamMemberFactory(account=account, user=account_manager)
        TeamMemberFactory(account=account, user=rep, role="sales_rep")
        _goal_this_month(account, rep, "orders", 4)
        for _ in range(orders):
            OrderFactory(account=account, sales_rep=rep, ordered_on=timezone.localdate(), with_revenue=False)
        accounts.append(account)
    client = client_for(account_manager)

    first = client.get(DASHBOARD, {"person": rep.pk})
    [total] = [line for line in first.context["goal_check"].months[-1].totals if line.kpi.code == "orders"]
    assert (total.goal, total.actual) == (12, 4)
    assert first.context["goal_check"].months[-1].accounts == []
    assert b'data-testid="goal-lines-per-account"' in first.content
    assert f"?person={rep.pk}&amp;goal_lines=accounts".encode() in first.content

    lines = client.get(DASHBOARD, {"person": rep.pk, "goal_lines": "accounts"})
    month = lines.context["goal_check"].months[-1]
    # Bravo and Charlie (0 of 4) are behind Zulu (4 of 4) whatever day of the month it is; Zulu's orders and
    # its order intake (with no goal) wait for "Show all lines".
    assert [line.account_name for line in month.accounts] == ["Bravo", "Charlie"] and month.hidden == 2
    assert b'data-testid="goal-lines-hidden"' in lines.content
    assert [line.goal for line in month.totals if line.kpi.code == "orders"] == [12]

    everything = client.get(DASHBOARD, {"person": rep.pk, "goal_lines": "all"})
    month = everything.context["goal_check"].months[-1]
    assert sorted(line.account_name for line in month.accounts) == ["Bravo", "Charlie", "Zulu", "Zulu"]
    assert month.hidden == 0
    assert b'data-testid="goal-lines-hidden"' not in everything.content

    # Anything else in the query string is the first view.
    assert client.get(DASHBOARD, {"person": rep.pk, "goal_lines": "../x"}).context["goal_check"].per_account is False


@pytest.mark.parametrize("size", [3, 30])
def test_the_weekly_check_query_count_does_not_grow(client_for, executive, django_assert_max_num_queries, size):
    person = UserFactory(username="rep-kim")
    today = timezone.localdate()
    for number in range(size):
        account = AccountFactory(fiscal_year_start_month=number % 12 + 1)
        TeamMemberFactory(account=account, user=make_account_manager())
        TeamMemberFactory(account=account, user=person, role="sales_rep")
        _goal_this_month(account, person, "revenue", 1_000_000)
        _goal_this_month(account, person, "orders", 2)
        _goal_this_month(account, person, "order_intake", 5_000_000)
        OrderFactory(account=account, sales_rep=person, ordered_on=today - datetime.timedelta(days=number % today.day),
                     amount=3_000_000)
    client = client_for(executive)
    client.get(DASHBOARD, {"person": person.pk})  # fills the portfolio cache
    portfolio_cache.bump(portfolio_cache.SALES)  # as after a sale: the budget is the check's own reads
    with django_assert_max_num_queries(27):
        response = client.get(DASHBOARD, {"person": person.pk})
    totals = {line.kpi.code: line for line in response.context["goal_check"].months[-1].totals}
    assert totals["orders"].goal == 2 * size and totals["orders"].actual == size
    assert totals["order_intake"].goal == 5_000_000 * size and totals["order_intake"].actual == 3_000_000 * size


def test_the_page_and_the_weekly_check_read_in_korean(client_for, account, account_manager, rep):
    account_manager.language = "ko"
    account_manager.save()
    _goal_this_month(account, rep, "revenue", 1_000_000)
    client = client_for(account_manager)
    response = client.get(page(account), HTTP_ACCEPT_LANGUAGE="ko")
    assert "개인 목표" in response.content.decode() and "어카운트 목표" in response.content.decode()
    response = client.get(DASHBOARD, {"person": rep.pk}, HTTP_ACCEPT_LANGUAGE="ko")
    assert "현재까지 기대치" in response.content.decode()
