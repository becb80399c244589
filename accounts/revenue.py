"""Reads of revenue (매출) from revenue lines: the last 12 months, month by month, and per account for the
Pareto refresh. Order intake (수주) is read from orders; here only to show it beside revenue, month by month.

"The last 12 months" are calendar months: the month of `today` and the 11 before it, as revenue is
recognised by month. The 12 before those are "the previous 12 months".
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import Account, Order, RevenueLine

MONEY = DecimalField(max_digits=20, decimal_places=0)
ZERO = Decimal(0)


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after (or before, if negative) `month`'s."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_12_months(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and the last month (first days) of the 12 calendar months up to `today`'s."""
    this_month = today.replace(day=1)
    return add_months(this_month, -11), this_month


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=MONEY)


def change_percent(current: Decimal, previous: Decimal) -> Decimal | None:
    """Growth against the previous period as a percentage; None when there is nothing to compare with."""
    if not previous:
        return None
    return (current - previous) * 100 / abs(previous)


def revenue_windows(*, account: Account, today: datetime.date) -> dict:
    """Revenue and profit of the last 12 months and of the 12 before, with their change in %, in one query."""
    return revenue_windows_on(account=account, days=[today])[0]


def revenue_windows_on(*, account: Account, days: Sequence[datetime.date]) -> list[dict]:
    """`revenue_windows` as of each of `days`, in one query for all of them."""
    sums = {}
    for index, day in enumerate(days):
        first, last = last_12_months(day)
        now = Q(month__gte=first, month__lte=last)
        before = Q(month__gte=add_months(first, -12), month__lt=first)
        sums |= {
            f"revenue_now_{index}": _sum("amount", now),
            f"cost_now_{index}": _sum("cost", now),
            f"revenue_before_{index}": _sum("amount", before),
            f"cost_before_{index}": _sum("cost", before),
        }
    row = RevenueLine.objects.filter(account=account).aggregate(**sums)
    names = ("revenue_now", "cost_now", "revenue_before", "cost_before")
    return [_windows({name: row[f"{name}_{index}"] for name in names}) for index in range(len(days))]


def revenue_by_month(*, account_id: int, first: datetime.date, last: datetime.date) -> dict[datetime.date, tuple]:
    """{month: (amount, cost)} of the account's revenue lines dated from `first` to `last`, in one query: what
    `windows_from_months` and a month-by-month chart read without a query each."""
    return {
        month: (amount, cost)
        for month, amount, cost in RevenueLine.objects.filter(account_id=account_id, month__gte=first, month__lte=last)
        .order_by()
        .values("month")
        .annotate(amount=Sum("amount"), cost=Sum("cost"))
        .values_list("month", "amount", "cost")
    }


def windows_from_months(*, by_month: dict[datetime.date, tuple], days: Sequence[datetime.date]) -> list[dict]:
    """`revenue_windows_on` from `revenue_by_month` rows that reach back 24 months before each of `days`' month
    (whole amounts: the sums are exact)."""
    windows = []
    for day in days:
        first, last = last_12_months(day)
        before_first = add_months(first, -12)
        sums = {"revenue_now": ZERO, "cost_now": ZERO, "revenue_before": ZERO, "cost_before": ZERO}
        for month, (amount, cost) in by_month.items():
            window = "now" if first <= month <= last else "before" if before_first <= month < first else None
            if window:
                sums[f"revenue_{window}"] += amount or ZERO
                sums[f"cost_{window}"] += cost or ZERO
        windows.append(_windows(sums))
    return windows


def _windows(sums: dict) -> dict:
    totals = {
        "revenue": sums["revenue_now"],
        "profit": sums["revenue_now"] - sums["cost_now"],
        "previous_revenue": sums["revenue_before"],
        "previous_profit": sums["revenue_before"] - sums["cost_before"],
    }
    totals["revenue_change"] = change_percent(totals["revenue"], totals["previous_revenue"])
    totals["profit_change"] = change_percent(totals["profit"], totals["previous_profit"])
    return totals


def monthly_revenue(*, account: Account, today: datetime.date) -> list[dict]:
    """Revenue (revenue lines) and order intake (orders signed) per calendar month over the last 12 months,
    oldest first, months without either at 0. Two queries."""
    first, last = last_12_months(today)
    revenue = dict(
        RevenueLine.objects.filter(account=account, month__gte=first, month__lte=last)
        .order_by()
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    return _months(revenue, _monthly_intake(account=account, first=first, today=today), first)


def revenue_figures(*, account: Account, today: datetime.date) -> tuple[dict, list[dict]]:
    """`revenue_windows` and `monthly_revenue` (the account summary shows both) in two queries instead of
    three: the revenue lines of the 24 months summed per month (whole amounts: the sums are exact)."""
    first, last = last_12_months(today)
    sums = {"revenue_now": ZERO, "cost_now": ZERO, "revenue_before": ZERO, "cost_before": ZERO}
    revenue = {}
    for month, amount, cost in (
        RevenueLine.objects.filter(account=account, month__gte=add_months(first, -12), month__lte=last)
        .order_by()
        .values("month")
        .annotate(amount=Sum("amount"), cost=Sum("cost"))
        .values_list("month", "amount", "cost")
    ):
        window = "now" if month >= first else "before"
        sums[f"revenue_{window}"] += amount
        sums[f"cost_{window}"] += cost
        if window == "now":
            revenue[month] = amount
    return _windows(sums), _months(revenue, _monthly_intake(account=account, first=first, today=today), first)


def _monthly_intake(*, account: Account, first: datetime.date, today: datetime.date) -> dict[datetime.date, Decimal]:
    return {
        _as_date(month): total
        for month, total in Order.objects.filter(account=account, ordered_on__gte=first, ordered_on__lte=today)
        .annotate(month=TruncMonth("ordered_on"))
        .order_by()
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    }


def _months(revenue: dict, intake: dict, first: datetime.date) -> list[dict]:
    return [
        {"month": month, "revenue": revenue.get(month, ZERO), "order_intake": intake.get(month, ZERO)}
        for month in (add_months(first, n) for n in range(12))
    ]


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def ttm_sums(today: datetime.date) -> tuple[Subquery, Subquery]:
    """Subqueries of an account's (`OuterRef("pk")`) revenue and cost over the last 12 months, for an update."""
    first, last = last_12_months(today)
    window = RevenueLine.objects.filter(account=OuterRef("pk"), month__gte=first, month__lte=last).order_by()
    revenue = window.values("account").annotate(total=Sum("amount")).values("total")
    cost = window.values("account").annotate(total=Sum("cost")).values("total")
    return Subquery(revenue, output_field=MONEY), Subquery(cost, output_field=MONEY)


def revenue_lines_of(account: Account) -> QuerySet[RevenueLine]:
    """An account's revenue lines, newest month first, with their orders."""
    return RevenueLine.objects.filter(account=account).select_related("order").order_by("-month", "-id")


def revenue_lines_between(
    account: Account, *, since: datetime.date | None = None, until: datetime.date | None = None
) -> QuerySet[RevenueLine]:
    """An account's revenue lines recognised from the month `since` to the month `until` (each optional, both
    first days of months), newest month first, with their orders."""
    lines = revenue_lines_of(account)
    if since:
        lines = lines.filter(month__gte=since)
    if until:
        lines = lines.filter(month__lte=until)
    return lines


def revenue_line_totals(lines: QuerySet[RevenueLine]) -> dict:
    """The revenue, cost and profit of `lines` and how many there are, in one query."""
    sums = lines.order_by().aggregate(
        revenue=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
        cost=Coalesce(Sum("cost"), Value(ZERO), output_field=MONEY),
        count=Count("pk"),
    )
    return {**sums, "profit": sums["revenue"] - sums["cost"]}


def revenue_line_years(account: Account) -> list[int]:
    """The calendar years the account has revenue lines in, newest first."""
    # The distinct months (read off the account's index) and their years in Python: `dates(…, "year")` truncates
    # every line's month in SQL, on SQLite with a Python function called once per line.
    months = RevenueLine.objects.filter(account=account).order_by("-month").values_list("month", flat=True).distinct()
    return list(dict.fromkeys(month.year for month in months))
