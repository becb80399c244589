"""Issue #17's rule (performance.order_revenue): each order makes one revenue line in its own month, through every
order write, until the company records revenue lines of its own; the figures computed by hand before and after."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Account, Order, RevenueLine
from performance.order_revenue import order_made_line_count, orders_make_revenue
from performance.revenue import RevenueLineRow, revenue_lines_upsert
from performance.services import OrderRow, orders_delete, orders_upsert
from tests.factories import OfferingFactory, OrderFactory, RevenueLineFactory
from tests.performance.test_imports import commit, csv_file, preview

pytestmark = pytest.mark.django_db

ORDER = RevenueLine.Source.ORDER
RECORDED = RevenueLine.Source.RECORDED
TODAY = datetime.date.today()
# A day of last month: inside the last 12 months whatever today is.
LAST_MONTH = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)


@pytest.fixture
def cloud(db):
    return OfferingFactory(name="Cloud")


def row(account, reference, offering, amount, cost=0, ordered_on=LAST_MONTH) -> OrderRow:
    return OrderRow(account_id=account.pk, reference=reference, offering_id=offering.pk, ordered_on=ordered_on,
                    amount=Decimal(amount), cost=Decimal(cost))


def lines() -> list[tuple]:
    return sorted(RevenueLine.objects.values_list("reference", "month", "amount", "cost", "order__reference", "source"))


def figures(account: Account) -> tuple[int, int]:
    account.refresh_from_db()
    return int(account.revenue_ttm or 0), int(account.profit_ttm or 0)


def test_orders_make_their_revenue_lines_until_revenue_is_recorded(account, cloud, django_capture_on_commit_callbacks):
    month = LAST_MONTH.replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        orders_upsert(rows=[row(account, "SO-1", cloud, 2_000_000, 500_000), row(account, "SO-2", cloud, 1_000_000)],
                      acting_user=None)
    assert lines() == [("SO-1", month, 2_000_000, 500_000, "SO-1", ORDER), ("SO-2", month, 1_000_000, 0, "SO-2", ORDER)]
    assert figures(account) == (3_000_000, 2_500_000)  # 2,000,000 + 1,000,000; minus the cost 500,000

    with django_capture_on_commit_callbacks(execute=True):
        orders_upsert(rows=[row(account, "SO-1", cloud, 3_000_000, 500_000)], acting_user=None)
    assert figures(account) == (4_000_000, 3_500_000)  # SO-1's line follows its order

    with django_capture_on_commit_callbacks(execute=True):
        revenue_lines_upsert(rows=[RevenueLineRow(account_id=account.pk, reference="RV-1", month=month,
                                                  amount=Decimal(500_000), cost=Decimal(100_000))], acting_user=None)
    assert not orders_make_revenue()
    assert figures(account) == (4_500_000, 3_900_000)  # the lines made from orders stay beside the recorded one

    with django_capture_on_commit_callbacks(execute=True):
        orders_upsert(rows=[row(account, "SO-1", cloud, 7_000_000), row(account, "SO-3", cloud, 9_000_000)],
                      acting_user=None)
        orders_delete(orders=[Order.objects.get(reference="SO-2")], acting_user=None)
    assert figures(account) == (4_500_000, 3_900_000)  # orders are order intake only now
    assert lines() == [("RV-1", month, 500_000, 100_000, None, RECORDED),
                       ("SO-1", month, 3_000_000, 500_000, "SO-1", ORDER),
                       ("SO-2", month, 1_000_000, 0, None, ORDER)]

    # A recorded line under an order-made line's key takes its place.
    with django_capture_on_commit_callbacks(execute=True):
        revenue_lines_upsert(rows=[RevenueLineRow(account_id=account.pk, reference="SO-1", month=month,
                                                  amount=Decimal(2_500_000), cost=Decimal(0))], acting_user=None)
    assert figures(account) == (4_000_000, 3_900_000)  # 500,000 + 2,500,000 + 1,000,000; only RV-1 has a cost (100,000)
    assert RevenueLine.objects.get(reference="SO-1").source == RECORDED
    assert order_made_line_count() == 1


def test_a_recorded_line_naming_an_order_replaces_the_line_made_from_it(account, cloud, django_capture_on_commit_callbacks):
    """A twelve-month contract: the order made one line of 1,200; the ERP's first two monthly lines name the order."""
    orders_upsert(rows=[row(account, "SO-1", cloud, 1_200), row(account, "SO-2", cloud, 50)], acting_user=None)
    order = Order.objects.get(reference="SO-1")
    month = LAST_MONTH.replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        revenue_lines_upsert(rows=[
            RevenueLineRow(account_id=account.pk, reference=f"AR-{n}", month=month, amount=Decimal(100), order_id=order.pk)
            for n in (1, 2)
        ], acting_user=None)
    assert [(line[0], line[2], line[5]) for line in lines()] == [
        ("AR-1", 100, RECORDED), ("AR-2", 100, RECORDED), ("SO-2", 50, ORDER)]
    assert figures(account) == (250, 250)  # 100 + 100 + SO-2's 50: SO-1's 1,200 is counted once, as recorded


def test_an_unchanged_order_batch_changes_no_line_and_queues_no_revenue_refresh(account, cloud, django_capture_on_commit_callbacks):
    orders_upsert(rows=[row(account, "SO-1", cloud, 100)], acting_user=None)
    with django_capture_on_commit_callbacks() as callbacks:
        orders_upsert(rows=[row(account, "SO-1", cloud, 100)], acting_user=None)
    assert callbacks == []
    assert RevenueLine.objects.get().amount == 100


def test_deleting_an_order_deletes_its_line_while_orders_make_revenue(account, cloud):
    orders_upsert(rows=[row(account, "SO-1", cloud, 100), row(account, "SO-2", cloud, 50)], acting_user=None)
    orders_delete(orders=[Order.objects.get(reference="SO-1")], acting_user=None)
    assert [line[0] for line in lines()] == ["SO-2"]


def test_the_orders_import_makes_revenue_lines(client_for, account, account_manager, cloud,
                                               django_capture_on_commit_callbacks):
    client = client_for(account_manager)
    text = f"account,reference,ordered_on,offering,amount,cost\n한빛전자,SO-1,{LAST_MONTH},Cloud,1200000,200000\n"
    with django_capture_on_commit_callbacks(execute=True):
        commit(client, preview(client, csv_file(text)))
    assert lines() == [("SO-1", LAST_MONTH.replace(day=1), 1_200_000, 200_000, "SO-1", ORDER)]
    assert figures(account) == (1_200_000, 1_000_000)


def test_the_orders_import_makes_no_line_once_revenue_is_recorded(client_for, account, account_manager, cloud):
    RevenueLineFactory(account=account, reference="RV-1")
    client = client_for(account_manager)
    text = f"account,reference,ordered_on,offering,amount,cost\n한빛전자,SO-1,{LAST_MONTH},Cloud,1200000,200000\n"
    commit(client, preview(client, csv_file(text)))
    assert Order.objects.count() == 1
    assert [line[0] for line in lines()] == ["RV-1"]


@pytest.fixture
def staff_admin(kam_admin):
    kam_admin.is_staff = True
    kam_admin.save()
    return kam_admin


def test_the_orders_admin_makes_changes_and_removes_the_line(client_for, staff_admin, account, cloud,
                                                            django_capture_on_commit_callbacks):
    client = client_for(staff_admin)
    form = {"account": account.pk, "offering": cloud.pk, "ordered_on": str(LAST_MONTH), "amount": 400, "cost": 100,
            "reference": "SO-1"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:accounts_order_add"), form).status_code == 302
    order = Order.objects.get()
    assert figures(account) == (400, 300)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:accounts_order_change", args=[order.pk]), {**form, "amount": 600})
    assert lines() == [("SO-1", LAST_MONTH.replace(day=1), 600, 100, "SO-1", ORDER)]
    assert figures(account) == (600, 500)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:accounts_order_changelist"),
                    {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"})
    assert not Order.objects.exists() and lines() == []
    assert figures(account) == (0, 0)


def test_the_revenue_import_preview_says_orders_stop_making_revenue(client_for, account, account_manager):
    OrderFactory(account=account, reference="SO-1", ordered_on=LAST_MONTH)
    OrderFactory(account=account, reference="SO-2", ordered_on=LAST_MONTH)
    client = client_for(account_manager)
    text = f"account,reference,month,amount,cost,order\n한빛전자,SO-1,{LAST_MONTH:%Y-%m},700,0,SO-1\n"
    response = client.post(reverse("performance:import-revenue"), {"file": csv_file(text, "revenue.csv")}, follow=True)
    assert "2 lines are made from orders" in response.text
    assert "orders no longer make revenue" in response.text
    assert "names the order" in response.text
    batch = response.context["batch"]
    assert batch.update_count == 1  # SO-1's line made from the order is taken over
    page = commit(client, batch)
    assert "first-revenue" not in page.text
    assert sorted(RevenueLine.objects.values_list("reference", "amount", "source")) == [
        ("SO-1", 700, RECORDED), ("SO-2", OrderFactory.amount, ORDER)]


def test_a_later_revenue_import_says_nothing_of_orders(client_for, account, account_manager):
    RevenueLineFactory(account=account)
    client = client_for(account_manager)
    text = f"account,reference,month,amount,cost,order\n한빛전자,RV-9,{LAST_MONTH:%Y-%m},700,0,\n"
    response = client.post(reverse("performance:import-revenue"), {"file": csv_file(text, "revenue.csv")}, follow=True)
    assert "first-revenue" not in response.text
