"""The revenue-lines API: read by whoever sees the account, written by its team and admins, bulk upsert all or nothing."""

import datetime

import pytest

from accounts.models import RevenueLine
from tests.factories import OrderFactory, RevenueLineFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/revenue-lines/"
BULK = "/api/v1/revenue-lines/bulk/"


def detail(line):
    return f"/api/v1/revenue-lines/{line.pk}/"


def snapshot():
    return list(RevenueLine.objects.order_by("pk").values_list("pk", "account_id", "reference", "month", "amount", "cost",
                                                               "order_id"))


def row(account, reference, amount=1000, month="2026-09-01", **extra):
    return {"account": account.pk, "reference": reference, "month": month, "amount": amount, **extra}


def test_account_manager_lists_revenue_lines_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = RevenueLineFactory(account=account)
    RevenueLineFactory(account=other_account)
    assert [r["id"] for r in api_for(account_manager).get(LIST).json()["results"]] == [mine.pk]


def test_anonymous_caller_cannot_list_revenue_lines(api_for):
    assert api_for(None).get(LIST).status_code == 401


def test_filters_by_account_and_month(api_for, account, other_account, executive):
    september = RevenueLineFactory(account=account, month=datetime.date(2026, 9, 1))
    RevenueLineFactory(account=account, month=datetime.date(2026, 6, 1))
    RevenueLineFactory(account=other_account, month=datetime.date(2026, 9, 1))
    rows = api_for(executive).get(LIST, {"account": account.pk, "month_since": "2026-08-01"}).json()["results"]
    assert [r["id"] for r in rows] == [september.pk]


def test_executive_reads_a_line_with_its_profit_and_order(api_for, account, executive):
    order = OrderFactory(account=account, with_revenue=False)
    body = api_for(executive).get(detail(RevenueLineFactory(account=account, amount=100, cost=70, order=order))).json()
    assert (body["profit"], body["order"], body["month"]) == (30, order.pk, datetime.date.today().replace(day=1).isoformat())


def test_other_manager_gets_404_for_a_line(api_for, account, other_account_manager):
    assert api_for(other_account_manager).get(detail(RevenueLineFactory(account=account))).status_code == 404


def test_team_member_records_a_line_of_an_order(api_for, account, account_manager):
    order = OrderFactory(account=account, with_revenue=False)
    response = api_for(account_manager).post(LIST, row(account, "AR-1", order=order.pk), format="json")
    assert response.status_code == 201, response.json()
    assert RevenueLine.objects.get(reference="AR-1").order == order


def test_a_month_not_on_its_first_day_or_not_begun_is_a_400_and_nothing_is_saved(api_for, account, account_manager):
    client = api_for(account_manager)
    response = client.post(LIST, row(account, "AR-1", month="2026-09-15"), format="json")
    assert response.status_code == 400
    assert response.json()["month"] == ["A revenue line's month is the first day of the month."]
    next_month = (datetime.date.today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    response = client.post(LIST, row(account, "AR-1", month=next_month.isoformat()), format="json")
    assert response.status_code == 400
    assert "has not started yet" in response.json()["month"][0]
    assert not RevenueLine.objects.exists()


def test_an_order_of_another_account_is_a_400(api_for, account, other_account, kam_admin):
    order = OrderFactory(account=other_account, with_revenue=False)
    response = api_for(kam_admin).post(LIST, row(account, "AR-1", order=order.pk), format="json")
    assert response.status_code == 400
    assert response.json()["order"] == ["The order is not one of this account's orders."]


def test_an_order_the_caller_cannot_see_does_not_exist(api_for, account, other_account, account_manager):
    order = OrderFactory(account=other_account, with_revenue=False)
    response = api_for(account_manager).post(LIST, row(account, "AR-1", order=order.pk), format="json")
    assert response.status_code == 400
    assert "does not exist" in response.json()["order"][0]


def test_executive_cannot_record_correct_or_delete_a_line(api_for, account, executive):
    line = RevenueLineFactory(account=account, amount=100)
    client = api_for(executive)
    assert client.post(LIST, row(account, "AR-1"), format="json").status_code == 403
    assert client.patch(detail(line), {"amount": 120}, format="json").status_code == 403
    assert client.delete(detail(line)).status_code == 403
    assert RevenueLine.objects.get().amount == 100


def test_team_member_corrects_and_deletes_a_line_but_not_its_account(api_for, account, other_account, account_manager):
    line = RevenueLineFactory(account=account, amount=100)
    client = api_for(account_manager)
    assert client.patch(detail(line), {"amount": 120}, format="json").status_code == 200
    assert client.patch(detail(line), {"account": other_account.pk}, format="json").status_code == 400
    line.refresh_from_db()
    assert (line.amount, line.account_id) == (120, account.pk)
    assert client.delete(detail(line)).status_code == 204
    assert not RevenueLine.objects.exists()


def test_other_manager_gets_404_when_deleting_a_line(api_for, account, other_account_manager):
    assert api_for(other_account_manager).delete(detail(RevenueLineFactory(account=account))).status_code == 404


# --- bulk upsert ------------------------------------------------------------------------------


def test_bulk_creates_then_updates_by_account_and_reference(api_for, account, account_manager):
    order = OrderFactory(account=account, with_revenue=False)
    client = api_for(account_manager)
    first = client.post(BULK, [row(account, "AR-1", order=order.pk), row(account, "AR-2")], format="json")
    assert first.status_code == 200, first.json()
    assert (first.json()["created"], first.json()["updated"], first.json()["unchanged"]) == (2, 0, 0)
    second = client.post(BULK, [row(account, "AR-1", amount=1500, order=order.pk), row(account, "AR-3")], format="json")
    body = second.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0)
    assert [(r["reference"], r["outcome"]) for r in body["results"]] == [("AR-1", "updated"), ("AR-3", "created")]
    assert RevenueLine.objects.get(reference="AR-1").amount == 1500
    assert RevenueLine.objects.count() == 3


def test_sending_the_same_batch_twice_changes_nothing(api_for, account, account_manager):
    client = api_for(account_manager)
    batch = [row(account, f"AR-{n}", amount=n * 100, cost=n * 10) for n in range(1, 6)]
    assert client.post(BULK, batch, format="json").json()["created"] == 5
    before = snapshot()
    again = client.post(BULK, batch, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert snapshot() == before


def test_a_bad_row_writes_nothing_and_names_its_position(api_for, account, other_account, kam_admin):
    foreign = OrderFactory(account=other_account, with_revenue=False)
    batch = [row(account, "AR-1"), row(account, "AR-2", month="2026-09-02"), row(account, "AR-3", order=foreign.pk),
             row(account, "AR-1")]
    response = api_for(kam_admin).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"3"}  # the serializer's pass: a key twice
    response = api_for(kam_admin).post(BULK, batch[:3], format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"1", "2"}
    assert response.json()["2"]["order"] == ["The order is not one of this account's orders."]
    assert not RevenueLine.objects.exists()


def test_bulk_refuses_a_batch_with_an_account_the_caller_may_not_write(api_for, account, executive):
    assert api_for(executive).post(BULK, [row(account, "AR-1")], format="json").status_code == 403
    assert not RevenueLine.objects.exists()


def test_bulk_with_an_account_the_caller_cannot_see_is_a_400(api_for, other_account, account_manager):
    response = api_for(account_manager).post(BULK, [row(other_account, "AR-1")], format="json")
    assert response.status_code == 400
    assert not RevenueLine.objects.exists()


@pytest.mark.parametrize("size", [3, 300])
def test_bulk_takes_the_same_queries_for_3_or_300_rows(api_for, account, account_manager, django_assert_max_num_queries, size):
    order = OrderFactory(account=account, with_revenue=False)
    batch = [row(account, f"AR-{n}", order=order.pk) for n in range(size)]
    client = api_for(account_manager)
    with django_assert_max_num_queries(16):
        assert client.post(BULK, batch, format="json").status_code == 200


def test_a_changing_batch_refreshes_revenue_after_commit_and_a_repeated_one_does_not(
    api_for, account, account_manager, django_capture_on_commit_callbacks
):
    client = api_for(account_manager)
    batch = [row(account, "AR-1", amount=2_000, cost=500, month=datetime.date.today().replace(day=1).isoformat())]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(BULK, batch, format="json")
    assert len(callbacks) == 1
    account.refresh_from_db()
    assert (account.revenue_ttm, account.profit_ttm) == (2_000, 1_500)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(BULK, batch, format="json")
    assert callbacks == []
