import pytest

from accounts.models import BusinessUnit
from tests.factories import BusinessUnitFactory

pytestmark = pytest.mark.django_db


def test_account_manager_reads_business_units_but_cannot_write(api_for, account_manager):
    unit = BusinessUnitFactory(name="Products", kind=BusinessUnit.Kind.HORIZONTAL)
    client = api_for(account_manager)
    assert [row["name"] for row in client.get("/api/v1/business-units/").json()["results"]] == ["Products"]
    assert client.get(f"/api/v1/business-units/{unit.pk}/").status_code == 200
    assert client.post("/api/v1/business-units/", {"name": "x", "kind": "vertical"}, format="json").status_code == 405


def test_anonymous_caller_cannot_read_business_units(api_for):
    assert api_for(None).get("/api/v1/business-units/").status_code == 401


def test_business_units_filter_by_kind(api_for, executive):
    BusinessUnitFactory(name="Products", kind=BusinessUnit.Kind.HORIZONTAL)
    BusinessUnitFactory(name="Manufacturing", kind=BusinessUnit.Kind.VERTICAL)
    rows = api_for(executive).get("/api/v1/business-units/", {"kind": "vertical"}).json()["results"]
    assert [row["name"] for row in rows] == ["Manufacturing"]


@pytest.mark.parametrize("size", [3, 50])
def test_business_unit_list_query_count_is_fixed(api_for, account_manager, django_assert_max_num_queries, size):
    for number in range(size):
        BusinessUnitFactory(name=f"Unit {number}")
    client = api_for(account_manager)
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/business-units/", {"page_size": 100}).json()["results"]) == size
