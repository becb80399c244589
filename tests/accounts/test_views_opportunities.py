import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Opportunity, OpportunityMove
from tests.factories import AccountFactory, OfferingFactory, OpportunityFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
FUTURE = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()


def board_url(account):
    return reverse("accounts:opportunities", args=[account.pk])


def opportunity_data(**overrides):
    data = {"name": "Smart factory phase 2", "tier": 3, "stage": "identified", "amount": "250000000",
            "probability": 30, "expected_close_date": FUTURE}
    data.update(overrides)
    return data


def column(response, tier):
    return next(c for c in response.context["columns"] if c["tier"] == tier)


def test_board_totals_count_amount_and_weighted_amount_per_tier(client_for, account, account_manager):
    OpportunityFactory(account=account, tier=2, amount=Decimal(100_000_000), probability=50)
    OpportunityFactory(account=account, tier=2, amount=Decimal(300_000_000), probability=10)
    OpportunityFactory(account=account, tier=2, amount=Decimal(900_000_000), stage="won")
    response = client_for(account_manager).get(board_url(account))
    tier2 = column(response, 2)
    assert (tier2["count"], tier2["amount"], tier2["weighted"]) == (2, Decimal(400_000_000), Decimal(80_000_000))
    assert [card.amount for card in tier2["cards"]] == [Decimal(300_000_000), Decimal(100_000_000)]
    assert [o.stage for o in response.context["closed"]] == ["won"]


def test_moving_from_tier_3_to_tier_2_updates_totals_and_history(client_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=3, amount=Decimal(200_000_000), probability=20)
    response = client_for(account_manager).post(
        reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk]), {"tier": 2}, headers=HX
    )
    assert response.status_code == 200
    assert 'id="opportunity-board"' in response.text and "<html" not in response.text
    assert (column(response, 3)["count"], column(response, 2)["count"]) == (0, 1)
    assert column(response, 2)["amount"] == Decimal(200_000_000)
    move = OpportunityMove.objects.get(opportunity=opportunity)
    assert (move.from_tier, move.to_tier, move.moved_by) == (3, 2, account_manager)


def test_a_move_confirms_what_it_did_in_a_message(client_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, name="MES upgrade", tier=3)
    response = client_for(account_manager).post(
        reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk]), {"tier": 2}, headers=HX
    )
    assert "Moved MES upgrade to Tier 2." in response.text
    assert 'role="status"' in response.text


def test_a_second_identical_move_changes_nothing_and_records_no_history(client_for, account, account_manager):
    """A double click, or a drop back on the card's own column, moves the opportunity once."""
    opportunity = OpportunityFactory(account=account, name="MES upgrade", tier=3)
    client = client_for(account_manager)
    url = reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk])
    client.post(url, {"tier": 2}, headers=HX)
    second = client.post(url, {"tier": 2}, headers=HX)
    assert second.status_code == 200
    assert "Moved MES upgrade" not in second.text
    assert OpportunityMove.objects.filter(opportunity=opportunity).count() == 1
    same_column = client.post(url, {"tier": 2})
    assert same_column.status_code == 302
    assert OpportunityMove.objects.filter(opportunity=opportunity).count() == 1


def test_a_move_without_htmx_says_where_it_went(client_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, name="MES upgrade", tier=3)
    response = client_for(account_manager).post(
        reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk]), {"tier": 1}, follow=True
    )
    assert "Moved MES upgrade to Tier 1." in response.text


def test_a_stage_move_is_kept_in_history_and_shown_on_the_opportunity(client_for, account, account_manager):
    opportunity = OpportunityFactory(account=account)
    client = client_for(account_manager)
    client.post(reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk]), {"stage": "rfi"})
    opportunity.refresh_from_db()
    assert opportunity.stage == "rfi"
    response = client.get(reverse("accounts:opportunity-edit", args=[account.pk, opportunity.pk]))
    assert [(m.from_stage, m.to_stage) for m in response.context["moves"]] == [("identified", "rfi")]
    assert "History of tier and stage moves" in response.text


def test_rfi_and_rfq_work_is_counted_per_tier(client_for, account, account_manager):
    OpportunityFactory(account=account, tier=4, stage="rfi")
    OpportunityFactory(account=account, tier=4, stage="rfq")
    OpportunityFactory(account=account, tier=4, stage="identified")
    response = client_for(account_manager).get(board_url(account))
    assert column(response, 4)["rfx"] == 2


def test_a_forbidden_stage_move_shows_the_reason_and_changes_nothing(client_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, stage="won")
    response = client_for(account_manager).post(
        reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk]), {"stage": "proposal"}, headers=HX
    )
    assert "An opportunity cannot move from Won to Proposal." in response.text
    opportunity.refresh_from_db()
    assert opportunity.stage == "won" and not OpportunityMove.objects.exists()


def test_a_move_to_tier_5_is_refused(client_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=3)
    response = client_for(account_manager).post(
        reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk]), {"tier": 5}, headers=HX
    )
    assert "The tier must be 1, 2, 3 or 4." in response.text
    opportunity.refresh_from_db()
    assert opportunity.tier == 3


def test_team_member_adds_an_opportunity_with_its_sponsoring_unit_and_offerings(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account, name="Plant IT")
    offering = OfferingFactory(name="Smart factory")
    client_for(account_manager).post(
        reverse("accounts:opportunity-add", args=[account.pk]),
        opportunity_data(sponsor_unit=unit.pk, offerings=[offering.pk], owner=account_manager.pk),
    )
    opportunity = Opportunity.objects.get()
    assert (opportunity.account, opportunity.sponsor_unit, opportunity.owner) == (account, unit, account_manager)
    assert list(opportunity.offerings.all()) == [offering]
    assert OpportunityMove.objects.get(opportunity=opportunity).from_tier is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tier": 5}, "The tier must be 1, 2, 3 or 4."),
        ({"tier": 0}, "The tier must be 1, 2, 3 or 4."),
        ({"amount": "-1"}, "The amount cannot be negative."),
        ({"expected_close_date": "2020-01-01"}, "An open opportunity cannot close in the past"),
        ({"amount": "lots"}, "Enter an amount, for example"),
    ],
)
def test_bad_opportunity_input_shows_a_message_and_saves_nothing(client_for, account, account_manager, overrides, message):
    response = client_for(account_manager).post(
        reverse("accounts:opportunity-add", args=[account.pk]), opportunity_data(**overrides), headers=HX
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Opportunity.objects.exists()


def test_a_sponsoring_unit_of_another_account_is_refused(client_for, account, account_manager):
    foreign = OrgUnitFactory(account=AccountFactory())
    response = client_for(account_manager).post(
        reverse("accounts:opportunity-add", args=[account.pk]), opportunity_data(sponsor_unit=foreign.pk)
    )
    assert "Choose an org unit of this account." in response.text
    assert not Opportunity.objects.exists()


def test_a_won_opportunity_may_keep_a_past_close_date(client_for, account, account_manager):
    client_for(account_manager).post(
        reverse("accounts:opportunity-add", args=[account.pk]), opportunity_data(stage="won", expected_close_date="2020-01-01")
    )
    assert Opportunity.objects.get().probability == 100


def test_an_edit_that_changes_the_tier_is_kept_in_history(client_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=4)
    client_for(account_manager).post(
        reverse("accounts:opportunity-edit", args=[account.pk, opportunity.pk]), opportunity_data(name=opportunity.name, tier=1)
    )
    move = OpportunityMove.objects.get(opportunity=opportunity)
    assert (move.from_tier, move.to_tier) == (4, 1)


def test_board_filters_by_offering_and_by_sponsoring_unit(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account)
    offering = OfferingFactory()
    with_offering = OpportunityFactory(account=account, name="Has offering")
    with_offering.offerings.add(offering)
    OpportunityFactory(account=account, name="From unit", sponsor_unit=unit)
    client = client_for(account_manager)
    by_offering = client.get(board_url(account), {"offering": offering.pk})
    assert [c.name for c in column(by_offering, 3)["cards"]] == ["Has offering"]
    by_unit = client.get(board_url(account), {"unit": unit.pk})
    assert [c.name for c in column(by_unit, 3)["cards"]] == ["From unit"]
    assert column(by_unit, 3)["count"] == 1


def test_each_card_shows_its_sponsoring_unit(client_for, account, account_manager):
    OpportunityFactory(account=account, sponsor_unit=OrgUnitFactory(account=account, name="Logistics HQ"))
    assert "Logistics HQ" in client_for(account_manager).get(board_url(account)).text


def test_cards_escape_what_people_typed_and_post_moves_with_the_boards_filters(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account, name="<b>R&D</b>")
    offering = OfferingFactory(name="<i>Cloud</i>")
    opportunity = OpportunityFactory(account=account, name='Deal "<script>"', sponsor_unit=unit, tier=2)
    opportunity.offerings.add(offering)
    text = client_for(account_manager).get(board_url(account), {"unit": unit.pk, "offering": offering.pk}).text
    assert "<script>" not in text and "Deal &quot;&lt;script&gt;&quot;" in text
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in text and "&lt;i&gt;Cloud&lt;/i&gt;" in text
    move = reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk])
    assert f'data-move-url="{move}?unit={unit.pk}&amp;offering={offering.pk}"' in text
    assert "Move Deal &quot;&lt;script&gt;&quot; to Tier 1" in text and "Move Deal &quot;&lt;script&gt;&quot; to Tier 3" in text


def test_a_reader_sees_cards_without_edit_or_move_controls(client_for, account, executive):
    OpportunityFactory(account=account, name="Read-only deal")
    text = client_for(executive).get(board_url(account)).text
    assert "Read-only deal" in text and "data-move-url" not in text and "move-controls" not in text
