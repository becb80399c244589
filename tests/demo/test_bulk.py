"""demo.bulk.bulk_insert: the seed's fast insert gives rows what bulk_create would."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import OpportunityMove, OrgUnit
from demo.bulk import bulk_insert
from performance.models import NpsResponse
from tests.factories import AccountFactory, OpportunityFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_bulk_insert_gives_keys_above_existing_rows_and_links_parents_saved_first():
    account = AccountFactory()
    existing = OrgUnitFactory(account=account)
    top = OrgUnit(account=account, name="Top")
    child = OrgUnit(account=account, name="Child", parent=top)  # parent unsaved when assigned
    bulk_insert(OrgUnit, [top])
    bulk_insert(OrgUnit, [child])
    assert existing.pk < top.pk < child.pk
    assert OrgUnit.objects.get(pk=child.pk).parent_id == top.pk
    assert not child._state.adding
    # The next ordinary save continues after the reserved keys.
    assert OrgUnitFactory(account=account).pk > child.pk


def test_bulk_insert_refuses_a_parent_never_saved():
    account = AccountFactory()
    orphan = OrgUnit(account=account, name="Child", parent=OrgUnit(account=account, name="Never saved"))
    with pytest.raises(ValueError):
        bulk_insert(OrgUnit, [orphan])
    assert not OrgUnit.objects.filter(name="Child").exists()


def test_bulk_insert_keeps_a_given_auto_now_add_moment_and_fills_a_missing_one():
    opportunity = OpportunityFactory()
    then = timezone.now() - datetime.timedelta(days=30)
    old = OpportunityMove(opportunity=opportunity, from_tier=2, to_tier=1, from_stage="rfi", to_stage="rfq")
    old.moved_at = then
    new = OpportunityMove(opportunity=opportunity, from_tier=2, to_tier=1, from_stage="rfi", to_stage="rfq")
    bulk_insert(OpportunityMove, [old, new])
    assert OpportunityMove.objects.get(pk=old.pk).moved_at == then
    assert OpportunityMove.objects.get(pk=new.pk).moved_at > then


def test_bulk_insert_ignoring_conflicts_skips_rows_that_exist():
    account = AccountFactory()
    day = datetime.date(2026, 3, 2)
    row = dict(account=account, respondent_name="Kim", score=9, responded_on=day)
    bulk_insert(NpsResponse, [NpsResponse(**row)], ignore_conflicts=True)
    bulk_insert(NpsResponse, [NpsResponse(**row), NpsResponse(**{**row, "respondent_name": "Lee"})],
                ignore_conflicts=True)
    assert sorted(NpsResponse.objects.values_list("respondent_name", flat=True)) == ["Kim", "Lee"]
