"""Every write to orders, targets, actuals, NPS responses, time entries and KPI snapshots. Keyword-only, atomic, told who acts."""

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Model, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import portfolio_cache
from accounts.models import Account, Contact, Order, User
from accounts.roles import Role
from core.bulk import Outcome, RowErrors
from performance.models import (
    ATTENTION_WEIGHTS,
    ON_DASHBOARD,
    AccountAttention,
    ImportBatch,
    KpiDefinition,
    KpiSnapshot,
    KpiTarget,
    ManualActual,
    NpsResponse,
    TimeEntry,
)
from performance.periods import Period, PeriodKind

logger = logging.getLogger(__name__)

# The weekly dashboard shows the current quarter or the current fiscal year of each account.
SNAPSHOT_KINDS = (PeriodKind.QUARTER, PeriodKind.YEAR)
# Long enough to compare with "a week ago" on any day, short enough to stay small.
SNAPSHOT_RETENTION_DAYS = 15
# The week's movers compare each snapshot with the newest one at least this many days older.
WEEK = 7


def _period_fields(account: Account, period: Period) -> dict:
    if period.start_month != account.fiscal_year_start_month:
        period = Period(period.kind, period.fiscal_year, period.index, account.fiscal_year_start_month)
    return {"fiscal_year": period.fiscal_year, "period_kind": period.kind, "period_index": period.index}


def kpi_target_set(
    *, account: Account, kpi: KpiDefinition, period: Period, value: Decimal | None, acting_user: User | None, note: str = ""
) -> KpiTarget | None:
    """Set (or with `value=None`, remove) the target of one KPI for one account and fiscal period."""
    fields = _period_fields(account, period)
    with transaction.atomic():
        if value is None:
            KpiTarget.objects.filter(account=account, kpi=kpi, **fields).delete()
            return None
        target, _created = KpiTarget.objects.update_or_create(
            account=account, kpi=kpi, **fields, defaults={"value": value, "note": note, "set_by": acting_user}
        )
    return target


@dataclass(frozen=True, slots=True)
class ManualActualRow:
    """One hand-entered actual; (account, kpi, period) is its natural key."""

    account: Account
    kpi: KpiDefinition
    period: Period
    value: Decimal
    note: str = ""


@dataclass(frozen=True, slots=True)
class NpsAnswer:
    """One NPS answer; (account, respondent name, date) is its natural key, the name being the contact's when not given."""

    account: Account
    contact: Contact | None
    score: int
    responded_on: datetime.date
    respondent_name: str = ""
    comment: str = ""
    survey: str = ""


def manual_actual_record(
    *, account: Account, kpi: KpiDefinition, period: Period, value: Decimal, acting_user: User | None, note: str = ""
) -> ManualActual:
    """Record (or correct) the actual of a KPI entered by hand; computed KPIs take no hand-entered actuals.

    One row of `manual_actuals_upsert` (the same rule and write), without its snapshot refresh.
    """
    rows = [ManualActualRow(account=account, kpi=kpi, period=period, value=value, note=note)]
    try:
        [(actual, _outcome)] = _manual_actuals_write(rows=rows, acting_user=acting_user)
    except RowErrors as exc:
        raise exc.errors[0] from None
    return actual


def nps_response_record(
    *,
    account: Account,
    contact: Contact | None,
    score: int,
    responded_on: datetime.date,
    acting_user: User | None,
    respondent_name: str = "",
    comment: str = "",
    survey: str = "",
) -> NpsResponse:
    """Record one NPS survey answer (0–10) from a contact of the account."""
    response = _nps_response_new(
        NpsAnswer(account=account, contact=contact, score=score, responded_on=responded_on,
                  respondent_name=respondent_name, comment=comment, survey=survey),
        acting_user=acting_user,
    )
    response.full_clean()
    with transaction.atomic():
        response.save()
    return response


def _nps_response_new(answer: NpsAnswer, *, acting_user: User | None) -> NpsResponse:
    """The answer as an unsaved response, after the rules that are not the model's own (contact, date)."""
    if answer.contact is not None and answer.contact.account_id != answer.account.pk:
        raise ValidationError({"contact": _("The respondent belongs to another account.")})
    if answer.responded_on > timezone.localdate():
        raise ValidationError({"responded_on": _("The response date is in the future.")})
    return NpsResponse(
        account=answer.account,
        contact=answer.contact,
        respondent_name=answer.respondent_name or (answer.contact.name if answer.contact else ""),
        score=answer.score,
        responded_on=answer.responded_on,
        comment=answer.comment,
        survey=answer.survey,
        recorded_by=acting_user,
    )


# The values `kpi_snapshot_refresh` computes for each snapshot row, in this order.
SNAPSHOT_COLUMNS = (
    "account_id", "kpi_id", "as_of", "period_kind", "fiscal_year", "period_index",
    "actual", "target", "expected", "status", "computed_at",
)


def kpi_snapshot_refresh(
    *,
    as_of: datetime.date | None = None,
    account_ids: list[int] | None = None,
    insert: Callable[[list[tuple]], object] | None = None,
) -> int:
    """Recompute the KPI snapshots of `as_of` (today by default) for every account, or the given ones.

    For each account, each active KPI that applies to its team type, and the account's current
    quarter and fiscal year on `as_of`: actual, target, target to date and status. Replaces that
    day's rows (so running twice gives the same result), drops rows older than the retention,
    and runs a fixed number of aggregate queries whatever the number of accounts. Returns the
    number of rows written.

    `insert` writes the new rows, given as tuples of `SNAPSHOT_COLUMNS` (the other columns take
    their defaults), by default with `bulk_create`; the demo seed passes its loader's faster insert,
    which gives the same rows.
    """
    from performance.selectors.kpi_engine import SlotPlan, kpi_values

    day = as_of or timezone.localdate()
    accounts = Account.objects.all() if account_ids is None else Account.objects.filter(pk__in=account_ids)
    info = {pk: (month, team_type) for pk, month, team_type in accounts.values_list("pk", "fiscal_year_start_month", "team_type")}
    kpis = list(KpiDefinition.objects.filter(is_active=True))
    kpi_by_code = {kpi.code: kpi for kpi in kpis}
    now = timezone.now()
    snapshots = []
    for kind in SNAPSHOT_KINDS:
        plan = SlotPlan.current(kind=kind, as_of=day, start_months=sorted({month for month, _t in info.values()}) or [1])
        table = kpi_values(kpis=kpis, plan=plan, accounts=accounts, slots=[1])
        for (account_id, code, _slot), value in table.values.items():
            month, team_type = info[account_id]
            kpi = kpi_by_code[code]
            if not kpi.applies_to(team_type):
                continue
            period = plan.period(month, 1)
            snapshots.append((
                account_id, kpi.pk, day, kind, period.fiscal_year, period.index,
                value.actual, value.target, value.expected, value.status, now,
            ))
    with transaction.atomic():
        stale = KpiSnapshot.objects.filter(as_of=day)
        if account_ids is not None:
            stale = stale.filter(account_id__in=account_ids)
        stale.delete()
        if insert is None:
            KpiSnapshot.objects.bulk_create(
                [KpiSnapshot(**dict(zip(SNAPSHOT_COLUMNS, row, strict=True))) for row in snapshots], batch_size=2000
            )
        else:
            insert(snapshots)
        kpi_snapshot_link_week_before(day=day, account_ids=account_ids)
        # A later day that compares with this one (a refresh of a past day) copies it again.
        for later in _snapshot_days_comparing_with(day):
            kpi_snapshot_link_week_before(day=later, account_ids=account_ids)
        account_attention_refresh(days=[day], account_ids=account_ids)
        expired = Q(as_of__lt=day - datetime.timedelta(days=SNAPSHOT_RETENTION_DAYS))
        KpiSnapshot.objects.filter(expired).delete()
        AccountAttention.objects.filter(expired).delete()
        portfolio_cache.bump(portfolio_cache.SNAPSHOTS)
    return len(snapshots)


def account_attention_refresh(*, days: Sequence[datetime.date] | None = None, account_ids: Sequence[int] | None = None) -> int:
    """Recompute the stored attention scores (`AccountAttention`) of these snapshot days (every day by default)
    for these accounts (every account by default) from their snapshots of the KPIs on the dashboard: one
    grouped read of the off-track and at-risk rows, then the rows replaced. Returns the number of rows kept."""
    stale = AccountAttention.objects.all()
    snapshots = KpiSnapshot.objects.filter(
        kpi__in=KpiDefinition.objects.filter(ON_DASHBOARD).values("pk"), status__in=list(ATTENTION_WEIGHTS)
    )
    if days is not None:
        stale, snapshots = stale.filter(as_of__in=days), snapshots.filter(as_of__in=days)
    if account_ids is not None:
        stale, snapshots = stale.filter(account_id__in=account_ids), snapshots.filter(account_id__in=account_ids)
    weight = Case(
        *(When(status=status, then=Value(points)) for status, points in ATTENTION_WEIGHTS.items()),
        output_field=IntegerField(),
    )
    rows = [
        AccountAttention(account_id=account_id, as_of=as_of, period_kind=kind, score=score)
        for account_id, as_of, kind, score in snapshots.order_by()
        .values("account_id", "as_of", "period_kind").annotate(score=Sum(weight)).values_list(
            "account_id", "as_of", "period_kind", "score"
        )
    ]
    with transaction.atomic():
        stale.delete()
        AccountAttention.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def week_before_day(day: datetime.date) -> datetime.date | None:
    """The newest snapshot day at least a week before `day`: what `day`'s snapshots compare with."""
    return (
        KpiSnapshot.objects.filter(as_of__lte=day - datetime.timedelta(days=WEEK))
        .order_by("-as_of").values_list("as_of", flat=True).first()
    )


def _snapshot_days_comparing_with(day: datetime.date) -> list[datetime.date]:
    later = KpiSnapshot.objects.filter(as_of__gte=day + datetime.timedelta(days=WEEK)).order_by("as_of").values_list("as_of", flat=True).distinct()
    return [other for other in later if week_before_day(other) == day]


def kpi_snapshot_link_week_before(*, day: datetime.date, account_ids: list[int] | None = None) -> int:
    """Copy into each snapshot of `day` the status and actual of the same account, KPI and period kind
    on the newest snapshot day at least a week before (empty when there is none). One UPDATE with
    two lookups per row on the unique index; returns the number of rows updated."""
    rows = KpiSnapshot.objects.filter(as_of=day)
    if account_ids is not None:
        rows = rows.filter(account_id__in=account_ids)
    before = week_before_day(day)
    if before is None:
        return rows.update(week_before_as_of=None, week_before_status="", week_before_actual=None)
    same = KpiSnapshot.objects.filter(
        account_id=OuterRef("account_id"), kpi_id=OuterRef("kpi_id"), period_kind=OuterRef("period_kind"), as_of=before
    )
    return rows.update(
        week_before_as_of=before,
        week_before_status=Coalesce(Subquery(same.values("status")[:1]), Value("")),
        week_before_actual=Subquery(same.values("actual")[:1]),
    )


# Imports ---------------------------------------------------------------------------------
def import_batch_preview(*, kind: str, upload, acting_user: User) -> ImportBatch:
    """Read and check an upload, and keep it as a batch to preview. Writes nothing else.

    Raises `performance.imports.ImportFileError` when the file as a whole cannot be read.
    """
    from performance.imports import check_rows, read_table

    rows = read_table(upload, kind)
    report = check_rows(kind=kind, rows=rows, user=acting_user)
    counts = report.counts
    with transaction.atomic():
        return ImportBatch.objects.create(
            kind=kind,
            filename=(upload.name or "")[:255],
            uploaded_by=acting_user,
            rows=rows,
            report=[result.as_json() for result in report.results],
            row_count=len(rows),
            new_count=counts["new"],
            update_count=counts["update"],
            duplicate_count=counts["duplicate"],
            error_count=counts["error"],
        )


class ImportRefused(Exception):
    """The batch cannot be committed: it has errors (now), or it was committed already."""


def import_batch_commit(*, batch: ImportBatch, acting_user: User) -> ImportBatch:
    """Write a previewed batch, all or nothing, after checking its rows again against today's data.

    Rows already imported are skipped (orders, NPS responses) or left as they are (manual
    actuals and time entries with the same value); changed values of manual actuals and
    time entries are updated. If any row has an error now, nothing is written and the batch's
    report is refreshed. Revenue lines already imported with other values are updated; new orders make
    their revenue lines while orders make revenue (`performance.order_revenue`). Afterwards the affected
    accounts' KPI snapshots (and, when revenue lines changed, revenue and Pareto classes) are refreshed
    in the background.
    """
    batch = _import_batch_write(batch=batch, acting_user=acting_user)
    if batch.status != ImportBatch.Status.COMMITTED:
        raise ImportRefused(_("Some rows have errors now; nothing was imported. Correct the file and upload it again."))
    return batch


def _import_batch_write(*, batch: ImportBatch, acting_user: User) -> ImportBatch:
    """Inside one transaction: check again, then either keep the new report (errors) or write every row."""
    from performance.imports import RowStatus, check_rows

    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.COMMITTED:
            raise ImportRefused(_("This file has been imported already."))
        report = check_rows(kind=batch.kind, rows=batch.rows, user=acting_user)
        if report.has_errors:
            counts = report.counts
            batch.report = [result.as_json() for result in report.results]
            batch.new_count, batch.update_count = counts["new"], counts["update"]
            batch.duplicate_count, batch.error_count = counts["duplicate"], counts["error"]
            batch.save(update_fields=["report", "new_count", "update_count", "duplicate_count", "error_count"])
            return batch
        writable = [r.values for r in report.results if r.status in (RowStatus.NEW, RowStatus.UPDATE)]
        revenue = batch.kind == ImportBatch.Kind.REVENUE
        if batch.kind == ImportBatch.Kind.ORDERS:
            revenue = _orders_import_write(values=writable)
        elif batch.kind == ImportBatch.Kind.REVENUE:
            from performance.revenue_import import revenue_lines_write

            revenue_lines_write(values=writable, acting_user=acting_user)
        elif batch.kind == ImportBatch.Kind.NPS:
            NpsResponse.objects.bulk_create(
                [NpsResponse(recorded_by=acting_user, **values) for values in writable], batch_size=1000
            )
        elif batch.kind == ImportBatch.Kind.ACTUALS:
            for values in writable:
                key = {name: values[name] for name in ("account_id", "kpi_id", "fiscal_year", "period_kind", "period_index")}
                ManualActual.objects.update_or_create(
                    **key, defaults={"value": values["value"], "note": values["note"], "recorded_by": acting_user}
                )
        elif batch.kind == ImportBatch.Kind.TIME:
            for values in writable:
                key = {name: values[name] for name in ("account_id", "user_id", "worked_on", "kind")}
                TimeEntry.objects.update_or_create(**key, defaults={"hours": values["hours"]})
        counts = report.counts
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
        batch.report = [result.as_json() for result in report.results]
        batch.new_count, batch.update_count = counts["new"], counts["update"]
        batch.duplicate_count, batch.error_count = counts["duplicate"], 0
        batch.save()
        account_ids = sorted({values["account_id"] for values in writable})
        if account_ids:
            transaction.on_commit(lambda: _refresh_after_import(account_ids, revenue=revenue))
    return batch


def _orders_import_write(*, values: list[dict]) -> bool:
    """Write an import's new orders (with their revenue lines while orders make revenue); whether revenue changed."""
    from performance.order_revenue import order_revenue_lines_sync

    orders = Order.objects.bulk_create([
        Order(**{**row, "ordered_on": datetime.date.fromisoformat(row["ordered_on"]), "amount": Decimal(row["amount"]),
                 "cost": Decimal(row["cost"])})
        for row in values
    ], batch_size=1000)
    if orders:
        portfolio_cache.bump(portfolio_cache.SALES)
    return bool(order_revenue_lines_sync(orders=orders))


def _refresh_after_import(account_ids: list[int], *, revenue: bool) -> None:
    from performance.tasks import refresh_account_revenue
    from core.queue import enqueue
    from performance.tasks import refresh_kpi_snapshots

    if revenue:
        enqueue(refresh_account_revenue)
    enqueue(refresh_kpi_snapshots, account_ids)


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One order as another system knows it; (account_id, reference) is its natural key."""

    account_id: int
    reference: str
    offering_id: int
    ordered_on: datetime.date
    amount: Decimal
    cost: Decimal = Decimal(0)
    # Who made the sale (영업 담당), credited with the order in their personal goals.
    sales_rep_id: int | None = None


# Writes by natural key ------------------------------------------------------------------------
@dataclass(frozen=True)
class NaturalKey:
    """How `_records_upsert` finds, compares and writes one model's records.

    A record is found by `key` (attribute names, unique together in the table) and is the same as
    the stored one when every `compared` attribute is equal. A changed record has its `written`
    fields copied onto the stored one (a field with `auto_now` is stamped now); a model whose
    records are not edited has no `written`, and a changed record is refused with `refusal`. With
    `update_conflicts`, a key someone else inserted between the read and the insert is updated (as
    `update_or_create` would) instead of failing the batch.
    """

    model: type[Model]
    key: tuple[str, ...]
    compared: tuple[str, ...]
    written: tuple[str, ...] = ()
    update_conflicts: bool = False
    refusal: str | Promise = ""


ORDER_FIELDS = ("offering_id", "ordered_on", "amount", "cost", "sales_rep_id")
ORDERS = NaturalKey(Order, key=("account_id", "reference"), compared=ORDER_FIELDS, written=ORDER_FIELDS)
MANUAL_ACTUALS = NaturalKey(
    ManualActual,
    key=("account_id", "kpi_id", "fiscal_year", "period_kind", "period_index"),
    compared=("value", "note"),
    written=("value", "note", "recorded_by", "updated_at"),
    update_conflicts=True,
)
NPS_ANSWERS = NaturalKey(
    NpsResponse,
    key=("account_id", "respondent_name", "responded_on"),
    compared=("contact_id", "score", "comment", "survey"),
    refusal=gettext_lazy(
        "This respondent's answer of this date is recorded already with other values; answers are not edited."
    ),
)


def _records_upsert(
    *, natural_key: NaturalKey, records: Sequence[Model | None], errors: Mapping[int, ValidationError] | None = None
) -> list[tuple[Model, Outcome]]:
    """Create the new records, update the changed ones, leave the same ones alone: all or nothing.

    `records` are unsaved instances in the batch's order; None stands for a row the caller refused
    already, its error in `errors`. Returns each record as stored (or created) with its outcome, in
    the batch's order. Refused rows (the caller's, and changed records of a model whose records are
    not edited) are raised together as `RowErrors` by position, before anything is written. Keys
    must be unique within the batch (else ValueError). A stored record takes the related objects
    its new one holds (same ids), so reading them costs no query. Runs one read, one insert and one
    update (per 500 records) whatever the number of records.
    """
    errors = dict(errors or {})
    model, key = natural_key.model, natural_key.key
    rows = [(index, record, _key(record, key)) for index, record in enumerate(records) if record is not None]
    keys = [row_key for _index, _record, row_key in rows]
    if len(set(keys)) != len(keys):
        raise ValueError(f"Each ({', '.join(key)}) may appear once in a batch.")
    written = [model._meta.get_field(name) for name in natural_key.written]
    outcomes: list[tuple[Model, Outcome]] = []
    with transaction.atomic():
        lookup = {f"{name}__in": {row_key[i] for row_key in keys} for i, name in enumerate(key)}
        stored = {_key(record, key): record for record in model.objects.select_for_update().filter(**lookup)}
        now = timezone.now()
        for index, new, row_key in rows:
            record = stored.get(row_key)
            if record is None:
                outcomes.append((new, Outcome.CREATED))
                continue
            _share_related(new, record)
            if all(getattr(record, name) == getattr(new, name) for name in natural_key.compared):
                outcomes.append((record, Outcome.UNCHANGED))
            elif not written:
                errors[index] = ValidationError(str(natural_key.refusal))
            else:
                for field in written:
                    _copy_field(field, new, record, now=now)
                outcomes.append((record, Outcome.UPDATED))
        if errors:
            raise RowErrors(dict(sorted(errors.items())))
        conflicts = {}
        if natural_key.update_conflicts:
            conflicts = {
                "update_conflicts": True,
                "unique_fields": [model._meta.get_field(name).name for name in key],
                "update_fields": [field.name for field in written],
            }
        model.objects.bulk_create(
            [record for record, outcome in outcomes if outcome == Outcome.CREATED], batch_size=500, **conflicts
        )
        if written:
            model.objects.bulk_update(
                [record for record, outcome in outcomes if outcome == Outcome.UPDATED],
                fields=[field.name for field in written],
                batch_size=500,
            )
    return outcomes


def _key(instance, names: tuple[str, ...]) -> tuple:
    return tuple(getattr(instance, name) for name in names)


def _share_related(source: Model, target: Model) -> None:
    """Give `target` the related objects `source` holds for the same ids (no query to read them)."""
    for field in source._meta.concrete_fields:
        if field.many_to_one and field.is_cached(source) and getattr(source, field.attname) == getattr(target, field.attname):
            field.set_cached_value(target, field.get_cached_value(source))


def _copy_field(field, source: Model, target: Model, *, now: datetime.datetime) -> None:
    if getattr(field, "auto_now", False):
        setattr(target, field.attname, now)
    elif field.many_to_one and field.is_cached(source):
        setattr(target, field.name, field.get_cached_value(source))
    else:
        setattr(target, field.attname, getattr(source, field.attname))


def orders_upsert(*, rows: Sequence[OrderRow], acting_user: User | None) -> list[tuple[Order, str]]:
    """Create or update orders by their natural key (account, reference), all or nothing.

    Returns each row's order with its outcome (created, updated, unchanged), in the rows' order.
    A row equal to the stored order is left alone, so sending the same batch twice changes
    nothing. The caller has checked that the rows' accounts and offerings exist and that
    `acting_user` may edit those accounts; keys must be unique within the batch.
    Runs a fixed number of statements whatever the number of rows (in chunks of 500). The changed orders
    keep their revenue lines while orders make revenue (`performance.order_revenue`); once committed, their
    accounts' figures are refreshed in the background.
    """
    orders = [
        Order(account_id=row.account_id, reference=row.reference, **{name: getattr(row, name) for name in ORDER_FIELDS})
        for row in rows
    ]
    with transaction.atomic():
        outcomes = _records_upsert(natural_key=ORDERS, records=orders)
        _orders_written([order for order, outcome in outcomes if outcome != Outcome.UNCHANGED])
    logger.info("%s upserted orders: %s", acting_user, dict(Counter(outcome.value for _order, outcome in outcomes)))
    return outcomes


def order_save(*, order: Order, acting_user: User | None) -> Order:
    """Create or change one order (the API's and the admin's write): every model rule (fields, constraints)
    as a ValidationError, then the order's revenue line and the refresh, as `orders_upsert` does."""
    order.full_clean()
    with transaction.atomic():
        order.save()
        _orders_written([order])
    logger.info("%s saved order %s", acting_user, order.pk)
    return order


def orders_delete(*, orders: Sequence[Order], acting_user: User | None) -> None:
    """Delete orders (the API's and the admin's delete) with the revenue lines made from them while orders
    make revenue (`performance.order_revenue`); the accounts' figures are refreshed once committed."""
    from performance.order_revenue import order_revenue_lines_remove

    orders = list(orders)
    with transaction.atomic():
        revenue_accounts = order_revenue_lines_remove(order_ids=[order.pk for order in orders])
        Order.objects.filter(pk__in=[order.pk for order in orders]).delete()
        if orders:
            portfolio_cache.bump(portfolio_cache.SALES)
        _refresh_on_commit({order.account_id for order in orders}, revenue_accounts)
    logger.info("%s deleted %s orders", acting_user, len(orders))


def _orders_written(orders: Sequence[Order]) -> None:
    """After orders were created or changed (inside the transaction): the revenue lines they make
    (`performance.order_revenue`), then the refresh of their accounts' figures once committed."""
    from performance.order_revenue import order_revenue_lines_sync

    revenue_accounts = order_revenue_lines_sync(orders=orders)
    if orders:
        portfolio_cache.bump(portfolio_cache.SALES)  # a person's weekly check sums orders and revenue lines
    # Orders are order intake: the KPIs that read them (orders, repurchase, cross- and up-selling) follow;
    # revenue, Pareto classes and revenue KPIs follow too when the orders' own revenue lines changed.
    _refresh_on_commit({order.account_id for order in orders}, revenue_accounts)


def _refresh_on_commit(account_ids, revenue_account_ids) -> None:
    account_ids = sorted(set(account_ids) | set(revenue_account_ids))
    if account_ids:
        transaction.on_commit(lambda: _refresh_after_import(account_ids, revenue=bool(revenue_account_ids)))


def manual_actuals_upsert(*, rows: Sequence[ManualActualRow], acting_user: User | None) -> list[tuple[ManualActual, str]]:
    """Record or correct hand-entered actuals by their natural key (account, KPI, fiscal period), all or nothing.

    The rule and the write of `manual_actual_record`, for a batch: returns each row's actual with its
    outcome (created, updated, unchanged), in the rows' order. A row whose value and note equal the
    stored ones is left alone (its `recorded_by` too), so sending the same batch twice changes nothing.
    Raises `RowErrors` for rows of computed KPIs, writing nothing. Keys must be unique within the batch.
    Runs a fixed number of statements whatever the number of rows; once committed, the KPI snapshots
    of the accounts whose actuals changed are refreshed in the background, as after an import.
    """
    outcomes = _manual_actuals_write(rows=rows, acting_user=acting_user)
    _refresh_snapshots_on_commit(actual for actual, outcome in outcomes if outcome != Outcome.UNCHANGED)
    logger.info("%s upserted manual actuals: %s", acting_user, dict(Counter(outcome.value for _a, outcome in outcomes)))
    return outcomes


def _manual_actuals_write(*, rows: Sequence[ManualActualRow], acting_user: User | None) -> list[tuple[ManualActual, str]]:
    """The rule and the write shared by `manual_actual_record` and `manual_actuals_upsert`, in one transaction."""
    errors = {
        index: ValidationError({"kpi": _("%(kpi)s is computed from data; it cannot be entered by hand.") % {"kpi": row.kpi}})
        for index, row in enumerate(rows)
        if row.kpi.is_computed
    }
    if errors:
        raise RowErrors(errors)
    actuals = [
        ManualActual(account=row.account, kpi=row.kpi, value=row.value, note=row.note, recorded_by=acting_user,
                     **_period_fields(row.account, row.period))
        for row in rows
    ]
    return _records_upsert(natural_key=MANUAL_ACTUALS, records=actuals)


def nps_responses_record(*, answers: Sequence[NpsAnswer], acting_user: User | None) -> list[tuple[NpsResponse, str]]:
    """Record a batch of NPS answers, all or nothing, by the rules of `nps_response_record`.

    Returns each answer's response with its outcome, in the answers' order: created, or unchanged
    when the same answer (contact, score, comment, survey) is stored under its key (account,
    respondent name, date), so sending the same batch twice changes nothing. Answers are not
    edited: another answer under a stored key is an error on its row, as is a key that comes twice.
    Raises `RowErrors` (nothing written) for the rows that break a rule. Runs a fixed number of
    statements whatever the number of answers; once committed, the KPI snapshots of the accounts
    with new answers are refreshed in the background, as after an import.
    """
    errors: dict[int, ValidationError] = {}
    responses: list[NpsResponse | None] = []
    seen = set()
    for index, answer in enumerate(answers):
        try:
            response = _nps_response_new(answer, acting_user=acting_user)
            # The related rows are given as objects, and the unique key is checked below for the batch at once.
            response.full_clean(exclude=["account", "contact", "recorded_by"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors[index] = exc
            response = None
        else:
            key = _key(response, NPS_ANSWERS.key)
            if key in seen:
                errors[index] = ValidationError(_("This respondent's answer of this date appears twice in the batch."))
                response = None
            seen.add(key)
        responses.append(response)
    outcomes = _records_upsert(natural_key=NPS_ANSWERS, records=responses, errors=errors)
    _refresh_snapshots_on_commit(response for response, outcome in outcomes if outcome == Outcome.CREATED)
    logger.info("%s recorded NPS answers: %s", acting_user, dict(Counter(outcome.value for _r, outcome in outcomes)))
    return outcomes


def _refresh_snapshots_on_commit(changed) -> None:
    """After the transaction commits, refresh the KPI snapshots of the changed records' accounts (if any)."""
    account_ids = sorted({record.account_id for record in changed})
    if account_ids:
        transaction.on_commit(lambda: _refresh_after_import(account_ids, revenue=False))


# The dashboard after a refresh -----------------------------------------------------------
def dashboard_warm() -> int:
    """Compute the weekly dashboard's first page as executives and admins open it, in each language,
    right after a refresh made its cached sums stale: the first executive to look after the hourly
    refresh then waits ~30 ms, not the 0.5–1.4 s those sums take at 20,000 accounts. It fills the
    cache the web processes share (Redis with CACHE_URL); with a cache per process it only warms its
    own. Returns the number of pages computed (none when nobody sees every account)."""
    from performance.forms import DashboardFilterForm
    from performance.selectors.weekly_dashboard import dashboard_accounts, dashboard_portfolio, snapshot_days

    viewer = (
        User.objects.filter(Q(groups__name__in=[Role.EXECUTIVE, Role.ADMIN]) | Q(is_superuser=True), is_active=True)
        .order_by("pk")
        .first()
    )
    if viewer is None:
        return 0
    try:
        form = DashboardFilterForm(None, user=viewer)
        filters, sort, days = form.filters(), form.sort_order(), snapshot_days()
        accounts = dashboard_accounts(user=viewer, filters=filters)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                dashboard_portfolio(user=viewer, accounts=accounts, filters=filters, sort=sort, page_number=1, days=days)
    except Exception:  # noqa: BLE001 - a head start only: the page computes what is missing itself
        logger.warning("The dashboard was not computed ahead", exc_info=True)
        return 0
    return len(settings.LANGUAGES)
