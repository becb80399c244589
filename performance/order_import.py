"""Checking an upload of orders (수주), on `performance.imports`' reading and parsing: the account, the order
number, the order date, the offering, the amount, the cost and who made the sale (영업 담당: a user name or
e-mail, optional). An order already imported is skipped; `services.import_batch_commit` writes the new ones.
"""

import datetime

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import Offering, Order, User
from performance.imports import (
    ROW,
    RowResult,
    RowStatus,
    _account_lookup,
    _date,
    _decimal,
    _mark_repeats,
    _resolve_account,
    _text,
)
from performance.values import order_date_problem


def _sales_rep_lookup(rows: list[dict]) -> dict[str, list[User]]:
    """Active users by user name and by e-mail (without case), for the names the file gives; one query."""
    names = {(row.get("sales_rep") or "").strip() for row in rows} - {""}
    found: dict[str, list[User]] = {}
    if not names:
        return found
    folded = {name.casefold() for name in names}
    people = User.objects.annotate(email_folded=Lower("email")).filter(
        Q(username__in=names) | Q(email_folded__in=folded), is_active=True
    )
    for person in people:
        for key in {person.username.casefold(), person.email.casefold()} - {""}:
            found.setdefault(key, []).append(person)
    return found


def _resolve_sales_rep(row: dict, result: RowResult, people: dict[str, list[User]]) -> User | None:
    name = _text(row, result, "sales_rep", required=False)
    if not name:
        return None
    matches = people.get(name.casefold(), [])
    if not matches:
        result.error("sales_rep", _("No active user with the user name or e-mail “%(name)s”.") % {"name": name})
        return None
    if len(matches) > 1:
        result.error("sales_rep", _("“%(name)s” names more than one user; use the user name.") % {"name": name})
        return None
    return matches[0]


def check_orders(rows: list[dict], user: User, today: datetime.date) -> list[RowResult]:
    """Each row's result; a fixed number of queries whatever the number of rows."""
    accounts = _account_lookup(rows, user)
    offering_names = {(row.get("offering") or "").strip() for row in rows}
    offerings = {offering.name: offering for offering in Offering.objects.filter(name__in=offering_names)}
    people = _sales_rep_lookup(rows)
    references = {(row.get("reference") or "").strip() for row in rows}
    account_ids = {account.pk for matches in accounts.values() for account in matches}
    existing = set(
        Order.objects.filter(account_id__in=account_ids, reference__in=references).values_list("account_id", "reference")
    )
    results, seen = [], {}
    for row in rows:
        result = RowResult(row=row[ROW])
        account = _resolve_account(row, result, accounts)
        reference = _text(row, result, "reference", max_length=64)
        ordered_on = _date(row, result, "ordered_on", today, order_date_problem)
        offering_name = _text(row, result, "offering")
        offering = offerings.get(offering_name)
        if offering_name and offering is None:
            result.error("offering", _("No offering named “%(name)s”.") % {"name": offering_name})
        amount = _decimal(row, result, "amount", whole=True)
        cost = _decimal(row, result, "cost", required=False, whole=True)
        sales_rep = _resolve_sales_rep(row, result, people)
        if account and reference:
            _mark_repeats(result, (account.pk, reference), seen, "reference")
        if result.status != RowStatus.ERROR:
            result.values = {
                "account_id": account.pk,
                "offering_id": offering.pk,
                "reference": reference,
                "ordered_on": ordered_on.isoformat(),
                "amount": str(amount),
                "cost": str(cost or 0),
                "sales_rep_id": sales_rep.pk if sales_rep else None,
            }
            result.summary = f"{account.name} · {reference} · {ordered_on.isoformat()} · {offering.name} · {amount:,}"
            if sales_rep:
                result.summary += f" · {sales_rep.username}"
            if (account.pk, reference) in existing:
                result.status = RowStatus.DUPLICATE
        results.append(result)
    return results
