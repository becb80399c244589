"""Orders sent through the API make their revenue lines while no revenue is recorded (performance.order_revenue);
a revenue line sent through the API is recorded and ends that."""

import pytest

from performance.order_revenue import orders_make_revenue
from tests.factories import OfferingFactory, OrderFactory
from tests.performance.test_order_revenue import LAST_MONTH, ORDER, RECORDED, figures, lines

pytestmark = pytest.mark.django_db

ORDERS_API = "/api/v1/orders/"


@pytest.fixture
def cloud(db):
    return OfferingFactory(name="Cloud")


def test_the_orders_api_makes_changes_and_removes_the_line(api_for, account, account_manager, cloud,
                                                          django_capture_on_commit_callbacks):
    client = api_for(account_manager)
    body = {"account": account.pk, "reference": "SO-1", "offering": cloud.pk, "ordered_on": str(LAST_MONTH),
            "amount": 800_000, "cost": 300_000}
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(ORDERS_API, body, format="json")
    assert created.status_code == 201, created.content
    assert figures(account) == (800_000, 500_000)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.patch(f"{ORDERS_API}{created.json()['id']}/", {"amount": 900_000}, format="json").status_code == 200
    assert lines() == [("SO-1", LAST_MONTH.replace(day=1), 900_000, 300_000, "SO-1", ORDER)]
    assert figures(account) == (900_000, 600_000)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{ORDERS_API}{created.json()['id']}/").status_code == 204
    assert lines() == []
    assert figures(account) == (0, 0)


def test_the_orders_bulk_api_makes_lines(api_for, account, account_manager, cloud):
    batch = [{"account": account.pk, "reference": f"SO-{n}", "offering": cloud.pk, "ordered_on": str(LAST_MONTH),
              "amount": 100 * n} for n in (1, 2)]
    assert api_for(account_manager).post(f"{ORDERS_API}bulk/", batch, format="json").json()["created"] == 2
    assert [(line[0], line[2], line[5]) for line in lines()] == [("SO-1", 100, ORDER), ("SO-2", 200, ORDER)]


def test_a_revenue_line_sent_through_the_api_is_recorded_and_ends_the_rule(api_for, account, account_manager):
    order = OrderFactory(account=account, reference="SO-1", ordered_on=LAST_MONTH)
    line = order.revenue_lines.get()
    assert line.source == ORDER and orders_make_revenue()
    response = api_for(account_manager).patch(f"/api/v1/revenue-lines/{line.pk}/", {"amount": 5}, format="json")
    assert response.json()["source"] == RECORDED
    assert not orders_make_revenue()
