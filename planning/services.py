"""Every write to plans, versions, meetings, decisions and reviews. Keyword-only, atomic, told who acts.

The plan's state machine is the `TRANSITIONS` table below and nothing else: every status
change goes through `_transition`, which checks the table and the acting user's role.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, AccountTeamMember, Opportunity, OrgUnit, User
from accounts.permissions import (
    user_can_decide_plans,
    user_can_edit_account,
    user_can_sign_off_reviews,
    user_runs_meetings,
)
from accounts.selectors import account_kam_id
from accounts.services import opportunity_save
from notifications.models import NotificationKind
from notifications.services import NotificationDraft, notifications_create
from planning import attachments as attachment_checks
from planning import grants as grants_module
from planning import meetings
from performance.models import KpiDefinition, KpiTarget
from performance.periods import Period, PeriodKind
from planning.models import (
    PLAN_STEPS,
    AccountPlan,
    ActionItem,
    AgendaItem,
    ConsensusMeeting,
    Decision,
    MarketingAction,
    MeetingStatus,
    PlanAttachment,
    PlanKpi,
    PlanStatus,
    PlanVersion,
    QuarterlyReview,
    ReviewComment,
    StepComment,
    StrategicTask,
    SupportRequest,
)
from planning.authorship import version_authors
from planning.pdfs import version_pdfs_request
from planning.rules import incomplete_plan_steps, plan_step_states
from planning.snapshot import plan_snapshot
from planning.targets import TargetInput, target_problems

# --- The state machine ------------------------------------------------------------------


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


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    actor: Actor


S = PlanStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition(PlanAction.SUBMIT, S.DRAFT, S.SUBMITTED, Actor.TEAM),
    Transition(PlanAction.SUBMIT, S.CHANGES_REQUESTED, S.SUBMITTED, Actor.TEAM),
    Transition(PlanAction.APPROVE, S.SUBMITTED, S.APPROVED, Actor.EXECUTIVE),
    Transition(PlanAction.REQUEST_CHANGES, S.SUBMITTED, S.CHANGES_REQUESTED, Actor.EXECUTIVE),
    Transition(PlanAction.REJECT, S.SUBMITTED, S.REJECTED, Actor.EXECUTIVE),
    # An approved (or rejected) plan is changed in a new revision, which needs approval again.
    Transition(PlanAction.REVISE, S.APPROVED, S.DRAFT, Actor.TEAM),
    Transition(PlanAction.REVISE, S.REJECTED, S.DRAFT, Actor.TEAM),
    Transition(PlanAction.CLOSE, S.APPROVED, S.CLOSED, Actor.TEAM),
)
_TRANSITION_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}
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


# --- Separation of duties ---------------------------------------------------------------

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
    transition = _TRANSITION_BY_KEY.get((plan.status, action))
    if transition is None:
        raise ValidationError(
            _("“%(action)s” is not possible while the plan is “%(status)s”.")
            % {"action": PlanAction(action).label, "status": PlanStatus(plan.status).label}
        )
    if not _actor_may(transition.actor, user=acting_user, plan=plan):
        raise PermissionDenied(_("Your role may not do this to the plan."))
    return transition


def allowed_actions(*, plan: AccountPlan, user: User) -> set[str]:
    """The actions the user may take on the plan now (before any step-specific precondition)."""
    allowed = set()
    for transition in TRANSITIONS:
        if transition.source == plan.status and _actor_may(transition.actor, user=user, plan=plan):
            allowed.add(transition.action)
    if allowed & set(_DECISION_ACTIONS.values()):
        latest = _latest_version(plan)
        if latest is not None and user.pk in version_authors(version=latest):
            allowed -= set(_DECISION_ACTIONS.values())
    return allowed


def _transition(*, plan: AccountPlan, action: str, acting_user: User) -> AccountPlan:
    """Move the (locked) plan along the table; open step forms become stale, so the lock moves on too."""
    transition = transition_for(plan=plan, action=action, acting_user=acting_user)
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


# --- Creating a plan --------------------------------------------------------------------


def plan_create(*, account: Account, fiscal_year: int, acting_user: User) -> AccountPlan:
    """Start a draft plan for the account's fiscal year; one plan per account and year.

    The plan's KAM (`owner`) is the account's KAM, whoever opens the plan (none while the team has no KAM).
    """
    if not user_can_edit_account(user=acting_user, account=account):
        raise PermissionDenied(_("Only the account's team writes its plan."))
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


# --- Saving a step ----------------------------------------------------------------------

STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("org_review_notes",),
    2: ("mapping_notes",),
    3: ("cbp_summary", "cbp_initiatives", "cbp_budget", "cbp_budget_notes", "cbp_source", "cbp_confidence"),
    4: (
        "ambition_3y", "plan_1y", "market_review", "competition_review", "swot_strengths", "swot_weaknesses",
        "swot_opportunities", "swot_threats", "strategy_summary", "execution_summary", "tam",
    ),
    5: (),
    7: ("year_end_evaluation", "wrap_up"),
}


@dataclass(frozen=True)
class Collection:
    model: type[models.Model]
    fields: tuple[str, ...]


COLLECTIONS: dict[str, Collection] = {
    "strategic_tasks": Collection(StrategicTask, ("title", "description", "owner", "target_year", "status")),
    "marketing_actions": Collection(MarketingAction, ("kind", "title", "contact", "planned_on", "status")),
    "support_requests": Collection(SupportRequest, ("kind", "description", "offering", "amount", "status")),
    "actions": Collection(
        ActionItem, ("title", "kind", "owner", "start_on", "due_on", "status", "percent_done", "parent")
    ),
}
STEP_COLLECTIONS: dict[int, tuple[str, ...]] = {4: ("strategic_tasks", "marketing_actions"), 5: ("support_requests", "actions")}


def step_is_editable(*, plan: AccountPlan, step: int) -> bool:
    """Steps 1–5 while the plan is a draft or sent back; the year-end once it was approved, until closed."""
    if step in PLAN_STEPS:
        return plan.status in EDITABLE_STATUSES
    if step == 7:
        return plan.approved_version_id is not None and plan.status != PlanStatus.CLOSED
    return False


def plan_step_save(
    *,
    plan: AccountPlan,
    step: int,
    acting_user: User,
    expected_lock_version: int,
    fields: dict | None = None,
    collections: dict[str, list[dict]] | None = None,
    mappings: list[tuple[Opportunity, OrgUnit | None]] | None = None,
    targets: dict[KpiDefinition, TargetInput] | None = None,
    confirm_org_review: bool = False,
) -> AccountPlan:
    """Save one step of the plan as a draft: all of it or, on any error, nothing.

    `fields` are the step's own plan fields; `collections` its lists of rows (each a dict of
    field values with `id` (None for a new row) and `delete`); `mappings` the sponsoring unit of
    each open opportunity (step 2); `targets` the KPIs chosen and their targets (step 4),
    written to the account's performance.KpiTarget rows of the plan's year. Refuses with
    PlanConflict when the plan was saved after the form was opened (`expected_lock_version` is
    the number the form was rendered with).
    """
    if not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team writes its plan."))
    # Browsers send textarea line breaks as CRLF: store LF, so an unchanged text compares equal.
    fields = {name: _plain_text(value) for name, value in (fields or {}).items()}
    collections = {
        name: [{key: _plain_text(value) for key, value in row.items()} for row in rows]
        for name, rows in (collections or {}).items()
    }
    unknown = set(fields) - set(STEP_FIELDS.get(step, ()))
    if unknown:
        raise ValueError(f"fields {sorted(unknown)} do not belong to step {step}")
    with transaction.atomic():
        current = _locked(plan)
        if current.lock_version != expected_lock_version:
            raise PlanConflict(saved_by=current.updated_by, saved_at=current.updated_at, lock_version=current.lock_version)
        if not step_is_editable(plan=current, step=step):
            raise ValidationError(_("This step cannot be changed while the plan is “%(status)s”.") % {
                "status": current.get_status_display()})
        errors: list[str] = []
        _check_fields(current, fields, errors)
        for name in STEP_COLLECTIONS.get(step, ()):
            _check_rows(current, name, collections.get(name, []), errors)
        if mappings:
            _check_mappings(current, mappings, errors)
        if targets and step == 4:
            for kpi, target in targets.items():
                if target.chosen:
                    errors.extend(target_problems(kpi, target))
        if errors:
            raise ValidationError(errors)

        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, fields[name])
        if confirm_org_review and step == 1:
            current.org_reviewed_by = acting_user
            current.org_reviewed_at = timezone.now()
            changed += ["org_reviewed_by", "org_reviewed_at"]
        for name in STEP_COLLECTIONS.get(step, ()):
            _apply_rows(current, name, collections.get(name, []), acting_user)
        if targets and step == 4:
            _apply_targets(current, targets, acting_user)
        # The opportunities as stored now, so a mapping never writes back other fields read earlier.
        fresh = Opportunity.objects.select_related("sponsor_unit").in_bulk([o.pk for o, _unit in mappings or ()])
        for stale, unit in mappings or ():
            opportunity = fresh[stale.pk]
            if opportunity.sponsor_unit_id != (unit.pk if unit else None):
                opportunity.sponsor_unit = unit
                try:
                    opportunity_save(opportunity=opportunity, acting_user=acting_user)
                except ValidationError as error:
                    raise ValidationError(
                        [_("Opportunity “%(name)s”: %(problem)s") % {"name": opportunity.name, "problem": message}
                         for message in error.messages]
                    ) from None
        current.lock_version += 1
        current.updated_by = acting_user
        current._history_user = acting_user
        if changed:
            current.save(update_fields=[*changed, "lock_version", "updated_by", "updated_at"])
        else:
            # Nothing of the plan itself changed: move the lock on without an audit record.
            AccountPlan.objects.filter(pk=current.pk).update(
                lock_version=F("lock_version") + 1, updated_by=acting_user, updated_at=timezone.now()
            )
    return current


def _plain_text(value):
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _in_year(plan: AccountPlan, day: datetime.date | None) -> bool:
    return day is None or plan.period_start <= day <= plan.period_end


def _year_text(plan: AccountPlan) -> str:
    return _("FY %(year)s (%(start)s – %(end)s)") % {
        "year": plan.fiscal_year, "start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()}


def _check_fields(plan: AccountPlan, fields: dict, errors: list[str]) -> None:
    for name in ("tam", "cbp_budget"):
        value = fields.get(name)
        if value is not None and value < 0:
            errors.append(_("%(field)s cannot be negative.") % {"field": AccountPlan._meta.get_field(name).verbose_name})
    for name, value in fields.items():
        _check_length(AccountPlan, name, value, errors)


def _check_length(model: type[models.Model], name: str, value, errors: list[str], *, row: str = "") -> None:
    """Text over its field's limit (the model's max_length, which a TextField does not check itself)."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if isinstance(value, str) and limit and len(value) > limit:
        message = _("%(field)s may be at most %(limit)s characters long (it has %(length)s).") % {
            "field": capfirst(model._meta.get_field(name).verbose_name), "limit": f"{limit:,}", "length": f"{len(value):,}"}
        errors.append(f"{row}: {message}" if row else message)


def _check_rows(plan: AccountPlan, name: str, rows: list[dict], errors: list[str]) -> None:
    collection = COLLECTIONS[name]
    existing = set(collection.model.objects.filter(plan=plan).values_list("id", flat=True))
    for row in rows:
        if row.get("id") is not None and row["id"] not in existing:
            errors.append(_("A row was removed by someone else meanwhile; reload the page."))
            return
    checker = {
        "strategic_tasks": _check_strategic_task,
        "marketing_actions": _check_marketing_action,
        "support_requests": _check_support_request,
        "actions": _check_action,
    }[name]
    for row in rows:
        if not row.get("delete"):
            checker(plan, row, errors)
            for field in collection.fields:
                _check_length(collection.model, field, row.get(field), errors,
                              row=str(row.get("title") or row.get("description") or "")[:60])
    if name == "actions":
        _check_action_tree(plan, rows, errors)


def _check_strategic_task(plan: AccountPlan, row: dict, errors: list[str]) -> None:
    first, last = plan.fiscal_year, plan.fiscal_year + 2
    if not first <= row["target_year"] <= last:
        errors.append(_("Strategic task “%(title)s”: the target year must be within the 3-year horizon, FY %(first)s–%(last)s.")
                      % {"title": row["title"], "first": first, "last": last})


def _check_marketing_action(plan: AccountPlan, row: dict, errors: list[str]) -> None:
    if not _in_year(plan, row["planned_on"]):
        errors.append(_("Marketing action “%(title)s”: the date is outside %(year)s.") % {"title": row["title"], "year": _year_text(plan)})
    contact = row.get("contact")
    if contact is not None and contact.account_id != plan.account_id:
        errors.append(_("Marketing action “%(title)s”: the contact belongs to another account.") % {"title": row["title"]})


def _check_support_request(plan: AccountPlan, row: dict, errors: list[str]) -> None:
    if row["amount"] is not None and row["amount"] < 0:
        errors.append(_("Support request “%(title)s”: the amount cannot be negative.") % {"title": row["description"]})


def _check_action(plan: AccountPlan, row: dict, errors: list[str]) -> None:
    title = row["title"]
    start = row["due_on"] if row["kind"] == ActionItem.Kind.MILESTONE else row["start_on"]
    if not (_in_year(plan, start) and _in_year(plan, row["due_on"])):
        errors.append(_("Action “%(title)s”: its dates must be within %(year)s.") % {"title": title, "year": _year_text(plan)})
    elif start is None or start > row["due_on"]:
        errors.append(_("Action “%(title)s”: the start is after the due date.") % {"title": title})
    if not 0 <= row["percent_done"] <= 100:
        errors.append(_("Action “%(title)s”: %% done must be between 0 and 100.") % {"title": title})
    parent = row.get("parent")
    if parent is not None and parent.plan_id != plan.pk:
        errors.append(_("Action “%(title)s”: the parent belongs to another plan.") % {"title": title})


def _check_action_tree(plan: AccountPlan, rows: list[dict], errors: list[str]) -> None:
    """No task may become its own ancestor, and a task with subtasks is not deleted alone."""
    stored = ActionItem.objects.filter(plan=plan).values_list("id", "parent_id", "title")
    parent_of = {action_id: parent_id for action_id, parent_id, _title in stored}
    titles = {action_id: title for action_id, _parent_id, title in stored}
    deleted = {row["id"] for row in rows if row.get("id") and row.get("delete")}
    for row in rows:
        if row.get("id") and not row.get("delete"):
            parent = row.get("parent")
            parent_of[row["id"]] = parent.pk if parent else None
    for action_id in parent_of:
        if action_id in deleted:
            continue
        seen = set()
        current = parent_of.get(action_id)
        while current is not None:
            if current == action_id or current in seen:
                errors.append(_("Action “%(title)s” cannot be its own ancestor: choose another parent.")
                              % {"title": titles.get(action_id, action_id)})
                break
            seen.add(current)
            current = parent_of.get(current)
    for action_id in deleted:
        orphans = [titles[child] for child, parent in parent_of.items() if parent == action_id and child not in deleted]
        if orphans:
            errors.append(_("Action “%(title)s” has subtasks (%(children)s): delete or move them first.")
                          % {"title": titles[action_id], "children": ", ".join(orphans)})
    new_parents = {row["parent"].pk for row in rows if not row.get("delete") and row.get("parent") is not None}
    for action_id in deleted & new_parents:
        errors.append(_("Action “%(title)s” is deleted but chosen as a parent.") % {"title": titles[action_id]})


def _check_mappings(plan: AccountPlan, mappings: list, errors: list[str]) -> None:
    for opportunity, unit in mappings:
        if opportunity.account_id != plan.account_id or (unit is not None and unit.account_id != plan.account_id):
            errors.append(_("Opportunity “%(name)s”: the org unit belongs to another account.") % {"name": opportunity.name})


def _apply_rows(plan: AccountPlan, name: str, rows: list[dict], acting_user: User) -> None:
    """Create, update or delete the rows; unchanged rows are not written (no empty audit records)."""
    collection = COLLECTIONS[name]
    by_id = collection.model.objects.filter(plan=plan).in_bulk([row["id"] for row in rows if row.get("id")])
    # Children before parents, so RESTRICT never fires for a parent deleted with its subtasks.
    for row in sorted((r for r in rows if r.get("id") and r.get("delete")), key=lambda r: -_depth(by_id, r["id"])):
        instance = by_id[row["id"]]
        instance._history_user = acting_user
        instance.delete()
    for row in rows:
        if row.get("delete"):
            continue
        values = {field: row[field] for field in collection.fields if field in row}
        if name == "actions":
            if values.get("kind") == ActionItem.Kind.MILESTONE:
                values["start_on"] = values["due_on"]  # a milestone is one day
            if values.get("status") == ActionItem.Status.DONE:
                values["percent_done"] = 100
        instance = by_id.get(row["id"]) if row.get("id") else collection.model(plan=plan)
        dirty = instance.pk is None or any(
            getattr(instance, _attname(collection.model, field)) != _raw(value) for field, value in values.items()
        )
        if not dirty:
            continue
        for field, value in values.items():
            setattr(instance, field, value)
        instance._history_user = acting_user
        instance.full_clean(exclude=["plan", "parent", "carried_from"])
        instance.save()


def _attname(model, field: str) -> str:
    return model._meta.get_field(field).attname


def _raw(value):
    return value.pk if isinstance(value, models.Model) else value


def _depth(by_id: dict, action_id: int) -> int:
    depth, current = 0, by_id.get(action_id)
    while current is not None and getattr(current, "parent_id", None) and depth < 100:
        depth += 1
        current = by_id.get(current.parent_id)
    return depth


def _apply_targets(plan: AccountPlan, targets: dict[KpiDefinition, TargetInput], acting_user: User) -> None:
    """Choose and drop the plan's KPIs and write their targets; only changed values are written."""
    chosen_rows = {row.kpi_id: row for row in PlanKpi.objects.filter(plan=plan)}
    year = plan.fiscal_year
    stored = {
        (row.kpi_id, row.fiscal_year, row.period_kind, row.period_index): row
        for row in KpiTarget.objects.filter(account_id=plan.account_id, kpi__in=list(targets)).filter(
            Q(fiscal_year=year) | Q(fiscal_year__in=[year + 1, year + 2], period_kind=PeriodKind.YEAR)
        )
    }
    for kpi, target in targets.items():
        row = chosen_rows.get(kpi.pk)
        if target.chosen and row is None:
            row = PlanKpi(plan=plan, kpi=kpi)
            row._history_user = acting_user
            row.save()
        elif not target.chosen and row is not None:
            row._history_user = acting_user
            row.delete()
        elif not target.chosen:
            continue  # never part of this plan: its targets (if any) are not the plan's to touch
        # The plan year's periods, then the 3-year targets: the year targets of the two years after it,
        # which next year's plan starts from.
        values = [((year, kind, index), value) for (kind, index), value in target.values(kpi).items()]
        values += [((year + offset, PeriodKind.YEAR, 1), value) for offset, value in enumerate(target.later_years, start=1)]
        for (fiscal_year, kind, index), value in values:
            if not target.chosen:
                value = None
            existing = stored.get((kpi.pk, fiscal_year, kind, index))
            if existing is not None:
                existing._history_user = acting_user
            if value is None:
                if existing is not None:
                    existing.delete()
            elif existing is None:
                created = KpiTarget(
                    account_id=plan.account_id, kpi=kpi, fiscal_year=fiscal_year, period_kind=kind,
                    period_index=index, value=value, set_by=acting_user,
                )
                created._history_user = acting_user
                created.save()
            elif existing.value != value:
                existing.value, existing.set_by = value, acting_user
                existing.save(update_fields=["value", "set_by", "updated_at"])


def action_progress_save(
    *, plan: AccountPlan, progress: list[dict], expected_lock_version: int, acting_user: User
) -> AccountPlan:
    """Record the status and % done of actions of an approved plan: tracking execution needs no new revision."""
    if not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team writes its plan."))
    with transaction.atomic():
        current = _locked(plan)
        if current.lock_version != expected_lock_version:
            raise PlanConflict(saved_by=current.updated_by, saved_at=current.updated_at, lock_version=current.lock_version)
        if current.status != PlanStatus.APPROVED:
            raise ValidationError(_("Progress is recorded on an approved plan; edit the plan's steps instead."))
        actions = ActionItem.objects.filter(plan=current).in_bulk([row["id"] for row in progress])
        for row in progress:
            action = actions.get(row["id"])
            if action is None:
                raise ValidationError(_("An action was removed meanwhile; reload the page."))
            percent = 100 if row["status"] == ActionItem.Status.DONE else row["percent_done"]
            if not 0 <= percent <= 100:
                raise ValidationError(_("Action “%(title)s”: %% done must be between 0 and 100.") % {"title": action.title})
            if (action.status, action.percent_done) != (row["status"], percent):
                action.status, action.percent_done = row["status"], percent
                action._history_user = acting_user
                action.save(update_fields=["status", "percent_done"])
        AccountPlan.objects.filter(pk=current.pk).update(
            lock_version=F("lock_version") + 1, updated_by=acting_user, updated_at=timezone.now()
        )
        current.refresh_from_db(fields=["lock_version", "updated_at", "updated_by"])
    return current


# --- Attachments ------------------------------------------------------------------------


def attachment_add(*, plan: AccountPlan, upload, description: str = "", acting_user: User) -> PlanAttachment:
    """Store a PDF or Office document for step 3 after checking its size and its real type."""
    if not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team writes its plan."))
    if not step_is_editable(plan=plan, step=3):
        raise ValidationError(_("Attachments cannot be changed while the plan is “%(status)s”.") % {
            "status": plan.get_status_display()})
    kind, content_type = attachment_checks.check_upload(upload)
    attachment = PlanAttachment(
        plan=plan, original_name=attachment_checks.clean_name(upload.name), kind=kind, content_type=content_type,
        size=upload.size, description=description, uploaded_by=acting_user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment._history_user = acting_user
    try:
        with transaction.atomic():
            attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_delete(*, attachment: PlanAttachment, acting_user: User) -> None:
    plan = attachment.plan
    if not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team writes its plan."))
    if not step_is_editable(plan=plan, step=3):
        raise ValidationError(_("Attachments cannot be changed while the plan is “%(status)s”.") % {
            "status": plan.get_status_display()})
    stored = attachment.file.name
    attachment._history_user = acting_user
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))


# --- Submission, decisions, revisions ---------------------------------------------------


def plan_submit(
    *, plan: AccountPlan, acting_user: User, meeting: ConsensusMeeting | None = None, note: str = ""
) -> PlanVersion:
    """Submit the plan for the consensus meeting: steps 1–5 must be complete; the version is frozen."""
    from planning.selectors import plan_facts

    with transaction.atomic():
        current = _locked(plan)
        transition_for(plan=current, action=PlanAction.SUBMIT, acting_user=acting_user)
        missing = incomplete_plan_steps(plan_step_states(current, plan_facts(current)))
        if missing:
            raise ValidationError(
                _("Complete these steps before submitting: %(steps)s.")
                % {"steps": ", ".join(f"{state.number}. {state.title}" for state in missing)}
            )
        number = (PlanVersion.objects.filter(plan=current).aggregate(top=Max("number"))["top"] or 0) + 1
        submission = PlanVersion.objects.filter(plan=current, revision=current.revision).count() + 1
        version = PlanVersion.objects.create(
            plan=current, number=number, revision=current.revision, submission=submission, snapshot=plan_snapshot(current),
            submitted_by=acting_user, submitted_at=timezone.now(), note=note,
        )
        _transition(plan=current, action=PlanAction.SUBMIT, acting_user=acting_user)
        if meeting is not None:
            agenda_item_add(meeting=meeting, version=version, acting_user=acting_user, check_role=False)
        # The frozen version's PDF, made once by the worker after commit (planning.pdfs).
        version_pdfs_request(version=version, acting_user=acting_user)
    plan.status, plan.lock_version = current.status, current.lock_version
    return version


_DECISION_ACTIONS = {
    Decision.Outcome.APPROVED: PlanAction.APPROVE,
    Decision.Outcome.CHANGES_REQUESTED: PlanAction.REQUEST_CHANGES,
    Decision.Outcome.REJECTED: PlanAction.REJECT,
}


def plan_decide(
    *,
    version: PlanVersion,
    outcome: str,
    acting_user: User,
    comment: str = "",
    step_comments: dict[int, str] | None = None,
    committed_budget: Decimal | None = None,
    committed_people: str = "",
    meeting: ConsensusMeeting | None = None,
    grants: "list[grants_module.GrantInput] | None" = None,
) -> Decision:
    """An executive's decision on the submitted version, with comments per step and, on approval, the
    resources granted against each support request (planning.grants)."""
    step_comments = {step: text.strip() for step, text in (step_comments or {}).items() if text and text.strip()}
    with transaction.atomic():
        plan = _locked(version.plan)
        transition_for(plan=plan, action=_DECISION_ACTIONS[outcome], acting_user=acting_user)
        _require_not_author(
            version=version, acting_user=acting_user,
            message=_("You submitted or edited this version of the plan: another executive decides on it."),
        )
        if meeting is not None:
            meetings.decision_check(meeting=meeting, version=version, acting_user=acting_user)
        latest = PlanVersion.objects.filter(plan=plan).aggregate(top=Max("number"))["top"]
        if version.number != latest or Decision.objects.filter(version=version).exists():
            raise ValidationError(_("This version was already decided or superseded."))
        if outcome != Decision.Outcome.APPROVED and not (comment.strip() or step_comments):
            raise ValidationError(_("Say why: write a comment, on the whole plan or on a step."))
        if outcome != Decision.Outcome.APPROVED and (committed_budget is not None or committed_people.strip()):
            raise ValidationError(_("Resources are committed only with an approval."))
        if committed_budget is not None and committed_budget < 0:
            raise ValidationError(_("The committed budget cannot be negative."))
        if any(step not in range(1, 8) for step in step_comments):
            raise ValidationError(_("Comments belong to steps 1 to 7."))
        if grants and outcome != Decision.Outcome.APPROVED:
            raise ValidationError(_("Resources are committed only with an approval."))
        grant_rows = grants_module.grants_check(version=version, grants=grants) if grants else []
        decision = Decision.objects.create(
            version=version, meeting=meeting, outcome=outcome, comment=comment.strip(),
            committed_budget=committed_budget, committed_people=committed_people.strip(),
            decided_by=acting_user, decided_at=timezone.now(),
        )
        StepComment.objects.bulk_create([StepComment(decision=decision, step=step, text=text) for step, text in sorted(step_comments.items())])
        if outcome == Decision.Outcome.APPROVED:
            grants_module.grants_save(
                decision=decision, rows=grant_rows, committed_budget=committed_budget, committed_people=committed_people.strip()
            )
        if outcome == Decision.Outcome.APPROVED:
            plan.approved_version = version
        _transition(plan=plan, action=_DECISION_ACTIONS[outcome], acting_user=acting_user)
        # Inbox rows in the same transaction; e-mail goes out from the delivery task, so the
        # executive's request never talks to the broker.
        plan_decision_notify(plan=plan, decision_id=decision.pk, outcome=outcome, comment=decision.comment,
                             step_comments=step_comments)
    return decision


def plan_label(account_name: str, fiscal_year: int) -> str:
    """How notifications name a plan (kept as data, shown in any language)."""
    return f"{account_name} · FY {fiscal_year}"


def _decision_quote(comment: str, step_comments: dict[int, str]) -> dict[str, str]:
    """The decision's comments, quoted in the notification and its e-mail, in every language of the site."""
    from django.conf import settings
    from django.utils import translation

    from planning.rules import STEP_TITLES

    quotes = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines = [f"{step}. {STEP_TITLES[step]}: {text}" for step, text in sorted(step_comments.items())]
            if comment:
                lines.insert(0, f"“{comment}”")
            quotes[code] = "\n".join(lines)
    return quotes


def plan_decision_notify(
    *, plan: AccountPlan, decision_id: int, outcome: str, comment: str = "", step_comments: dict[int, str] | None = None
) -> int:
    """Tell the plan's owner and its account team the meeting's decision, quoting its comments, in the inbox
    and by e-mail.

    Writes rows only: no broker call, so a decision never waits on Redis.
    """
    recipients = set(AccountTeamMember.objects.filter(account_id=plan.account_id).values_list("user_id", flat=True))
    if plan.owner_id:
        recipients.add(plan.owner_id)
    params = {"plan": plan_label(plan.account.name, plan.fiscal_year), "outcome": outcome}
    if comment or step_comments:
        params["quote_i18n"] = _decision_quote(comment, step_comments or {})
    return notifications_create(
        drafts=[NotificationDraft(user_id, NotificationKind.PLAN_DECISION, f"decision:{decision_id}", params,
                                  "planning:plan-detail", {"plan_id": plan.pk})
                for user_id in sorted(recipients)]
    )


def plan_revise(*, plan: AccountPlan, acting_user: User) -> AccountPlan:
    """Open a new revision of an approved or rejected plan; it needs approval again."""
    with transaction.atomic():
        current = _locked(plan)
        transition_for(plan=current, action=PlanAction.REVISE, acting_user=acting_user)
        current.revision += 1
        return _transition(plan=current, action=PlanAction.REVISE, acting_user=acting_user)


def plan_close(*, plan: AccountPlan, acting_user: User) -> AccountPlan:
    """Close an approved plan at year-end once the evaluation and wrap-up are written."""
    from planning.selectors import plan_facts

    with transaction.atomic():
        current = _locked(plan)
        transition_for(plan=current, action=PlanAction.CLOSE, acting_user=acting_user)
        if not plan_step_states(current, plan_facts(current))[7].complete:
            raise ValidationError(_("Write the year-end evaluation and the wrap-up (step 7) before closing the plan."))
        return _transition(plan=current, action=PlanAction.CLOSE, acting_user=acting_user)


# --- Meetings ---------------------------------------------------------------------------


def review_sign_off_allowed(*, review: QuarterlyReview, user: User) -> bool:
    """Whether `quarterly_review_sign_off` would let the user sign the (open) review off."""
    if not user_can_sign_off_reviews(user) or user.pk == review.owner_id:
        return False
    version = review.plan.approved_version
    return version is None or user.pk not in version_authors(version=version)


def decision_allowed(*, version: PlanVersion, user: User) -> bool:
    """Whether the user may decide on the version (an executive who neither submitted nor edited it)."""
    return user_can_decide_plans(user) and user.pk not in version_authors(version=version)


def _require_executive(user: User) -> None:
    if not user_runs_meetings(user):
        raise PermissionDenied(_("Only executives run consensus meetings."))


def meeting_create(
    *, title: str, scheduled_for: datetime.datetime, location: str = "", notes: str = "", acting_user: User,
    chair: User | None = None, video_link: str = "", duration_minutes: int = 120,
) -> ConsensusMeeting:
    """Schedule a consensus meeting (planning.meetings.meeting_create: its chair attends it)."""
    return meetings.meeting_create(
        title=title, scheduled_for=scheduled_for, location=location, notes=notes, acting_user=acting_user,
        chair=chair, video_link=video_link, duration_minutes=duration_minutes,
    )


def agenda_item_add(
    *, meeting: ConsensusMeeting, version: PlanVersion, acting_user: User, check_role: bool = True
) -> AgendaItem:
    """Put a submitted version on the meeting's agenda (the team does so when submitting).

    The plan's KAM becomes an attendee and every attendee is told the new agenda.
    """
    if check_role:
        meetings.meeting_transition_for(meeting=meeting, action=meetings.MeetingAction.EDIT_AGENDA, acting_user=acting_user)
    elif meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(_("That meeting is closed: choose another one."))
    if Decision.objects.filter(version=version).exists():
        raise ValidationError(_("This version was already decided."))
    if AgendaItem.objects.filter(version=version).exists():
        raise ValidationError(_("This plan is already on an agenda."))
    with transaction.atomic():
        item = AgendaItem.objects.create(
            meeting=meeting, version=version, position=meetings.next_agenda_position(meeting), added_by=acting_user
        )
        meetings.attendee_add_kam(meeting=meeting, version=version, acting_user=acting_user)
        meetings.meeting_notify_agenda(meeting=meeting)
    return item


def agenda_item_remove(*, item: AgendaItem, acting_user: User) -> None:
    meetings.meeting_transition_for(meeting=item.meeting, action=meetings.MeetingAction.EDIT_AGENDA, acting_user=acting_user)
    if Decision.objects.filter(version_id=item.version_id).exists():
        raise ValidationError(_("A decided plan stays on the agenda of its meeting."))
    with transaction.atomic():
        item.delete()
        meetings.meeting_notify_agenda(meeting=item.meeting)


# --- Quarterly reviews ------------------------------------------------------------------

REVIEW_DUE_DAYS = 15


def quarterly_review_new(
    *, plan: AccountPlan, quarter: int, kpi_snapshot: list[dict], taken_at: datetime.datetime
) -> QuarterlyReview:
    """An unsaved review of the plan's quarter: its dates, due date and owner (the plan's KAM).

    Shared by `quarterly_review_create` and the scheduled sweep's bulk insert, so both make the same review.
    """
    period = plan.period(PeriodKind.QUARTER, quarter)
    return QuarterlyReview(
        plan=plan, quarter=quarter, period_start=period.start, period_end=period.end,
        due_on=period.end + datetime.timedelta(days=REVIEW_DUE_DAYS), owner_id=plan.owner_id,
        kpi_snapshot=kpi_snapshot, snapshot_taken_at=taken_at,
    )


def quarterly_review_create(*, plan: AccountPlan, quarter: int, acting_user: User | None = None) -> tuple[QuarterlyReview, bool]:
    """This plan's review of fiscal quarter `quarter`, created if it does not exist yet.

    Safe to call twice and from a scheduled task (`acting_user` None): the second call returns
    the existing review. The KPI figures are taken when the review is created.
    """
    from planning.selectors import review_kpi_rows

    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("A fiscal year has quarters 1 to 4."))
    if acting_user is not None and not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team starts its reviews."))
    if plan.approved_version_id is None:
        raise ValidationError(_("Quarterly reviews start once the plan has been approved."))
    existing = QuarterlyReview.objects.filter(plan=plan, quarter=quarter).first()
    if existing is not None:
        return existing, False
    period = plan.period(PeriodKind.QUARTER, quarter)
    review = quarterly_review_new(plan=plan, quarter=quarter, kpi_snapshot=review_kpi_rows(plan, period, year_to_date=True), taken_at=timezone.now())
    review._history_user = acting_user
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        # Created meanwhile by someone else (or the scheduled sweep): that one is the review.
        return QuarterlyReview.objects.get(plan=plan, quarter=quarter), False
    return review, True


def quarterly_review_refresh(*, review: QuarterlyReview, acting_user: User) -> QuarterlyReview:
    """Take the targets and actuals again, while the review is open."""
    from planning.selectors import review_kpi_rows

    if not user_can_edit_account(user=acting_user, account=review.plan.account):
        raise PermissionDenied(_("Only the account's team updates its reviews."))
    if review.status != QuarterlyReview.Status.OPEN:
        raise ValidationError(_("A signed-off review keeps its figures."))
    review.kpi_snapshot = review_kpi_rows(
        review.plan, review.plan.period(PeriodKind.QUARTER, review.quarter), year_to_date=True
    )
    review.snapshot_taken_at = timezone.now()
    review._history_user = acting_user
    review.save(update_fields=["kpi_snapshot", "snapshot_taken_at"])
    return review


def review_comment_add(*, review: QuarterlyReview, text: str, acting_user: User) -> ReviewComment:
    """Anyone who may see the account comments (executives included)."""
    if not text.strip():
        raise ValidationError(_("Write a comment first."))
    return ReviewComment.objects.create(review=review, author=acting_user, text=text.strip())


def quarterly_review_sign_off(*, review: QuarterlyReview, acting_user: User, comment: str = "") -> QuarterlyReview:
    """An executive signs the review off, with a comment on the figures and the resources' use if they
    have one; its figures are then kept as they are.

    Not the review's owner, nor anyone who submitted or edited the plan version it reviews.
    """
    if not user_can_sign_off_reviews(acting_user):
        raise PermissionDenied(_("Only executives sign reviews off."))
    if not review_sign_off_allowed(review=review, user=acting_user):
        raise PermissionDenied(_("You own this review or wrote the plan it reviews: another executive signs it off."))
    if review.status == QuarterlyReview.Status.SIGNED_OFF:
        raise ValidationError(_("This review is already signed off."))
    if comment.strip():
        ReviewComment.objects.create(review=review, author=acting_user, text=comment.strip())
    review.status = QuarterlyReview.Status.SIGNED_OFF
    review.signed_off_by = acting_user
    review.signed_off_at = timezone.now()
    review._history_user = acting_user
    review.save(update_fields=["status", "signed_off_by", "signed_off_at"])
    return review


# --- Year-end: next year's plan ---------------------------------------------------------


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
    from planning.selectors import active_contacts, unmet_targets

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
                for contact in active_contacts(plan)
            ]
            next_plan.org_baseline_on = timezone.localdate()
        if carry_unmet_targets:
            next_plan.carried_context = {"unmet_targets": unmet_targets(plan), "from_fiscal_year": plan.fiscal_year}
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

