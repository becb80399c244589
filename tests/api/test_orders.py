import datetime

import pytest

from accounts.models import Order
from tests.factories import AccountFactory, OfferingFactory, OrderFactory, RevenueLineFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/orders/"
BULK = "/api/v1/orders/bulk/"


def detail(order):
    return f"/api/v1/orders/{order.pk}/"


def snapshot():
    return list(Order.objects.order_by("pk").values_list("pk", "account_id", "reference", "offering_id", "ordered_on", "amount", "cost"))


@pytest.fixture
def offering(db):
    return OfferingFactory()


def row(account, reference, offering, amount=1000, **extra):
    return {"account": account.pk, "reference": reference, "offering": offering.pk, "ordered_on": "2026-09-30",
            "amount": amount, **extra}


def test_account_manager_lists_orders_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = OrderFactory(account=account)
    OrderFactory(account=other_account)
    assert [r["id"] for r in api_for(account_manager).get(LIST).json()["results"]] == [mine.pk]


def test_anonymous_caller_cannot_list_orders(api_for):
    assert api_for(None).get(LIST).status_code == 401


def test_filters_by_account_and_order_date(api_for, account, other_account, executive):
    september = OrderFactory(account=account, ordered_on=datetime.date(2026, 9, 1))
    OrderFactory(account=account, ordered_on=datetime.date(2026, 6, 1))
    OrderFactory(account=other_account, ordered_on=datetime.date(2026, 9, 1))
    rows = api_for(executive).get(LIST, {"account": account.pk, "ordered_since": "2026-08-01"}).json()["results"]
    assert [r["id"] for r in rows] == [september.pk]


def test_other_manager_gets_404_for_an_order(api_for, account, other_account, other_account_manager):
    assert api_for(other_account_manager).get(detail(OrderFactory(account=account))).status_code == 404


def test_executive_reads_an_order(api_for, account, executive):
    body = api_for(executive).get(detail(OrderFactory(account=account, amount=100, cost=70))).json()
    assert body["profit"] == 30


def test_team_member_books_an_order(api_for, account, account_manager, offering):
    response = api_for(account_manager).post(LIST, row(account, "SO-1", offering), format="json")
    assert response.status_code == 201, response.json()
    assert Order.objects.get(reference="SO-1").amount == 1000


def test_executive_cannot_book_an_order(api_for, account, executive, offering):
    assert api_for(executive).post(LIST, row(account, "SO-1", offering), format="json").status_code == 403
    assert not Order.objects.exists()


def test_a_reference_already_booked_for_the_account_is_a_400(api_for, account, account_manager, offering):
    OrderFactory(account=account, reference="SO-1")
    assert api_for(account_manager).post(LIST, row(account, "SO-1", offering), format="json").status_code == 400


def test_team_member_corrects_and_deletes_an_order(api_for, account, account_manager):
    order = OrderFactory(account=account, amount=100)
    client = api_for(account_manager)
    assert client.patch(detail(order), {"amount": 120}, format="json").status_code == 200
    order.refresh_from_db()
    assert order.amount == 120
    assert client.delete(detail(order)).status_code == 204
    assert not Order.objects.exists()


def test_executive_cannot_correct_or_delete_an_order(api_for, account, executive):
    order = OrderFactory(account=account, amount=100)
    client = api_for(executive)
    assert client.patch(detail(order), {"amount": 120}, format="json").status_code == 403
    assert client.delete(detail(order)).status_code == 403
    assert Order.objects.get().amount == 100


def test_other_manager_gets_404_when_deleting_an_order(api_for, account, other_account, other_account_manager):
    order = OrderFactory(account=account)
    assert api_for(other_account_manager).delete(detail(order)).status_code == 404


# --- bulk upsert ------------------------------------------------------------------------------


def test_bulk_creates_then_updates_by_account_and_reference(api_for, account, account_manager, offering):
    client = api_for(account_manager)
    first = client.post(BULK, [row(account, "SO-1", offering), row(account, "SO-2", offering)], format="json")
    assert first.status_code == 200, first.json()
    assert (first.json()["created"], first.json()["updated"], first.json()["unchanged"]) == (2, 0, 0)
    second = client.post(BULK, [row(account, "SO-1", offering, amount=1500), row(account, "SO-3", offering)], format="json")
    body = second.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0)
    assert [(r["reference"], r["outcome"]) for r in body["results"]] == [("SO-1", "updated"), ("SO-3", "created")]
    assert Order.objects.get(reference="SO-1").amount == 1500
    assert Order.objects.count() == 3


def test_sending_the_same_batch_twice_changes_nothing(api_for, account, account_manager, offering):
    client = api_for(account_manager)
    batch = [row(account, f"SO-{n}", offering, amount=n * 100, cost=n * 10) for n in range(1, 6)]
    assert client.post(BULK, batch, format="json").json()["created"] == 5
    before = snapshot()
    again = client.post(BULK, batch, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert snapshot() == before


def test_a_foreign_account_fails_the_whole_batch_with_row_errors(api_for, account, other_account, account_manager, offering):
    batch = [row(account, "SO-1", offering), row(other_account, "SO-2", offering)]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["1"] and "account" in response.json()["1"]
    assert not Order.objects.exists()


def test_an_invalid_row_fails_the_whole_batch(api_for, account, account_manager, offering):
    OrderFactory(account=account, reference="SO-1", amount=5)
    before = snapshot()
    batch = [row(account, "SO-1", offering, amount=9), row(account, "SO-2", offering, amount=-1)]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()["1"]
    assert snapshot() == before


def test_a_key_twice_in_one_batch_is_a_row_error(api_for, account, account_manager, offering):
    response = api_for(account_manager).post(BULK, [row(account, "SO-1", offering), row(account, "SO-1", offering)], format="json")
    assert response.status_code == 400
    assert "reference" in response.json()["1"]
    assert not Order.objects.exists()


def test_an_unknown_offering_is_a_row_error(api_for, account, account_manager, offering):
    batch = [{**row(account, "SO-1", offering), "offering": 999999}]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400 and "offering" in response.json()["0"]


@pytest.mark.parametrize("body", [{}, [], "orders", [1, 2]])
def test_a_batch_that_is_not_a_list_of_orders_is_a_400(api_for, account_manager, account, body):
    assert api_for(account_manager).post(BULK, body, format="json").status_code == 400


def test_executive_cannot_upsert_orders(api_for, account, executive, offering):
    assert api_for(executive).post(BULK, [row(account, "SO-1", offering)], format="json").status_code == 403
    assert not Order.objects.exists()


def test_admin_upserts_orders_of_any_account(api_for, account, other_account, kam_admin, offering):
    batch = [row(account, "SO-1", offering), row(other_account, "SO-1", offering)]
    assert api_for(kam_admin).post(BULK, batch, format="json").json()["created"] == 2


def test_bulk_of_300_rows_runs_a_fixed_number_of_queries(api_for, account, account_manager, offering, django_assert_max_num_queries):
    client = api_for(account_manager)
    batch = [row(account, f"SO-{n}", offering) for n in range(300)]
    # 12 for the orders, 4 for their revenue lines (is revenue recorded? read, insert or update, savepoint), 1 for
    # the sales stamp (a person's weekly check is kept until the next write to orders).
    with django_assert_max_num_queries(17):
        assert client.post(BULK, batch, format="json").json()["created"] == 300
    with django_assert_max_num_queries(17):
        assert client.post(BULK, [{**r, "amount": 7} for r in batch], format="json").json()["updated"] == 300


@pytest.mark.parametrize("size", [3, 50])
def test_order_list_query_count_is_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    offering = OfferingFactory()
    for _ in range(size):
        OrderFactory(account=account, offering=offering)
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == size


def test_amounts_are_exact_json_integers(api_for, account, executive):
    order = OrderFactory(account=account, amount=9_007_199_254_740_993, cost=0)  # 2**53 + 1: a float would round it
    response = api_for(executive).get(detail(order))
    assert b'"amount":9007199254740993,' in response.content


def test_a_batch_of_orders_is_order_intake_once_revenue_is_recorded(
    api_for, account, account_manager, offering, django_capture_on_commit_callbacks
):
    """Revenue reads revenue lines (revenue-lines/bulk/ refreshes it); once one is recorded, orders are order intake."""
    RevenueLineFactory(account=AccountFactory(), amount=5)
    client = api_for(account_manager)
    last_week = str(datetime.date.today() - datetime.timedelta(days=7))
    batch = [row(account, "SO-1", offering, amount=2_000, cost=500, ordered_on=last_week)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BULK, batch, format="json")
    account.refresh_from_db()
    assert Order.objects.get().amount == 2_000
    assert (account.revenue_ttm, account.profit_ttm) == (0, 0)
