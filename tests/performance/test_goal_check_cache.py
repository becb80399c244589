"""A person's weekly check on the dashboard is kept in the portfolio cache (it sums the person's orders, revenue
lines and goals over every account in scope) until the next write to any of them: every way orders, revenue
lines and goals are written shows at once on the next visit."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import portfolio_cache
from accounts.models import Order, RevenueLine
from performance.goals import PersonalGoalRow, personal_goal_delete, personal_goals_save, personal_goals_upsert
from performance.models import PersonalGoal
from performance.periods import fiscal_month_of, fiscal_year_of
from performance.revenue import RevenueLineRow, revenue_line_save, revenue_lines_delete, revenue_lines_upsert
from performance.services import (
    OrderRow,
    import_batch_commit,
    import_batch_preview,
    order_save,
    orders_delete,
    orders_upsert,
)
from tests.factories import OfferingFactory, OrderFactory, TeamMemberFactory, UserFactory, kpi

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("performance:dashboard")


@pytest.fixture
def rep(account):
    person = UserFactory(username="rep-cho")
    TeamMemberFactory(account=account, user=person, role="sales_rep")
    return person


@pytest.fixture
def cloud():
    return OfferingFactory(name="Cloud")


def _month(account) -> tuple[int, int]:
    today = timezone.localdate()
    return fiscal_year_of(today, account.fiscal_year_start_month), fiscal_month_of(today, account.fiscal_year_start_month)


def _totals(client, rep) -> dict[str, tuple]:
    check = client.get(DASHBOARD, {"person": rep.pk}).context["goal_check"]
    return {line.kpi.code: (line.goal, line.actual) for line in check.months[-1].totals}


def _order(account, rep, cloud, **values) -> Order:
    return Order(account=account, offering=cloud, sales_rep=rep, reference=values.pop("reference", "SO-NEW"),
                 ordered_on=timezone.localdate(), amount=Decimal(500), cost=Decimal(200), **values)


def _order_saved(account, rep, cloud, user):
    order_save(order=_order(account, rep, cloud), acting_user=user)
    return "orders", (None, 2)


def _order_deleted(account, rep, cloud, user):
    orders_delete(orders=list(Order.objects.filter(reference="SO-OLD")), acting_user=user)
    return "orders", None  # no goal and no order left: no line


def _orders_upserted(account, rep, cloud, user):
    row = OrderRow(account_id=account.pk, reference="SO-OLD", offering_id=cloud.pk, ordered_on=timezone.localdate(),
                   amount=Decimal(900), cost=Decimal(100), sales_rep_id=rep.pk)
    orders_upsert(rows=[row], acting_user=user)
    return "order_intake", (None, Decimal(900))


def _orders_imported(account, rep, cloud, user):
    today = timezone.localdate().isoformat()
    text = f"account,reference,ordered_on,offering,amount,cost,sales_rep\n{account.name},SO-2,{today},Cloud,700,0,{rep.username}\n"
    upload = SimpleUploadedFile("orders.csv", text.encode(), content_type="text/csv")
    batch = import_batch_preview(kind="orders", upload=upload, acting_user=user)
    import_batch_commit(batch=batch, acting_user=user)
    return "order_intake", (None, Decimal(1000))


def _revenue_line_saved(account, rep, cloud, user):
    line = RevenueLine.objects.get(reference="SO-OLD")
    line.amount = Decimal(450)
    revenue_line_save(line=line, acting_user=user)
    return "revenue", (Decimal(1000), Decimal(450))


def _revenue_lines_upserted(account, rep, cloud, user):
    order = Order.objects.get(reference="SO-OLD")
    row = RevenueLineRow(account_id=account.pk, reference="SO-OLD", month=timezone.localdate().replace(day=1),
                         amount=Decimal(1200), cost=Decimal(0), order_id=order.pk)
    revenue_lines_upsert(rows=[row], acting_user=user)
    return "revenue", (Decimal(1000), Decimal(1200))


def _revenue_lines_deleted(account, rep, cloud, user):
    revenue_lines_delete(lines=RevenueLine.objects.filter(reference="SO-OLD"), acting_user=user)
    return "revenue", (Decimal(1000), Decimal(0))


def _goals_saved(account, rep, cloud, user):
    year, month = _month(account)
    personal_goals_save(account=account, kpi=kpi("orders"), fiscal_year=year, values={(rep.pk, month): "5"},
                        acting_user=user)
    return "orders", (Decimal(5), 1)


def _goals_upserted(account, rep, cloud, user):
    year, month = _month(account)
    personal_goals_upsert(rows=[PersonalGoalRow(account=account, user=rep, kpi=kpi("order_intake"), fiscal_year=year,
                                                month=month, value=Decimal(800))], acting_user=user)
    return "order_intake", (Decimal(800), Decimal(300))


def _goal_deleted(account, rep, cloud, user):
    personal_goal_delete(goal=PersonalGoal.objects.get(kpi__code="revenue"), acting_user=user)
    return "revenue", (None, Decimal(300))


def _goal_changed_in_the_admin(account, rep, cloud, user):
    goal = PersonalGoal.objects.get(kpi__code="revenue")
    goal.value = Decimal(77)
    goal.save()  # the admin's ModelAdmin.save_model
    return "revenue", (Decimal(77), Decimal(300))


@pytest.mark.parametrize(
    "write",
    [_order_saved, _order_deleted, _orders_upserted, _orders_imported, _revenue_line_saved, _revenue_lines_upserted,
     _revenue_lines_deleted, _goals_saved, _goals_upserted, _goal_deleted, _goal_changed_in_the_admin],
)
def test_every_write_to_orders_revenue_or_goals_shows_on_the_next_visit(
    client_for, account, account_manager, rep, cloud, write, django_capture_on_commit_callbacks
):
    OrderFactory(account=account, offering=cloud, sales_rep=rep, reference="SO-OLD", ordered_on=timezone.localdate(),
                 amount=Decimal(300), cost=Decimal(100))
    year, month = _month(account)
    PersonalGoal.objects.create(account=account, user=rep, kpi=kpi("revenue"), fiscal_year=year, month=month, value=1000)
    client = client_for(account_manager)
    before = _totals(client, rep)
    assert before["orders"] == (None, 1) and before["revenue"] == (Decimal(1000), Decimal(300))
    assert _totals(client, rep) == before  # kept: the second visit reads the cache

    with django_capture_on_commit_callbacks(execute=True):
        code, expected = write(account, rep, cloud, account_manager)
    assert _totals(client, rep).get(code) == expected


def test_a_kept_check_reads_no_order_revenue_line_or_goal(client_for, account, account_manager, rep, cloud):
    OrderFactory(account=account, offering=cloud, sales_rep=rep, ordered_on=timezone.localdate())
    client = client_for(account_manager)
    client.get(DASHBOARD, {"person": rep.pk})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD, {"person": rep.pk})
    assert response.context["goal_check"].months[-1].totals
    tables = ("performance_order", "accounts_revenueline", "performance_personalgoal")
    assert not [query["sql"] for query in captured if any(table in query["sql"] for table in tables)]


def test_the_check_is_kept_per_viewer_filter_and_day(client_for, account, account_manager, rep, cloud, monkeypatch):
    OrderFactory(account=account, offering=cloud, sales_rep=rep, ordered_on=timezone.localdate(), with_revenue=False)
    client = client_for(account_manager)
    assert _totals(client, rep)["orders"] == (None, 1)
    # Another person's check, another day: computed afresh, not read from the first one's entry.
    other = UserFactory(username="rep-yoon")
    TeamMemberFactory(account=account, user=other, role="sales_rep")
    assert _totals(client, other) == {}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("performance.views.timezone.localdate", lambda: tomorrow)
    portfolio_cache.bump(portfolio_cache.SNAPSHOTS)  # nothing the check reads
    assert client.get(DASHBOARD, {"person": rep.pk}).context["goal_check"].as_of == tomorrow
