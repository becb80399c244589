"""What the completeness rules (planning.rules) read of a plan: its facts, in a fixed number of queries."""

import datetime
from collections import defaultdict

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Contact, OrgChange, Opportunity
from performance.models import KpiTarget
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


def _scalar(queryset: QuerySet, by: str, value) -> Subquery:
    """One number of `queryset`'s rows that share the outer plan's `by` (its pk or its account), as a subquery."""
    return Subquery(queryset.filter(**{by: OuterRef("pk" if by == "plan" else "account_id")}).order_by()
                    .values(by).annotate(value=value).values("value")[:1])


def _counted(queryset: QuerySet, by: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(_scalar(queryset, by, Count("id", filter=condition)), 0)


def plan_facts(
    *, plan: AccountPlan, today: datetime.date | None = None, targets: PlanTargets | None = None
) -> PlanFacts:
    """Aggregates the completeness rules need, whatever the plan's size: one query for the counts (each a
    subquery), and two for the targets (none when `targets`, from `plan_targets`, come with the call)."""
    today = today or timezone.localdate()
    ended = [q for q in (1, 2, 3, 4) if plan.period(PeriodKind.QUARTER, q).end < today]
    open_opportunities = Opportunity.objects.filter(stage__in=Opportunity.OPEN_STAGES)
    ended_reviews = QuarterlyReview.objects.filter(quarter__in=ended)
    fox_or_kingpin = Q(contact__is_fox=True) | Q(contact__is_kingpin=True)
    counts = {
        "latest_org_change_at": _scalar(OrgChange.objects.all(), "account", Max("recorded_at")),
        "decision_makers": _counted(
            Contact.objects.filter(status=Contact.Status.ACTIVE, is_decision_maker=True), "account"
        ),
        "open_opportunities": _counted(open_opportunities, "account"),
        "unmapped_opportunities": _counted(open_opportunities, "account", Q(sponsor_unit__isnull=True)),
        "strategic_tasks": _counted(StrategicTask.objects.all(), "plan"),
        "marketing_actions_with_fox_or_kingpin": _counted(MarketingAction.objects.filter(fox_or_kingpin), "plan"),
        "tasks": _counted(ActionItem.objects.all(), "plan", Q(kind=ActionItem.Kind.TASK)),
        "milestones": _counted(ActionItem.objects.all(), "plan", Q(kind=ActionItem.Kind.MILESTONE)),
        "actions_without_owner": _counted(ActionItem.objects.all(), "plan", Q(owner__isnull=True)),
        "reviews_of_ended_quarters": _counted(ended_reviews, "plan"),
        "signed_off_reviews_of_ended_quarters": _counted(
            ended_reviews, "plan", Q(status=QuarterlyReview.Status.SIGNED_OFF)
        ),
    }
    # Aliased apart: some names are the plan's own fields (its reverse relations).
    row = AccountPlan.objects.filter(pk=plan.pk).values(**{f"fact_{name}": count for name, count in counts.items()}).get()
    kpis, target_problems = plan_target_facts(plan=plan, targets=targets)
    return PlanFacts(
        **{name: row[f"fact_{name}"] for name in counts},
        kpis=kpis, target_problems=target_problems, ended_quarters=len(ended),
    )


def plan_states(*, plan: AccountPlan) -> dict[int, StepState]:
    return plan_step_states(plan, plan_facts(plan=plan))


def plans_step_states(*, plans: list[AccountPlan], today: datetime.date | None = None) -> dict[int, dict[int, StepState]]:
    """`plan_states` of many plans at once, by plan id: the same rules on the same facts, in nine
    queries whatever the number of plans (the "My work" panel lists every plan of a portfolio)."""
    today = today or timezone.localdate()
    if not plans:
        return {}
    plan_ids = [plan.pk for plan in plans]
    account_ids = {plan.account_id for plan in plans}
    latest_change = dict(
        OrgChange.objects.filter(account_id__in=account_ids).order_by().values("account_id")
        .annotate(latest=Max("recorded_at")).values_list("account_id", "latest")
    )
    decision_makers = dict(
        Contact.objects.filter(account_id__in=account_ids, status=Contact.Status.ACTIVE, is_decision_maker=True)
        .order_by().values("account_id").annotate(n=Count("id")).values_list("account_id", "n")
    )
    opportunities = {
        row["account_id"]: row
        for row in Opportunity.objects.filter(account_id__in=account_ids, stage__in=Opportunity.OPEN_STAGES)
        .order_by().values("account_id").annotate(total=Count("id"), unmapped=Count("id", filter=Q(sponsor_unit__isnull=True)))
    }
    actions = {
        row["plan_id"]: row
        for row in ActionItem.objects.filter(plan_id__in=plan_ids).order_by().values("plan_id").annotate(
            tasks=Count("id", filter=Q(kind=ActionItem.Kind.TASK)),
            milestones=Count("id", filter=Q(kind=ActionItem.Kind.MILESTONE)),
            without_owner=Count("id", filter=Q(owner__isnull=True)),
        )
    }
    tasks = dict(
        StrategicTask.objects.filter(plan_id__in=plan_ids).order_by().values("plan_id")
        .annotate(n=Count("id")).values_list("plan_id", "n")
    )
    fox_or_kingpin = Q(contact__is_fox=True) | Q(contact__is_kingpin=True)
    marketing = dict(
        MarketingAction.objects.filter(plan_id__in=plan_ids).filter(fox_or_kingpin).order_by().values("plan_id")
        .annotate(n=Count("id")).values_list("plan_id", "n")
    )
    reviews = defaultdict(list)
    for plan_id, quarter, status in QuarterlyReview.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "quarter", "status"):
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
        opportunity = opportunities.get(plan.account_id, {})
        action = actions.get(plan.pk, {})
        facts = PlanFacts(
            latest_org_change_at=latest_change.get(plan.account_id),
            decision_makers=decision_makers.get(plan.account_id, 0),
            open_opportunities=opportunity.get("total", 0),
            unmapped_opportunities=opportunity.get("unmapped", 0),
            strategic_tasks=tasks.get(plan.pk, 0),
            marketing_actions_with_fox_or_kingpin=marketing.get(plan.pk, 0),
            tasks=action.get("tasks", 0),
            milestones=action.get("milestones", 0),
            actions_without_owner=action.get("without_owner", 0),
            kpis=kpi_count,
            target_problems=target_problems,
            ended_quarters=len(ended),
            reviews_of_ended_quarters=len(of_ended),
            signed_off_reviews_of_ended_quarters=sum(1 for status in of_ended if status == QuarterlyReview.Status.SIGNED_OFF),
        )
        states[plan.pk] = plan_step_states(plan, facts)
    return states
