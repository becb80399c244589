"""The executive dashboard's "Resources granted and used" card: budget granted against spent and people
granted against people-days worked, per vertical unit, for the approved plans running this fiscal year."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from planning.models import AccountPlan, Decision, PlanStatus, PlanVersion, ResourceGrant, ResourceSpend
from planning.resource_use import resource_use_by_unit
from tests.factories import AccountFactory, AccountPlanFactory, BusinessUnitFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def approved(account, *, budget=Decimal(0), people=0, refused=Decimal(0), fiscal_year=TODAY.year) -> AccountPlan:
    """An approved plan of the account whose decision granted `budget` and `people` people requests."""
    plan = AccountPlanFactory(account=account, fiscal_year=fiscal_year, status=PlanStatus.APPROVED)
    version = PlanVersion.objects.create(plan=plan, number=1, revision=1, submission=1, snapshot={},
                                         submitted_at=timezone.now())
    decision = Decision.objects.create(version=version, outcome="approved", decided_at=timezone.now())
    if budget:
        ResourceGrant.objects.create(decision=decision, kind="budget", description="Seminars", requested_amount=budget,
                                     granted_amount=budget, status="granted")
    if refused:
        ResourceGrant.objects.create(decision=decision, kind="budget", description="Ads", requested_amount=refused,
                                     granted_amount=0, status="refused", reason="No")
    for index in range(people):
        ResourceGrant.objects.create(decision=decision, kind="people", description=f"Engineer {index}", status="granted")
    plan.approved_version = version
    plan.save(update_fields=["approved_version"])
    return plan


def spend(plan, amount, day=None):
    grant = ResourceGrant.objects.filter(decision__version=plan.approved_version, kind="budget", status="granted").first()
    return ResourceSpend.objects.create(grant=grant, spent_on=day or plan.period_start, amount=Decimal(amount))


@pytest.fixture
def units():
    return BusinessUnitFactory(name="Manufacturing"), BusinessUnitFactory(name="Finance")


def test_granted_and_used_per_vertical_unit_with_totals(units):
    manufacturing, finance = units
    day = max(TODAY - datetime.timedelta(days=1), datetime.date(TODAY.year, 1, 1))
    one = approved(AccountFactory(vertical_unit=manufacturing), budget=Decimal(50_000_000), people=1, refused=Decimal(9))
    two = approved(AccountFactory(vertical_unit=manufacturing), budget=Decimal(30_000_000))
    three = approved(AccountFactory(vertical_unit=finance), people=2)
    spend(one, 20_000_000, day)
    spend(two, 10_000_000, day)
    TimeEntryFactory(account=one.account, worked_on=day, hours=Decimal(12))
    TimeEntryFactory(account=three.account, worked_on=day, hours=Decimal(8))
    TimeEntryFactory(account=three.account, worked_on=day, hours=Decimal(8), kind="available")  # not work
    TimeEntryFactory(account=two.account, worked_on=day, hours=Decimal(20))  # no people granted: not counted
    table = resource_use_by_unit(accounts=Account.objects.all(), today=TODAY)
    assert table.rows == [
        ("Finance", Decimal(0), Decimal(0), None, 2, Decimal("1.0")),
        ("Manufacturing", Decimal(80_000_000), Decimal(30_000_000), 38, 1, Decimal("1.5")),
    ]
    assert table.totals == ("Total", Decimal(80_000_000), Decimal(30_000_000), 38, 3, Decimal("2.5"))


def test_only_approved_plans_running_today_and_the_accounts_in_scope_count(units):
    manufacturing, _finance = units
    mine = AccountFactory(vertical_unit=manufacturing)
    approved(mine, budget=Decimal(10))
    approved(AccountFactory(vertical_unit=manufacturing), budget=Decimal(99), fiscal_year=TODAY.year - 1)  # ended
    AccountPlanFactory(account=AccountFactory(vertical_unit=manufacturing))  # a draft, never approved
    approved(AccountFactory(vertical_unit=manufacturing), budget=Decimal(7))  # not in scope below
    table = resource_use_by_unit(accounts=Account.objects.filter(pk=mine.pk), today=TODAY)
    assert table.rows == [("Manufacturing", Decimal(10), Decimal(0), 0, 0, Decimal("0.0"))]


def test_the_card_shows_the_table_to_executives_and_their_own_accounts_to_managers(
    client_for, executive, account_manager, account, units
):
    manufacturing, finance = units
    Account.objects.filter(pk=account.pk).update(vertical_unit=manufacturing)
    account.refresh_from_db()
    approved(account, budget=Decimal(300_000_000))
    approved(AccountFactory(vertical_unit=finance), budget=Decimal(100_000_000))
    html = client_for(executive).get(reverse("performance:dashboard")).text
    card = html[html.index('data-testid="panel-resource_use"'):]
    assert "Resources granted and used" in card and "Manufacturing" in card and "Finance" in card
    assert "Budget granted" in card and "People-days worked" in card
    totals = card[card.index('data-testid="panel-resource_use-totals"'):card.index("</tfoot>")]
    assert "Total" in totals and "400.0M" in totals
    mine = client_for(account_manager).get(reverse("performance:dashboard")).text
    card = mine[mine.index('data-testid="panel-resource_use"'):]
    assert "Manufacturing" in card and "Finance" not in card


def test_the_card_says_what_to_expect_when_nothing_is_granted(client_for, executive):
    html = client_for(executive).get(reverse("performance:dashboard")).text
    assert 'data-testid="panel-resource_use-empty"' in html
    assert "No resources are granted to the approved plans running this fiscal year." in html


def test_the_card_is_in_korean(client_for, executive, units):
    approved(AccountFactory(vertical_unit=units[0]), budget=Decimal(300_000_000), people=1)
    client = client_for(executive)
    client.post(reverse("set_language"), {"language": "ko"})
    html = client.get(reverse("performance:dashboard")).text
    card = html[html.index('data-testid="panel-resource_use"'):]
    for english in ("Resources granted and used", "Budget granted", "Budget spent", "People granted", "People-days worked"):
        assert english not in card
    assert "3.0억" in card and "합계" in card


def test_a_new_spend_shows_at_once(client_for, executive, units):
    plan = approved(AccountFactory(vertical_unit=units[0]), budget=Decimal(100_000_000))
    client = client_for(executive)
    url = reverse("performance:dashboard")
    assert "0%" in client.get(url).text.split('data-testid="panel-resource_use"')[1]
    spend(plan, 50_000_000, plan.period_start)
    assert "50%" in client.get(url).text.split('data-testid="panel-resource_use"')[1]


@pytest.mark.parametrize("size", [3, 30])
def test_the_card_costs_four_queries_whatever_the_number_of_plans(units, django_assert_max_num_queries, size):
    for index in range(size):
        account = AccountFactory(vertical_unit=units[index % 2])
        plan = approved(account, budget=Decimal(1_000), people=1)
        spend(plan, 10)
        TimeEntryFactory(account=account, worked_on=plan.period_start)
    with django_assert_max_num_queries(4):
        table = resource_use_by_unit(accounts=Account.objects.all(), today=TODAY)
    assert sum(row[4] for row in table.rows) == size


def test_an_account_manager_with_no_plans_sees_the_empty_card(client_for, account_manager, account, other_account):
    approved(other_account, budget=Decimal(5))  # another manager's account
    html = client_for(account_manager).get(reverse("performance:dashboard")).text
    assert 'data-testid="panel-resource_use-empty"' in html
