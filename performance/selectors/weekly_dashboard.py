"""The weekly KPI dashboard: the accounts in scope, KPI statuses from the snapshots, the week's movers,
the Pareto chart and the tier funnel, kept in the portfolio cache."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
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
from accounts.models import Account, AccountTeamMember, OpportunityTierTotal
from accounts.selectors import accounts_visible_to
from performance.panels import dashboard_panels, panel_content
from performance.models import ON_DASHBOARD, AccountAttention, KpiDefinition, KpiSnapshot, KpiStatus
from performance.periods import PeriodKind


@dataclass(frozen=True)
class DashboardFilters:
    """What the weekly dashboard is narrowed to; None means "all"."""

    vertical_unit_id: int | None = None
    grade_id: int | None = None
    kam_id: int | None = None
    # A person's weekly check: the accounts whose team they are on, in any role.
    person_id: int | None = None
    key_only: bool = False
    kind: str = PeriodKind.QUARTER
    with_withdrawn: bool = False


def dashboard_accounts(*, user, filters: DashboardFilters) -> QuerySet[Account]:
    """The accounts the dashboard covers: those the user may see (withdrawn ones only when asked), narrowed by the filters."""

    accounts = accounts_visible_to(user)
    if not filters.with_withdrawn:
        accounts = accounts.in_service()
    if filters.vertical_unit_id:
        accounts = accounts.filter(vertical_unit_id=filters.vertical_unit_id)
    if filters.grade_id:
        accounts = accounts.filter(grade_id=filters.grade_id)
    if filters.kam_id:
        kam_accounts = AccountTeamMember.objects.filter(user_id=filters.kam_id, role=AccountTeamMember.Role.KAM)
        accounts = accounts.filter(pk__in=kam_accounts.values("account_id"))
    if filters.person_id:
        accounts = accounts.filter(pk__in=AccountTeamMember.objects.filter(user_id=filters.person_id).values("account_id"))
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
    """The KPIs shown on the weekly dashboard (in their `sort_order`), each with how many accounts are on track,
    at risk and off track.

    Two queries: the KPIs, then the day's snapshots of the accounts in scope counted by KPI and status (each
    row is checked against the scope once; the `kpi_snapshot_day_idx` index reads that day's rows only).
    """
    kpis = list(KpiDefinition.objects.filter(ON_DASHBOARD))
    counts = dict.fromkeys(((kpi.pk, status) for kpi in kpis for status in KpiStatus.values), 0)
    if kpis and as_of is not None:
        counts.update(
            ((kpi_id, status), number)
            for kpi_id, status, number in KpiSnapshot.objects.filter(
                as_of=as_of, period_kind=kind, kpi__in=[kpi.pk for kpi in kpis], account_id__in=accounts.values("pk")
            )
            .order_by()
            .values("kpi_id", "status")
            .annotate(number=Count("pk"))
            .values_list("kpi_id", "status", "number")
        )
    for kpi in kpis:
        kpi.on_track = counts[(kpi.pk, KpiStatus.ON_TRACK)]
        kpi.at_risk = counts[(kpi.pk, KpiStatus.AT_RISK)]
        kpi.off_track = counts[(kpi.pk, KpiStatus.OFF_TRACK)]
        kpi.without_target = counts[(kpi.pk, KpiStatus.NO_TARGET)] + counts[(kpi.pk, KpiStatus.NO_DATA)]
    return kpis


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

    `kpis` are the dashboard's (`dashboard_kpis`): the attention order reads the score stored for them.
    Three queries: the ids of the page's accounts in order (the attention score of 100 per KPI off track and 1
    per KPI at risk, `AccountAttention`, the total via a window count), read narrow so that only ids and sort keys
    are held for every account in scope; then the page's rows with their KAM names; then their snapshots.
    """
    # One lookup per account on `account_attention_lookup_idx` (no row: 0), not a sum over its snapshots. The KAM
    # names and the wide rows are read for the page only.
    weights = AccountAttention.objects.filter(account=OuterRef("pk"), as_of=as_of, period_kind=kind).values("score")[:1]
    ordering = {
        Sort.ATTENTION: [F("attention").desc(), F("revenue_ttm").desc(), "name", "pk"],
        Sort.REVENUE: [F("revenue_ttm").desc(), "name", "pk"],
        Sort.NAME: ["name", "pk"],
    }[sort]
    ranked = (
        accounts.annotate(
            attention=Coalesce(Subquery(weights, output_field=IntegerField()), Value(0)),
            total=Window(Count("pk")),
        )
        .order_by(*ordering)
        .values_list("pk", "attention", "total")
    )
    ranked = list(ranked[offset : offset + limit] if limit is not None else ranked)
    total = ranked[0][2] if ranked else 0
    rows = accounts.select_related("vertical_unit", "grade").annotate(kam_names=_kam_names()).in_bulk(
        [pk for pk, _attention, _total in ranked]
    )
    page = []
    for pk, attention, _total in ranked:
        account = rows[pk]
        account.attention, account.total = attention, total
        page.append(account)
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
    if days.week_before <= days.latest - datetime.timedelta(days=7):
        # The latest day's snapshots compare with the same day the dashboard does (each keeps a copy of
        # its week-before self, `kpi_snapshot_link_week_before`, and the move, `week_change`): the day's
        # moved rows only, read off the partial index `kpi_snapshot_change_idx`, no grouping. The scope is an
        # EXISTS, not an IN list: with a list SQLite's planner looks each account in scope up instead.
        rows = (
            KpiSnapshot.objects.filter(
                ~Q(week_change=0),
                Exists(accounts.filter(pk=OuterRef("account_id"))),
                as_of=days.latest,
                period_kind=kind,
                kpi__in=[kpi.pk for kpi in kpis],
                week_before_as_of=days.week_before,
            )
            .annotate(
                status_now=F("status"), status_before=F("week_before_status"),
                actual_now=F("actual"), actual_before=F("week_before_actual"),
                change=F("week_change"),
            )
            .order_by("change", "-account__revenue_ttm", "account__name", "kpi_id")
            .values("account_id", "account__name", "kpi_id", "status_now", "status_before", "actual_now", "actual_before", "change")
        )
        return _movers(rows, kpis=kpis, limit=limit)
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
    return _movers(rows, kpis=kpis, limit=limit)


def _movers(rows, *, kpis: Sequence[KpiDefinition], limit: int | None) -> list[Mover]:
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
    """Open opportunities by tier (1 nearest to business … 4): count, amount and probability-weighted amount.

    One query over the sums each account keeps by tier (`accounts.tier_totals`, at most four rows per account),
    not over every opportunity.
    """
    rows = {
        row["tier"]: row
        for row in OpportunityTierTotal.objects.filter(account_id__in=accounts.values("pk"))
        .order_by()
        .values("tier")
        .annotate(weighted=Sum("weighted"), count=Sum("count"), amount=Sum("amount"))
    }
    return [
        rows.get(tier, {"tier": tier, "count": 0, "amount": Decimal(0), "weighted": Decimal(0)}) for tier in (4, 3, 2, 1)
    ]


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
