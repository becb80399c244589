"""Year-end: next fiscal year's plan, carrying what the user confirmed from this one."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, User
from performance.models import KpiTarget
from performance.periods import PeriodKind
from planning.models import (
    AccountPlan,
    ActionItem,
    PlanKpi,
    StrategicTask,
)
from planning.selectors.content import active_contacts
from planning.selectors.kpis import unmet_targets

from .workflow import plan_create


def plan_start_next_year(
    *,
    plan: AccountPlan,
    acting_user: User,
    action_ids: Iterable[int] = (),
    task_ids: Iterable[int] = (),
    carry_org_chart: bool = True,
    carry_unmet_targets: bool = True,
    carry_ambition: bool = True,
) -> AccountPlan:
    """Create next fiscal year's draft, carrying what the user confirmed.

    Open actions move into the new year (dates clipped to it; a parent is kept when it is
    carried too), open strategic tasks are copied, the org chart as it stands becomes the
    baseline step 1 compares against, and unmet targets are kept as context for step 4.
    """
    if plan.approved_version_id is None:
        raise ValidationError(_("Next year's plan starts from a plan that was approved."))
    action_ids, task_ids = set(action_ids), set(task_ids)
    with transaction.atomic():
        next_plan = plan_create(account=plan.account, fiscal_year=plan.fiscal_year + 1, acting_user=acting_user)
        next_plan.previous_plan = plan
        if carry_ambition:
            next_plan.ambition_3y = plan.ambition_3y
        if carry_org_chart:
            next_plan.org_baseline = [
                {
                    "id": contact.pk, "name": contact.name, "title": contact.title,
                    "unit": contact.org_unit.name if contact.org_unit else "",
                    "is_decision_maker": contact.is_decision_maker, "is_purchasing": contact.is_purchasing,
                }
                for contact in active_contacts(plan=plan)
            ]
            next_plan.org_baseline_on = timezone.localdate()
        if carry_unmet_targets:
            next_plan.carried_context = {"unmet_targets": unmet_targets(plan=plan), "from_fiscal_year": plan.fiscal_year}
        next_plan._history_user = acting_user
        next_plan.save()

        # The 3-year targets carry on: a KPI of this plan with a target for next year is chosen in next
        # year's plan, whose step 4 starts from that target (and from the one after it as its own year 2).
        for kpi_id in KpiTarget.objects.filter(
            account_id=plan.account_id, fiscal_year=next_plan.fiscal_year, period_kind=PeriodKind.YEAR,
            kpi__in=PlanKpi.objects.filter(plan=plan).values("kpi"),
        ).values_list("kpi_id", flat=True):
            carried = PlanKpi(plan=next_plan, kpi_id=kpi_id)
            carried._history_user = acting_user
            carried.save()

        tasks = StrategicTask.objects.filter(plan=plan, pk__in=task_ids, status__in=StrategicTask.OPEN_STATUSES)
        for task in tasks:
            copy = StrategicTask(
                plan=next_plan, title=task.title, description=task.description, owner=task.owner,
                target_year=max(task.target_year, next_plan.fiscal_year), status=task.status, carried_from=task,
            )
            copy._history_user = acting_user
            copy.save()

        actions = list(
            ActionItem.objects.filter(plan=plan, pk__in=action_ids, status__in=ActionItem.OPEN_STATUSES).order_by("id")
        )
        copies: dict[int, ActionItem] = {}
        for action in _parents_first(actions):
            start = min(max(action.start_on, next_plan.period_start), next_plan.period_end)
            due = min(max(action.due_on, start), next_plan.period_end)
            if action.kind == ActionItem.Kind.MILESTONE:
                start = due
            copy = ActionItem(
                plan=next_plan, parent=copies.get(action.parent_id), title=action.title, kind=action.kind,
                owner=action.owner, start_on=start, due_on=due, status=action.status,
                percent_done=action.percent_done, carried_from=action,
            )
            copy._history_user = acting_user
            copy.save()
            copies[action.pk] = copy
    return next_plan


def plan_start_carrying_over(*, account: Account, fiscal_year: int, acting_user: User) -> AccountPlan:
    """The new-plan form's "carry over from FY N-1": `plan_start_next_year` from the account's approved plan
    of the year before, carrying what step 7's form carries unless unticked (open actions and strategic
    tasks, the org chart as baseline, unmet targets, the ambition). Nothing is saved when it refuses."""
    previous = AccountPlan.objects.filter(account=account, fiscal_year=fiscal_year - 1).first()
    if previous is None or previous.approved_version_id is None:
        raise ValidationError(
            _("%(account)s has no approved FY %(year)s plan to carry over. Start the plan empty instead.")
            % {"account": account.name, "year": fiscal_year - 1}
        )
    return plan_start_next_year(
        plan=previous, acting_user=acting_user,
        action_ids=ActionItem.objects.filter(plan=previous, status__in=ActionItem.OPEN_STATUSES).values_list("pk", flat=True),
        task_ids=StrategicTask.objects.filter(plan=previous, status__in=StrategicTask.OPEN_STATUSES).values_list("pk", flat=True),
    )


def _parents_first(actions: list[ActionItem]) -> list[ActionItem]:
    ids = {action.pk for action in actions}
    ordered, placed = [], set()
    pending = list(actions)
    while pending:
        rest = []
        for action in pending:
            if action.parent_id is None or action.parent_id not in ids or action.parent_id in placed:
                ordered.append(action)
                placed.add(action.pk)
            else:
                rest.append(action)
        if len(rest) == len(pending):  # cannot happen with a valid tree; keep the rest as top level
            ordered.extend(rest)
            break
        pending = rest
    return ordered
