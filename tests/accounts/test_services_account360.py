import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Opportunity, OpportunityMove, Relationship, UnmetNeed
from accounts.pareto import pareto_class
from accounts.services import (
    account_grade_change,
    account_key_account_set,
    customer_activity_save,
    opportunity_save,
    relationship_save,
    unmet_need_save,
)
from tests.factories import (
    AccountFactory,
    ContactFactory,
    CustomerActivityFactory,
    OfferingFactory,
    OpportunityFactory,
    OrgUnitFactory,
    PricingTierFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("revenue", "share_before", "expected"),
    [(10, "0", "A"), (10, "0.7999", "A"), (10, "0.80", "B"), (10, "0.9499", "B"), (10, "0.95", "C"), (0, "0", "C")],
)
def test_pareto_class_boundaries(revenue, share_before, expected):
    assert pareto_class(revenue=Decimal(revenue), share_before=Decimal(share_before)) == expected


def test_opportunity_save_records_creation_and_tier_changes():
    account = AccountFactory()
    opportunity = opportunity_save(
        opportunity=Opportunity(account=account, name="New", tier=4, amount=Decimal(10)), acting_user=None, today=TODAY
    )
    opportunity.tier = 2
    opportunity_save(opportunity=opportunity, acting_user=None, today=TODAY)
    assert list(OpportunityMove.objects.order_by("id").values_list("from_tier", "to_tier")) == [(None, 4), (4, 2)]


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("tier", 5, "tier"),
        ("amount", Decimal(-1), "amount"),
        ("expected_close_date", datetime.date(2026, 5, 31), "expected_close_date"),
    ],
)
def test_opportunity_save_refuses_bad_values(field, value, error_field):
    opportunity = Opportunity(account=AccountFactory(), name="Bad", tier=3, amount=Decimal(1))
    setattr(opportunity, field, value)
    with pytest.raises(ValidationError) as error:
        opportunity_save(opportunity=opportunity, acting_user=None, today=TODAY)
    assert error_field in error.value.error_dict
    assert not Opportunity.objects.exists()


def test_opportunity_save_refuses_a_unit_or_owner_from_outside_the_account():
    account = AccountFactory()
    opportunity = Opportunity(account=account, name="X", tier=3, sponsor_unit=OrgUnitFactory(), owner=UserFactory())
    with pytest.raises(ValidationError) as error:
        opportunity_save(opportunity=opportunity, acting_user=None, today=TODAY)
    assert set(error.value.error_dict) == {"sponsor_unit", "owner"}


def test_opportunity_save_accepts_an_owner_on_the_team():
    member = TeamMemberFactory()
    saved = opportunity_save(
        opportunity=Opportunity(account=member.account, name="X", tier=3, owner=member.user), acting_user=None, today=TODAY
    )
    assert saved.owner == member.user


def test_opportunity_save_follows_the_stage_transition_table():
    opportunity = OpportunityFactory(stage="lost")
    opportunity.stage = "won"
    with pytest.raises(ValidationError):
        opportunity_save(opportunity=opportunity, acting_user=None, today=TODAY)
    opportunity.stage = "rfi"
    opportunity.expected_close_date = None
    opportunity_save(opportunity=opportunity, acting_user=None, today=TODAY)
    assert Opportunity.objects.get().stage == "rfi"


def test_unmet_need_save_creates_updates_and_removes():
    unit = OrgUnitFactory()
    offering = OfferingFactory()
    unmet_need_save(account=unit.account, org_unit=unit, offering=offering, note="A", acting_user=None)
    unmet_need_save(account=unit.account, org_unit=unit, offering=offering, note="B", acting_user=None)
    assert UnmetNeed.objects.get().note == "B"
    assert unmet_need_save(account=unit.account, org_unit=unit, offering=offering, note="", acting_user=None) is None
    assert not UnmetNeed.objects.exists()


def test_unmet_need_save_refuses_a_unit_of_another_account():
    with pytest.raises(ValidationError) as refused:
        unmet_need_save(account=AccountFactory(), org_unit=OrgUnitFactory(), offering=OfferingFactory(), note="x", acting_user=None)
    assert set(refused.value.message_dict) == {"org_unit"}
    assert not UnmetNeed.objects.exists()


def test_customer_activity_save_edits_an_activity_whose_recorder_was_deleted():
    recorder = UserFactory()
    activity = CustomerActivityFactory(recorded_by=recorder)
    recorder.delete()
    activity.refresh_from_db()
    activity.title = "Renamed"
    customer_activity_save(activity=activity, acting_user=UserFactory())
    activity.refresh_from_db()
    assert (activity.title, activity.recorded_by) == ("Renamed", None)


def test_account_grade_change_refuses_an_empty_reason():
    account = AccountFactory()
    with pytest.raises(ValidationError):
        account_grade_change(account=account, grade=PricingTierFactory(), reason="  ", acting_user=None)


def test_relationship_save_refuses_a_duplicate_mapping():
    link = Relationship.objects.create(user=UserFactory(), contact=ContactFactory())
    with pytest.raises(ValidationError) as error:
        relationship_save(relationship=Relationship(user=link.user, contact=link.contact), acting_user=None)
    assert "user" in error.value.error_dict


def test_key_account_flag_is_kept_in_the_accounts_history():
    account = AccountFactory()
    actor = UserFactory()
    account_key_account_set(account=account, is_key_account=True, acting_user=actor)
    latest = account.history.latest()
    assert latest.is_key_account and latest.history_user == actor
