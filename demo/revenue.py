"""The demo's revenue (매출): each order (수주) recognised over the months its kind of offering takes.

A product is revenue when delivered (the month after it is ordered, or the same month when ordered in
the first half of it); a service over six months from its order month; a solution at three milestones
(30 % a month after the order, 40 % three months after, 30 % six months after). Only months up to
`today`'s are recognised: the rest of a recent order is still order backlog. Deterministic: no chance.
"""

import datetime
from decimal import Decimal

from accounts.models import Offering
from accounts.revenue import add_months

# Kind of offering -> (months after the order month, share of the amount), shares summing to 1.
SCHEDULES: dict[str, tuple[tuple[int, Decimal], ...]] = {
    Offering.Kind.SERVICE: tuple((month, Decimal(1) / 6) for month in range(6)),
    Offering.Kind.SOLUTION: ((1, Decimal("0.3")), (3, Decimal("0.4")), (6, Decimal("0.3"))),
}
# A product's: delivered the month it is ordered in (by the 15th) or the next.
_DELIVERED_SAME_MONTH = ((0, Decimal(1)),)
_DELIVERED_NEXT_MONTH = ((1, Decimal(1)),)


def _split(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Whole-won parts of `total` in these shares; the last part takes the rounding so they add up exactly."""
    parts = [(total * share).quantize(Decimal(1)) for share in shares[:-1]]
    return [*parts, total - sum(parts, Decimal(0))]


# The columns of the seed's order and revenue-line tuples, for `demo.bulk.insert_rows`.
ORDER_COLUMNS = ("id", "account_id", "offering_id", "ordered_on", "amount", "cost", "reference", "sales_rep_id")
REVENUE_COLUMNS = ("account_id", "order_id", "month", "amount", "cost", "reference")


def revenue_rows(orders: list[tuple], *, kinds: dict[int, str], today: datetime.date) -> list[tuple]:
    """The revenue lines (`REVENUE_COLUMNS` tuples) of orders (`ORDER_COLUMNS` tuples), recognised up to
    `today`'s month; `kinds` gives each offering's kind by its id."""
    this_month = today.replace(day=1)
    schedules = {offering_id: SCHEDULES.get(kind) for offering_id, kind in kinds.items()}
    # Worked out once per order month and schedule: the months recognised by `today`, in order.
    recognised: dict[tuple[datetime.date, int], list[datetime.date]] = {}
    # Amounts are round sums that repeat (whole 10,000s): each is split once per schedule.
    splits: dict[tuple[Decimal, int], list[Decimal]] = {}
    rows = []
    for pk, account_id, offering_id, ordered_on, amount, cost, reference, _sales_rep_id in orders:
        schedule = schedules[offering_id] or (_DELIVERED_SAME_MONTH if ordered_on.day <= 15 else _DELIVERED_NEXT_MONTH)
        first = ordered_on.replace(day=1)
        months = recognised.get((first, id(schedule)))
        if months is None:
            months = recognised[first, id(schedule)] = [
                month for offset, _share in schedule if (month := add_months(first, offset)) <= this_month
            ]
        if len(schedule) == 1:
            if months:
                rows.append((account_id, pk, months[0], amount, cost, f"{reference}-R1"))
            continue
        amounts, costs = splits.get((amount, id(schedule))), splits.get((cost, id(schedule)))
        if amounts is None:
            amounts = splits[amount, id(schedule)] = _split(amount, [share for _offset, share in schedule])
        if costs is None:
            costs = splits[cost, id(schedule)] = _split(cost, [share for _offset, share in schedule])
        for number, (month, part, part_cost) in enumerate(zip(months, amounts, costs), start=1):
            rows.append((account_id, pk, month, part, part_cost, f"{reference}-R{number}"))
    return rows


# What `revenue_rows_check` checks: every check constraint of `RevenueLine`.
REVENUE_CHECKS = ("revenue_line_amount_gte_0", "revenue_line_cost_gte_0", "revenue_line_month_first_day")


def revenue_rows_check(rows: list[tuple]) -> None:
    """Raise ValueError unless every row (`REVENUE_COLUMNS` tuples) meets `REVENUE_CHECKS`: amount and
    cost at least 0, the month a first day. One pass over the tuples, so the seed can insert them with
    the database's per-row checks skipped (`demo.bulk.sqlite_checks_skipped`)."""
    for row in rows:
        _account_id, _order_id, month, amount, cost, reference = row
        if month.day != 1 or amount < 0 or cost < 0:
            raise ValueError(f"Revenue line {reference} breaks a check of RevenueLine: {row!r}")
