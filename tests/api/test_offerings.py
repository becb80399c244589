import pytest

from accounts.models import BusinessUnit, Offering
from tests.factories import BusinessUnitFactory, OfferingFactory, OrderFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/offerings/"


def detail(offering):
    return f"/api/v1/offerings/{offering.pk}/"


@pytest.fixture
def products():
    return BusinessUnitFactory(name="Products", kind=BusinessUnit.Kind.HORIZONTAL)


def test_account_manager_reads_the_catalogue(api_for, account_manager):
    offering = OfferingFactory()
    client = api_for(account_manager)
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [offering.pk]
    assert client.get(detail(offering)).status_code == 200


def test_anonymous_caller_cannot_read_the_catalogue(api_for):
    assert api_for(None).get(LIST).status_code == 401


def test_admin_adds_an_offering(api_for, kam_admin, products):
    payload = {"name": "Predictive maintenance", "kind": "solution", "owner_unit": products.pk, "has_24x7_support": True}
    assert api_for(kam_admin).post(LIST, payload, format="json").status_code == 201
    assert Offering.objects.get(name="Predictive maintenance").has_24x7_support


@pytest.mark.parametrize("role", ["account_manager", "executive"])
def test_only_admins_add_offerings(api_for, request, products, role):
    payload = {"name": "Predictive maintenance", "kind": "solution", "owner_unit": products.pk}
    assert api_for(request.getfixturevalue(role)).post(LIST, payload, format="json").status_code == 403
    assert not Offering.objects.exists()


def test_an_offering_belongs_to_a_horizontal_unit(api_for, kam_admin, account):
    payload = {"name": "x", "kind": "product", "owner_unit": account.vertical_unit_id}
    response = api_for(kam_admin).post(LIST, payload, format="json")
    assert response.status_code == 400 and "owner_unit" in response.json()


def test_admin_edits_and_account_manager_cannot(api_for, kam_admin, account_manager):
    offering = OfferingFactory()
    assert api_for(account_manager).patch(detail(offering), {"is_active": False}, format="json").status_code == 403
    assert api_for(kam_admin).patch(detail(offering), {"is_active": False}, format="json").status_code == 200
    offering.refresh_from_db()
    assert not offering.is_active


def test_an_offering_with_orders_cannot_be_deleted(api_for, kam_admin):
    order = OrderFactory()
    response = api_for(kam_admin).delete(detail(order.offering))
    assert response.status_code == 409
    assert Offering.objects.filter(pk=order.offering_id).exists()


def test_account_manager_cannot_delete_an_offering(api_for, account_manager):
    offering = OfferingFactory()
    assert api_for(account_manager).delete(detail(offering)).status_code == 403


@pytest.mark.parametrize("size", [3, 50])
def test_offering_list_query_count_is_fixed(api_for, account_manager, django_assert_max_num_queries, size):
    for _ in range(size):
        OfferingFactory()
    client = api_for(account_manager)
    with django_assert_max_num_queries(3):
        assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == size
