"""Revenue (매출) figures read revenue lines, not orders (수주): numbers computed by hand.

Today is 2026-12-07: the last 12 months are January–December 2026, the 12 before are January–December 2025.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from accounts.models import Account
from accounts.revenue import add_months, last_12_months, monthly_revenue, revenue_windows
from accounts.selectors import account_summary
from accounts.services import account_revenue_refresh
from tests.factories import AccountFactory, OrderFactory, RevenueLineFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 7)


def line(account, month, amount, cost=0):
    return RevenueLineFactory(account=account, month=month, amount=Decimal(amount), cost=Decimal(cost))


@pytest.fixture
def account():
    """Revenue: Dec 2026 100 (cost 40), Jan 2026 200 (50), Dec 2025 300 (100), Jan 2025 0, Dec 2024 1,000;
    and a 5,000 order signed in November 2026 whose revenue is not recognised yet."""
    account = AccountFactory()
    line(account, D(2026, 12, 1), 100, 40)
    line(account, D(2026, 1, 1), 200, 50)
    line(account, D(2025, 12, 1), 300, 100)
    line(account, D(2024, 12, 1), 1000, 0)
    OrderFactory(account=account, ordered_on=D(2026, 11, 20), amount=Decimal(5000), cost=0, with_revenue=False)
    return account


def test_months_are_counted_as_calendar_months():
    assert add_months(D(2026, 12, 1), 1) == D(2027, 1, 1)
    assert add_months(D(2026, 1, 1), -1) == D(2025, 12, 1)
    assert add_months(D(2026, 3, 1), -26) == D(2024, 1, 1)
    assert last_12_months(TODAY) == (D(2026, 1, 1), D(2026, 12, 1))


def test_revenue_and_profit_of_the_last_12_months_read_revenue_lines(account):
    windows = revenue_windows(account=account, today=TODAY)
    assert windows["revenue"] == 300  # 100 + 200; the November order is order intake, not revenue
    assert windows["profit"] == 210  # 300 − (40 + 50)
    assert windows["previous_revenue"] == 300  # December 2025
    assert windows["previous_profit"] == 200
    assert windows["revenue_change"] == 0
    assert windows["profit_change"] == 5  # (210 − 200) ÷ 200 × 100


def test_monthly_revenue_has_twelve_months_with_zeros_where_nothing_was_recognised(account):
    OrderFactory(account=account, ordered_on=D(2026, 11, 2), amount=Decimal(700), cost=0, with_revenue=False)
    OrderFactory(account=account, ordered_on=D(2025, 12, 31), amount=Decimal(9), cost=0, with_revenue=False)
    months = monthly_revenue(account=account, today=TODAY)
    assert [row["month"] for row in months] == [D(2026, month, 1) for month in range(1, 13)]
    assert [row["revenue"] for row in months] == [200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100]
    # Order intake beside it: November's two orders, 5,000 + 700, signed but not yet recognised.
    assert [row["order_intake"] for row in months] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5700, 0]


def test_the_account_page_charts_revenue_and_order_intake_by_month(client_for, account_manager):
    import json

    from django.urls import reverse

    from tests.factories import TeamMemberFactory

    mine = AccountFactory()
    TeamMemberFactory(account=mine, user=account_manager)
    this_month = D.today().replace(day=1)
    line(mine, this_month, 300, 100)
    OrderFactory(account=mine, ordered_on=D.today(), amount=Decimal(1200), cost=0, with_revenue=False)
    response = client_for(account_manager).get(reverse("accounts:detail", args=[mine.pk]))
    chart = json.loads(response.text.split('id="revenue-chart-data" type="application/json">')[1].split("</script>")[0])
    assert (chart["revenue"][-1], chart["intake"][-1]) == (300, 1200)
    assert chart["intakeLabel"] == "Order intake"


def test_account_summary_shows_revenue_lines(account):
    summary = account_summary(account=account, today=TODAY)
    assert summary["revenue"]["revenue"] == 300
    assert sum(row["revenue"] for row in summary["monthly_revenue"]) == 300


def test_revenue_refresh_and_the_pareto_class_read_revenue_lines():
    """A 700, B 200, C 100 (plus a 10,000 order without revenue): A crosses 80 % with B, C is in the next 15 %."""
    a, b, c = AccountFactory(name="A"), AccountFactory(name="B"), AccountFactory(name="C")
    line(a, D(2026, 3, 1), 500, 100)
    line(a, D(2026, 11, 1), 200, 100)
    line(a, D(2025, 12, 1), 9999)  # the month before the last 12: not counted
    line(b, D(2026, 12, 1), 200, 150)
    line(c, D(2026, 6, 1), 100, 0)
    OrderFactory(account=c, ordered_on=D(2026, 6, 3), amount=Decimal(10_000), cost=0, with_revenue=False)

    assert account_revenue_refresh(as_of=TODAY) == 3
    rows = {name: (revenue, profit, label) for name, revenue, profit, label in
            Account.objects.values_list("name", "revenue_ttm", "profit_ttm", "pareto_class")}
    # Shares before each: A 0 %, B 70 %, C 90 % of 1,000.
    assert rows == {"A": (700, 500, "A"), "B": (200, 50, "A"), "C": (100, 100, "B")}


def test_a_revenue_line_is_recognised_on_the_first_day_of_a_month():
    with pytest.raises(IntegrityError):
        RevenueLineFactory(month=D(2026, 5, 2))


def test_a_revenue_line_amount_is_not_negative():
    with pytest.raises(IntegrityError):
        RevenueLineFactory(amount=Decimal(-1))


def test_a_revenue_line_reference_is_unique_in_its_account():
    first = RevenueLineFactory(reference="RV-1")
    RevenueLineFactory(reference="RV-1")  # another account
    with pytest.raises(IntegrityError):
        RevenueLineFactory(account=first.account, reference="RV-1")
