"""/api/v1/organisation-mapping/: the mapping as rows; bulk upsert all or nothing, admins only."""

import pytest

from accounts.models import AccountTeamMember, User
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisation-mapping/"


def test_bulk_upsert_then_read_back(api_for, kam_admin, executive):
    AccountFactory(name="Hanbit")
    rows = [
        {"username": "hkim", "first_name": "Hana", "role": "Account manager", "level": "staff", "account": "Hanbit", "team_role": "kam"},
        {"username": "", "account": "Hanbit", "account_vertical_unit": "Smart factory"},
    ]
    response = api_for(kam_admin).post(URL + "bulk/", rows, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"rows": 2, "new_people": 1, "new_units": 1}
    assert AccountTeamMember.objects.get(account__name="Hanbit").user.username == "hkim"
    listed = api_for(executive).get(URL).json()
    assert {"username": "hkim", "account": "Hanbit", "team_role": "kam", "account_vertical_unit": "Smart factory"}.items() <= next(
        row for row in listed if row["username"] == "hkim"
    ).items()
    # The same batch again changes nothing and adds no one.
    assert api_for(kam_admin).post(URL + "bulk/", rows, format="json").json()["new_people"] == 0


def test_bulk_row_errors_by_position_and_nothing_written(api_for, kam_admin):
    AccountFactory(name="Hanbit")
    rows = [{"username": "ok", "first_name": "Ok"}, {"username": "bad", "first_name": "B", "level": "boss"}, {"nope": 1}]
    response = api_for(kam_admin).post(URL + "bulk/", rows, format="json")
    assert response.status_code == 400
    assert "2" in response.json() or "username" in str(response.json())
    rows = rows[:2]
    response = api_for(kam_admin).post(URL + "bulk/", rows, format="json")
    assert response.status_code == 400 and "1" in response.json()
    assert not User.objects.filter(username__in=["ok", "bad"]).exists()
    assert api_for(kam_admin).post(URL + "bulk/", [], format="json").status_code == 400
    assert api_for(kam_admin).post(URL + "bulk/", {"username": "x"}, format="json").status_code == 400


def test_roles(api_for, executive, account_manager):
    assert api_for(executive).post(URL + "bulk/", [{"username": "x", "first_name": "X"}], format="json").status_code == 403
    assert api_for(account_manager).get(URL).status_code == 403
    assert api_for(None).get(URL).status_code == 401
