import datetime

import pytest
from django.utils import timezone

from accounts.models import Opportunity, OpportunityMove
from tests.factories import OfferingFactory, OpportunityFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/opportunities/"


def detail(opportunity, suffix=""):
    return f"/api/v1/opportunities/{opportunity.pk}/{suffix}"


def test_account_manager_lists_opportunities_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = OpportunityFactory(account=account)
    OpportunityFactory(account=other_account)
    assert [row["id"] for row in api_for(account_manager).get(LIST).json()["results"]] == [mine.pk]


def test_anonymous_caller_cannot_list_opportunities(api_for):
    assert api_for(None).get(LIST).status_code == 401


def test_filters_by_account_tier_stage_and_updated_since(api_for, account, other_account, executive):
    tier1 = OpportunityFactory(account=account, tier=1, stage="rfq")
    tier3 = OpportunityFactory(account=account, tier=3)
    elsewhere = OpportunityFactory(account=other_account, tier=1)
    Opportunity.objects.filter(pk=tier3.pk).update(updated_at=timezone.now() - datetime.timedelta(days=5))
    client = api_for(executive)
    ids = lambda params: {row["id"] for row in client.get(LIST, params).json()["results"]}  # noqa: E731
    assert ids({"account": account.pk}) == {tier1.pk, tier3.pk}
    assert ids({"tier": 1}) == {tier1.pk, elsewhere.pk}
    assert ids({"stage": "rfq"}) == {tier1.pk}
    assert ids({"updated_since": (timezone.now() - datetime.timedelta(days=1)).isoformat()}) == {tier1.pk, elsewhere.pk}


def test_ordering_and_pagination(api_for, account, account_manager):
    for amount in (300, 100, 200):
        OpportunityFactory(account=account, amount=amount)
    client = api_for(account_manager)
    body = client.get(LIST, {"ordering": "-amount", "page_size": 2}).json()
    assert [row["amount"] for row in body["results"]] == [300, 200] and body["previous"] is None
    last = client.get(body["next"]).json()
    assert [row["amount"] for row in last["results"]] == [100] and last["next"] is None
    assert client.get(last["previous"]).json()["results"] == body["results"]


def test_other_manager_gets_404_for_an_opportunity(api_for, account, other_account, other_account_manager):
    assert api_for(other_account_manager).get(detail(OpportunityFactory(account=account))).status_code == 404


def test_executive_reads_an_opportunity(api_for, account, executive):
    assert api_for(executive).get(detail(OpportunityFactory(account=account))).status_code == 200


def test_team_member_creates_an_opportunity_with_offerings(api_for, account, account_manager):
    unit = OrgUnitFactory(account=account)
    offering = OfferingFactory()
    payload = {"account": account.pk, "name": "MES upgrade", "tier": 2, "amount": 500_000_000, "probability": 40,
               "sponsor_unit": unit.pk, "offerings": [offering.pk], "owner": account_manager.pk}
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    opportunity = Opportunity.objects.get(name="MES upgrade")
    assert list(opportunity.offerings.all()) == [offering]
    assert response.json()["weighted_amount"] == 200_000_000


def test_executive_cannot_create_an_opportunity(api_for, account, executive):
    response = api_for(executive).post(LIST, {"account": account.pk, "name": "x", "tier": 2}, format="json")
    assert response.status_code == 403


def test_opportunity_for_a_foreign_account_is_refused_as_unknown(api_for, account, other_account, account_manager):
    response = api_for(account_manager).post(LIST, {"account": other_account.pk, "name": "x", "tier": 2}, format="json")
    assert response.status_code == 400 and "account" in response.json()


def test_sponsor_unit_from_another_account_and_owner_off_the_team_are_refused(api_for, account, kam_admin):
    payload = {"account": account.pk, "name": "x", "tier": 2,
               "sponsor_unit": OrgUnitFactory().pk, "owner": UserFactory().pk}
    response = api_for(kam_admin).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert response.json().keys() >= {"sponsor_unit"}
    payload.pop("sponsor_unit")
    assert "owner" in api_for(kam_admin).post(LIST, payload, format="json").json()


@pytest.mark.parametrize(
    ("field", "value"), [("tier", 5), ("tier", 0), ("amount", -1), ("probability", 101), ("stage", "dreaming")]
)
def test_out_of_range_values_are_field_errors(api_for, account, account_manager, field, value):
    payload = {"account": account.pk, "name": "x", "tier": 2, field: value}
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Opportunity.objects.exists()


def test_team_member_moves_an_opportunity_and_the_move_is_recorded(api_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=3, stage="rfi")
    response = api_for(account_manager).post(
        detail(opportunity, "move/"), {"tier": 2, "stage": "rfq", "note": "RFQ received"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["tier"], response.json()["stage"]) == (2, "rfq")
    move = OpportunityMove.objects.get(opportunity=opportunity)
    assert (move.from_tier, move.to_tier, move.from_stage, move.to_stage, move.moved_by) == (3, 2, "rfi", "rfq", account_manager)


def test_a_forbidden_stage_move_is_a_400_and_nothing_moves(api_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=1, stage="won")
    response = api_for(account_manager).post(detail(opportunity, "move/"), {"stage": "negotiation"}, format="json")
    assert response.status_code == 400
    assert "stage" in response.json()
    assert not OpportunityMove.objects.exists()


def test_a_move_without_tier_or_stage_is_a_400(api_for, account, account_manager):
    opportunity = OpportunityFactory(account=account)
    assert api_for(account_manager).post(detail(opportunity, "move/"), {"note": "?"}, format="json").status_code == 400


def test_executive_cannot_move_an_opportunity(api_for, account, executive):
    opportunity = OpportunityFactory(account=account, tier=3)
    assert api_for(executive).post(detail(opportunity, "move/"), {"tier": 1}, format="json").status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.tier == 3


def test_other_manager_gets_404_when_moving(api_for, account, other_account, other_account_manager):
    opportunity = OpportunityFactory(account=account, tier=3)
    assert api_for(other_account_manager).post(detail(opportunity, "move/"), {"tier": 1}, format="json").status_code == 404


def test_patching_tier_goes_through_the_move_rules(api_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=3, stage="won")
    client = api_for(account_manager)
    response = client.patch(detail(opportunity), {"tier": 2, "name": "Renamed"}, format="json")
    assert response.status_code == 200
    assert OpportunityMove.objects.get(opportunity=opportunity).to_tier == 2
    response = client.patch(detail(opportunity), {"stage": "proposal", "name": "Again"}, format="json")
    assert response.status_code == 400 and "stage" in response.json()
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.name) == ("won", "Renamed")


def test_executive_cannot_edit_an_opportunity(api_for, account, executive):
    opportunity = OpportunityFactory(account=account)
    assert api_for(executive).patch(detail(opportunity), {"name": "x"}, format="json").status_code == 403


def test_move_history_is_readable_by_whoever_sees_the_account(api_for, account, account_manager, executive, other_account, other_account_manager):
    opportunity = OpportunityFactory(account=account, tier=4)
    api_for(account_manager).post(detail(opportunity, "move/"), {"tier": 3}, format="json")
    api_for(account_manager).post(detail(opportunity, "move/"), {"tier": 2}, format="json")
    rows = api_for(executive).get(detail(opportunity, "moves/")).json()["results"]
    assert [(row["from_tier"], row["to_tier"], row["moved_by_username"]) for row in rows] == [(3, 2, "am-user"), (4, 3, "am-user")]
    assert api_for(other_account_manager).get(detail(opportunity, "moves/")).status_code == 404


@pytest.mark.parametrize("size", [3, 50])
def test_opportunity_list_query_count_is_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    offerings = [OfferingFactory(), OfferingFactory()]
    for _ in range(size):
        OpportunityFactory(account=account).offerings.set(offerings)
    client = api_for(account_manager)
    with django_assert_max_num_queries(5):
        assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == size


def test_a_new_opportunity_starts_its_history(api_for, account, account_manager):
    response = api_for(account_manager).post(LIST, {"account": account.pk, "name": "x", "tier": 4}, format="json")
    moves = OpportunityMove.objects.filter(opportunity_id=response.json()["id"])
    assert [(move.from_tier, move.to_tier) for move in moves] == [(None, 4)]


def test_an_open_opportunity_cannot_close_in_the_past(api_for, account, account_manager):
    payload = {"account": account.pk, "name": "x", "tier": 2, "expected_close_date": "2020-01-01"}
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 400 and "expected_close_date" in response.json()
    assert not Opportunity.objects.exists()
