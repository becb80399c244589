"""The rule of issue #17: each order makes one revenue line of its own, until the company records revenue.

As long as no revenue line has been recorded (imported, sent through the API or entered in the admin),
every write of an order keeps one revenue line beside it (`RevenueLine.Source.ORDER`): the order's month,
amount, cost and reference, linked to the order; it changes with the order and goes when the order is
deleted. So revenue figures go on following orders for a company that imports only orders.

The first recorded revenue line ends it: from then on orders are order intake (수주) only, and revenue
(매출) is what is recorded. The lines made from orders until then stay as they are (they are the revenue
of the months before) and are no longer changed by their orders; a recorded line replaces one of them
when it has the same account and reference (the natural key of revenue lines) or names its order
(`order_lines_replace`: an order's revenue is counted once), and a user may delete them.

Every order write calls `order_revenue_lines_sync` (created or changed orders) or
`order_revenue_lines_remove` (orders about to be deleted), inside its transaction; both return the
accounts whose revenue changed, for the caller to refresh (`performance.revenue.revenue_changed`).
"""

from collections.abc import Iterable, Sequence

from accounts.models import Order, RevenueLine
from core.bulk import Outcome
from performance.services import NaturalKey, _records_upsert

ORDER = RevenueLine.Source.ORDER
# An order has at most one line made from it: found by the order, it follows the order's fields.
ORDER_LINE_FIELDS = ("account_id", "reference", "month", "amount", "cost", "source")
ORDER_LINES = NaturalKey(RevenueLine, key=("order_id",), compared=ORDER_LINE_FIELDS, written=ORDER_LINE_FIELDS)


def orders_make_revenue() -> bool:
    """Whether orders still make their revenue lines: no revenue line has been recorded yet. One query."""
    return not RevenueLine.objects.filter(source=RevenueLine.Source.RECORDED).exists()


def order_made_line_count() -> int:
    """How many revenue lines were made from orders (what a first revenue import takes over from)."""
    return RevenueLine.objects.filter(source=ORDER).count()


def order_revenue_lines_sync(*, orders: Sequence[Order]) -> list[int]:
    """Create or update the revenue line of each saved order while orders make revenue; the accounts changed.

    A fixed number of statements whatever the number of orders (none once revenue is recorded, but one).
    """
    if not orders or not orders_make_revenue():
        return []
    lines = [
        RevenueLine(
            account_id=order.account_id, order_id=order.pk, reference=order.reference,
            month=order.ordered_on.replace(day=1), amount=order.amount, cost=order.cost, source=ORDER,
        )
        for order in orders
    ]
    outcomes = _records_upsert(natural_key=ORDER_LINES, records=lines)
    return sorted({line.account_id for line, outcome in outcomes if outcome != Outcome.UNCHANGED})


def order_revenue_lines_remove(*, order_ids: Iterable[int]) -> list[int]:
    """Delete the revenue lines made from these orders (before the orders go) while orders make revenue;
    the accounts changed. Once revenue is recorded, the lines stay (their order link is cleared with the order)."""
    order_ids = list(order_ids)
    if not order_ids or not orders_make_revenue():
        return []
    made = RevenueLine.objects.filter(order_id__in=order_ids, source=ORDER)
    account_ids = sorted(set(made.values_list("account_id", flat=True)))
    made.delete()
    return account_ids


def order_lines_replace(*, order_ids: Iterable[int]) -> list[int]:
    """Delete the lines made from these orders, as recorded lines naming the orders were just written (they take
    their place: an order's revenue is counted once); the accounts changed. One query, two when there are some."""
    order_ids = {order_id for order_id in order_ids if order_id}
    if not order_ids:
        return []
    made = RevenueLine.objects.filter(order_id__in=order_ids, source=ORDER)
    account_ids = sorted(set(made.values_list("account_id", flat=True)))
    if account_ids:
        made.delete()
    return account_ids
