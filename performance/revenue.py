"""Every write of revenue lines (매출): one, or a batch upserted by natural key (account, reference), all or nothing.

Revenue lines are recognised revenue as the ERP books it, apart from orders (order intake, 수주):
`accounts.revenue` reads them. Every line written here is recorded (`RevenueLine.Source.RECORDED`): the
first one ends the lines orders make (`performance.order_revenue`), and it takes the place of a line made
from an order under the same key or from the order it names. After a write the accounts' revenue of the last 12 months, their
Pareto classes and their KPI snapshots are refreshed in the background.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import portfolio_cache
from accounts.models import Order, RevenueLine, User
from core.bulk import Outcome
from performance.order_revenue import order_lines_replace
from performance.services import NaturalKey, _records_upsert
from performance.values import revenue_month_problem

logger = logging.getLogger(__name__)

REVENUE_LINE_FIELDS = ("month", "amount", "cost", "order_id")
# A recorded line takes the place of a line made from an order under the same key (its source changes).
REVENUE_LINES = NaturalKey(
    RevenueLine, key=("account_id", "reference"), compared=(*REVENUE_LINE_FIELDS, "source"),
    written=(*REVENUE_LINE_FIELDS, "source"),
)


@dataclass(frozen=True, slots=True)
class RevenueLineRow:
    """One revenue line as the ERP knows it; (account_id, reference) is its natural key."""

    account_id: int
    reference: str
    month: datetime.date
    amount: Decimal
    cost: Decimal = Decimal(0)
    order_id: int | None = None


def _row_problems(rows: Sequence[RevenueLineRow], today: datetime.date) -> dict[int, ValidationError]:
    """The rules no database constraint can hold: the order is the same account's; the month has begun."""
    order_accounts = dict(
        Order.objects.filter(pk__in={row.order_id for row in rows if row.order_id}).values_list("pk", "account_id")
    )
    errors = {}
    for index, row in enumerate(rows):
        problems = {}
        month_problem = revenue_month_problem(row.month, today)
        if row.month.day != 1:
            problems["month"] = [_("A revenue line's month is the first day of the month.")]
        elif month_problem:
            problems["month"] = [month_problem]
        if row.order_id and order_accounts.get(row.order_id) != row.account_id:
            problems["order"] = [_("The order is not one of this account's orders.")]
        if problems:
            errors[index] = ValidationError(problems)
    return errors


def revenue_lines_upsert(
    *, rows: Sequence[RevenueLineRow], acting_user: User | None, today: datetime.date | None = None, refresh: bool = True
) -> list[tuple[RevenueLine, Outcome]]:
    """Create or update revenue lines by their natural key (account, reference), all or nothing.

    Returns each row's line with its outcome (created, updated, unchanged), in the rows' order; a row
    equal to the stored line is left alone, so sending the same batch twice changes nothing. Raises
    `RowErrors` (nothing written) for a month not on its first day or not begun yet, or an order of
    another account. The caller has checked that `acting_user` may edit the rows' accounts; keys must
    be unique within the batch. A fixed number of statements whatever the number of rows. Once committed,
    the changed accounts' figures are refreshed in the background (unless `refresh` is off: the caller does).
    """
    errors = _row_problems(rows, today or timezone.localdate())
    lines = [
        None if index in errors else RevenueLine(
            account_id=row.account_id, reference=row.reference, source=RevenueLine.Source.RECORDED,
            **{name: getattr(row, name) for name in REVENUE_LINE_FIELDS},
        )
        for index, row in enumerate(rows)
    ]
    with transaction.atomic():
        outcomes = _records_upsert(natural_key=REVENUE_LINES, records=lines, errors=errors)
        replaced = order_lines_replace(order_ids=[row.order_id for row in rows])
        changed = sorted({line.account_id for line, outcome in outcomes if outcome != Outcome.UNCHANGED} | set(replaced))
        if changed:
            portfolio_cache.bump(portfolio_cache.SALES)  # a person's weekly check sums revenue lines
        if changed and refresh:
            transaction.on_commit(lambda: revenue_changed(account_ids=changed))
    logger.info("%s upserted revenue lines: %s", acting_user, dict(Counter(outcome.value for _line, outcome in outcomes)))
    return outcomes


def revenue_line_problems(*, line: RevenueLine, today: datetime.date | None = None) -> None:
    """Raise the rules of a batch's row that no model rule holds (the month has begun; the order is the
    account's) as a ValidationError, for a form to show before `revenue_line_save`."""
    row = RevenueLineRow(account_id=line.account_id, reference=line.reference, month=line.month, amount=line.amount,
                         cost=line.cost, order_id=line.order_id)
    errors = _row_problems([row], today or timezone.localdate())
    if errors:
        raise errors[0]


def revenue_line_save(*, line: RevenueLine, acting_user: User | None, today: datetime.date | None = None) -> RevenueLine:
    """Create or change one revenue line (the API's and the admin's write): the batch's rules, then every
    model rule (fields, constraints) as a ValidationError. The line is recorded from then on."""
    revenue_line_problems(line=line, today=today)
    line.source = RevenueLine.Source.RECORDED
    line.full_clean()
    with transaction.atomic():
        line.save()
        order_lines_replace(order_ids=[line.order_id])
        portfolio_cache.bump(portfolio_cache.SALES)
        transaction.on_commit(lambda: revenue_changed(account_ids=[line.account_id]))
    logger.info("%s saved revenue line %s", acting_user, line.pk)
    return line


def revenue_line_delete(*, line: RevenueLine, acting_user: User | None) -> None:
    revenue_lines_delete(lines=[line], acting_user=acting_user)


def revenue_lines_delete(*, lines: Iterable[RevenueLine], acting_user: User | None) -> None:
    """Delete revenue lines (the admin deletes a selection); their accounts' figures are refreshed once committed."""
    lines = list(lines)
    account_ids = sorted({line.account_id for line in lines})
    with transaction.atomic():
        RevenueLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
        if account_ids:
            portfolio_cache.bump(portfolio_cache.SALES)
            transaction.on_commit(lambda: revenue_changed(account_ids=account_ids))
    logger.info("%s deleted %s revenue lines of accounts %s", acting_user, len(lines), account_ids)


def revenue_changed(*, account_ids: Sequence[int]) -> None:
    """Queue the refresh of revenue, Pareto classes and the accounts' KPI snapshots."""
    from core.queue import enqueue
    from performance.tasks import refresh_account_revenue, refresh_kpi_snapshots

    enqueue(refresh_account_revenue)
    enqueue(refresh_kpi_snapshots, list(account_ids))
