import pytest

from accounts.models import AccountRisk
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/account-risks/"


def test_team_member_records_a_risk_shared_with_the_customer(api_for, account, account_manager):
    contact = ContactFactory(account=account)
    payload = {"account": account.pk, "title": "Budget freeze", "owner_side": "customer", "owner_contact": contact.pk,
               "impact": 3, "likelihood": 2, "shared_with_customer": True}
    response = api_for(account_manager).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["raised_on"] and body["recorded_by"] == account_manager.pk and body["closed_on"] is None
    closed = api_for(account_manager).patch(f"{LIST}{body['id']}/", {"status": "closed"}, format="json")
    assert closed.status_code == 200 and closed.json()["closed_on"]


def test_bad_risks_are_field_errors_and_nothing_is_saved(api_for, account, account_manager, other_account):
    client = api_for(account_manager)
    stranger = ContactFactory(account=other_account)
    for payload in (
        {"account": account.pk, "title": "x", "impact": 4},
        {"account": account.pk, "title": "x", "owner_side": "customer", "owner_contact": stranger.pk},
        {"account": other_account.pk, "title": "x"},
        {"account": account.pk, "title": ""},
    ):
        assert client.post(LIST, payload, format="json").status_code == 400, payload
    assert not AccountRisk.objects.exists()


def test_executives_read_risks_but_do_not_write_them(api_for, account, executive):
    AccountRisk.objects.create(account=account, title="Budget freeze", raised_on="2026-01-05")
    client = api_for(executive)
    assert len(client.get(LIST).json()["results"]) == 1
    assert client.post(LIST, {"account": account.pk, "title": "x"}, format="json").status_code == 403


def test_account_manager_sees_only_their_accounts_risks(api_for, account, other_account, account_manager):
    AccountRisk.objects.create(account=other_account, title="Not mine", raised_on="2026-01-05")
    mine = AccountRisk.objects.create(account=account, title="Mine", raised_on="2026-01-05")
    rows = api_for(account_manager).get(LIST).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
