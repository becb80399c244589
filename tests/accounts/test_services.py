import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Contact, OrgChange, Opportunity, OpportunityMove, OrgUnit, Relationship
from accounts.services import account_revenue_refresh, contact_save, opportunity_move, org_unit_save
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    OrderFactory,
    OrgUnitFactory,
    RelationshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_contact_save_refuses_reports_to_cycle(account, account_manager):
    ceo = ContactFactory(account=account, name="CEO")
    director = ContactFactory(account=account, name="Director", reports_to=ceo)
    manager = ContactFactory(account=account, name="Manager", reports_to=director)
    ceo.reports_to = manager
    with pytest.raises(ValidationError) as excinfo:
        contact_save(contact=ceo, acting_user=account_manager)
    assert "reports_to" in excinfo.value.message_dict
    ceo.refresh_from_db()
    assert ceo.reports_to is None


def test_contact_save_refuses_manager_from_another_account(account, other_account, account_manager):
    foreign_boss = ContactFactory(account=other_account)
    person = Contact(account=account, name="New hire", reports_to=foreign_boss)
    with pytest.raises(ValidationError, match="another account"):
        contact_save(contact=person, acting_user=account_manager)
    assert not Contact.objects.filter(name="New hire").exists()


def test_contact_save_logs_joining_leaving_and_role_change(account, account_manager):
    person = contact_save(
        contact=Contact(account=account, name="박지훈", title="구매팀장"), acting_user=account_manager
    )
    person.is_decision_maker = True
    contact_save(contact=person, acting_user=account_manager)
    person.status = Contact.Status.LEFT
    contact_save(contact=person, acting_user=account_manager, happened_on=datetime.date(2026, 3, 31))
    kinds = list(OrgChange.objects.filter(contact=person).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["joined", "role_changed", "left"]
    person.refresh_from_db()
    assert person.left_on == datetime.date(2026, 3, 31)
    assert OrgChange.objects.get(kind="left").recorded_by == account_manager


def test_org_unit_save_refuses_loop_in_unit_tree(account, account_manager):
    top = OrgUnitFactory(account=account, name="본사")
    middle = OrgUnitFactory(account=account, name="사업부", parent=top)
    bottom = OrgUnitFactory(account=account, name="팀", parent=middle)
    top.parent = bottom
    with pytest.raises(ValidationError, match="own branch"):
        org_unit_save(unit=top, acting_user=account_manager)
    assert OrgUnit.objects.get(pk=top.pk).parent is None


def test_org_unit_move_is_logged(account, account_manager):
    first = OrgUnitFactory(account=account, name="A")
    second = OrgUnitFactory(account=account, name="B")
    second.parent = first
    org_unit_save(unit=second, acting_user=account_manager)
    assert OrgChange.objects.filter(kind="unit_changed", org_unit=second).exists()


def test_opportunity_move_records_history(account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=3, stage="rfi")
    opportunity_move(opportunity=opportunity, acting_user=account_manager, tier=2, stage="rfq")
    opportunity.refresh_from_db()
    assert (opportunity.tier, opportunity.stage) == (2, "rfq")
    move = OpportunityMove.objects.get(opportunity=opportunity)
    assert (move.from_tier, move.to_tier, move.from_stage, move.to_stage) == (3, 2, "rfi", "rfq")
    assert move.moved_by == account_manager


def test_opportunity_move_refuses_tier_outside_1_to_4(account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=3)
    with pytest.raises(ValidationError):
        opportunity_move(opportunity=opportunity, acting_user=account_manager, tier=5)
    assert not OpportunityMove.objects.exists()
    assert Opportunity.objects.get(pk=opportunity.pk).tier == 3


def test_won_opportunity_cannot_be_reopened(account, account_manager):
    opportunity = OpportunityFactory(account=account, stage="won", probability=100)
    with pytest.raises(ValidationError, match="cannot move"):
        opportunity_move(opportunity=opportunity, acting_user=account_manager, stage="proposal")


def test_moving_to_won_sets_probability_to_100(account, account_manager):
    opportunity = OpportunityFactory(account=account, stage="negotiation", probability=70)
    opportunity_move(opportunity=opportunity, acting_user=account_manager, stage="won")
    assert Opportunity.objects.get(pk=opportunity.pk).probability == 100


def test_revenue_refresh_sums_last_12_months_and_classifies_pareto():
    today = datetime.date(2026, 11, 27)
    big, middle, small, idle = (AccountFactory() for _ in range(4))
    OrderFactory(account=big, amount=800, cost=500, ordered_on=today - datetime.timedelta(days=10))
    OrderFactory(account=middle, amount=150, cost=100, ordered_on=today - datetime.timedelta(days=100))
    OrderFactory(account=small, amount=50, cost=10, ordered_on=today - datetime.timedelta(days=200))
    OrderFactory(account=small, amount=999, cost=0, ordered_on=today - datetime.timedelta(days=400))  # too old
    assert account_revenue_refresh(as_of=today) == 4
    for account in (big, middle, small, idle):
        account.refresh_from_db()
    assert (big.revenue_ttm, big.profit_ttm) == (Decimal(800), Decimal(300))
    assert small.revenue_ttm == Decimal(50)
    # 800 of 1000 is 80 %: the biggest account alone makes 80 %; the next brings it to 95 %.
    assert [a.pareto_class for a in (big, middle, small, idle)] == ["A", "B", "C", "C"]
    assert account_revenue_refresh(as_of=today) == 4
    big.refresh_from_db()
    assert big.revenue_ttm == Decimal(800)


@pytest.mark.parametrize(
    "factory, values",
    [
        (OpportunityFactory, {"tier": 5}),
        (OpportunityFactory, {"tier": 0}),
        (OpportunityFactory, {"amount": -1}),
        (OpportunityFactory, {"probability": 101}),
        (OrderFactory, {"amount": -5}),
        (ContactFactory, {"influence": 6}),
        (ContactFactory, {"status": "active", "left_on": datetime.date(2026, 1, 1)}),
    ],
)
def test_database_refuses_invalid_rows(factory, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**values)


def test_one_relationship_per_user_and_contact():
    relationship = RelationshipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(user=relationship.user, contact=relationship.contact)


def test_account_fiscal_year_month_must_be_1_to_12():
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(fiscal_year_start_month=13)


def test_refresh_task_runs_the_service(settings):
    from performance.tasks import refresh_account_revenue

    account = AccountFactory()
    OrderFactory(account=account, amount=1000, cost=400)
    assert refresh_account_revenue.delay().get() == 1
    account.refresh_from_db()
    assert account.revenue_ttm == 1000 and account.pareto_class == "A"


def test_user_factory_password_is_usable():
    from django.contrib.auth import authenticate

    UserFactory(username="pw-check")
    assert authenticate(username="pw-check", password="kamdemo") is not None
