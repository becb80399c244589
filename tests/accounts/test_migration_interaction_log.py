"""accounts 0014: past customer activities and hand-kept last-interaction dates become interactions, and back."""

import datetime

import pytest

from tests.migrations import leaf_nodes, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0013_org_change_details")]
AFTER = [("accounts", "0014_interaction_log")]


def test_activities_and_last_interaction_dates_become_interactions_and_come_back():
    apps = migrate(BEFORE)
    Unit = apps.get_model("accounts", "BusinessUnit")
    Account = apps.get_model("accounts", "Account")
    Contact = apps.get_model("accounts", "Contact")
    User = apps.get_model("accounts", "User")
    Relationship = apps.get_model("accounts", "Relationship")
    Activity = apps.get_model("accounts", "CustomerActivity")
    account = Account.objects.create(name="한빛전자", industry="manufacturing", vertical_unit=Unit.objects.create(name="V", kind="vertical"))
    kam, engineer = User.objects.create(username="kam"), User.objects.create(username="eng")
    kingpin = Contact.objects.create(account=account, name="이우진")
    buyer = Contact.objects.create(account=account, name="박서준")
    Relationship.objects.create(user=kam, contact=kingpin, last_interaction_on=datetime.date(2026, 8, 14))
    Relationship.objects.create(user=engineer, contact=buyer, last_interaction_on=datetime.date(2026, 3, 1))
    Relationship.objects.create(user=kam, contact=buyer)
    workshop = Activity.objects.create(account=account, kind="workshop", title="Roadmap workshop", starts_on=datetime.date(2026, 9, 1))
    workshop.contacts.set([buyer])
    workshop.our_people.set([engineer])
    Activity.objects.create(account=account, kind="incident", title="Outage", starts_on=datetime.date(2026, 9, 2))

    apps = migrate(AFTER)
    Interaction = apps.get_model("accounts", "Interaction")
    rows = {(row.kind, row.occurred_on, row.activity_id is not None) for row in Interaction.objects.all()}
    # The workshop (a later contact of engineer and buyer) makes the March date redundant; the incident is no contact.
    assert rows == {("workshop", datetime.date(2026, 9, 1), True), ("meeting", datetime.date(2026, 8, 14), False)}
    meeting = Interaction.objects.get(kind="meeting")
    assert [c.name for c in meeting.their_attendees.all()] == ["이우진"]
    assert [u.username for u in meeting.our_attendees.all()] == ["kam"]

    apps = migrate(BEFORE)
    Relationship = apps.get_model("accounts", "Relationship")
    dates = {(link.user.username, link.contact.name): link.last_interaction_on for link in Relationship.objects.all()}
    assert dates == {
        ("kam", "이우진"): datetime.date(2026, 8, 14),
        ("eng", "박서준"): datetime.date(2026, 9, 1),
        ("kam", "박서준"): None,
    }
    migrate(leaf_nodes())
