import datetime

import pytest
from django.utils import timezone

from accounts.models import Account, GradeChange
from tests.factories import AccountFactory, BusinessUnitFactory, PricingTierFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/accounts/"


def detail(account):
    return f"/api/v1/accounts/{account.pk}/"


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_account_manager_lists_only_their_accounts(api_for, account, other_account, account_manager):
    response = api_for(account_manager).get(LIST)
    assert response.status_code == 200
    assert ids(response) == {account.pk}
    assert response.json()["results"][0]["team"] == [{"user": account_manager.pk, "username": "am-user", "role": "kam"}]


def test_executive_lists_every_account(api_for, account, other_account, executive):
    assert ids(api_for(executive).get(LIST)) == {account.pk, other_account.pk}


def test_anonymous_caller_gets_401(api_for, account):
    response = api_for(None).get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_account_manager_reads_own_account(api_for, account, account_manager):
    response = api_for(account_manager).get(detail(account))
    assert response.status_code == 200
    assert response.json()["name"] == "한빛전자"


def test_account_manager_gets_404_for_other_managers_account(api_for, other_account, account_manager):
    assert api_for(account_manager).get(detail(other_account)).status_code == 404


def test_executive_reads_any_account(api_for, other_account, executive):
    assert api_for(executive).get(detail(other_account)).status_code == 200


def test_admin_creates_an_account(api_for, kam_admin, account, account_manager):
    payload = {"name": "Daehan Steel", "industry": "manufacturing", "vertical_unit": account.vertical_unit_id,
               "kam": account_manager.pk}
    response = api_for(kam_admin).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    assert Account.objects.filter(name="Daehan Steel").exists()


@pytest.mark.parametrize("role", ["account_manager", "executive"])
def test_only_admins_create_accounts(api_for, request, account, role):
    payload = {"name": "Daehan Steel", "industry": "manufacturing", "vertical_unit": account.vertical_unit_id}
    response = api_for(request.getfixturevalue(role)).post(LIST, payload, format="json")
    assert response.status_code == 403
    assert not Account.objects.filter(name="Daehan Steel").exists()


def test_team_member_edits_the_description(api_for, account, account_manager):
    response = api_for(account_manager).patch(detail(account), {"description": "Largest customer in Gumi"}, format="json")
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.description == "Largest customer in Gumi"


def test_executive_cannot_edit_an_account(api_for, account, executive):
    response = api_for(executive).patch(detail(account), {"description": "x"}, format="json")
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.description == ""


def test_other_manager_gets_404_when_editing(api_for, account, other_account, other_account_manager):
    assert api_for(other_account_manager).patch(detail(account), {"description": "x"}, format="json").status_code == 404


def test_team_member_changes_the_grade_with_a_reason(api_for, account, account_manager):
    gold = PricingTierFactory(name="Gold", rank=1)
    client = api_for(account_manager)
    response = client.post(detail(account) + "grade/", {"grade": gold.pk, "reason": "Passed 5 bn KRW"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["grade"] == gold.pk
    change = GradeChange.objects.get(account=account)
    assert (change.to_grade, change.reason, change.changed_by) == (gold, "Passed 5 bn KRW", account_manager)
    rows = client.get(detail(account) + "grade-changes/").json()["results"]
    assert [(row["to_grade"], row["changed_by_username"]) for row in rows] == [(gold.pk, "am-user")]


def test_a_grade_change_needs_a_reason(api_for, account, account_manager):
    gold = PricingTierFactory(name="Gold", rank=1)
    response = api_for(account_manager).post(detail(account) + "grade/", {"grade": gold.pk, "reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert not GradeChange.objects.exists()


def test_executive_cannot_change_the_grade(api_for, account, executive):
    gold = PricingTierFactory(name="Gold", rank=1)
    response = api_for(executive).post(detail(account) + "grade/", {"grade": gold.pk, "reason": "x"}, format="json")
    assert response.status_code == 403
    assert not GradeChange.objects.exists()


def test_other_manager_gets_404_when_changing_the_grade(api_for, account, other_account, other_account_manager):
    gold = PricingTierFactory(name="Gold", rank=1)
    response = api_for(other_account_manager).post(detail(account) + "grade/", {"grade": gold.pk, "reason": "x"}, format="json")
    assert response.status_code == 404


def test_other_manager_gets_404_for_the_grade_history(api_for, account, other_account, other_account_manager):
    assert api_for(other_account_manager).get(detail(account) + "grade-changes/").status_code == 404


def test_patching_the_grade_or_key_flag_points_to_their_actions(api_for, account, account_manager, kam_admin):
    gold = PricingTierFactory(name="Gold", rank=1)
    response = api_for(kam_admin).patch(detail(account), {"grade": gold.pk, "is_key_account": True}, format="json")
    assert response.status_code == 400
    assert "grade/" in response.json()["grade"][0] and "key-account/" in response.json()["is_key_account"][0]
    account.refresh_from_db()
    assert account.grade is None and not account.is_key_account
    # Sending them unchanged (a GET body sent back) is fine.
    body = api_for(account_manager).get(detail(account)).json()
    assert api_for(account_manager).put(detail(account), body, format="json").status_code == 200


def test_executive_flags_a_key_account(api_for, account, executive):
    response = api_for(executive).post(detail(account) + "key-account/", {"is_key_account": True}, format="json")
    assert response.status_code == 200 and response.json()["is_key_account"] is True
    account.refresh_from_db()
    assert account.is_key_account


def test_account_manager_cannot_flag_a_key_account(api_for, account, account_manager):
    response = api_for(account_manager).post(detail(account) + "key-account/", {"is_key_account": True}, format="json")
    assert response.status_code == 403
    account.refresh_from_db()
    assert not account.is_key_account


def test_team_member_cannot_change_the_vertical_unit_but_an_admin_can(api_for, account, account_manager, kam_admin):
    other_unit = BusinessUnitFactory(name="Finance")
    assert api_for(account_manager).patch(detail(account), {"vertical_unit": other_unit.pk}, format="json").status_code == 403
    assert api_for(kam_admin).patch(detail(account), {"vertical_unit": other_unit.pk}, format="json").status_code == 200
    account.refresh_from_db()
    assert account.vertical_unit == other_unit


def test_an_account_cannot_sit_under_its_own_business_area(api_for, account, kam_admin):
    area = AccountFactory(name="Gumi plant", parent=account, vertical_unit=account.vertical_unit)
    response = api_for(kam_admin).patch(detail(account), {"parent": area.pk}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_accounts_are_not_deleted_through_the_api(api_for, account, kam_admin):
    assert api_for(kam_admin).delete(detail(account)).status_code == 405
    assert Account.objects.filter(pk=account.pk).exists()


def test_updated_since_returns_accounts_changed_since(api_for, account, other_account, executive):
    Account.objects.filter(pk=other_account.pk).update(updated_at=timezone.now() - datetime.timedelta(days=10))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(api_for(executive).get(LIST, {"updated_since": since})) == {account.pk}
    assert ids(api_for(executive).get(LIST, {"updated_since": "2000-01-01"})) == {account.pk, other_account.pk}


def test_bad_updated_since_is_a_400_naming_the_filter(api_for, executive):
    response = api_for(executive).get(LIST, {"updated_since": "yesterday"})
    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_updated_since_takes_any_offset_python_does_and_refuses_a_moment_outside_the_calendar(api_for, account, executive):
    client = api_for(executive)
    # +21:40 is beyond PostgreSQL's ±15:59: the moment is handed over in UTC.
    assert ids(client.get(LIST, {"updated_since": "0499-04-26T23:43:11+21:40"})) == {account.pk}
    assert ids(client.get(LIST, {"updated_since": "2999-01-01T00:00:00-23:00"})) == set()
    response = client.get(LIST, {"updated_since": "0001-01-01T00:00:00+21:00"})  # the year 0 in UTC
    assert response.status_code == 400 and "updated_since" in response.json()


def test_search_filter_and_ordering(api_for, account, other_account, executive):
    Account.objects.filter(pk=other_account.pk).update(revenue_ttm=500)
    client = api_for(executive)
    assert ids(client.get(LIST, {"search": "hanbit"})) == {account.pk}
    rows = client.get(LIST, {"ordering": "-revenue_ttm"}).json()["results"]
    assert [row["id"] for row in rows] == [other_account.pk, account.pk]


@pytest.mark.parametrize("size", [3, 50])
def test_account_list_query_count_is_fixed(api_for, executive, django_assert_max_num_queries, size):
    for _ in range(size):
        account = AccountFactory()
        TeamMemberFactory(account=account, user=UserFactory())
        TeamMemberFactory(account=account, user=UserFactory(), role="sales_rep")
    client = api_for(executive)
    with django_assert_max_num_queries(5):
        response = client.get(LIST, {"page_size": 100})
    assert len(response.json()["results"]) == size


# The KAM ------------------------------------------------------------------------------------------


def test_api_create_requires_the_kam(api_for, kam_admin, account):
    payload = {"name": "Daehan Steel", "industry": "manufacturing", "vertical_unit": account.vertical_unit_id}
    response = api_for(kam_admin).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert "kam" in str(response.json())
    assert not Account.objects.filter(name="Daehan Steel").exists()


def test_api_create_names_the_kam(api_for, kam_admin, account, other_account_manager):
    payload = {"name": "Daehan Steel", "industry": "manufacturing", "vertical_unit": account.vertical_unit_id,
               "kam": other_account_manager.pk}
    response = api_for(kam_admin).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["kam"] == other_account_manager.pk
    assert roles(Account.objects.get(name="Daehan Steel")) == {"am-other": "kam"}


def test_api_admin_replaces_the_kam_but_cannot_remove_it(api_for, kam_admin, account, other_account_manager):
    client = api_for(kam_admin)
    assert client.patch(f"{LIST}{account.pk}/", {"kam": None}, format="json").status_code == 400
    response = client.patch(f"{LIST}{account.pk}/", {"kam": other_account_manager.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["kam"] == other_account_manager.pk
    assert {row["username"]: row["role"] for row in response.json()["team"]} == {"am-user": "sales_rep", "am-other": "kam"}


def test_api_team_member_cannot_change_the_kam(api_for, account, account_manager, other_account_manager):
    response = api_for(account_manager).patch(f"{LIST}{account.pk}/", {"kam": other_account_manager.pk}, format="json")
    assert response.status_code == 403
    assert roles(account) == {"am-user": "kam"}


def roles(account):
    return dict(account.team.values_list("user__username", "role"))
