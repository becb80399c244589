"""The demo's revenue (매출): each order (수주) recognised over the months its kind of offering takes.

A product is revenue when delivered (the month after it is ordered, or the same month when ordered in
the first half of it); a service over six months from its order month; a solution at three milestones
(30 % a month after the order, 40 % three months after, 30 % six months after). Only months up to
`today`'s are recognised: the rest of a recent order is still order backlog. Deterministic: no chance.
"""

import datetime
from decimal import Decimal

from accounts.models import Offering, Order, RevenueLine
from accounts.revenue import add_months

# Kind of offering -> (months after the order month, share of the amount), shares summing to 1.
SCHEDULES: dict[str, tuple[tuple[int, Decimal], ...]] = {
    Offering.Kind.SERVICE: tuple((month, Decimal(1) / 6) for month in range(6)),
    Offering.Kind.SOLUTION: ((1, Decimal("0.3")), (3, Decimal("0.4")), (6, Decimal("0.3"))),
}


def _schedule(order: Order) -> tuple[tuple[int, Decimal], ...]:
    kind = order.offering.kind
    if kind in SCHEDULES:
        return SCHEDULES[kind]
    return ((0 if order.ordered_on.day <= 15 else 1, Decimal(1)),)


def _split(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Whole-won parts of `total` in these shares; the last part takes the rounding so they add up exactly."""
    parts = [(total * share).quantize(Decimal(1)) for share in shares[:-1]]
    return [*parts, total - sum(parts, Decimal(0))]


def revenue_lines_for(orders: list[Order], *, today: datetime.date) -> list[RevenueLine]:
    """The revenue lines of saved orders (their `offering` loaded), recognised up to `today`'s month."""
    this_month = today.replace(day=1)
    lines = []
    for order in orders:
        schedule = _schedule(order)
        shares = [share for _offset, share in schedule]
        amounts, costs = _split(order.amount, shares), _split(order.cost, shares)
        first = order.ordered_on.replace(day=1)
        for number, ((offset, _share), amount, cost) in enumerate(zip(schedule, amounts, costs, strict=True), start=1):
            month = add_months(first, offset)
            if month > this_month:
                break
            lines.append(RevenueLine(
                account_id=order.account_id, order_id=order.pk, month=month, amount=amount, cost=cost,
                reference=f"{order.reference}-R{number}",
            ))
    return lines
