"""/api/v1/interactions/: the interaction log over the API, with bulk upsert (all or nothing)."""

import datetime

import pytest

from accounts.models import AccountTeamMember, Interaction
from accounts.services import customer_activity_save
from tests.factories import (
    ContactFactory,
    CustomerActivityFactory,
    InteractionFactory,
    TeamMemberFactory,
    UserFactory,
    make_executive,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/interactions/"
BULK = "/api/v1/interactions/bulk/"
DAY = datetime.date.today() - datetime.timedelta(days=3)


def detail(interaction):
    return f"{LIST}{interaction.pk}/"


def meeting(account, contacts, users, **extra):
    return {
        "account": account.pk, "kind": "meeting", "occurred_on": DAY.isoformat(),
        "their_attendees": [c.pk for c in contacts], "our_attendees": [u.pk for u in users],
        "note": "Roadmap", "next_step": "Proposal", **extra,
    }


def test_team_member_logs_reads_corrects_and_removes(api_for, account, account_manager):
    kingpin = ContactFactory(account=account)
    client = api_for(account_manager)
    response = client.post(LIST, meeting(account, [kingpin], [account_manager]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["their_attendees"] == [kingpin.pk] and body["recorded_by"] == account_manager.pk
    interaction = Interaction.objects.get()
    assert client.patch(detail(interaction), {"kind": "dinner"}, format="json").json()["kind"] == "dinner"
    assert client.get(LIST, {"contact": kingpin.pk}).json()["results"][0]["id"] == interaction.pk
    assert client.delete(detail(interaction)).status_code == 204
    assert not Interaction.objects.exists()


def test_an_executive_sponsor_on_the_team_logs_theirs(api_for, account):
    sponsor = make_executive(username="sponsor")
    TeamMemberFactory(account=account, user=sponsor, role=AccountTeamMember.Role.EXECUTIVE_SPONSOR)
    response = api_for(sponsor).post(LIST, meeting(account, [ContactFactory(account=account)], [sponsor]), format="json")
    assert response.status_code == 201


def test_an_executive_off_the_team_reads_but_a_write_is_404(api_for, account, executive):
    contact = ContactFactory(account=account)
    interaction = InteractionFactory(account=account, their_attendees=[contact], our_attendees=[executive])
    client = api_for(executive)
    assert client.get(detail(interaction)).status_code == 200
    assert client.post(LIST, meeting(account, [contact], [executive]), format="json").status_code == 404
    assert client.patch(detail(interaction), {"note": "x"}, format="json").status_code == 404
    assert client.delete(detail(interaction)).status_code == 404
    assert Interaction.objects.get().note != "x"


def test_another_manager_sees_nothing(api_for, account, other_account_manager):
    interaction = InteractionFactory(account=account)
    client = api_for(other_account_manager)
    assert client.get(detail(interaction)).status_code == 404
    assert client.get(LIST).json()["results"] == []
    response = client.post(LIST, meeting(account, [ContactFactory(account=account)], [other_account_manager]), format="json")
    assert response.status_code == 400 and "account" in response.json()  # an account they cannot see does not exist


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"their_attendees": []}, "their_attendees"),
        ({"our_attendees": []}, "our_attendees"),
        ({"kind": "telepathy"}, "kind"),
        ({"their_attendees": "abc"}, "their_attendees"),
        ({"note": "x" * 1001}, "note"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_for, account, account_manager, change, field):
    payload = {**meeting(account, [ContactFactory(account=account)], [account_manager]), **change}
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Interaction.objects.exists()


def test_a_contact_of_another_account_is_refused(api_for, account, other_account, account_manager):
    TeamMemberFactory(account=other_account, user=account_manager, role=AccountTeamMember.Role.SALES_REP)
    foreign = ContactFactory(account=other_account)
    response = api_for(account_manager).post(LIST, meeting(account, [foreign], [account_manager]), format="json")
    assert response.json() == {"their_attendees": ["Their attendees must be contacts of this account."]}


def test_an_activity_s_interaction_changes_with_the_activity_only(api_for, account, account_manager):
    activity = CustomerActivityFactory(account=account)
    customer_activity_save(activity=activity, acting_user=account_manager, contacts=[ContactFactory(account=account)],
                           our_people=[account_manager])
    client = api_for(account_manager)
    assert client.patch(detail(activity.interaction), {"note": "x"}, format="json").status_code == 400
    assert client.delete(detail(activity.interaction)).status_code == 400
    assert Interaction.objects.get().note == activity.title


# --- Bulk -------------------------------------------------------------------------------------------


def test_bulk_upserts_by_reference_and_a_second_send_changes_nothing(api_for, account, account_manager):
    contacts = ContactFactory.create_batch(2, account=account)
    rows = [
        {**meeting(account, contacts[:1], [account_manager]), "reference": "CAL-1"},
        {**meeting(account, contacts, [account_manager], kind="call"), "reference": "CAL-2"},
    ]
    client = api_for(account_manager)
    first = client.post(BULK, rows, format="json").json()
    assert (first["created"], first["updated"], first["unchanged"]) == (2, 0, 0)
    again = client.post(BULK, rows, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    rows[1]["their_attendees"] = [contacts[1].pk]
    third = client.post(BULK, rows, format="json").json()
    assert [row["outcome"] for row in third["results"]] == ["unchanged", "updated"]
    assert Interaction.objects.get(reference="CAL-2").their_attendees.get() == contacts[1]


def test_bulk_is_all_or_nothing_with_errors_by_row(api_for, account, other_account, account_manager):
    contact = ContactFactory(account=account)
    rows = [
        {**meeting(account, [contact], [account_manager]), "reference": "ok"},
        {**meeting(account, [ContactFactory(account=other_account)], [account_manager]), "reference": "bad"},
        {**meeting(account, [contact], [account_manager], occurred_on="2999-01-01"), "reference": "future"},
        {**meeting(account, [contact], [account_manager]), "reference": "ok"},
    ]
    response = api_for(account_manager).post(BULK, rows, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"1", "3"} and "their_attendees" in body["1"] and "reference" in body["3"]
    assert not Interaction.objects.exists()
    response = api_for(account_manager).post(BULK, rows[:1] + rows[2:3], format="json")
    assert response.status_code == 400 and "occurred_on" in response.json()["1"]
    assert not Interaction.objects.exists()


def test_bulk_names_each_bad_id_of_a_row(api_for, account, other_account, account_manager):
    contact = ContactFactory(account=account)
    gone = UserFactory(is_active=False)
    rows = [
        {**meeting(other_account, [ContactFactory(account=other_account)], [account_manager]), "reference": "unseen"},
        {**meeting(account, [contact], [account_manager, gone]), "reference": "inactive"},
        {**meeting(account, [contact], [account_manager], their_attendees=[contact.pk, 999_999]), "reference": "unknown"},
    ]
    response = api_for(account_manager).post(BULK, rows, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body["0"]) == {"account", "their_attendees"}
    assert body["1"] == {"our_attendees": [f'Invalid pk "{gone.pk}" - object does not exist.']}
    assert body["2"] == {"their_attendees": ["Their attendees must be contacts of this account."]}
    assert not Interaction.objects.exists()


def test_bulk_on_an_account_not_theirs_is_404(api_for, account, executive):
    row = {**meeting(account, [ContactFactory(account=account)], [executive]), "reference": "x"}
    assert api_for(executive).post(BULK, [row], format="json").status_code == 404
    assert api_for(executive).post(BULK, [], format="json").status_code == 400
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("size", [3, 300])
def test_list_query_count_is_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    contact = ContactFactory(account=account)
    for number in range(size):
        InteractionFactory(account=account, their_attendees=[contact], our_attendees=[account_manager, UserFactory()])
    with django_assert_max_num_queries(9):
        assert len(api_for(account_manager).get(LIST, {"page_size": 500}).json()["results"]) == size


def test_the_schema_documents_interactions_and_bulk(api_for, account_manager):
    schema = api_for(account_manager).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/interactions/" in schema["paths"] and "/api/v1/interactions/bulk/" in schema["paths"]
    assert "last_interaction_on" in schema["components"]["schemas"]["Relationship"]["properties"]
