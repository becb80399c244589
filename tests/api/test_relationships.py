import datetime

import pytest

from accounts.models import Relationship
from tests.factories import ContactFactory, RelationshipFactory, UserFactory, interaction_log

pytestmark = pytest.mark.django_db

LIST = "/api/v1/relationships/"


def detail(relationship):
    return f"/api/v1/relationships/{relationship.pk}/"


def test_account_manager_lists_relationships_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = RelationshipFactory(contact=ContactFactory(account=account), user=account_manager)
    RelationshipFactory(contact=ContactFactory(account=other_account))
    rows = api_for(account_manager).get(LIST).json()["results"]
    assert [(row["id"], row["account"]) for row in rows] == [(mine.pk, account.pk)]


def test_anonymous_caller_cannot_list_relationships(api_for):
    assert api_for(None).get(LIST).status_code == 401


def test_other_manager_gets_404_for_a_relationship(api_for, account, other_account, other_account_manager):
    relationship = RelationshipFactory(contact=ContactFactory(account=account))
    assert api_for(other_account_manager).get(detail(relationship)).status_code == 404


def test_executive_reads_a_relationship(api_for, account, executive):
    assert api_for(executive).get(detail(RelationshipFactory(contact=ContactFactory(account=account)))).status_code == 200


def test_team_member_maps_a_colleague_to_a_contact(api_for, account, account_manager):
    contact = ContactFactory(account=account)
    colleague = UserFactory()
    payload = {"user": colleague.pk, "contact": contact.pk, "strength": 4, "last_interaction_on": "2026-10-01"}
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    assert Relationship.objects.get(user=colleague, contact=contact).strength == 4


def test_executive_cannot_map_a_relationship(api_for, account, executive):
    contact = ContactFactory(account=account)
    assert api_for(executive).post(LIST, {"user": executive.pk, "contact": contact.pk}, format="json").status_code == 403


def test_mapping_a_contact_of_a_foreign_account_is_refused_as_unknown(api_for, account, other_account, account_manager):
    contact = ContactFactory(account=other_account)
    response = api_for(account_manager).post(LIST, {"user": account_manager.pk, "contact": contact.pk}, format="json")
    assert response.status_code == 400
    assert "contact" in response.json()
    assert not Relationship.objects.exists()


def test_the_same_pair_twice_is_a_400(api_for, account, account_manager):
    contact = ContactFactory(account=account)
    RelationshipFactory(contact=contact, user=account_manager)
    response = api_for(account_manager).post(LIST, {"user": account_manager.pk, "contact": contact.pk}, format="json")
    assert response.status_code == 400
    assert Relationship.objects.count() == 1


def test_team_member_updates_and_deletes_a_relationship(api_for, account, account_manager):
    relationship = RelationshipFactory(contact=ContactFactory(account=account), strength=2)
    client = api_for(account_manager)
    assert client.patch(detail(relationship), {"strength": 5}, format="json").status_code == 200
    relationship.refresh_from_db()
    assert relationship.strength == 5
    assert client.delete(detail(relationship)).status_code == 204
    assert not Relationship.objects.exists()


def test_executive_cannot_delete_a_relationship(api_for, account, executive):
    relationship = RelationshipFactory(contact=ContactFactory(account=account))
    assert api_for(executive).delete(detail(relationship)).status_code == 403
    assert Relationship.objects.exists()


def test_other_manager_gets_404_when_deleting(api_for, account, other_account, other_account_manager):
    relationship = RelationshipFactory(contact=ContactFactory(account=account))
    assert api_for(other_account_manager).delete(detail(relationship)).status_code == 404
    assert Relationship.objects.exists()


def test_filter_by_account(api_for, account, other_account, executive):
    mine = RelationshipFactory(contact=ContactFactory(account=account))
    RelationshipFactory(contact=ContactFactory(account=other_account))
    rows = api_for(executive).get(LIST, {"account": account.pk}).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


@pytest.mark.parametrize("size", [3, 50])
def test_relationship_list_query_count_is_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    for _ in range(size):
        RelationshipFactory(contact=ContactFactory(account=account))
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == size


def test_last_interaction_on_is_read_from_the_log_and_not_written(api_for, account, account_manager):
    contact = ContactFactory(account=account)
    payload = {"user": account_manager.pk, "contact": contact.pk, "last_interaction_on": "2999-01-01"}
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 201 and response.json()["last_interaction_on"] is None
    interaction_log(user=account_manager, contact=contact, on=datetime.date(2026, 8, 14))
    interaction_log(user=UserFactory(), contact=contact, on=datetime.date(2026, 9, 1))  # not both of them
    body = api_for(account_manager).get(detail(Relationship.objects.get())).json()
    assert body["last_interaction_on"] == "2026-08-14"

