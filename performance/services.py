"""Every write to orders and, later, KPIs. Keyword-only, atomic, told who acts."""

import datetime
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import transaction

from accounts.models import User
from performance.models import Order

logger = logging.getLogger(__name__)

ORDER_FIELDS = ("offering_id", "ordered_on", "amount", "cost")


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One order as another system knows it; (account_id, reference) is its natural key."""

    account_id: int
    reference: str
    offering_id: int
    ordered_on: datetime.date
    amount: Decimal
    cost: Decimal = Decimal(0)


class Outcome(StrEnum):
    """What an upsert did with a row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def orders_upsert(*, rows: Sequence[OrderRow], acting_user: User | None) -> list[tuple[Order, str]]:
    """Create or update orders by their natural key (account, reference), all or nothing.

    Returns each row's order with its outcome (created, updated, unchanged), in the rows' order.
    A row equal to the stored order is left alone, so sending the same batch twice changes
    nothing. The caller has checked that the rows' accounts and offerings exist and that
    `acting_user` may edit those accounts; keys must be unique within the batch.
    Runs a fixed number of statements whatever the number of rows (in chunks of 500).
    """
    keys = [(row.account_id, row.reference) for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("Each (account, reference) may appear once in a batch.")
    outcomes: list[tuple[Order, str]] = []
    with transaction.atomic():
        stored = {
            (order.account_id, order.reference): order
            for order in Order.objects.select_for_update().filter(
                account_id__in={row.account_id for row in rows}, reference__in={row.reference for row in rows}
            )
        }
        for row in rows:
            order = stored.get((row.account_id, row.reference))
            if order is None:
                order = Order(account_id=row.account_id, reference=row.reference)
                outcome = Outcome.CREATED
            elif any(getattr(order, name) != getattr(row, name) for name in ORDER_FIELDS):
                outcome = Outcome.UPDATED
            else:
                outcome = Outcome.UNCHANGED
            for name in ORDER_FIELDS:
                setattr(order, name, getattr(row, name))
            outcomes.append((order, outcome))
        Order.objects.bulk_create([order for order, outcome in outcomes if outcome == Outcome.CREATED], batch_size=500)
        Order.objects.bulk_update(
            [order for order, outcome in outcomes if outcome == Outcome.UPDATED],
            fields=[name.removesuffix("_id") for name in ORDER_FIELDS],
            batch_size=500,
        )
        if any(outcome != Outcome.UNCHANGED for _order, outcome in outcomes):
            # Revenue, profit and Pareto classes follow the orders; recompute once the batch is in.
            transaction.on_commit(_refresh_account_revenue)
    logger.info("%s upserted orders: %s", acting_user, dict(Counter(outcome.value for _order, outcome in outcomes)))
    return outcomes


def _refresh_account_revenue() -> None:
    from accounts.tasks import refresh_account_revenue

    refresh_account_revenue.delay()
