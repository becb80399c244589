"""What the completeness rules (planning.rules) read of a plan: its facts, in a fixed number of queries."""

import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import Contact, OrgChange, Opportunity
from performance.periods import PeriodKind
from planning.models import (
    AccountPlan,
    ActionItem,
    MarketingAction,
    QuarterlyReview,
    StrategicTask,
)
from planning.rules import PlanFacts, StepState, plan_step_states

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


def plan_facts(*, plan: AccountPlan, today: datetime.date | None = None, targets: PlanTargets | None = None) -> PlanFacts:
    """Aggregates the completeness rules need: a fixed number of queries whatever the plan's size.

    `targets` (from `plan_targets`) saves reading the plan's targets again when the caller has them.
    """
    today = today or timezone.localdate()
    account_id = plan.account_id
    latest_change = OrgChange.objects.filter(account_id=account_id).aggregate(latest=Max("recorded_at"))["latest"]
    decision_makers = Contact.objects.filter(account_id=account_id, status=Contact.Status.ACTIVE, is_decision_maker=True).count()
    opportunities = Opportunity.objects.filter(account_id=account_id, stage__in=Opportunity.OPEN_STAGES).aggregate(
        total=Count("id"), unmapped=Count("id", filter=Q(sponsor_unit__isnull=True))
    )
    fox_or_kingpin = Q(contact__is_fox=True) | Q(contact__is_kingpin=True)
    actions = ActionItem.objects.filter(plan=plan).aggregate(
        tasks=Count("id", filter=Q(kind=ActionItem.Kind.TASK)),
        milestones=Count("id", filter=Q(kind=ActionItem.Kind.MILESTONE)),
        without_owner=Count("id", filter=Q(owner__isnull=True)),
    )
    ended = [q for q in (1, 2, 3, 4) if plan.period(PeriodKind.QUARTER, q).end < today]
    reviews = QuarterlyReview.objects.filter(plan=plan, quarter__in=ended).aggregate(
        total=Count("id"), signed_off=Count("id", filter=Q(status=QuarterlyReview.Status.SIGNED_OFF))
    )
    kpis, target_problems = plan_target_facts(plan=plan, targets=targets)
    return PlanFacts(
        latest_org_change_at=latest_change,
        decision_makers=decision_makers,
        open_opportunities=opportunities["total"],
        unmapped_opportunities=opportunities["unmapped"],
        strategic_tasks=StrategicTask.objects.filter(plan=plan).count(),
        marketing_actions_with_fox_or_kingpin=MarketingAction.objects.filter(plan=plan).filter(fox_or_kingpin).count(),
        tasks=actions["tasks"],
        milestones=actions["milestones"],
        actions_without_owner=actions["without_owner"],
        kpis=kpis,
        target_problems=target_problems,
        ended_quarters=len(ended),
        reviews_of_ended_quarters=reviews["total"],
        signed_off_reviews_of_ended_quarters=reviews["signed_off"],
    )


def plan_states(*, plan: AccountPlan) -> dict[int, StepState]:
    return plan_step_states(plan, plan_facts(plan=plan))
