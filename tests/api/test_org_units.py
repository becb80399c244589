import pytest

from accounts.models import OrgChange, OrgUnit
from tests.factories import AccountFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/org-units/"


def detail(unit):
    return f"/api/v1/org-units/{unit.pk}/"


def test_account_manager_lists_units_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = OrgUnitFactory(account=account)
    OrgUnitFactory(account=other_account)
    response = api_for(account_manager).get(LIST)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_anonymous_caller_cannot_list_units(api_for, account):
    assert api_for(None).get(LIST).status_code == 401


def test_account_filter_limits_to_one_account(api_for, account, other_account, executive):
    mine = OrgUnitFactory(account=account)
    OrgUnitFactory(account=other_account)
    response = api_for(executive).get(LIST, {"account": account.pk})
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_other_manager_gets_404_for_a_unit(api_for, account, other_account, other_account_manager):
    unit = OrgUnitFactory(account=account)
    assert api_for(other_account_manager).get(detail(unit)).status_code == 404


def test_executive_reads_a_unit(api_for, account, executive):
    assert api_for(executive).get(detail(OrgUnitFactory(account=account))).status_code == 200


def test_team_member_creates_a_unit(api_for, account, account_manager):
    parent = OrgUnitFactory(account=account, name="Procurement")
    response = api_for(account_manager).post(LIST, {"account": account.pk, "name": "IT purchasing", "parent": parent.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert OrgUnit.objects.get(name="IT purchasing").parent == parent


def test_executive_cannot_create_a_unit(api_for, account, executive):
    response = api_for(executive).post(LIST, {"account": account.pk, "name": "IT"}, format="json")
    assert response.status_code == 403
    assert not OrgUnit.objects.exists()


def test_unit_in_a_foreign_account_is_refused_as_unknown(api_for, account, other_account, account_manager):
    response = api_for(account_manager).post(LIST, {"account": other_account.pk, "name": "IT"}, format="json")
    assert response.status_code == 400
    assert "does not exist" in response.json()["account"][0]
    assert not OrgUnit.objects.exists()


def test_moving_a_unit_is_logged_as_an_org_change(api_for, account, account_manager):
    unit = OrgUnitFactory(account=account, name="Design")
    new_parent = OrgUnitFactory(account=account, name="R&D")
    response = api_for(account_manager).patch(detail(unit), {"parent": new_parent.pk}, format="json")
    assert response.status_code == 200
    assert OrgChange.objects.get(org_unit=unit).kind == OrgChange.Kind.UNIT_CHANGED


@pytest.mark.parametrize("parent", ["", "5", 1.5, True])
def test_a_parent_that_is_not_an_id_or_null_is_a_400_and_the_unit_stays(api_for, account, account_manager, parent):
    top = OrgUnitFactory(account=account, name="Top")
    unit = OrgUnitFactory(account=account, name="Design", parent=top)
    response = api_for(account_manager).patch(detail(unit), {"parent": parent}, format="json")
    assert response.status_code == 400 and "Incorrect type" in response.json()["parent"][0]
    unit.refresh_from_db()
    assert unit.parent == top
    # null still means "no parent".
    assert api_for(account_manager).patch(detail(unit), {"parent": None}, format="json").status_code == 200


def test_a_cycle_in_the_unit_tree_is_a_400_on_parent(api_for, account, account_manager):
    top = OrgUnitFactory(account=account, name="Top")
    child = OrgUnitFactory(account=account, name="Child", parent=top)
    response = api_for(account_manager).patch(detail(top), {"parent": child.pk}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()
    top.refresh_from_db()
    assert top.parent is None


def test_a_parent_from_another_visible_account_is_refused(api_for, account, kam_admin):
    elsewhere = OrgUnitFactory(account=AccountFactory())
    unit = OrgUnitFactory(account=account)
    response = api_for(kam_admin).patch(detail(unit), {"parent": elsewhere.pk}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_unit_cannot_move_to_another_account(api_for, account, kam_admin):
    unit = OrgUnitFactory(account=account)
    response = api_for(kam_admin).patch(detail(unit), {"account": AccountFactory().pk}, format="json")
    assert response.status_code == 400
    assert "account" in response.json()


def test_duplicate_unit_name_in_an_account_is_a_400(api_for, account, account_manager):
    OrgUnitFactory(account=account, name="IT")
    response = api_for(account_manager).post(LIST, {"account": account.pk, "name": "IT"}, format="json")
    assert response.status_code == 400


def test_executive_cannot_edit_a_unit(api_for, account, executive):
    unit = OrgUnitFactory(account=account, name="IT")
    assert api_for(executive).patch(detail(unit), {"name": "ICT"}, format="json").status_code == 403
    unit.refresh_from_db()
    assert unit.name == "IT"


@pytest.mark.parametrize("size", [3, 50])
def test_unit_list_query_count_is_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    parent = OrgUnitFactory(account=account)
    for _ in range(size):
        OrgUnitFactory(account=account, parent=parent)
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == size + 1
