"""Reads of KPIs: actuals computed in the database, targets, statuses, and what the dashboards show.

The KPI engine works on a `SlotPlan`: for every fiscal start month among the accounts, the
periods ("slots") to compute, oldest first. Each source of data (orders, revenue lines, NPS responses, time
entries, opportunities, manual actuals, targets) is aggregated by one grouped query that puts
every row into its account's slot with a CASE expression, so the number of queries depends on
the KPIs asked for, never on the number of accounts or periods.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from accounts import portfolio_cache
from accounts.models import Account, AccountTeamMember, Opportunity, Order, RevenueLine
from accounts.selectors import accounts_visible_to
from performance.kpis import CALCULATORS, NPS, ORDERS, PIPELINE, REPURCHASE, REVENUE_LINES, TIME, Facts, Inputs, KpiValue, kpi_value_of
from performance.panels import dashboard_panels, panel_content
from performance.models import KpiDefinition, KpiSnapshot, KpiStatus, KpiTarget, ManualActual, NpsResponse, TimeEntry
from performance.periods import PERIODS_PER_YEAR, Period, PeriodKind, period_containing

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
def _month_condition(plan: SlotPlan, month: int, account_path: str) -> Q:
    # With a single fiscal calendar every account in the query shares it: no join needed.
    if len(plan.periods) == 1:
        return Q()
    return Q(**{f"{account_path}fiscal_year_start_month": month})


def _period_end(period: Period, plan: SlotPlan, clip: bool) -> datetime.date:
    return min(period.end, plan.as_of) if clip else period.end


def _date_slot(plan: SlotPlan, date_field: str, *, account_path: str = "account__", clip: bool = True) -> Case:
    """CASE putting each row in the slot whose period (in its account's fiscal calendar) holds its date."""
    whens = []
    for month, periods in plan.periods.items():
        for slot, period in enumerate(periods):
            end = _period_end(period, plan, clip)
            if end < period.start:
                continue
            condition = _month_condition(plan, month, account_path) & Q(
                **{f"{date_field}__gte": period.start, f"{date_field}__lte": end}
            )
            whens.append(When(condition, then=Value(slot)))
    return Case(*whens, default=Value(None), output_field=IntegerField())


def _date_window(plan: SlotPlan, *, clip: bool = True) -> tuple[datetime.date, datetime.date]:
    """The earliest start and latest end over all slots: a plain range filter the date indexes serve."""
    starts = [p.start for periods in plan.periods.values() for p in periods]
    ends = [_period_end(p, plan, clip) for periods in plan.periods.values() for p in periods]
    return min(starts), max(ends)


def _fiscal_slot(plan: SlotPlan) -> Case:
    """CASE putting a target or manual actual in its slot: the slot's own period, or one of its months."""
    whens = []
    for month, periods in plan.periods.items():
        for slot, period in enumerate(periods):
            own = Q(period_kind=period.kind, period_index=period.index)
            months = Q(period_kind=PeriodKind.MONTH, period_index__in=list(period.fiscal_months))
            condition = _month_condition(plan, month, "account__") & Q(fiscal_year=period.fiscal_year) & (own | months)
            whens.append(When(condition, then=Value(slot)))
    return Case(*whens, default=Value(None), output_field=IntegerField())


# Facts -----------------------------------------------------------------------------------
def _order_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    low, high = _date_window(plan)
    return (
        Order.objects.filter(where, ordered_on__gte=low, ordered_on__lte=high)
        .annotate(slot=_date_slot(plan, "ordered_on"))
        .filter(slot__isnull=False)
        .values("account_id", "slot")
        .annotate(
            orders=Count("id"),
            order_amount=Sum("amount"),
            offerings=Count("offering_id", distinct=True),
        )
        .order_by()
    )


def _revenue_line_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    """Revenue and cost of the revenue lines recognised in each slot (a line counts in its month's period)."""
    low, high = _date_window(plan)
    return (
        RevenueLine.objects.filter(where, month__gte=low, month__lte=high)
        .annotate(slot=_date_slot(plan, "month"))
        .filter(slot__isnull=False)
        .values("account_id", "slot")
        .annotate(revenue=Sum("amount"), cost=Sum("cost"))
        .order_by()
    )


def _repurchase_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    """For each slot, its orders and amount, and the part that are repeat purchases.

    An order is a repeat purchase when the same account had ordered the same offering on an
    earlier day (in any period, not only the previous one). One query: each order of the
    window is checked with EXISTS, served by the (account, offering, date) index.
    """
    low, high = _date_window(plan)
    bought_before = Exists(
        Order.objects.filter(
            account_id=OuterRef("account_id"),
            offering_id=OuterRef("offering_id"),
            ordered_on__lt=OuterRef("ordered_on"),
        )
    )
    return (
        Order.objects.filter(where, ordered_on__gte=low, ordered_on__lte=high)
        .annotate(slot=_date_slot(plan, "ordered_on"))
        .filter(slot__isnull=False)
        .annotate(repeat=bought_before)
        .values("account_id", "slot")
        .annotate(
            purchases=Count("id"),
            repeat_purchases=Count("id", filter=Q(repeat=True)),
            purchase_amount=Sum("amount"),
            repeat_amount=Sum("amount", filter=Q(repeat=True)),
        )
        .order_by()
    )


def _nps_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    low, high = _date_window(plan)
    return (
        NpsResponse.objects.filter(where, responded_on__gte=low, responded_on__lte=high)
        .annotate(slot=_date_slot(plan, "responded_on"))
        .filter(slot__isnull=False)
        .values("account_id", "slot")
        .annotate(
            responses=Count("id"),
            promoters=Count("id", filter=Q(score__gte=NpsResponse.PROMOTER_FROM)),
            detractors=Count("id", filter=Q(score__lte=NpsResponse.DETRACTOR_UP_TO)),
        )
        .order_by()
    )


def _time_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    low, high = _date_window(plan)
    return (
        TimeEntry.objects.filter(where, worked_on__gte=low, worked_on__lte=high)
        .annotate(slot=_date_slot(plan, "worked_on"))
        .filter(slot__isnull=False)
        .values("account_id", "slot")
        .annotate(
            billable_hours=Sum("hours", filter=Q(kind=TimeEntry.Kind.BILLABLE)),
            non_billable_hours=Sum("hours", filter=Q(kind=TimeEntry.Kind.NON_BILLABLE)),
            available_hours=Sum("hours"),
        )
        .order_by()
    )


def _pipeline_facts(where: Q, plan: SlotPlan) -> Iterable[dict]:
    low, high = _date_window(plan, clip=False)
    return (
        Opportunity.objects.filter(
            where,
            stage__in=Opportunity.OPEN_STAGES,
            expected_close_date__gte=low,
            expected_close_date__lte=high,
        )
        .annotate(slot=_date_slot(plan, "expected_close_date", clip=False))
        .filter(slot__isnull=False)
        .values("account_id", "slot")
        .annotate(pipeline=Sum("amount"))
        .order_by()
    )


FACT_QUERIES = {
    ORDERS: _order_facts,
    REVENUE_LINES: _revenue_line_facts,
    REPURCHASE: _repurchase_facts,
    NPS: _nps_facts,
    TIME: _time_facts,
    PIPELINE: _pipeline_facts,
}


def _collect_facts(where: Q, plan: SlotPlan, sources: set[str]) -> dict[tuple[int, int], Facts]:
    facts: dict[tuple[int, int], Facts] = {}
    for source in sorted(sources):
        for row in FACT_QUERIES[source](where, plan):
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
) -> KpiTable:
    """Actual, target and status of each KPI for each account and slot of the plan.

    Give either `accounts` (a queryset, used as a subquery; one extra query reads their fiscal
    start months) or `account_months` ({account id: fiscal start month}). `slots` limits which
    slots get values (all by default); earlier slots still serve as "previous period".
    Runs one query per data source the KPIs need, plus one for targets and one for manual
    actuals when asked for.
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
    targets = _period_values(KpiTarget, where, plan, target_codes)
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


def kpis_for_team(team_type: str, *, only_dashboard: bool = False) -> list[KpiDefinition]:
    """The active KPIs that apply to an account team of this type, in catalogue order."""
    kpis = KpiDefinition.objects.filter(is_active=True, **{f"applies_to_{team_type}": True})
    if only_dashboard:
        kpis = kpis.filter(show_on_dashboard=True)
    return list(kpis)


# The weekly KPI dashboard ----------------------------------------------------------------
@dataclass(frozen=True)
class DashboardFilters:
    """What the weekly dashboard is narrowed to; None means "all"."""

    vertical_unit_id: int | None = None
    grade_id: int | None = None
    kam_id: int | None = None
    key_only: bool = False
    kind: str = PeriodKind.QUARTER


def dashboard_accounts(*, user, filters: DashboardFilters) -> QuerySet[Account]:
    """The accounts the dashboard covers: those the user may see, narrowed by the filters."""

    accounts = accounts_visible_to(user)
    if filters.vertical_unit_id:
        accounts = accounts.filter(vertical_unit_id=filters.vertical_unit_id)
    if filters.grade_id:
        accounts = accounts.filter(grade_id=filters.grade_id)
    if filters.kam_id:
        kam_accounts = AccountTeamMember.objects.filter(user_id=filters.kam_id, role=AccountTeamMember.Role.KAM)
        accounts = accounts.filter(pk__in=kam_accounts.values("account_id"))
    if filters.key_only:
        accounts = accounts.filter(is_key_account=True)
    return accounts


@dataclass(frozen=True)
class SnapshotDays:
    latest: datetime.date | None
    week_before: datetime.date | None


def snapshot_days(*, today: datetime.date | None = None) -> SnapshotDays:
    """The newest snapshot day up to today, and the newest one at least a week before today (for movers).

    One query: two scalar subqueries, each answered from the end of the `as_of` index. They
    hang off the (always seeded) KPI catalogue only because a query needs a FROM.
    """

    today = today or timezone.localdate()
    days = KpiSnapshot.objects.order_by("-as_of").values("as_of")
    row = (
        KpiDefinition.objects.order_by()
        .annotate(
            latest=Subquery(days.filter(as_of__lte=today)[:1]),
            week_before=Subquery(days.filter(as_of__lte=today - datetime.timedelta(days=7))[:1]),
        )
        .values("latest", "week_before")
        .first()
    )
    if row is None:
        return SnapshotDays(None, None)
    return SnapshotDays(row["latest"], row["week_before"])


def dashboard_kpis(*, accounts: QuerySet[Account], as_of: datetime.date | None, kind: str) -> list[KpiDefinition]:
    """The KPIs shown on the weekly dashboard, each with how many accounts are on track, at risk and off track.

    One query: the day's snapshots are joined with a filtered relation, so only that day's
    rows are read.
    """
    day = FilteredRelation("snapshots", condition=Q(snapshots__as_of=as_of, snapshots__period_kind=kind))
    in_scope = Q(day__account_id__in=accounts.values("pk"))
    return list(
        KpiDefinition.objects.filter(is_active=True, show_on_dashboard=True)
        .annotate(day=day)
        .annotate(
            on_track=Count("day", filter=in_scope & Q(day__status=KpiStatus.ON_TRACK)),
            at_risk=Count("day", filter=in_scope & Q(day__status=KpiStatus.AT_RISK)),
            off_track=Count("day", filter=in_scope & Q(day__status=KpiStatus.OFF_TRACK)),
            without_target=Count(
                "day", filter=in_scope & Q(day__status__in=[KpiStatus.NO_TARGET, KpiStatus.NO_DATA])
            ),
        )
    )


STATUS_RANK = {"on_track": 3, "at_risk": 2, "off_track": 1}


class Sort:
    ATTENTION = "attention"
    REVENUE = "revenue"
    NAME = "name"


def _kam_names() -> Subquery:


    from accounts.models import full_name_expression

    full_name = full_name_expression("user__")

    names = (
        AccountTeamMember.objects.filter(account=OuterRef("pk"), role=AccountTeamMember.Role.KAM)
        .order_by()
        .values("account")
        .annotate(names=StringAgg(full_name, Value(", ")))
        .values("names")
    )
    return Subquery(names, output_field=CharField())


def status_grid(
    *,
    accounts: QuerySet[Account],
    kpis: Sequence[KpiDefinition],
    as_of: datetime.date | None,
    kind: str,
    sort: str = Sort.ATTENTION,
    offset: int = 0,
    limit: int | None = 25,
) -> tuple[list[Account], int]:
    """Accounts with their dashboard KPIs' snapshots (as `account.cells`, in `kpis` order), and the total count.

    Two queries: the accounts of the page (with KAM names, an attention score of 100 per KPI
    off track and 1 per KPI at risk, and the total via a window count), then their snapshots.
    """


    # 100 per KPI off track, 1 per KPI at risk; a correlated subquery, so that only the page's
    # rows are grouped (the KAM names are computed after the LIMIT) and the index
    # kpi_snapshot_account_idx answers each lookup on its own.
    weights = (
        KpiSnapshot.objects.filter(
            account=OuterRef("pk"), as_of=as_of, period_kind=kind, kpi__in=[kpi.pk for kpi in kpis]
        )
        .order_by()
        .values("account")
        .annotate(
            score=Sum(
                Case(
                    When(status=KpiStatus.OFF_TRACK, then=Value(100)),
                    When(status=KpiStatus.AT_RISK, then=Value(1)),
                    default=Value(0),
                )
            )
        )
        .values("score")
    )
    ordering = {
        Sort.ATTENTION: [F("attention").desc(), F("revenue_ttm").desc(), "name", "pk"],
        Sort.REVENUE: [F("revenue_ttm").desc(), "name", "pk"],
        Sort.NAME: ["name", "pk"],
    }[sort]
    rows = (
        accounts.select_related("vertical_unit", "grade")
        .annotate(
            kam_names=_kam_names(),
            attention=Coalesce(Subquery(weights, output_field=IntegerField()), Value(0)),
            total=Window(Count("pk")),
        )
        .order_by(*ordering)
    )
    page = list(rows[offset : offset + limit] if limit is not None else rows)
    total = page[0].total if page else 0
    cells: dict[tuple[int, int], KpiSnapshot] = {}
    if page and as_of is not None:
        kpi_by_id = {kpi.pk: kpi for kpi in kpis}
        for snapshot in KpiSnapshot.objects.filter(
            account_id__in=[account.pk for account in page], as_of=as_of, period_kind=kind, kpi__in=list(kpi_by_id)
        ):
            snapshot.kpi = kpi_by_id[snapshot.kpi_id]
            cells[(snapshot.account_id, snapshot.kpi_id)] = snapshot
    for account in page:
        account.cells = [cells.get((account.pk, kpi.pk)) for kpi in kpis]
    return page, total


@dataclass(frozen=True)
class Mover:
    """A KPI of an account whose status changed since a week before (`change`: + better, − worse)."""

    account_id: int
    account_name: str
    kpi: KpiDefinition
    previous_status: str
    status: str
    previous_actual: Decimal | None
    actual: Decimal | None
    change: int

    def get_status_display(self) -> str:
        return KpiStatus(self.status).label


def _status_rank(field: str) -> Case:
    return Case(*(When(**{field: s}, then=Value(r)) for s, r in STATUS_RANK.items()), output_field=IntegerField())


def week_movers(
    *,
    accounts: QuerySet[Account],
    kpis: Sequence[KpiDefinition],
    days: SnapshotDays,
    kind: str,
    limit: int | None = 10,
) -> list[Mover]:
    """KPIs whose status changed since the snapshot a week before: the biggest falls first, then the rises.

    Only moves between on track, at risk and off track count (a new target is not a move).
    One grouped query over the two days' snapshots pairs each KPI with its week-old self.
    """
    if days.latest is None or days.week_before is None:
        return []
    ranked = list(STATUS_RANK)
    now, before = Q(as_of=days.latest), Q(as_of=days.week_before)
    rows = (
        KpiSnapshot.objects.filter(
            as_of__in=[days.latest, days.week_before],
            period_kind=kind,
            account_id__in=accounts.values("pk"),
            kpi__in=[kpi.pk for kpi in kpis],
        )
        .order_by()
        .values("account_id", "account__name", "account__revenue_ttm", "kpi_id")
        .annotate(
            status_now=Max("status", filter=now),
            status_before=Max("status", filter=before),
            actual_now=Max("actual", filter=now),
            actual_before=Max("actual", filter=before),
        )
        .filter(status_now__in=ranked, status_before__in=ranked)
        .exclude(status_now=F("status_before"))
        .annotate(change=_status_rank("status_now") - _status_rank("status_before"))
        .order_by("change", "-account__revenue_ttm", "account__name", "kpi_id")
    )
    kpi_by_id = {kpi.pk: kpi for kpi in kpis}
    return [
        Mover(
            account_id=row["account_id"],
            account_name=row["account__name"],
            kpi=kpi_by_id[row["kpi_id"]],
            previous_status=row["status_before"],
            status=row["status_now"],
            previous_actual=row["actual_before"],
            actual=row["actual_now"],
            change=row["change"],
        )
        for row in (rows[:limit] if limit is not None else rows)
    ]


@dataclass(frozen=True)
class ParetoRow:
    account_id: int
    name: str
    revenue: Decimal
    pareto_class: str
    cumulative_share: Decimal


@dataclass(frozen=True)
class Pareto:
    rows: list[ParetoRow]
    accounts: int
    total_revenue: Decimal
    class_a_accounts: int
    class_a_share: Decimal | None


def pareto(*, accounts: QuerySet[Account], limit: int | None = 20) -> Pareto:
    """The largest accounts by revenue over the last 12 months with their cumulative share (window functions).

    One query: running and total sums, the number of accounts and of class-A accounts come
    from window functions over all the accounts in scope, evaluated before the LIMIT.
    """

    order = [F("revenue_ttm").desc(), F("pk").asc()]
    rows = list(
        accounts.filter(revenue_ttm__gt=0)
        .annotate(
            running=Window(Sum("revenue_ttm"), order_by=order),
            grand_total=Window(Sum("revenue_ttm")),
            account_count=Window(Count("pk")),
            class_a=Window(Count("pk", filter=Q(pareto_class="A"))),
            class_a_revenue=Window(Sum("revenue_ttm", filter=Q(pareto_class="A"))),
        )
        .order_by(*order)
        .values("pk", "name", "revenue_ttm", "pareto_class", "running", "grand_total", "account_count", "class_a",
                "class_a_revenue")[: limit if limit is not None else None]
    )
    if not rows:
        return Pareto(rows=[], accounts=0, total_revenue=Decimal(0), class_a_accounts=0, class_a_share=None)
    total = rows[0]["grand_total"]
    return Pareto(
        rows=[
            ParetoRow(
                account_id=row["pk"],
                name=row["name"],
                revenue=row["revenue_ttm"],
                pareto_class=row["pareto_class"],
                cumulative_share=row["running"] / total * 100,
            )
            for row in rows
        ],
        accounts=rows[0]["account_count"],
        total_revenue=total,
        class_a_accounts=rows[0]["class_a"],
        class_a_share=(rows[0]["class_a_revenue"] or 0) / total * 100,
    )


def tier_funnel(*, accounts: QuerySet[Account]) -> list[dict]:
    """Open opportunities by tier (1 nearest to business … 4): count, amount and probability-weighted amount."""

    weighted = ExpressionWrapper(F("amount") * F("probability") / 100, output_field=DecimalField(max_digits=20, decimal_places=2))
    rows = {
        row["tier"]: row
        for row in Opportunity.objects.filter(account_id__in=accounts.values("pk"), stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("tier")
        .annotate(weighted=Sum(weighted), count=Count("id"), amount=Sum("amount"))
    }
    return [
        rows.get(tier, {"tier": tier, "count": 0, "amount": Decimal(0), "weighted": Decimal(0)}) for tier in (4, 3, 2, 1)
    ]


# One account's KPI dashboard ---------------------------------------------------------------
# How many periods of each kind the account dashboard shows, ending with the chosen fiscal year.
SHOWN_PERIODS = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 8, PeriodKind.HALF: 4, PeriodKind.YEAR: 3}


DASHBOARD_PAGE_SIZE = 25


def dashboard_portfolio(
    *, user, accounts: QuerySet[Account], filters, sort: str, page_number: int, days: SnapshotDays
) -> tuple[dict, list[dict], dict[str, int]]:
    """The weekly dashboard's sums over every account in scope: (KPI statuses with the page's rows,
    movers and Pareto chart; the tier funnel; the registered panels' counts, `performance.panels`), each kept in the portfolio cache until
    the next write to what it reads (`accounts/portfolio_cache.py`)."""
    def statuses() -> dict:
        kpis = dashboard_kpis(accounts=accounts, as_of=days.latest, kind=filters.kind)
        rows, total = status_grid(
            accounts=accounts, kpis=kpis, as_of=days.latest, kind=filters.kind, sort=sort,
            offset=(page_number - 1) * DASHBOARD_PAGE_SIZE, limit=DASHBOARD_PAGE_SIZE,
        )
        return {
            "kpis": kpis, "rows": rows, "total": total,
            "movers": week_movers(accounts=accounts, kpis=kpis, days=days, kind=filters.kind),
            "pareto": pareto(accounts=accounts),
        }

    scope = portfolio_cache.scope(user)
    today, language = timezone.localdate(), get_language()
    data = portfolio_cache.cached(
        ("dashboard", scope, filters, sort, page_number, days, today, language), statuses,
        depends=(portfolio_cache.SNAPSHOTS,),
    )
    funnel = portfolio_cache.cached(
        ("funnel", scope, filters), lambda: tier_funnel(accounts=accounts), depends=(portfolio_cache.OPPORTUNITIES,)
    )
    panels = [
        {
            "key": panel.key,
            "title": panel.title,
            **portfolio_cache.cached(
                ("panel", panel.key, scope, filters, today, language),
                lambda panel=panel: panel_content(panel, accounts=accounts),
                depends=panel.depends,
            ),
        }
        for panel in dashboard_panels()
    ]
    return data, funnel, panels


@dataclass
class AccountDashboard:
    account: Account
    kind: str
    fiscal_year: int
    as_of: datetime.date
    periods: list[Period]
    kpis: list[KpiDefinition]
    table: KpiTable
    offerings: list[dict]

    def value(self, code: str, index: int) -> KpiValue | None:
        """The value of a KPI in the `index`-th shown period."""
        return self.table.get(self.account.pk, code, index + 1)

    def rows(self) -> list[tuple[KpiDefinition, list[KpiValue | None]]]:
        return [(kpi, [self.value(kpi.code, i) for i in range(len(self.periods))]) for kpi in self.kpis]

    @property
    def current_index(self) -> int | None:
        """The shown period that contains `as_of`, if any."""
        return next((i for i, period in enumerate(self.periods) if period.contains(self.as_of)), None)


def account_dashboard(
    *, account: Account, kind: str, fiscal_year: int, as_of: datetime.date | None = None
) -> AccountDashboard:
    """KPIs of one account over the periods of `kind` that end with fiscal year `fiscal_year`.

    Months show that fiscal year; quarters and halves that year and the one before; years the
    last three. One query per data source, one for targets, one for manual actuals (when the
    catalogue has manual KPIs), one for the KPI list and one for orders by offering.
    """
    as_of = as_of or timezone.localdate()
    month = account.fiscal_year_start_month
    last = Period(kind, fiscal_year, PERIODS_PER_YEAR[kind], month)
    periods = [last.shifted(-steps) for steps in range(SHOWN_PERIODS[kind], -1, -1)]  # plus one before, as a base
    plan = SlotPlan.for_periods(start_month=month, periods=periods, as_of=as_of)
    kpis = kpis_for_team(account.team_type)
    table = kpi_values(
        kpis=kpis, plan=plan, account_months={account.pk: month}, slots=range(1, len(periods))
    )
    year = Period(PeriodKind.YEAR, fiscal_year, 1, month)
    offerings = list(
        Order.objects.filter(account=account, ordered_on__gte=year.start, ordered_on__lte=min(year.end, as_of))
        .values("offering_id", "offering__name")
        .annotate(orders=Count("id"), amount=Sum("amount"))
        .order_by("-amount", "offering__name")
    )
    total = sum((row["amount"] for row in offerings), Decimal(0))
    for row in offerings:
        row["share"] = row["amount"] / total * 100 if total else None
    return AccountDashboard(
        account=account,
        kind=kind,
        fiscal_year=fiscal_year,
        as_of=as_of,
        periods=periods[1:],
        kpis=kpis,
        table=table,
        offerings=offerings,
    )


def nps_responses_for_account(*, account: Account) -> QuerySet[NpsResponse]:
    return NpsResponse.objects.filter(account=account).select_related("contact").order_by("-responded_on", "-id")


def manual_actuals_for_account(*, account: Account) -> QuerySet[ManualActual]:
    return (
        ManualActual.objects.filter(account=account)
        .select_related("kpi", "recorded_by", "account")
        .order_by("-fiscal_year", "kpi__sort_order", "period_kind", "-period_index")
    )


KPI_NAMES_CACHE_KEY = "performance:kpi-names"


def kpi_catalogue_names() -> dict[str, tuple[str, str, str]]:
    """code -> (name, Korean name, unit) of the KPI catalogue, for rendering frozen snapshots in the
    reader's language. Cached; a KPI definition's save or delete clears it (PerformanceConfig.ready)."""
    from django.core.cache import cache

    names = cache.get(KPI_NAMES_CACHE_KEY)
    if names is None:
        names = {code: (name, name_ko, unit) for code, name, name_ko, unit in KpiDefinition.objects.values_list("code", "name", "name_ko", "unit")}
        cache.set(KPI_NAMES_CACHE_KEY, names, 3600)
    return names


def kpi_catalogue_names_clear(**_kwargs) -> None:
    from django.core.cache import cache

    cache.delete(KPI_NAMES_CACHE_KEY)
