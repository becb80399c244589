"""The plan's state machine: the `TRANSITIONS` table, who may take each action, and the writes that only move a plan along it (create, revise, close).

Every status change goes through `_transition`, which applies the transition `transition_for` found in the
table and allowed for the acting user (the right is checked there, once).
"""

import datetime
from enum import Enum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, User
from accounts.permissions import (
    user_can_decide_plans,
    user_can_edit_account,
)
from accounts.selectors import account_kam_id
from performance.periods import Period, PeriodKind
from planning.models import (
    PLAN_STEPS,
    AccountPlan,
    Decision,
    PlanStatus,
    PlanVersion,
    QuarterlyReview,
)
from planning.selectors.completeness import plan_facts
from planning.authorship import version_authors
from planning.transitions import Transition, TransitionTable
from planning.rules import plan_step_states


class PlanAction(models.TextChoices):
    SUBMIT = "submit", gettext_lazy("Submit")
    APPROVE = "approve", gettext_lazy("Approve")
    REQUEST_CHANGES = "request_changes", gettext_lazy("Request changes")
    REJECT = "reject", gettext_lazy("Reject")
    REVISE = "revise", gettext_lazy("Start a new revision")
    CLOSE = "close", gettext_lazy("Close")


class Actor(Enum):
    TEAM = "team"  # the account's team (and admins): they write the plan
    EXECUTIVE = "executive"  # executives decide at the consensus meeting


S = PlanStatus
TRANSITIONS = TransitionTable((
    Transition(PlanAction.SUBMIT, S.DRAFT, S.SUBMITTED, Actor.TEAM),
    Transition(PlanAction.SUBMIT, S.CHANGES_REQUESTED, S.SUBMITTED, Actor.TEAM),
    Transition(PlanAction.APPROVE, S.SUBMITTED, S.APPROVED, Actor.EXECUTIVE),
    Transition(PlanAction.REQUEST_CHANGES, S.SUBMITTED, S.CHANGES_REQUESTED, Actor.EXECUTIVE),
    Transition(PlanAction.REJECT, S.SUBMITTED, S.REJECTED, Actor.EXECUTIVE),
    # An approved (or rejected) plan is changed in a new revision, which needs approval again.
    Transition(PlanAction.REVISE, S.APPROVED, S.DRAFT, Actor.TEAM),
    Transition(PlanAction.REVISE, S.REJECTED, S.DRAFT, Actor.TEAM),
    Transition(PlanAction.CLOSE, S.APPROVED, S.CLOSED, Actor.TEAM),
))
del S


# The audit trail's reason on the plan's row when an executive's decision moved its status.
DECISION_CHANGE_REASON = "decision"


# Where the plan's content (steps 1–5) may be edited.
EDITABLE_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED})


class PlanConflict(Exception):
    """Someone saved the plan after the form was opened: the save is refused, nothing is written."""

    def __init__(self, *, saved_by: User | None, saved_at: datetime.datetime, lock_version: int):
        super().__init__("plan changed since the form was opened")
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.lock_version = lock_version


def _actor_may(actor: Actor, *, user: User, plan: AccountPlan) -> bool:
    if actor is Actor.TEAM:
        return user_can_edit_account(user=user, account=plan.account)
    return user_can_decide_plans(user)


def _require_not_author(*, version: PlanVersion, acting_user: User, message: str) -> None:
    if acting_user.pk in version_authors(version=version):
        raise PermissionDenied(message)


def _latest_version(plan: AccountPlan) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan=plan).order_by("-number").first()


def transition_for(*, plan: AccountPlan, action: str, acting_user: User) -> Transition:
    """The transition `action` makes from the plan's status, if `acting_user` may make it.

    Raises ValidationError when the action is not allowed from this status, PermissionDenied
    when the user's role may not take it.
    """
    transition = TRANSITIONS.find(status=plan.status, action=action)
    if transition is None:
        raise ValidationError(
            _("“%(action)s” is not possible while the plan is “%(status)s”.")
            % {"action": PlanAction(action).label, "status": PlanStatus(plan.status).label}
        )
    if not _actor_may(transition.actor, user=acting_user, plan=plan):
        raise PermissionDenied(_("Your role may not do this to the plan."))
    return transition


def allowed_actions(*, plan: AccountPlan, user: User, can_edit: bool | None = None) -> set[str]:
    """The actions the user may take on the plan now (before any step-specific precondition); `can_edit`:
    whether the user writes the plan's account (user_can_edit_account), when the caller knows it already."""
    allowed = set()
    for transition in TRANSITIONS.from_status(plan.status):
        if transition.actor is Actor.TEAM and can_edit is not None:
            if can_edit:
                allowed.add(transition.action)
        elif _actor_may(transition.actor, user=user, plan=plan):
            allowed.add(transition.action)
    if allowed & set(DECISION_ACTIONS.values()):
        latest = _latest_version(plan)
        if latest is not None and user.pk in version_authors(version=latest):
            allowed -= set(DECISION_ACTIONS.values())
    return allowed


def _transition(*, plan: AccountPlan, transition: Transition, acting_user: User) -> AccountPlan:
    """Move the (locked) plan along `transition`, which `transition_for` found and allowed for `acting_user`;
    open step forms become stale, so the lock moves on too."""
    plan.status = transition.target
    plan.lock_version += 1
    if transition.actor is Actor.TEAM:
        # An executive's decision edits no step: "Last saved by" stays the last person who wrote the plan.
        plan.updated_by = acting_user
    else:
        # Marked in the audit trail, so deciding is never taken for editing (planning.meetings.user_edited_version).
        plan._change_reason = DECISION_CHANGE_REASON
    plan._history_user = acting_user
    plan.save(update_fields=["status", "revision", "approved_version", "lock_version", "updated_by", "updated_at"])
    return plan


def _locked(plan: AccountPlan) -> AccountPlan:
    """The plan's row, locked for the rest of the transaction, with its status as stored."""
    return AccountPlan.objects.select_for_update(of=("self",)).select_related("account", "owner", "updated_by").get(pk=plan.pk)


def plan_create(*, account: Account, fiscal_year: int, acting_user: User) -> AccountPlan:
    """Start a draft plan for the account's fiscal year; one plan per account and year.

    The plan's KAM (`owner`) is the account's KAM, whoever opens the plan (none while the team has no KAM).
    """
    if not user_can_edit_account(user=acting_user, account=account):
        raise PermissionDenied(_("Only the account's team writes its plan."))
    if account.is_withdrawn:
        raise ValidationError(
            _("%(account)s is withdrawn: it gets no new plans. An admin makes it active again first.") % {"account": account.name}
        )
    try:
        year = Period(PeriodKind.YEAR, fiscal_year, 1, account.fiscal_year_start_month)
    except ValueError:
        raise ValidationError(_("Choose a fiscal year between 2000 and 2100.")) from None
    plan = AccountPlan(
        account=account, fiscal_year=fiscal_year, period_start=year.start, period_end=year.end,
        owner_id=account_kam_id(account=account), created_by=acting_user, updated_by=acting_user,
    )
    plan._history_user = acting_user
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError(
            _("%(account)s already has a plan for FY %(year)s.") % {"account": account.name, "year": fiscal_year}
        ) from None
    return plan


def plan_owners_follow_kam(*, account_id: int) -> int:
    """The account's open plans (and their open reviews) take its current KAM as their KAM.

    Called when the account's team changes (registered in `PlanningConfig.ready`); closed plans keep
    the KAM of their year. Returns how many plans changed.
    """
    kam_id = account_kam_id(account=Account(pk=account_id))
    with transaction.atomic():
        plans = AccountPlan.objects.filter(account_id=account_id).exclude(status=PlanStatus.CLOSED)
        changed = plans.exclude(owner_id=kam_id) if kam_id is not None else plans.filter(owner__isnull=False)
        count = changed.update(owner_id=kam_id)
        if count:
            QuarterlyReview.objects.filter(plan__in=plans, status=QuarterlyReview.Status.OPEN).update(owner_id=kam_id)
    return count


def step_is_editable(*, plan: AccountPlan, step: int) -> bool:
    """Steps 1–5 while the plan is a draft or sent back; the year-end once it was approved, until closed."""
    if step in PLAN_STEPS:
        return plan.status in EDITABLE_STATUSES
    if step == 7:
        return plan.approved_version_id is not None and plan.status != PlanStatus.CLOSED
    return False


DECISION_ACTIONS = {
    Decision.Outcome.APPROVED: PlanAction.APPROVE,
    Decision.Outcome.CHANGES_REQUESTED: PlanAction.REQUEST_CHANGES,
    Decision.Outcome.REJECTED: PlanAction.REJECT,
}


def plan_revise(*, plan: AccountPlan, acting_user: User) -> AccountPlan:
    """Open a new revision of an approved or rejected plan; it needs approval again."""
    with transaction.atomic():
        current = _locked(plan)
        transition = transition_for(plan=current, action=PlanAction.REVISE, acting_user=acting_user)
        current.revision += 1
        return _transition(plan=current, transition=transition, acting_user=acting_user)


def plan_close(*, plan: AccountPlan, acting_user: User) -> AccountPlan:
    """Close an approved plan at year-end once the evaluation and wrap-up are written."""
    with transaction.atomic():
        current = _locked(plan)
        transition = transition_for(plan=current, action=PlanAction.CLOSE, acting_user=acting_user)
        if not plan_step_states(current, plan_facts(plan=current))[7].complete:
            raise ValidationError(_("Write the year-end evaluation and the wrap-up (step 7) before closing the plan."))
        return _transition(plan=current, transition=transition, acting_user=acting_user)
