"""Summary, relationship map, whitespace, pricing and customer experience."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import CustomerActivity, GradeChange, Relationship, UnmetNeed
from tests.factories import (
    AccountFactory,
    ContactFactory,
    CustomerActivityFactory,
    IncentiveProgramFactory,
    OfferingFactory,
    OpportunityFactory,
    OrderFactory,
    OrgUnitFactory,
    PricingTierFactory,
    RelationshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


# --- Summary ---


def test_summary_shows_revenue_and_profit_with_trend(client_for, account, account_manager):
    OrderFactory(account=account, ordered_on=days_ago(10), amount=Decimal(150), cost=Decimal(50))
    OrderFactory(account=account, ordered_on=days_ago(400), amount=Decimal(100), cost=Decimal(40))
    response = client_for(account_manager).get(reverse("accounts:detail", args=[account.pk]))
    revenue = response.context["revenue"]
    assert (revenue["revenue"], revenue["previous_revenue"], revenue["revenue_change"]) == (150, 100, 50)
    assert (revenue["profit"], revenue["previous_profit"]) == (100, 60)
    assert len(response.context["monthly_revenue"]) == 12
    assert "+50.0 %" in response.text


def test_summary_derives_risks_from_the_data(client_for, account, account_manager):
    ContactFactory(account=account, name="Gone Decider", is_decision_maker=True, status="left", left_on=days_ago(30))
    kingpin = ContactFactory(account=account, name="Quiet Kingpin", is_kingpin=True)
    RelationshipFactory(contact=kingpin, user=account_manager, last_interaction_on=days_ago(120))
    fox = ContactFactory(account=account, name="Busy Fox", is_fox=True)
    RelationshipFactory(contact=fox, user=account_manager, last_interaction_on=days_ago(5))
    OpportunityFactory(account=account, tier=2)
    response = client_for(account_manager).get(reverse("accounts:detail", args=[account.pk]))
    kinds = [(risk["kind"], getattr(risk.get("contact"), "name", None)) for risk in response.context["risks"]]
    assert kinds == [("decision_maker_left", "Gone Decider"), ("kingpin_fox_silent", "Quiet Kingpin"), ("no_tier_1", None)]
    assert "No Tier 1 opportunity" in response.text


def test_summary_without_risks_says_so(client_for, account, account_manager):
    OpportunityFactory(account=account, tier=1)
    response = client_for(account_manager).get(reverse("accounts:detail", args=[account.pk]))
    assert response.context["risks"] == []
    assert "No risk found in the data." in response.text


# --- Relationship map ---


def test_relationship_map_groups_by_level_and_highlights_gaps(client_for, account, account_manager):
    ContactFactory(account=account, name="Lonely DM", level="executive", is_decision_maker=True)
    stale = ContactFactory(account=account, name="Stale Kingpin", level="manager", is_kingpin=True)
    RelationshipFactory(contact=stale, user=account_manager, last_interaction_on=days_ago(91))
    fresh = ContactFactory(account=account, name="Fresh Fox", level="manager", is_fox=True)
    RelationshipFactory(contact=fresh, user=account_manager, last_interaction_on=days_ago(3), strength=5)
    ContactFactory(account=account, name="Plain Staff", level="staff")
    response = client_for(account_manager).get(reverse("accounts:relationships", args=[account.pk]))
    rows = {row["contact"].name: row for level in response.context["levels"] for row in level["rows"]}
    assert rows["Lonely DM"]["gap"] == "no_counterpart"
    assert rows["Stale Kingpin"]["gap"] == "no_recent_interaction"
    assert rows["Fresh Fox"]["gap"] is None and rows["Plain Staff"]["gap"] is None
    assert rows["Fresh Fox"]["links"][0].team_member.role == "kam"
    assert [level["level"] for level in response.context["levels"]] == ["executive", "manager", "staff"]
    assert response.context["gap_count"] == 2
    assert "No counterpart" in response.text and "No interaction in 90 days" in response.text


def test_team_member_maps_a_person(client_for, account, account_manager):
    contact = ContactFactory(account=account)
    client = client_for(account_manager)
    client.post(
        reverse("accounts:relationship-add", args=[account.pk]),
        {"contact": contact.pk, "user": account_manager.pk, "strength": 4},
    )
    link = Relationship.objects.get()
    assert (link.contact, link.user, link.strength) == (contact, account_manager, 4)


def test_a_contact_of_another_account_cannot_be_mapped(client_for, account, account_manager):
    foreign = ContactFactory(account=AccountFactory())
    response = client_for(account_manager).post(
        reverse("accounts:relationship-add", args=[account.pk]), {"contact": foreign.pk, "user": account_manager.pk, "strength": 3}
    )
    assert "Choose a contact of this account." in response.text
    assert not Relationship.objects.exists()


# --- Whitespace ---


def test_whitespace_shows_bought_pipeline_and_white_cells(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account, name="Plant")
    cloud, security, analytics = OfferingFactory(name="Cloud"), OfferingFactory(name="Security"), OfferingFactory(name="Analytics")
    won = OpportunityFactory(account=account, sponsor_unit=unit, stage="won", amount=Decimal(300))
    won.offerings.set([cloud, security])
    open_one = OpportunityFactory(account=account, sponsor_unit=unit, amount=Decimal(80))
    open_one.offerings.set([analytics])
    OrderFactory(account=account, offering=cloud, amount=Decimal(500))
    response = client_for(account_manager).get(reverse("accounts:whitespace", args=[account.pk]))
    cells = {cell["offering"].name: cell for cell in response.context["rows"][0]["cells"]}
    assert cells["Cloud"]["state"] == "bought" and cells["Cloud"]["data"]["bought"] == Decimal(150)
    assert cells["Security"]["data"]["bought"] == Decimal(150)
    assert cells["Analytics"]["state"] == "pipeline" and cells["Analytics"]["data"]["pipeline"] == Decimal(80)
    other = [name for name, cell in cells.items() if name not in ("Cloud", "Security", "Analytics")]
    assert all(cells[name]["state"] == "white" for name in other)
    offerings = [o.name for o in response.context["offerings"]]
    assert response.context["orders_row"][offerings.index("Cloud")] == Decimal(500)


@pytest.mark.parametrize("size", [2, 12])
def test_whitespace_query_count_does_not_grow(client_for, account, account_manager, django_assert_max_num_queries, size):
    units = [OrgUnitFactory(account=account, name=f"Unit {i}") for i in range(size)]
    offerings = [OfferingFactory(name=f"Offering {i}") for i in range(size)]
    for unit, offering in zip(units, offerings):
        won = OpportunityFactory(account=account, sponsor_unit=unit, stage="won", amount=Decimal(100))
        won.offerings.set([offering])
        OrderFactory(account=account, offering=offering, amount=Decimal(50))
        UnmetNeed.objects.create(account=account, org_unit=unit, offering=offerings[0], note="Night support", recorded_by=account_manager)
    client = client_for(account_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:whitespace", args=[account.pk]))
    assert response.status_code == 200 and response.text.count('class="ws-link"') >= size * size


def test_whitespace_cells_link_to_their_unmet_need_forms(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account)
    offering = OfferingFactory()
    response = client_for(account_manager).get(reverse("accounts:whitespace", args=[account.pk]))
    need_url = reverse("accounts:unmet-need", args=[account.pk, unit.pk, offering.pk])
    assert f'<a class="ws-link" href="{need_url}" hx-get="{need_url}"' in response.text


def test_an_unmet_need_is_noted_on_a_cell_and_removed_when_emptied(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account)
    offering = OfferingFactory()
    url = reverse("accounts:unmet-need", args=[account.pk, unit.pk, offering.pk])
    client = client_for(account_manager)
    client.post(url, {"note": "Wants on-site support at night"})
    need = UnmetNeed.objects.get()
    assert (need.org_unit, need.offering, need.recorded_by) == (unit, offering, account_manager)
    assert "Wants on-site support at night" in client.get(reverse("accounts:whitespace", args=[account.pk])).text
    client.post(url, {"note": "  "})
    assert not UnmetNeed.objects.exists()


def test_an_unmet_need_on_another_accounts_unit_is_404(client_for, account, account_manager):
    foreign = OrgUnitFactory(account=AccountFactory())
    url = reverse("accounts:unmet-need", args=[account.pk, foreign.pk, OfferingFactory().pk])
    assert client_for(account_manager).post(url, {"note": "x"}).status_code == 404
    assert not UnmetNeed.objects.exists()


# --- Pricing ---


def test_pricing_shows_grade_and_incentive_progress(client_for, account, account_manager):
    gold = PricingTierFactory(name="Gold", rank=1, discount_percent=Decimal("7.5"), privileges="Dedicated engineer")
    account.grade = gold
    account.save()
    program = IncentiveProgramFactory(target_amount=Decimal(1000), discount_percent=Decimal(5),
                                      valid_from=TODAY.replace(month=1, day=1), valid_to=TODAY.replace(month=12, day=31))
    program.accounts.add(account)
    OrderFactory(account=account, ordered_on=TODAY, amount=Decimal(600))
    OrderFactory(account=account, ordered_on=TODAY.replace(month=1, day=1), amount=Decimal(600))
    OrderFactory(account=account, ordered_on=TODAY.replace(month=1, day=1) - datetime.timedelta(days=1), amount=Decimal(999))
    response = client_for(account_manager).get(reverse("accounts:pricing", args=[account.pk]))
    shown = response.context["programs"][0]
    assert (shown.amount, shown.is_met, shown.earned_discount, shown.progress) == (Decimal(1200), True, Decimal(60), Decimal(100))
    assert "Dedicated engineer" in response.text
    assert "7.50 % discount" in response.text


def test_a_program_not_yet_met_shows_what_is_left(client_for, account, account_manager):
    program = IncentiveProgramFactory(target_amount=Decimal(1000))
    program.accounts.add(account)
    OrderFactory(account=account, ordered_on=TODAY, amount=Decimal(250))
    shown = client_for(account_manager).get(reverse("accounts:pricing", args=[account.pk])).context["programs"][0]
    assert (shown.is_met, shown.progress, shown.remaining, shown.earned_discount) == (False, Decimal(25), Decimal(750), 0)


def test_a_grade_change_is_recorded_with_its_reason(client_for, account, account_manager):
    silver = PricingTierFactory(name="Silver", rank=2)
    account.grade = silver
    account.save()
    gold = PricingTierFactory(name="Gold", rank=1)
    client = client_for(account_manager)
    client.post(reverse("accounts:grade-change", args=[account.pk]), {"grade": gold.pk, "reason": "Purchases doubled", "changed_on": TODAY.isoformat()})
    account.refresh_from_db()
    change = GradeChange.objects.get()
    assert account.grade == gold
    assert (change.from_grade, change.to_grade, change.reason, change.changed_by) == (silver, gold, "Purchases doubled", account_manager)
    assert "Purchases doubled" in client.get(reverse("accounts:pricing", args=[account.pk])).text


@pytest.mark.parametrize(("data", "message"), [({"reason": ""}, "This field is required."), ({"same": True}, "The account already has this grade.")])
def test_a_bad_grade_change_shows_a_message_and_changes_nothing(client_for, account, account_manager, data, message):
    silver = PricingTierFactory(name="Silver", rank=2)
    account.grade = silver
    account.save()
    gold = PricingTierFactory(name="Gold", rank=1)
    post = {"grade": (silver if data.get("same") else gold).pk, "reason": data.get("reason", "why"), "changed_on": TODAY.isoformat()}
    response = client_for(account_manager).post(reverse("accounts:grade-change", args=[account.pk]), post)
    assert message in response.text
    account.refresh_from_db()
    assert account.grade == silver and not GradeChange.objects.exists()


# --- Customer experience ---


def test_team_member_records_an_activity_with_participants(client_for, account, account_manager):
    contact = ContactFactory(account=account)
    client_for(account_manager).post(
        reverse("accounts:activity-add", args=[account.pk]),
        {"kind": "seminar", "title": "AI seminar", "starts_on": "2026-05-01", "contacts": [contact.pk], "our_people": [account_manager.pk]},
    )
    activity = CustomerActivity.objects.get()
    assert list(activity.contacts.all()) == [contact] and list(activity.our_people.all()) == [account_manager]
    assert activity.recorded_by == account_manager


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ends_on": "2026-04-01"}, "The end date cannot be before the start date."),
        ({"resolved_on": "2026-05-03"}, "Only a support incident is resolved."),
        ({"foreign": True}, "Choose participants from this account"),
    ],
)
def test_bad_activity_input_shows_a_message_and_saves_nothing(client_for, account, account_manager, extra, message):
    data = {"kind": "workshop", "title": "Kick-off", "starts_on": "2026-05-01"}
    if extra.pop("foreign", False):
        data["contacts"] = [ContactFactory(account=AccountFactory()).pk]
    data.update(extra)
    response = client_for(account_manager).post(reverse("accounts:activity-add", args=[account.pk]), data)
    assert message in response.text
    assert not CustomerActivity.objects.exists()


@pytest.mark.parametrize("size", [2, 20])
def test_customer_experience_query_count_does_not_grow(client_for, account, account_manager, django_assert_max_num_queries, size):
    for number in range(size):
        activity = CustomerActivityFactory(account=account, title=f"Workshop {number}")
        activity.contacts.set([ContactFactory(account=account, name=f"Contact {number}"), ContactFactory(account=account)])
        activity.our_people.set([account_manager, UserFactory()])
    client = client_for(account_manager)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("accounts:experience", args=[account.pk]))
    assert response.status_code == 200
    assert f"Contact {size - 1}" in response.text and response.text.count('aria-label="Edit Workshop') == size


def test_retention_health_follows_the_documented_formula(client_for, account, account_manager):
    # coverage: 1 of 2 key contacts reached in 90 days -> 17.5 of 35
    reached = ContactFactory(account=account, is_decision_maker=True)
    RelationshipFactory(contact=reached, user=account_manager, last_interaction_on=days_ago(10))
    ContactFactory(account=account, is_fox=True)
    # engagement: 2 activities in 180 days (one older does not count) -> 12.5 of 25
    CustomerActivityFactory(account=account, starts_on=days_ago(10))
    CustomerActivityFactory(account=account, kind="training", starts_on=days_ago(100))
    CustomerActivityFactory(account=account, starts_on=days_ago(200))
    # support: 1 open incident, 1 resolved -> 10 of 15
    CustomerActivityFactory(account=account, kind="incident", starts_on=days_ago(300))
    CustomerActivityFactory(account=account, kind="incident", starts_on=days_ago(300), resolved_on=days_ago(290))
    # revenue: 110 % of the year before -> 18.75 of 25
    OrderFactory(account=account, ordered_on=days_ago(5), amount=Decimal(110))
    OrderFactory(account=account, ordered_on=days_ago(400), amount=Decimal(100))
    response = client_for(account_manager).get(reverse("accounts:experience", args=[account.pk]))
    health = response.context["health"]
    assert health["points"] == {"coverage": Decimal("17.5"), "engagement": Decimal("12.5"), "revenue": Decimal("18.75"), "support": Decimal(10)}
    assert health["score"] == 59 and health["status"] == "watch"
    assert "How is this computed?" in response.text


def test_an_account_without_data_has_zero_retention_health(client_for, account, account_manager):
    health = client_for(account_manager).get(reverse("accounts:experience", args=[account.pk])).context["health"]
    assert health["score"] == 15 and health["status"] == "at_risk"  # only "no open incident" scores


def test_relationship_map_is_drawn_with_lines_coloured_by_contact_age_and_gaps_marked(client_for, account, account_manager):
    dm = ContactFactory(account=account, name="Lonely DM", level="executive", is_decision_maker=True)
    stale = ContactFactory(account=account, name="Stale Kingpin", level="manager", is_kingpin=True)
    RelationshipFactory(contact=stale, user=account_manager, last_interaction_on=days_ago(120), strength=2)
    fresh = ContactFactory(account=account, name="Fresh Fox", level="manager", is_fox=True)
    RelationshipFactory(contact=fresh, user=account_manager, last_interaction_on=days_ago(3), strength=5)
    response = client_for(account_manager).get(reverse("accounts:relationships", args=[account.pk]))
    drawing = response.context["drawing"]
    assert [box.name for box in drawing.theirs] == ["Lonely DM", "Fresh Fox", "Stale Kingpin"]
    assert len(drawing.ours) == 1
    assert sorted((line.age, line.strength) for line in drawing.lines) == [("fresh", 5), ("stale", 2)]
    assert {gap["name"]: gap["gap"] for gap in drawing.gaps} == {"Lonely DM": "no_counterpart", "Stale Kingpin": "no_recent_interaction"}
    text = response.text
    assert 'role="img"' in text and "<title id=\"relationship-svg-title\">" in text
    assert "relationship-line age-fresh strength-5" in text and "relationship-line age-stale strength-2" in text
    assert "map-box theirs key gap-no_counterpart" in text
    assert dm.name in text and "No counterpart" in text
    # the table stays as the second view
    table = client_for(account_manager).get(reverse("accounts:relationships", args=[account.pk]) + "?view=table")
    assert table.context["drawing"] is None and "relationship-table" in table.text and "<svg" not in table.text


def test_contact_age_is_fresh_ageing_or_stale():
    from accounts.relationship_drawing import contact_age

    assert [contact_age(days_ago(n), TODAY) for n in (0, 30, 31, 90, 91)] == ["fresh", "fresh", "ageing", "ageing", "stale"]
    assert contact_age(None, TODAY) == "stale"


def test_an_account_without_contacts_gets_an_empty_map(client_for, account, account_manager):
    response = client_for(account_manager).get(reverse("accounts:relationships", args=[account.pk]))
    assert "No active customer contact yet" in response.text


@pytest.mark.parametrize("size", [3, 40])
def test_relationship_map_query_count_is_fixed(client_for, account, account_manager, django_assert_max_num_queries, size):
    for _ in range(size):
        RelationshipFactory(contact=ContactFactory(account=account, is_decision_maker=True), user=account_manager)
    client = client_for(account_manager)
    for view in ("", "?view=table"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse("accounts:relationships", args=[account.pk]) + view).status_code == 200


def test_the_relationship_map_shortens_long_names_as_django_does_and_keeps_short_ones():
    from django.utils.text import Truncator

    from accounts.relationship_drawing import _short

    for text in ("이우진", "x" * 30, "x" * 31, "Cafe\u0301 " + "y" * 25, "Cafe\u0301 " + "y" * 26, "연구개발본부 " * 6):
        assert _short(text) == Truncator(text).chars(30), text
    assert _short("x" * 31) == "x" * 29 + "…"
    assert _short(None) == ""
