"""The KPI engine: actuals computed in the database, targets and statuses, for any accounts and periods.

The engine works on a `SlotPlan`: for every fiscal start month among the accounts, the periods
("slots") to compute, oldest first. Each source of data (orders, revenue lines, NPS responses, time entries,
opportunities, manual actuals, targets) is aggregated by one grouped query that puts every row into
its account's slot with a CASE expression, so the number of queries depends on the KPIs asked for,
never on the number of accounts or periods. `kpi_status`, `kpi_actual` and `kpi_target` ask it about
one account, KPI and period (the account plan does).
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from accounts.models import Account, Opportunity, Order, RevenueLine
from performance.kpis import CALCULATORS, NPS, ORDERS, PIPELINE, REPURCHASE, REVENUE_LINES, TIME, Facts, Inputs, KpiValue, kpi_value_of
from performance.models import KpiDefinition, KpiTarget, ManualActual, NpsResponse, TimeEntry
from performance.periods import Period, PeriodKind, period_containing


ALL_START_MONTHS = tuple(range(1, 13))


@dataclass(frozen=True)
class SlotPlan:
    """Which periods to compute: for each fiscal start month, the periods of one kind, oldest first.

    Slot 0 is usually a period before the ones shown, so the first shown one has a previous
    period for repurchase and up-sell. `as_of` is the day the numbers are computed for:
    rows dated after it are not counted.
    """

    kind: str
    as_of: datetime.date
    periods: Mapping[int, tuple[Period, ...]]

    @property
    def start_months(self) -> tuple[int, ...]:
        return tuple(self.periods)

    @property
    def slot_count(self) -> int:
        return len(next(iter(self.periods.values())))

    def period(self, start_month: int, slot: int) -> Period:
        return self.periods[start_month][slot]

    @classmethod
    def for_periods(cls, *, start_month: int, periods: Sequence[Period], as_of: datetime.date) -> "SlotPlan":
        periods = tuple(Period(p.kind, p.fiscal_year, p.index, start_month) for p in periods)
        return cls(kind=periods[0].kind, as_of=as_of, periods={start_month: periods})

    @classmethod
    def current(
        cls, *, kind: str, as_of: datetime.date, start_months: Iterable[int] = ALL_START_MONTHS
    ) -> "SlotPlan":
        """The previous and the current period of `kind` on `as_of`, for each fiscal start month."""
        periods = {}
        for month in start_months:
            current = period_containing(as_of, kind, month)
            periods[month] = (current.previous(), current)
        return cls(kind=kind, as_of=as_of, periods=periods)


# Slot expressions ------------------------------------------------------------------------
class SlotCase(Expression):
    """CASE putting each row in a slot: WHEN <condition> THEN <slot> … ELSE NULL END.

    Like Django's `Case(When(Q(...), then=Value(slot)), …)` and written to the same SQL, but the
    conditions are plain tuples over a few columns, so the SQL of a shape is built once per process
    and database (`_CASE_SQL`) and reused: resolving and compiling a 13-branch `Case` costs several
    milliseconds per query, and a page runs up to eight of them (a CASE is compiled again for the
    WHERE and GROUP BY clauses). A condition is ("and", conditions), ("or", conditions) or an atom
    (column number, operator, value); operators are "=", ">=", "<=" and "in" (a tuple of values).
    """

    output_field = IntegerField()

    def __init__(self, columns: Sequence[str], branches: tuple[tuple[tuple, int], ...]):
        super().__init__()
        self.columns = [F(name) for name in columns]
        self.branches = branches

    def get_source_expressions(self) -> list:
        return self.columns

    def set_source_expressions(self, exprs: list) -> None:
        self.columns = exprs

    def as_sql(self, compiler, connection):
        key = (connection.vendor, self.branches)
        template = _CASE_SQL.get(key)
        if template is None:
            if len(_CASE_SQL) >= _CASE_SQL_LIMIT:
                _CASE_SQL.clear()
            template = _CASE_SQL[key] = _case_template(self.branches, connection)
        sql, params = template
        columns = [compiler.compile(column)[0] for column in self.columns]
        sql = connection.ops.unification_cast_sql(self.output_field) % sql.format(*columns)
        return sql, list(params)


_CASE_SQL: dict[tuple, tuple[str, tuple]] = {}  # (vendor, branches) -> (SQL with {n} for column n, params)
_CASE_SQL_LIMIT = 1000  # shapes change with the day and the periods shown; start afresh past this many


def _case_template(branches: tuple[tuple[tuple, int], ...], connection) -> tuple[str, tuple]:
    if not branches:
        return "NULL", ()
    params = []

    def adapt(value):
        return connection.ops.adapt_datefield_value(value) if isinstance(value, datetime.date) else value

    def condition(node) -> str:
        if node[0] in ("and", "or"):
            return "(" + f" {node[0].upper()} ".join(condition(child) for child in node[1]) + ")"
        column, operator, value = node
        if operator == "in":
            params.extend(adapt(item) for item in value)
            return f"{{{column}}} IN ({', '.join(['%s'] * len(value))})"
        params.append(adapt(value))
        return f"{{{column}}} {operator} %s"

    whens = []
    for node, slot in branches:
        whens.append(f"WHEN {condition(node)} THEN %s")
        params.append(slot)
    return f"CASE {' '.join(whens)} ELSE NULL END", tuple(params)


def _slot_columns(plan: SlotPlan, account_path: str, *fields: str) -> tuple[str, ...]:
    """The columns a slot CASE reads: the fields, and with several fiscal calendars the account's start month
    (column number len(fields)); with a single calendar every account in the query shares it: no join needed."""
    if len(plan.periods) == 1:
        return fields
    return (*fields, f"{account_path}fiscal_year_start_month")


def _month_condition(plan: SlotPlan, month: int, column: int) -> tuple:
    return () if len(plan.periods) == 1 else ((column, "=", month),)


def _period_end(period: Period, plan: SlotPlan, clip: bool) -> datetime.date:
    return min(period.end, plan.as_of) if clip else period.end


def _date_slot(plan: SlotPlan, date_field: str, *, account_path: str = "account__", clip: bool = True) -> SlotCase:
    """CASE putting each row in the slot whose period (in its account's fiscal calendar) holds its date."""
    branches = []
    for month, periods in plan.periods.items():
        for slot, period in enumerate(periods):
            end = _period_end(period, plan, clip)
            if end < period.start:
                continue
            condition = ("and", (*_month_condition(plan, month, 1), (0, ">=", period.start), (0, "<=", end)))
            branches.append((condition, slot))
    return SlotCase(_slot_columns(plan, account_path, date_field), tuple(branches))


def _date_window(plan: SlotPlan, *, clip: bool = True) -> tuple[datetime.date, datetime.date]:
    """The earliest start and latest end over all slots: a plain range filter the date indexes serve."""
    starts = [p.start for periods in plan.periods.values() for p in periods]
    ends = [_period_end(p, plan, clip) for periods in plan.periods.values() for p in periods]
    return min(starts), max(ends)


def _fiscal_slot(plan: SlotPlan) -> SlotCase:
    """CASE putting a target or manual actual in its slot: the slot's own period, or one of its months."""
    kind, index, year = 0, 1, 2
    branches = []
    for month, periods in plan.periods.items():
        for slot, period in enumerate(periods):
            own = ("and", ((kind, "=", period.kind), (index, "=", period.index)))
            months = ("and", ((kind, "=", PeriodKind.MONTH.value), (index, "in", tuple(period.fiscal_months))))
            condition = ("and", (*_month_condition(plan, month, 3), (year, "=", period.fiscal_year), ("or", (own, months))))
            branches.append((condition, slot))
    return SlotCase(_slot_columns(plan, "account__", "period_kind", "period_index", "fiscal_year"), tuple(branches))


# Facts -----------------------------------------------------------------------------------
def _slot_totals(rows: QuerySet, plan: SlotPlan, date_field: str, *, clip: bool = True, **totals) -> QuerySet:
    """The rows dated in the plan's window, each put in its account's slot, with `totals` per (account, slot).

    The plain range filter lets the date indexes serve the query; the CASE then picks the slot.
    """
    low, high = _date_window(plan, clip=clip)
    return (
        rows.filter(**{f"{date_field}__gte": low, f"{date_field}__lte": high})
        .annotate(slot=_date_slot(plan, date_field, clip=clip))
        .filter(slot__isnull=False)
        .values("account_id", "slot")
        .annotate(**totals)
        .order_by()
    )


def _order_facts(where: Q, plan: SlotPlan, *, intake: bool, repurchase: bool) -> Iterable[dict]:
    """Order intake (the orders signed in each slot, their amount and distinct offerings) and repurchase
    (the same orders and amount, and the part that are repeat purchases), one query for either or both.

    An order is a repeat purchase when the same account had ordered the same offering on an
    earlier day (in any period, not only the previous one): each order of the window is checked
    with EXISTS, served by the (account, offering, date) index.
    """
    rows, totals = Order.objects.filter(where), {}
    if intake:
        totals.update(orders=Count("id"), order_amount=Sum("amount"), offerings=Count("offering_id", distinct=True))
    if repurchase:
        rows = rows.annotate(repeat=Exists(
            Order.objects.filter(
                account_id=OuterRef("account_id"),
                offering_id=OuterRef("offering_id"),
                ordered_on__lt=OuterRef("ordered_on"),
            )
        ))
        totals.update(
            purchases=Count("id"),
            repeat_purchases=Count("id", filter=Q(repeat=True)),
            purchase_amount=Sum("amount"),
            repeat_amount=Sum("amount", filter=Q(repeat=True)),
        )
    return _slot_totals(rows, plan, "ordered_on", **totals)


def _revenue_line_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    """Revenue: the revenue lines recognised in each slot (a line counts in its month's period), and their cost."""
    return _slot_totals(RevenueLine.objects.filter(where), plan, "month", revenue=Sum("amount"), cost=Sum("cost"))


def _nps_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    return _slot_totals(
        NpsResponse.objects.filter(where), plan, "responded_on",
        responses=Count("id"),
        promoters=Count("id", filter=Q(score__gte=NpsResponse.PROMOTER_FROM)),
        detractors=Count("id", filter=Q(score__lte=NpsResponse.DETRACTOR_UP_TO)),
    )


def _time_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    return _slot_totals(
        TimeEntry.objects.filter(where), plan, "worked_on",
        billable_hours=Sum("hours", filter=Q(kind=TimeEntry.Kind.BILLABLE)),
        non_billable_hours=Sum("hours", filter=Q(kind=TimeEntry.Kind.NON_BILLABLE)),
        available_hours=Sum("hours"),
    )


def _pipeline_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    return _slot_totals(
        Opportunity.objects.filter(where, stage__in=Opportunity.OPEN_STAGES), plan, "expected_close_date", clip=False,
        pipeline=Sum("amount"),
    )


FACT_QUERIES = {  # besides the orders (intake and repurchase)
    REVENUE_LINES: _revenue_line_facts,
    NPS: _nps_facts,
    TIME: _time_facts,
    PIPELINE: _pipeline_facts,
}


def _collect_facts(where: Q, plan: SlotPlan, sources: set[str]) -> dict[tuple[int, int], Facts]:
    facts: dict[tuple[int, int], Facts] = {}
    queries = [FACT_QUERIES[source](where, plan) for source in sorted(sources - {ORDERS, REPURCHASE})]
    if sources & {ORDERS, REPURCHASE}:
        queries.append(_order_facts(where, plan, intake=ORDERS in sources, repurchase=REPURCHASE in sources))
    for query in queries:
        for row in query:
            key = (row.pop("account_id"), row.pop("slot"))
            target = facts.setdefault(key, Facts())
            for name, value in row.items():
                if value is not None:
                    setattr(target, name, value)
    return facts


@dataclass
class _PeriodValues:
    exact: Decimal | None = None
    month_sum: Decimal | None = None
    month_average: Decimal | None = None
    month_count: int = 0


def _period_values(model, where: Q, plan: SlotPlan, codes: set[str]) -> dict[tuple[int, str, int], _PeriodValues]:
    """Targets or manual actuals per account, KPI and slot: the slot's own value and its months' roll-up."""
    if not codes:
        return {}
    months = Q(period_kind=PeriodKind.MONTH)
    rows = (
        model.objects.filter(where, kpi__code__in=codes)
        .annotate(slot=_fiscal_slot(plan))
        .filter(slot__isnull=False)
        .values("account_id", "kpi__code", "slot")
        .annotate(
            exact=Max("value", filter=Q(period_kind=plan.kind)),
            month_sum=Sum("value", filter=months),
            month_average=Avg("value", filter=months),
            month_count=Count("id", filter=months),
        )
        .order_by()
    )
    return {
        (row["account_id"], row["kpi__code"], row["slot"]): _PeriodValues(
            exact=row["exact"],
            month_sum=row["month_sum"],
            month_average=row["month_average"],
            month_count=row["month_count"],
        )
        for row in rows
    }


def _resolve_target(values: _PeriodValues | None, kpi: KpiDefinition, period: Period) -> Decimal | None:
    """A period's own target; failing that, for KPIs that add up, the sum of its months when all are set."""
    if values is None:
        return None
    if values.exact is not None:
        return values.exact
    if kpi.is_cumulative and values.month_count == period.months:
        return values.month_sum
    return None


def _resolve_manual(values: _PeriodValues | None, kpi: KpiDefinition) -> Decimal | None:
    """A period's own manual actual; failing that, its recorded months summed or averaged as the KPI says."""
    if values is None:
        return None
    if values.exact is not None:
        return values.exact
    if values.month_count:
        return values.month_sum if kpi.is_cumulative else values.month_average
    return None


@dataclass
class KpiTable:
    """KPI values keyed by (account id, KPI code, slot), with the plan that produced them."""

    plan: SlotPlan
    values: dict[tuple[int, str, int], KpiValue] = field(default_factory=dict)

    def get(self, account_id: int, code: str, slot: int) -> KpiValue | None:
        return self.values.get((account_id, code, slot))


REVENUE = "revenue"


def kpi_values(
    *,
    kpis: Sequence[KpiDefinition],
    plan: SlotPlan,
    accounts: QuerySet[Account] | None = None,
    account_months: Mapping[int, int] | None = None,
    slots: Iterable[int] | None = None,
    with_targets: bool = True,
) -> KpiTable:
    """Actual, target and status of each KPI for each account and slot of the plan.

    Give either `accounts` (a queryset, used as a subquery; one extra query reads their fiscal
    start months) or `account_months` ({account id: fiscal start month}). `slots` limits which
    slots get values (all by default); earlier slots still serve as "previous period".
    Runs one query per data source the KPIs need (order intake and repurchase share one), plus one
    for targets and one for manual actuals when asked for. Without `with_targets` no target is read:
    the values have none, nor a status (for a caller that shows actuals only).
    """
    if account_months is None:
        scoped = accounts.filter(fiscal_year_start_month__in=plan.start_months)
        account_months = dict(scoped.values_list("pk", "fiscal_year_start_month"))
        where = Q(account_id__in=scoped.values("pk"))
    else:
        where = Q(account_id__in=list(account_months))
    table = KpiTable(plan=plan)
    if not account_months or not kpis:
        return table

    computed = [kpi for kpi in kpis if kpi.is_computed]
    manual = [kpi for kpi in kpis if not kpi.is_computed]
    sources = set().union(*(CALCULATORS[kpi.code].sources for kpi in computed)) if computed else set()
    target_codes = {kpi.code for kpi in kpis}
    if any(kpi.code == "pipeline_coverage" for kpi in computed):
        target_codes.add(REVENUE)
    facts = _collect_facts(where, plan, sources)
    targets = _period_values(KpiTarget, where, plan, target_codes) if with_targets else {}
    manual_values = _period_values(ManualActual, where, plan, {kpi.code for kpi in manual})
    revenue_kpi = next((kpi for kpi in kpis if kpi.code == REVENUE), None) or KpiDefinition(
        code=REVENUE, rollup=KpiDefinition.Rollup.SUM
    )

    wanted_slots = list(range(plan.slot_count)) if slots is None else list(slots)
    empty = Facts()
    for account_id, month in account_months.items():
        for slot in wanted_slots:
            period = plan.period(month, slot)
            started = period.start <= plan.as_of
            current = facts.get((account_id, slot), empty)
            previous = facts.get((account_id, slot - 1), empty) if slot > 0 else None
            revenue_target = _resolve_target(targets.get((account_id, REVENUE, slot)), revenue_kpi, period)
            for kpi in kpis:
                if kpi.is_computed:
                    calculator = CALCULATORS[kpi.code]
                    actual = None
                    if started or calculator.future_periods:
                        actual = calculator.compute(
                            Inputs(period=period, as_of=plan.as_of, current=current, previous=previous,
                                   revenue_target=revenue_target)
                        )
                else:
                    actual = _resolve_manual(manual_values.get((account_id, kpi.code, slot)), kpi)
                target = _resolve_target(targets.get((account_id, kpi.code, slot)), kpi, period)
                table.values[(account_id, kpi.code, slot)] = kpi_value_of(
                    kpi=kpi, actual=actual, target=target, period=period, as_of=plan.as_of
                )
    return table


# The simple API the account plan uses ----------------------------------------------------
def _in_account_calendar(account: Account, period: Period) -> Period:
    return Period(period.kind, period.fiscal_year, period.index, account.fiscal_year_start_month)


def kpi_status(
    *, account: Account, kpi: KpiDefinition, period: Period, as_of: datetime.date | None = None
) -> KpiValue:
    """One KPI's actual, target, target to date and status for one account and fiscal period."""
    period = _in_account_calendar(account, period)
    plan = SlotPlan.for_periods(
        start_month=account.fiscal_year_start_month,
        periods=[period.previous(), period],
        as_of=as_of or timezone.localdate(),
    )
    table = kpi_values(kpis=[kpi], plan=plan, account_months={account.pk: account.fiscal_year_start_month}, slots=[1])
    return table.get(account.pk, kpi.code, 1)


def kpi_actual(
    *, account: Account, kpi: KpiDefinition, period: Period, as_of: datetime.date | None = None
) -> Decimal | None:
    """The actual of one KPI for one account and fiscal period; None when it cannot be computed ('–')."""
    return kpi_status(account=account, kpi=kpi, period=period, as_of=as_of).actual


def kpi_target(*, account: Account, kpi: KpiDefinition, period: Period) -> Decimal | None:
    """The period's target, or for KPIs that add up the sum of its months' targets when every month has one."""
    period = _in_account_calendar(account, period)
    plan = SlotPlan.for_periods(start_month=account.fiscal_year_start_month, periods=[period], as_of=period.end)
    values = _period_values(KpiTarget, Q(account_id=account.pk), plan, {kpi.code})
    return _resolve_target(values.get((account.pk, kpi.code, 0)), kpi, period)
