"""Customer activities through the API: the account team records them with the participants on both sides."""

import datetime

import pytest

from accounts.models import CustomerActivity
from tests.factories import ContactFactory, CustomerActivityFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/customer-activities/"
START = datetime.date(2026, 9, 1)


def detail(activity):
    return f"{LIST}{activity.pk}/"


def workshop(account, **extra):
    return {"account": account.pk, "kind": "workshop", "title": "Smart factory workshop", "starts_on": str(START), **extra}


# --- The account team writes -------------------------------------------------------------------


def test_team_member_records_an_activity_with_participants(api_for, account, account_manager):
    cio, cto = ContactFactory(account=account), ContactFactory(account=account)
    engineer = UserFactory()
    payload = workshop(account, ends_on="2026-09-02", contacts=[cio.pk, cto.pk], our_people=[account_manager.pk, engineer.pk],
                       notes="Two-day session on line sensors")
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    activity = CustomerActivity.objects.get()
    assert (activity.title, activity.ends_on) == ("Smart factory workshop", datetime.date(2026, 9, 2))
    assert activity.recorded_by == account_manager
    assert set(activity.contacts.all()) == {cio, cto} and set(activity.our_people.all()) == {account_manager, engineer}
    body = response.json()
    assert (sorted(body["contacts"]), body["recorded_by"]) == (sorted([cio.pk, cto.pk]), account_manager.pk)


def test_team_member_resolves_an_incident_and_changes_the_participants(api_for, account, account_manager):
    incident = CustomerActivityFactory(account=account, kind="incident", starts_on=START)
    incident.contacts.add(ContactFactory(account=account))
    on_call = ContactFactory(account=account)
    response = api_for(account_manager).patch(
        detail(incident), {"resolved_on": "2026-09-03", "contacts": [on_call.pk], "our_people": []}, format="json"
    )
    assert response.status_code == 200, response.json()
    incident.refresh_from_db()
    assert incident.resolved_on == datetime.date(2026, 9, 3)
    assert list(incident.contacts.all()) == [on_call] and not incident.our_people.exists()
    assert (response.json()["contacts"], response.json()["our_people"]) == ([on_call.pk], [])


def test_a_patch_without_participants_keeps_them(api_for, account, account_manager):
    activity = CustomerActivityFactory(account=account)
    contact = ContactFactory(account=account)
    activity.contacts.add(contact)
    activity.our_people.add(account_manager)
    assert api_for(account_manager).patch(detail(activity), {"title": "Renamed"}, format="json").status_code == 200
    assert list(activity.contacts.all()) == [contact] and list(activity.our_people.all()) == [account_manager]


def test_team_member_replaces_an_activity_with_put(api_for, account, account_manager):
    activity = CustomerActivityFactory(account=account, recorded_by=None)
    response = api_for(account_manager).put(detail(activity), workshop(account, kind="seminar"), format="json")
    assert response.status_code == 200, response.json()
    activity.refresh_from_db()
    assert (activity.kind, activity.title, activity.starts_on) == ("seminar", "Smart factory workshop", START)
    assert activity.recorded_by is None  # who recorded it does not change on an edit


def test_team_member_deletes_an_activity(api_for, account, account_manager):
    activity = CustomerActivityFactory(account=account)
    activity.contacts.add(ContactFactory(account=account))
    assert api_for(account_manager).delete(detail(activity)).status_code == 204
    assert not CustomerActivity.objects.exists()


def test_recorded_by_is_read_only(api_for, account, account_manager):
    someone = UserFactory()
    response = api_for(account_manager).post(LIST, workshop(account, recorded_by=someone.pk), format="json")
    assert response.status_code == 201
    assert CustomerActivity.objects.get().recorded_by == account_manager


def test_admin_records_an_activity_on_any_account(api_for, other_account, kam_admin):
    assert api_for(kam_admin).post(LIST, workshop(other_account), format="json").status_code == 201


# --- Who may not -------------------------------------------------------------------------------


def test_executive_cannot_record_change_or_delete_an_activity(api_for, account, executive):
    activity = CustomerActivityFactory(account=account, title="Kick-off")
    client = api_for(executive)
    for response in (
        client.post(LIST, workshop(account), format="json"),
        client.patch(detail(activity), {"title": "Renamed"}, format="json"),
        client.delete(detail(activity)),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == "Executives read; only the account team and admins change account data."
    assert list(CustomerActivity.objects.values_list("title", flat=True)) == ["Kick-off"]


def test_other_manager_gets_404_for_an_activity_of_an_account_they_do_not_see(
    api_for, account, other_account, other_account_manager
):
    activity = CustomerActivityFactory(account=account, title="Kick-off")
    client = api_for(other_account_manager)
    assert client.get(detail(activity)).status_code == 404
    assert client.patch(detail(activity), {"title": "Mine now"}, format="json").status_code == 404
    assert client.delete(detail(activity)).status_code == 404
    assert CustomerActivity.objects.get().title == "Kick-off"


def test_ids_the_caller_does_not_see_do_not_exist(api_for, account, other_account, account_manager):
    foreign_contact = ContactFactory(account=other_account)
    client = api_for(account_manager)
    response = client.post(LIST, workshop(other_account), format="json")
    assert response.status_code == 400 and "does not exist" in response.json()["account"][0]
    response = client.post(LIST, workshop(account, contacts=[foreign_contact.pk]), format="json")
    assert response.status_code == 400 and "does not exist" in response.json()["contacts"][0]
    assert not CustomerActivity.objects.exists()


def test_the_account_of_an_activity_cannot_change(api_for, account, account_manager):
    activity = CustomerActivityFactory(account=account)
    second = CustomerActivityFactory().account
    TeamMemberFactory(account=second, user=account_manager)
    response = api_for(account_manager).patch(detail(activity), {"account": second.pk}, format="json")
    assert response.status_code == 400 and "account" in response.json()
    activity.refresh_from_db()
    assert activity.account == account


def test_anonymous_caller_cannot_write_activities(api_for, account):
    assert api_for(None).post(LIST, workshop(account), format="json").status_code == 401
    assert not CustomerActivity.objects.exists()


# --- Bad input: a 400 naming the field, nothing saved ------------------------------------------


def test_contacts_of_another_account_are_a_400_on_contacts(api_for, account, other_account, account_manager):
    # The manager sees both accounts, so the contact exists for them, but belongs to the other account.
    TeamMemberFactory(account=other_account, user=account_manager, role="sales_rep")
    foreign_contact = ContactFactory(account=other_account)
    response = api_for(account_manager).post(LIST, workshop(account, contacts=[foreign_contact.pk]), format="json")
    assert response.status_code == 400
    assert response.json() == {"contacts": ["Every customer participant must belong to this account."]}
    assert not CustomerActivity.objects.exists()


def test_contacts_of_another_account_leave_an_existing_activity_unchanged(api_for, account, other_account, kam_admin):
    activity = CustomerActivityFactory(account=account, title="Kick-off")
    response = api_for(kam_admin).patch(
        detail(activity), {"title": "Renamed", "contacts": [ContactFactory(account=other_account).pk]}, format="json"
    )
    assert response.status_code == 400 and "contacts" in response.json()
    activity.refresh_from_db()
    assert activity.title == "Kick-off" and not activity.contacts.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ends_on": "2026-08-31"}, "ends_on"),
        ({"resolved_on": "2026-09-05"}, "resolved_on"),
        ({"kind": "incident", "resolved_on": "2026-08-31"}, "resolved_on"),
        ({"kind": "party"}, "kind"),
        ({"kind": 1}, "kind"),
        ({"title": ""}, "title"),
        ({"title": 42}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"notes": "x" * 10_001}, "notes"),
        ({"starts_on": "soon"}, "starts_on"),
        ({"starts_on": 20260901}, "starts_on"),
        ({"contacts": "1"}, "contacts"),
        ({"contacts": ["1"]}, "contacts"),
        ({"contacts": [999_999]}, "contacts"),
        ({"our_people": [True]}, "our_people"),
        ({"our_people": [999_999]}, "our_people"),
        ({"account": "1"}, "account"),
    ],
)
def test_a_bad_activity_is_a_field_error_and_nothing_is_saved(api_for, account, account_manager, extra, field):
    response = api_for(account_manager).post(LIST, {**workshop(account), **extra}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not CustomerActivity.objects.exists()


def test_an_inactive_user_cannot_be_a_participant(api_for, account, account_manager):
    retired = UserFactory(is_active=False)
    response = api_for(account_manager).post(LIST, workshop(account, our_people=[retired.pk]), format="json")
    assert response.status_code == 400 and "our_people" in response.json()


def test_moving_the_start_after_the_end_is_refused(api_for, account, account_manager):
    activity = CustomerActivityFactory(account=account, starts_on=START, ends_on=datetime.date(2026, 9, 2))
    response = api_for(account_manager).patch(detail(activity), {"starts_on": "2026-09-10"}, format="json")
    assert response.status_code == 400 and "ends_on" in response.json()
    activity.refresh_from_db()
    assert activity.starts_on == START


# --- Queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 300])
def test_activity_list_and_write_query_counts_are_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    contacts = ContactFactory.create_batch(2, account=account)
    people = [account_manager, UserFactory()]
    activities = CustomerActivity.objects.bulk_create(
        CustomerActivity(account=account, kind="workshop", title=f"Workshop {n}", starts_on=START) for n in range(size)
    )
    for activity in activities:
        activity.contacts.set(contacts)
        activity.our_people.set(people)
    payload = workshop(account, contacts=[c.pk for c in contacts], our_people=[p.pk for p in people])
    client = api_for(account_manager)
    with django_assert_max_num_queries(6):
        assert len(client.get(LIST, {"page_size": 500}).json()["results"]) == size
    # A write looks each participant's id up (two of each here), as an opportunity's offerings are.
    with django_assert_max_num_queries(27):
        assert client.post(LIST, payload, format="json").status_code == 201
    with django_assert_max_num_queries(29):
        assert client.put(detail(activities[0]), payload, format="json").status_code == 200
