import datetime

import pytest
from django.utils import timezone

from accounts.models import Contact, OrgChange
from tests.factories import ContactFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/contacts/"


def detail(contact):
    return f"/api/v1/contacts/{contact.pk}/"


def test_account_manager_lists_contacts_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = ContactFactory(account=account)
    ContactFactory(account=other_account)
    response = api_for(account_manager).get(LIST)
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_anonymous_caller_cannot_list_contacts(api_for):
    assert api_for(None).get(LIST).status_code == 401


def test_other_manager_gets_404_for_a_contact(api_for, account, other_account, other_account_manager):
    assert api_for(other_account_manager).get(detail(ContactFactory(account=account))).status_code == 404


def test_executive_reads_a_contact(api_for, account, executive):
    assert api_for(executive).get(detail(ContactFactory(account=account))).status_code == 200


def test_team_member_adds_a_contact_and_the_join_is_logged(api_for, account, account_manager):
    unit = OrgUnitFactory(account=account)
    payload = {"account": account.pk, "org_unit": unit.pk, "name": "Kim Minji", "title": "CIO",
               "level": "executive", "is_decision_maker": True, "influence": 5}
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    contact = Contact.objects.get(name="Kim Minji")
    assert contact.is_decision_maker and contact.org_unit == unit
    assert OrgChange.objects.get(contact=contact).kind == OrgChange.Kind.JOINED


def test_executive_cannot_add_a_contact(api_for, account, executive):
    assert api_for(executive).post(LIST, {"account": account.pk, "name": "Kim"}, format="json").status_code == 403
    assert not Contact.objects.exists()


def test_contact_in_a_foreign_account_is_refused_as_unknown(api_for, account, other_account, account_manager):
    response = api_for(account_manager).post(LIST, {"account": other_account.pk, "name": "Kim"}, format="json")
    assert response.status_code == 400
    assert "account" in response.json()
    assert not Contact.objects.exists()


def test_leaving_is_logged_with_the_given_date(api_for, account, account_manager):
    contact = ContactFactory(account=account)
    response = api_for(account_manager).patch(
        detail(contact), {"status": "left", "left_on": "2026-03-31"}, format="json"
    )
    assert response.status_code == 200, response.json()
    change = OrgChange.objects.get(contact=contact, kind=OrgChange.Kind.LEFT)
    assert change.happened_on == datetime.date(2026, 3, 31)


def test_a_reporting_loop_is_a_400_on_reports_to(api_for, account, account_manager):
    boss = ContactFactory(account=account)
    report = ContactFactory(account=account, reports_to=boss)
    response = api_for(account_manager).patch(detail(boss), {"reports_to": report.pk}, format="json")
    assert response.status_code == 400
    assert "reports_to" in response.json()
    boss.refresh_from_db()
    assert boss.reports_to is None


def test_a_manager_from_another_account_is_refused(api_for, account, other_account, account_manager):
    contact = ContactFactory(account=account)
    foreign = ContactFactory(account=other_account)
    response = api_for(account_manager).patch(detail(contact), {"reports_to": foreign.pk}, format="json")
    assert response.status_code == 400
    assert "reports_to" in response.json()


def test_influence_out_of_range_is_a_field_error(api_for, account, account_manager):
    response = api_for(account_manager).post(LIST, {"account": account.pk, "name": "Kim", "influence": 6}, format="json")
    assert response.status_code == 400
    assert "influence" in response.json()


def test_executive_cannot_edit_a_contact(api_for, account, executive):
    contact = ContactFactory(account=account, title="CIO")
    assert api_for(executive).patch(detail(contact), {"title": "CEO"}, format="json").status_code == 403
    contact.refresh_from_db()
    assert contact.title == "CIO"


def test_other_manager_gets_404_when_editing_a_contact(api_for, account, other_account, other_account_manager):
    contact = ContactFactory(account=account)
    assert api_for(other_account_manager).patch(detail(contact), {"title": "CEO"}, format="json").status_code == 404


def test_contacts_filter_by_account_status_and_updated_since(api_for, account, other_account, executive):
    recent = ContactFactory(account=account)
    old = ContactFactory(account=account, status="left", left_on=datetime.date(2025, 1, 1))
    ContactFactory(account=other_account)
    Contact.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=30))
    client = api_for(executive)
    ids = lambda params: {row["id"] for row in client.get(LIST, params).json()["results"]}  # noqa: E731
    assert ids({"account": account.pk}) == {recent.pk, old.pk}
    assert ids({"account": account.pk, "status": "left"}) == {old.pk}
    assert ids({"account": account.pk, "updated_since": str(timezone.localdate() - datetime.timedelta(days=2))}) == {recent.pk}


@pytest.mark.parametrize("size", [3, 50])
def test_contact_list_query_count_is_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    unit = OrgUnitFactory(account=account)
    boss = ContactFactory(account=account, org_unit=unit)
    for _ in range(size):
        ContactFactory(account=account, org_unit=unit, reports_to=boss)
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == size + 1


def test_api_reads_a_new_contacts_level_from_the_title_unless_given(api_for, account, account_manager):
    client = api_for(account_manager)
    derived = client.post(LIST, {"account": account.pk, "name": "Oh", "title": "전무"}, format="json")
    assert derived.status_code == 201 and derived.json()["level"] == "executive"
    given = client.post(LIST, {"account": account.pk, "name": "Yu", "title": "전무", "level": "manager"}, format="json")
    assert given.json()["level"] == "manager"
    reset = client.patch(f"{LIST}{given.json()['id']}/", {"level": ""}, format="json")
    assert reset.status_code == 200 and reset.json()["level"] == "executive"
    bad = client.post(LIST, {"account": account.pk, "name": "Ko", "level": "boss"}, format="json")
    assert bad.status_code == 400
    assert not Contact.objects.filter(name="Ko").exists()
