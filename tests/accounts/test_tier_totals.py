"""The tier totals each account keeps (`accounts.tier_totals`) equal a computation from the opportunities after
any mix of writes: single saves and deletes, moves between accounts, an account's deletion and bulk writes."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from accounts import portfolio_cache
from accounts.models import Account, Opportunity, OpportunityTierTotal
from accounts.tier_totals import tier_totals_refresh, weighted_amount
from performance.selectors.weekly_dashboard import tier_funnel
from tests.factories import AccountFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _stored() -> dict:
    return {
        (row.account_id, row.tier): (row.count, row.amount, row.weighted)
        for row in OpportunityTierTotal.objects.all()
    }


def _from_scratch() -> dict:
    return {
        (row["account_id"], row["tier"]): (row["count"], row["amount"], row["weighted"])
        for row in Opportunity.objects.filter(stage__in=Opportunity.OPEN_STAGES).order_by().values("account_id", "tier")
        .annotate(weighted=Sum(weighted_amount()), count=Count("id"), amount=Sum("amount"))
    }


def _funnel_from_scratch(accounts) -> list[dict]:
    rows = {
        row["tier"]: row
        for row in Opportunity.objects.filter(account_id__in=accounts.values("pk"), stage__in=Opportunity.OPEN_STAGES)
        .order_by().values("tier").annotate(weighted=Sum(weighted_amount()), count=Count("id"), amount=Sum("amount"))
    }
    return [rows.get(tier, {"tier": tier, "count": 0, "amount": Decimal(0), "weighted": Decimal(0)}) for tier in (4, 3, 2, 1)]


def test_tier_totals_follow_every_kind_of_opportunity_write():
    first, second, third = AccountFactory(), AccountFactory(), AccountFactory()
    a = OpportunityFactory(account=first, tier=1, amount=Decimal("120000000"), probability=35)
    b = OpportunityFactory(account=first, tier=1, amount=Decimal("333"), probability=7)
    c = OpportunityFactory(account=second, tier=4, amount=Decimal("5000"), probability=90)
    OpportunityFactory(account=third, tier=2, stage=Opportunity.Stage.WON)
    d = OpportunityFactory(account=third, tier=3)
    assert _stored() == _from_scratch()

    a.tier, a.amount = 2, Decimal("125000000")
    a.save()
    b.stage = Opportunity.Stage.LOST
    b.save(update_fields=["stage"])
    c.account = first  # moved: both accounts' totals change
    c.save()
    d.delete()
    assert _stored() == _from_scratch()
    assert not OpportunityTierTotal.objects.filter(account=third).exists()

    second.delete()
    first.delete()
    assert _stored() == _from_scratch() == {}


def test_bulk_writes_recompute_every_account_at_the_end():
    account = AccountFactory()
    OpportunityFactory(account=account, tier=2)
    with portfolio_cache.bulk_writes():
        Opportunity.objects.bulk_create(
            [Opportunity(account=account, name=f"o{n}", tier=1 + n % 4, amount=Decimal(n * 1000), probability=n)
             for n in range(1, 9)]
        )
        Opportunity.objects.filter(tier=2).first().delete()
    assert _stored() == _from_scratch()
    assert sum(count for count, _amount, _weighted in _stored().values()) == 8


def test_nested_bulk_writes_end_with_the_outermost_as_the_demo_flush_inside_the_seed():
    account = AccountFactory()
    with portfolio_cache.bulk_writes():
        with portfolio_cache.bulk_writes():  # demo_flush() inside seed_demo
            Opportunity.objects.only("pk").delete()
        assert portfolio_cache.in_bulk_writes()
        Opportunity.objects.bulk_create([Opportunity(account=account, name="o", tier=1, amount=Decimal(5), probability=50)])
    assert not portfolio_cache.in_bulk_writes()
    assert _stored() == _from_scratch() != {}


def test_a_write_that_bypasses_the_signals_is_followed_by_a_refresh():
    opportunity = OpportunityFactory(tier=3)
    Opportunity.objects.filter(pk=opportunity.pk).update(tier=1)
    assert _stored() != _from_scratch()
    tier_totals_refresh(account_ids=[opportunity.account_id])
    assert _stored() == _from_scratch()


def test_the_dashboards_tier_funnel_equals_a_sum_over_the_opportunities():
    accounts = [AccountFactory(), AccountFactory(), AccountFactory()]
    for n, account in enumerate(accounts * 3):
        OpportunityFactory(account=account, tier=1 + n % 4, amount=Decimal(1_000_001 * (n + 1)), probability=3 + 7 * n)
    OpportunityFactory(account=accounts[0], stage=Opportunity.Stage.WON)
    in_scope = Account.objects.filter(pk__in=[accounts[0].pk, accounts[2].pk])
    assert tier_funnel(accounts=in_scope) == _funnel_from_scratch(in_scope)
    funnel, expected = tier_funnel(accounts=Account.objects.all()), _funnel_from_scratch(Account.objects.all())
    # Equal amounts of the same types (PostgreSQL's on-the-fly division carries more zeros: the same number).
    assert funnel == expected
    assert [{key: type(value) for key, value in row.items()} for row in funnel] == [
        {key: type(value) for key, value in row.items()} for row in expected
    ]
