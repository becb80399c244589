"""Checking and writing an upload of revenue lines (매출), on the order import's reading and parsing.

`performance.imports` reads the file (CSV in UTF-8 or CP949, or .xlsx; Korean headers; amounts in
won, 만 and 억) and calls `check_revenue_lines` for each row: the account, the line number, the
recognised month (a month or any date in it), the amount, the cost and the order it belongs to
(optional, an order number of the same account). A line already imported with the same values is
skipped, one with other values is updated, as is a line made from an order under the same number (it becomes
recorded). `revenue_lines_write` writes the checked rows.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import Order, RevenueLine, User
from performance.imports import ROW, RowResult, RowStatus, _account_lookup, _decimal, _mark_repeats, _resolve_account, _text
from performance.revenue import RevenueLineRow, revenue_lines_upsert
from performance.values import parse_month, revenue_month_problem


def _month(row: dict, result: RowResult, today: datetime.date) -> datetime.date | None:
    month, problem = parse_month(row.get("month") or "")
    problem = problem or (revenue_month_problem(month, today) if month else _("Required."))
    if problem:
        result.error("month", problem)
        return None
    return month


def check_revenue_lines(rows: list[dict], user: User, today: datetime.date) -> list[RowResult]:
    """Each row's result; a fixed number of queries whatever the number of rows."""
    accounts = _account_lookup(rows, user)
    account_ids = {account.pk for matches in accounts.values() for account in matches}
    references = {(row.get("reference") or "").strip() for row in rows}
    order_numbers = {(row.get("order") or "").strip() for row in rows} - {""}
    orders = {
        (account_id, reference): pk
        for pk, account_id, reference in Order.objects.filter(
            account_id__in=account_ids, reference__in=order_numbers
        ).values_list("pk", "account_id", "reference")
    }
    existing = {
        (account_id, reference): (month, amount, cost, order_id, source)
        for account_id, reference, month, amount, cost, order_id, source in RevenueLine.objects.filter(
            account_id__in=account_ids, reference__in=references
        ).values_list("account_id", "reference", "month", "amount", "cost", "order_id", "source")
    }
    results, seen = [], {}
    for row in rows:
        result = RowResult(row=row[ROW])
        account = _resolve_account(row, result, accounts)
        reference = _text(row, result, "reference", max_length=64)
        month = _month(row, result, today)
        amount = _decimal(row, result, "amount", whole=True)
        cost = _decimal(row, result, "cost", required=False, whole=True)
        order_number = _text(row, result, "order", required=False, max_length=64)
        order_id = None
        if account and order_number:
            order_id = orders.get((account.pk, order_number))
            if order_id is None:
                result.error("order", _("%(account)s has no order “%(number)s”.") % {
                    "account": account.name, "number": order_number})
        if account and reference:
            _mark_repeats(result, (account.pk, reference), seen, "reference")
        if result.status != RowStatus.ERROR:
            cost = cost or 0
            result.values = {
                "account_id": account.pk,
                "reference": reference,
                "month": month.isoformat(),
                "amount": str(amount),
                "cost": str(cost),
                "order_id": order_id,
            }
            result.summary = " · ".join(
                part for part in (account.name, reference, month.strftime("%Y-%m"), f"{amount:,}", order_number) if part
            )
            stored = existing.get((account.pk, reference))
            if stored is not None:
                # A line made from an order is taken over by the recorded one: an update even with the same values.
                same = stored == (month, amount, cost, order_id, RevenueLine.Source.RECORDED)
                result.status = RowStatus.DUPLICATE if same else RowStatus.UPDATE
        results.append(result)
    return results


def revenue_lines_write(*, values: list[dict], acting_user: User) -> None:
    """Write checked rows (new and changed), all or nothing, inside the import's transaction (which
    queues the refresh of revenue and KPI snapshots itself)."""
    rows = [
        RevenueLineRow(
            account_id=item["account_id"], reference=item["reference"], month=datetime.date.fromisoformat(item["month"]),
            amount=Decimal(item["amount"]), cost=Decimal(item["cost"]), order_id=item["order_id"],
        )
        for item in values
    ]
    if rows:
        revenue_lines_upsert(rows=rows, acting_user=acting_user, refresh=False)
