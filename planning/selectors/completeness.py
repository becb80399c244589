"""What the completeness rules (planning.rules) read of a plan: its facts, in one query (many plans': four)."""

import datetime
from collections import defaultdict, namedtuple

from django.db import connection
from django.utils import timezone

from accounts.models import Contact, OrgChange, Opportunity
from core.sql import column_converter
from performance.models import KpiDefinition, KpiTarget
from performance.periods import PeriodKind
from planning.models import (
    AccountPlan,
    ActionItem,
    MarketingAction,
    PlanKpi,
    QuarterlyReview,
    StrategicTask,
)
from planning.rules import PlanFacts, StepState, plan_step_states
from planning.targets import inputs_from_rows

from .kpis import PlanTargets, plan_target_facts


def org_reference_date(*, plan: AccountPlan) -> datetime.date:
    """The day "since the last plan" starts: the last plan's org review, the carried baseline, or a year back."""
    previous = (
        AccountPlan.objects.filter(account_id=plan.account_id, fiscal_year__lt=plan.fiscal_year, org_reviewed_at__isnull=False)
        .order_by("-fiscal_year")
        .values_list("org_reviewed_at", flat=True)
        .first()
    )
    if previous is not None:
        return timezone.localdate(previous)
    if plan.org_baseline_on is not None:
        return plan.org_baseline_on
    return plan.period_start - datetime.timedelta(days=365)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


def _fact_counts(*, account: str, plan: str, account_params: list, plan_params: list) -> dict[str, tuple[str, list]]:
    """The rules' counts as scalar subqueries of the account and the plan given as SQL (`%s` with its
    parameter, or a column of an outer query): one plan's (`_counts`) or many plans' (`plans_step_states`)."""
    by_account = f"account_id = {account}"
    return {
        "decision_makers": (
            f"SELECT COUNT(*) FROM {_table(Contact)} WHERE {by_account} AND status = %s AND is_decision_maker = %s",
            [*account_params, Contact.Status.ACTIVE, True],
        ),
        "open_opportunities": (
            f"SELECT COUNT(*) FROM {_table(Opportunity)} WHERE {by_account} AND stage IN ({_in(Opportunity.OPEN_STAGES)})",
            [*account_params, *Opportunity.OPEN_STAGES],
        ),
        # Counted as all minus those with a sponsor: `sponsor_unit_id IS NULL` in the WHERE clause led
        # SQLite to the sponsor index, reading every unmapped opportunity of the company (26 ms at 20,000
        # accounts); this form reads the account's open opportunities only, on every database.
        "unmapped_opportunities": (
            f"SELECT COUNT(*) - COUNT(sponsor_unit_id) FROM {_table(Opportunity)} WHERE {by_account}"
            f" AND stage IN ({_in(Opportunity.OPEN_STAGES)})",
            [*account_params, *Opportunity.OPEN_STAGES],
        ),
        "strategic_tasks": (f"SELECT COUNT(*) FROM {_table(StrategicTask)} WHERE plan_id = {plan}", [*plan_params]),
        "marketing_actions_with_fox_or_kingpin": (
            f"SELECT COUNT(*) FROM {_table(MarketingAction)} action JOIN {_table(Contact)} contact"
            f" ON contact.id = action.contact_id WHERE action.plan_id = {plan} AND (contact.is_fox = %s OR contact.is_kingpin = %s)",
            [*plan_params, True, True],
        ),
        "tasks": (
            f"SELECT COUNT(*) FROM {_table(ActionItem)} WHERE plan_id = {plan} AND kind = %s", [*plan_params, ActionItem.Kind.TASK]
        ),
        "milestones": (
            f"SELECT COUNT(*) FROM {_table(ActionItem)} WHERE plan_id = {plan} AND kind = %s",
            [*plan_params, ActionItem.Kind.MILESTONE],
        ),
        "actions_without_owner": (
            f"SELECT COUNT(*) FROM {_table(ActionItem)} WHERE plan_id = {plan} AND owner_id IS NULL", [*plan_params]
        ),
    }


# What the completeness rules read of a chosen KPI (its name, whether it is a count, whether it adds up).
KPI_FACT_FIELDS = ("id", "code", "name", "name_ko", "unit", "rollup")


def _facts_row(*, plan: AccountPlan, ended: list[int], with_targets: bool) -> tuple[dict, PlanTargets | None]:
    """The rules' counts and the latest org change in one query of scalar subqueries (SQL: an ORM query of
    eleven subqueries costs more to build than the small queries it replaces); `with_targets`, the same
    query also reads the plan's chosen KPIs (catalogue order) and their targets, one row per target
    (a chosen KPI without targets gives one row; a plan without KPIs, one row of the counts alone)."""
    counts = _fact_counts(account="%s", plan="%s", account_params=[plan.account_id], plan_params=[plan.pk])
    counts["latest_org_change_at"] = (
        f"SELECT MAX(recorded_at) FROM {_table(OrgChange)} WHERE account_id = %s", [plan.account_id]
    )
    if ended:
        reviews = f"SELECT COUNT(*) FROM {_table(QuarterlyReview)} WHERE plan_id = %s AND quarter IN ({_in(ended)})"
        counts["reviews_of_ended_quarters"] = (reviews, [plan.pk, *ended])
        counts["signed_off_reviews_of_ended_quarters"] = (
            f"{reviews} AND status = %s", [plan.pk, *ended, QuarterlyReview.Status.SIGNED_OFF]
        )
    sql = "SELECT " + ", ".join(f"({text})" for text, _params in counts.values())
    params = [param for _sql, params in counts.values() for param in params]
    year = plan.fiscal_year
    if with_targets:
        sql += (
            ", " + ", ".join(f"kpi.{connection.ops.quote_name(name)}" for name in KPI_FACT_FIELDS)
            + ", " + ", ".join(f"target.{connection.ops.quote_name(name)}" for name in TARGET_COLUMNS)
            + f" FROM (SELECT 1 AS one) one LEFT JOIN {_table(PlanKpi)} chosen ON chosen.plan_id = %s"
            f" LEFT JOIN {_table(KpiDefinition)} kpi ON kpi.id = chosen.kpi_id"
            f" LEFT JOIN {_table(KpiTarget)} target ON target.kpi_id = chosen.kpi_id AND target.account_id = %s"
            " AND (target.fiscal_year = %s OR (target.fiscal_year IN (%s, %s) AND target.period_kind = %s))"
            " ORDER BY kpi.sort_order, kpi.code"
        )
        params += [plan.pk, plan.account_id, year, year + 1, year + 2, PeriodKind.YEAR]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    first = rows[0]
    facts = {"reviews_of_ended_quarters": 0, "signed_off_reviews_of_ended_quarters": 0, **dict(zip(counts, first))}
    facts["latest_org_change_at"] = column_converter(OrgChange._meta.get_field("recorded_at"))(facts["latest_org_change_at"])
    if not with_targets:
        return facts, None
    kpis: dict[int, KpiDefinition] = {}
    targets = []
    value = column_converter(KpiTarget._meta.get_field("value"))
    for row in rows:
        kpi_values, target_values = row[len(counts):len(counts) + len(KPI_FACT_FIELDS)], row[len(counts) + len(KPI_FACT_FIELDS):]
        if kpi_values[0] is None:
            continue
        if kpi_values[0] not in kpis:
            kpis[kpi_values[0]] = KpiDefinition(**dict(zip(KPI_FACT_FIELDS, kpi_values)))
        if target_values[0] is not None:
            fiscal_year, period_kind, period_index, amount = target_values
            targets.append(_TargetRow(kpi_values[0], fiscal_year, period_kind, period_index, value(amount)))
    return facts, PlanTargets(kpis=list(kpis.values()), inputs=inputs_from_rows(targets, fiscal_year=year))


# A target row as inputs_from_rows reads it.
_TargetRow = namedtuple("_TargetRow", ("kpi_id", "fiscal_year", "period_kind", "period_index", "value"))
TARGET_COLUMNS = ("fiscal_year", "period_kind", "period_index", "value")


def plan_facts(
    *, plan: AccountPlan, today: datetime.date | None = None, targets: PlanTargets | None = None
) -> PlanFacts:
    """Aggregates the completeness rules need, whatever the plan's size, in one query: the counts, the latest
    org change and the chosen KPIs' targets (the counts alone when `targets`, from `plan_targets`, come with the call)."""
    today = today or timezone.localdate()
    ended = [q for q in (1, 2, 3, 4) if plan.period(PeriodKind.QUARTER, q).end < today]
    facts, read = _facts_row(plan=plan, ended=ended, with_targets=targets is None)
    kpis, target_problems = plan_target_facts(plan=plan, targets=targets or read)
    return PlanFacts(**facts, kpis=kpis, target_problems=target_problems, ended_quarters=len(ended))


def plan_states(*, plan: AccountPlan, targets: PlanTargets | None = None) -> dict[int, StepState]:
    return plan_step_states(plan, plan_facts(plan=plan, targets=targets))


def plans_step_states(*, plans: list[AccountPlan], today: datetime.date | None = None) -> dict[int, dict[int, StepState]]:
    """`plan_states` of many plans at once, by plan id: the same rules on the same facts, in four
    queries whatever the number of plans."""
    today = today or timezone.localdate()
    if not plans:
        return {}
    plan_ids = [plan.pk for plan in plans]
    account_ids = {plan.account_id for plan in plans}
    # The counts and the account's latest org change in one query of scalar subqueries per plan, the same SQL as
    # one plan's (`_facts_row`).
    subqueries = _fact_counts(account="the_plan.account_id", plan="the_plan.id", account_params=[], plan_params=[])
    subqueries["latest_org_change_at"] = (
        f"SELECT MAX(recorded_at) FROM {_table(OrgChange)} WHERE account_id = the_plan.account_id", []
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT the_plan.id, " + ", ".join(f"({sql})" for sql, _params in subqueries.values())
            + f" FROM {_table(AccountPlan)} the_plan WHERE the_plan.id IN ({_in(plan_ids)})",
            [*(param for _sql, params in subqueries.values() for param in params), *plan_ids],
        )
        counts = {row[0]: dict(zip(subqueries, row[1:])) for row in cursor.fetchall()}
    recorded_at = column_converter(OrgChange._meta.get_field("recorded_at"))
    for facts in counts.values():
        facts["latest_org_change_at"] = recorded_at(facts["latest_org_change_at"])
    reviews = defaultdict(list)
    for plan_id, quarter, status in (
        QuarterlyReview.objects.filter(plan_id__in=plan_ids).order_by().values_list("plan_id", "quarter", "status")
    ):
        reviews[plan_id].append((quarter, status))
    chosen = defaultdict(list)
    for row in PlanKpi.objects.filter(plan_id__in=plan_ids).select_related("kpi").order_by("kpi__sort_order", "kpi__code"):
        chosen[row.plan_id].append(row.kpi)
    kpi_ids = {kpi.pk for kpis in chosen.values() for kpi in kpis}
    years = {plan.fiscal_year + later for plan in plans for later in (0, 1, 2)}
    target_rows = defaultdict(list)
    if kpi_ids:
        for row in KpiTarget.objects.filter(account_id__in=account_ids, kpi_id__in=kpi_ids, fiscal_year__in=years):
            target_rows[row.account_id].append(row)

    states = {}
    for plan in plans:
        kpis = chosen.get(plan.pk, [])
        ids = {kpi.pk for kpi in kpis}
        year = plan.fiscal_year
        rows = [
            row for row in target_rows.get(plan.account_id, ())
            if row.kpi_id in ids and (row.fiscal_year == year or (row.fiscal_year in (year + 1, year + 2) and row.period_kind == PeriodKind.YEAR))
        ]
        kpi_count, target_problems = plan_target_facts(
            plan=plan, targets=PlanTargets(kpis=kpis, inputs=inputs_from_rows(rows, fiscal_year=year))
        )
        ended = [q for q in (1, 2, 3, 4) if plan.period(PeriodKind.QUARTER, q).end < today]
        of_ended = [status for quarter, status in reviews.get(plan.pk, ()) if quarter in ended]
        facts = PlanFacts(
            **counts[plan.pk],
            kpis=kpi_count,
            target_problems=target_problems,
            ended_quarters=len(ended),
            reviews_of_ended_quarters=len(of_ended),
            signed_off_reviews_of_ended_quarters=sum(1 for status in of_ended if status == QuarterlyReview.Status.SIGNED_OFF),
        )
        states[plan.pk] = plan_step_states(plan, facts)
    return states
