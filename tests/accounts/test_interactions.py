"""The interaction log: recording from the account's pages, who may, the last contact read from the log, the timeline."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import selectors
from accounts.permissions import user_can_record_interaction
from accounts.models import AccountTeamMember, CustomerActivity, Interaction, OpportunityMove, OrgChange
from accounts.services import customer_activity_save
from tests.factories import (
    AccountFactory,
    ContactFactory,
    CustomerActivityFactory,
    InteractionFactory,
    OpportunityFactory,
    OrderFactory,
    RelationshipFactory,
    TeamMemberFactory,
    UserFactory,
    interaction_log,
    make_executive,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def add_url(account, **params):
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("accounts:interaction-add", args=[account.pk]) + (f"?{query}" if query else "")


def payload(contact, *users, occurred_on=None, **extra):
    return {
        "occurred_on": (occurred_on or TODAY).isoformat(),
        "kind": "meeting",
        "their_attendees": [contact.pk],
        "our_attendees": [user.pk for user in users],
        "note": "Talked about the 2027 roadmap",
        "next_step": "Send the proposal by Friday",
        **extra,
    }


@pytest.fixture
def sponsor(account):
    """An executive on the account's team as its executive sponsor."""
    user = make_executive(username="sponsor")
    TeamMemberFactory(account=account, user=user, role=AccountTeamMember.Role.EXECUTIVE_SPONSOR)
    return user


# --- Who may record --------------------------------------------------------------------------------


def test_the_rule_team_and_admins_record_others_do_not(account, account_manager, sponsor, executive, kam_admin, other_account_manager):
    assert user_can_record_interaction(user=account_manager, account=account)
    assert user_can_record_interaction(user=sponsor, account=account)
    assert user_can_record_interaction(user=kam_admin, account=account)
    assert not user_can_record_interaction(user=executive, account=account)
    assert not user_can_record_interaction(user=other_account_manager, account=account)


@pytest.mark.parametrize("who", ["account_manager", "sponsor", "kam_admin"])
def test_team_sponsor_and_admin_log_an_interaction(client_for, account, who, request):
    user = request.getfixturevalue(who)
    kingpin = ContactFactory(account=account, name="이우진", is_kingpin=True)
    response = client_for(user).post(add_url(account), payload(kingpin, user))
    assert response.status_code == 302, response.content
    interaction = Interaction.objects.get()
    assert (interaction.account, interaction.recorded_by, interaction.next_step) == (account, user, "Send the proposal by Friday")
    assert list(interaction.their_attendees.all()) == [kingpin] and list(interaction.our_attendees.all()) == [user]


@pytest.mark.parametrize("who", ["executive", "other_account_manager"])
def test_others_get_404_and_nothing_is_recorded(client_for, account, who, request):
    user = request.getfixturevalue(who)
    contact = ContactFactory(account=account)
    client = client_for(user)
    assert client.get(add_url(account)).status_code == 404
    assert client.post(add_url(account), payload(contact, user)).status_code == 404
    interaction = InteractionFactory(account=account, their_attendees=[contact], our_attendees=[user])
    assert client.get(reverse("accounts:interaction-edit", args=[account.pk, interaction.pk])).status_code == 404
    assert Interaction.objects.count() == 1


def test_an_executive_off_the_team_reads_the_timeline_without_the_button(client_for, account, executive):
    InteractionFactory(account=account, note="Quarterly business review")
    response = client_for(executive).get(reverse("accounts:timeline", args=[account.pk]))
    assert response.status_code == 200 and "Quarterly business review" in response.text
    assert 'data-testid="log-interaction"' not in response.text


# --- Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"occurred_on": (TODAY + datetime.timedelta(days=2)).isoformat()}, "the date cannot be in the future"),
        ({"their_attendees": []}, "Who did we meet?"),
        ({"our_attendees": []}, "Who of ours took part?"),
        ({"kind": "telepathy"}, "Select a valid choice"),
        ({"occurred_on": "2026-02-30"}, "is not a date of the calendar"),
        ({"their_attendees": ["abc"]}, "Choose their attendees"),
    ],
)
def test_bad_input_shows_the_message_and_saves_nothing(client_for, account, account_manager, change, message):
    contact = ContactFactory(account=account)
    response = client_for(account_manager).post(add_url(account), {**payload(contact, account_manager), **change})
    assert response.status_code == 200 and message in response.text
    assert not Interaction.objects.exists()


def test_a_contact_of_another_account_is_refused(client_for, account, account_manager):
    foreign = ContactFactory(account=AccountFactory())
    response = client_for(account_manager).post(add_url(account), payload(foreign, account_manager))
    assert "Choose their attendees from this account&#x27;s contacts." in response.text
    assert not Interaction.objects.exists()


def test_ids_in_the_query_string_never_crash(client_for, account, account_manager):
    client = client_for(account_manager)
    for query in ("contact=abc&user=-1", "contact=99999999999999999999", "back=../../admin", "user=0"):
        assert client.get(reverse("accounts:interaction-add", args=[account.pk]) + "?" + query).status_code == 200
    timeline = reverse("accounts:timeline", args=[account.pk])
    for query in ("since=2026-02-30&until=x", "page=-4", "page=abc", "kind=nonsense", "since=9999-99-99"):
        assert client.get(f"{timeline}?{query}").status_code == 200


# --- Where it is recorded from ----------------------------------------------------------------------


def test_the_relationship_map_pencil_logs_an_interaction_of_the_pair(client_for, account, account_manager):
    kingpin = ContactFactory(account=account, name="이우진", is_kingpin=True, level="executive")
    colleague = UserFactory()
    TeamMemberFactory(account=account, user=colleague, role=AccountTeamMember.Role.SALES_REP)
    link = RelationshipFactory(contact=kingpin, user=colleague)
    client = client_for(account_manager)
    page = client.get(reverse("accounts:relationships", args=[account.pk]), {"view": "table"}).text  # the table view
    log_url = add_url(account, contact=kingpin.pk, user=colleague.pk, back="relationships").replace("&", "&amp;")
    assert log_url in page
    assert reverse("accounts:relationship-edit", args=[account.pk, link.pk]) in page  # "Edit relationship", apart
    form = client.get(add_url(account, contact=kingpin.pk, user=colleague.pk)).context["form"]
    assert form.initial["their_attendees"] == [kingpin]
    assert set(form.initial["our_attendees"]) == {colleague.pk, account_manager}


def test_the_org_chart_card_offers_to_log_an_interaction(client_for, account, account_manager):
    contact = ContactFactory(account=account, name="박서준")
    page = client_for(account_manager).get(reverse("accounts:org-chart", args=[account.pk])).text
    assert "Log an interaction with 박서준" in page
    assert add_url(account, contact=contact.pk, back="org-chart").replace("&", "&amp;") in page


def test_saving_from_the_relationship_map_returns_there(client_for, account, account_manager):
    contact = ContactFactory(account=account)
    response = client_for(account_manager).post(
        add_url(account, contact=contact.pk, back="relationships"), payload(contact, account_manager)
    )
    assert response.url == reverse("accounts:relationships", args=[account.pk])


# --- The last contact, read from the log ------------------------------------------------------------


def test_logging_an_interaction_clears_the_90_day_warning(client_for, account, account_manager):
    kingpin = ContactFactory(account=account, name="이우진", is_kingpin=True, level="executive")
    RelationshipFactory(contact=kingpin, user=account_manager, last_interaction_on=days_ago(120))
    client = client_for(account_manager)
    relationships = reverse("accounts:relationships", args=[account.pk])
    assert client.get(relationships).context["gap_count"] == 1
    assert [risk["kind"] for risk in client.get(reverse("accounts:detail", args=[account.pk])).context["risks"]] == [
        "kingpin_fox_silent", "no_tier_1",
    ]
    client.post(add_url(account), payload(kingpin, account_manager, occurred_on=days_ago(2), kind="workshop"))
    response = client.get(relationships)
    assert response.context["gap_count"] == 0
    row = response.context["levels"][0]["rows"][0]
    assert row["last_interaction"] == days_ago(2) and row["links"][0].last_contact_on == days_ago(2)
    assert [risk["kind"] for risk in client.get(reverse("accounts:detail", args=[account.pk])).context["risks"]] == ["no_tier_1"]


def test_a_relationship_s_last_contact_is_the_latest_meeting_of_both_among_many(account, account_manager):
    ours, theirs = ContactFactory(account=account), ContactFactory(account=account)
    RelationshipFactory(contact=ours, user=account_manager)
    for days in range(10, 40):
        interaction_log(user=account_manager, contact=theirs, on=days_ago(days))  # the KAM with someone else
    interaction_log(user=account_manager, contact=ours, on=days_ago(20))
    interaction_log(user=account_manager, contact=ours, on=days_ago(12))
    interaction_log(user=UserFactory(), contact=ours, on=days_ago(1))  # a colleague, not the KAM
    data = selectors.relationship_map(account=account, today=TODAY)
    [row] = [row for level in data["levels"] for row in level["rows"] if row["contact"] == ours]
    assert row["links"][0].last_contact_on == days_ago(12)


def test_a_relationship_s_last_contact_needs_both_people(account, account_manager):
    kingpin = ContactFactory(account=account, is_kingpin=True)
    RelationshipFactory(contact=kingpin, user=account_manager, last_interaction_on=days_ago(100))
    interaction_log(user=UserFactory(), contact=kingpin, on=days_ago(3))  # a colleague met them, not the KAM
    interaction_log(user=account_manager, contact=kingpin, on=TODAY + datetime.timedelta(days=5))  # planned
    data = selectors.relationship_map(account=account, today=TODAY)
    [row] = [row for level in data["levels"] for row in level["rows"]]
    assert row["links"][0].last_contact_on == days_ago(100) and row["links"][0].is_stale
    assert row["last_interaction"] == days_ago(3)  # the contact's own last contact: with anyone of ours


def test_retention_health_coverage_reads_the_log(account, account_manager):
    decision_maker = ContactFactory(account=account, is_decision_maker=True)
    ContactFactory(account=account, is_fox=True)
    assert selectors.retention_health(account=account, today=TODAY)["key_contacts_covered"] == 0
    interaction_log(user=account_manager, contact=decision_maker, on=days_ago(10), kind="call")
    assert selectors.retention_health(account=account, today=TODAY)["key_contacts_covered"] == 1


def test_retention_health_on_several_days_is_each_days_retention_health_in_three_queries(
    account, account_manager, django_assert_num_queries
):
    """The Now panel reads today's health and the reference day's at once: the same figures as one day at a time."""
    from tests.factories import RevenueLineFactory

    decision_maker = ContactFactory(account=account, is_decision_maker=True)
    ContactFactory(account=account, is_fox=True)
    ContactFactory(account=account, is_kingpin=True, status="left")
    interaction_log(user=account_manager, contact=decision_maker, on=days_ago(100))
    interaction_log(user=account_manager, contact=decision_maker, on=days_ago(5))
    CustomerActivityFactory(account=account, starts_on=days_ago(30))
    CustomerActivityFactory(account=account, starts_on=days_ago(150))
    CustomerActivityFactory(account=account, kind=CustomerActivity.Kind.SUPPORT_INCIDENT, starts_on=days_ago(3))
    this_month = TODAY.replace(day=1)
    for months_back, amount in ((0, 30), (3, 20), (13, 10), (15, 10), (26, 5)):
        month = (this_month - datetime.timedelta(days=months_back * 30 + 1)).replace(day=1) if months_back else this_month
        RevenueLineFactory(account=account, month=month, amount=Decimal(amount * 1_000_000))
    days = [TODAY, days_ago(60), days_ago(400)]
    with django_assert_num_queries(3):
        together = selectors.retention_health_on(account=account, days=days)
    assert together == [selectors.retention_health(account=account, today=day) for day in days]
    assert [health["key_contacts_covered"] for health in together] == [1, 1, 0]  # 100 days ago: in touch 60 days ago
    assert len({health["score"] for health in together}) > 1  # the days differ, so the test compares something
    key = selectors.key_contacts_on(account=account, days=days)
    with django_assert_num_queries(2):
        assert selectors.retention_health_on(account=account, days=days, key_contacts=key) == together


def test_a_customer_activity_records_its_interaction(account, account_manager):
    contact = ContactFactory(account=account)
    activity = customer_activity_save(
        activity=CustomerActivity(account=account, kind="seminar", title="Cloud seminar", starts_on=days_ago(4)),
        acting_user=account_manager, contacts=[contact], our_people=[account_manager],
    )
    interaction = activity.interaction
    assert (interaction.kind, interaction.occurred_on, interaction.note) == ("seminar", days_ago(4), "Cloud seminar")
    assert list(interaction.their_attendees.all()) == [contact]
    activity.starts_on = days_ago(6)
    customer_activity_save(activity=activity, acting_user=account_manager)
    assert Interaction.objects.get().occurred_on == days_ago(6)
    activity.kind = CustomerActivity.Kind.SUPPORT_INCIDENT
    customer_activity_save(activity=activity, acting_user=account_manager)
    assert not Interaction.objects.exists()


def test_a_recorded_activity_s_interaction_is_not_edited_alone(client_for, account, account_manager):
    activity = CustomerActivityFactory(account=account)
    customer_activity_save(activity=activity, acting_user=account_manager, contacts=[ContactFactory(account=account)],
                           our_people=[account_manager])
    page = client_for(account_manager).get(reverse("accounts:timeline", args=[account.pk])).text
    assert reverse("accounts:interaction-edit", args=[account.pk, activity.interaction.pk]) not in page


# --- The timeline -----------------------------------------------------------------------------------


def _history(account, user, size):
    contact = ContactFactory(account=account)
    for number in range(size):
        interaction_log(user=user, contact=contact, on=days_ago(number % 300 + 1))
    opportunity = OpportunityFactory(account=account, tier=3)
    OpportunityMove.objects.create(opportunity=opportunity, from_tier=3, to_tier=2, to_stage="rfq", note="RFQ received")
    OrgChange.objects.create(account=account, kind="joined", description="New CIO joined", happened_on=days_ago(5))
    OrderFactory(account=account, ordered_on=days_ago(8), amount=Decimal(500_000_000), reference="SO-BIG")
    OrderFactory(account=account, ordered_on=days_ago(9), amount=Decimal(1_000), reference="SO-SMALL")


def test_the_timeline_merges_every_kind_newest_first(client_for, account, account_manager):
    _history(account, account_manager, 3)
    response = client_for(account_manager).get(reverse("accounts:timeline", args=[account.pk]))
    events = list(response.context["page"].object_list)
    assert {event.kind for event in events} == {"interaction", "tier_move", "org_change", "order"}
    assert [event.on for event in events] == sorted((event.on for event in events), reverse=True)
    assert "SO-BIG" in response.text and "SO-SMALL" not in response.text  # orders over the threshold only
    assert "Tier 3 → Tier 2" in response.text and "New CIO joined" in response.text


def test_the_timeline_filters_by_kind_and_dates(client_for, account, account_manager):
    _history(account, account_manager, 12)
    client = client_for(account_manager)
    url = reverse("accounts:timeline", args=[account.pk])
    kinds = {event.kind for event in client.get(url, {"kind": ["org_change", "order"]}).context["page"].object_list}
    assert kinds == {"org_change", "order"}
    page = client.get(url, {"since": days_ago(6).isoformat(), "until": days_ago(2).isoformat()}).context["page"]
    assert all(days_ago(6) <= event.on <= days_ago(2) for event in page.object_list)
    assert page.paginator.count == 5 + 1  # interactions of days 2..6, the org change


def test_the_timeline_shows_plan_events_registered_by_planning(client_for, account, account_manager):
    from planning.models import AccountPlan, PlanVersion
    from django.utils import timezone

    plan = AccountPlan.objects.create(
        account=account, fiscal_year=TODAY.year, period_start=TODAY.replace(month=1, day=1),
        period_end=TODAY.replace(month=12, day=31), owner=account_manager,
    )
    PlanVersion.objects.create(plan=plan, number=1, revision=1, snapshot={}, submitted_at=timezone.now(), submitted_by=account_manager)
    response = client_for(account_manager).get(reverse("accounts:timeline", args=[account.pk]), {"kind": "plan"})
    assert [event.kind for event in response.context["page"].object_list] == ["plan"]
    assert f"FY {TODAY.year} plan submitted (version 1)" in response.text


@pytest.mark.parametrize("size", [3, 300])
def test_the_timeline_and_the_form_query_budgets(client_for, account, account_manager, django_assert_max_num_queries, size):
    _history(account, account_manager, size)
    client = client_for(account_manager)
    with django_assert_max_num_queries(24):
        response = client.get(reverse("accounts:timeline", args=[account.pk]), {"page": 2 if size > 30 else 1})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(add_url(account)).status_code == 200


def test_the_timeline_pages(client_for, account, account_manager):
    _history(account, account_manager, 60)
    client = client_for(account_manager)
    url = reverse("accounts:timeline", args=[account.pk])
    first, third = client.get(url).context["page"], client.get(url, {"page": 3}).context["page"]
    assert first.paginator.count == 60 + 3 and first.paginator.num_pages == 3
    assert first.object_list[-1].on >= third.object_list[0].on
    assert len(third.object_list) == 63 - 50


def test_korean_timeline_and_form(client_for, account, account_manager):
    account_manager.language = "ko"
    account_manager.save()
    InteractionFactory(account=account)
    client = client_for(account_manager)
    client.cookies["django_language"] = "ko"
    page = client.get(reverse("accounts:timeline", args=[account.pk]), HTTP_ACCEPT_LANGUAGE="ko").text
    assert "접촉 기록" in page and "타임라인" in page
