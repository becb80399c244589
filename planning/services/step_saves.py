"""Saving the plan's steps: the step's fields, its rows, the opportunities' sponsors and the KPI targets, all or nothing; and the progress of an approved plan's actions."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import Opportunity, OrgUnit, User
from accounts.permissions import (
    user_can_edit_account,
)
from accounts.services import opportunity_save
from performance.models import KpiDefinition, KpiTarget
from performance.periods import PeriodKind
from planning.models import (
    AccountPlan,
    ActionItem,
    MarketingAction,
    PlanKpi,
    PlanStatus,
    StrategicTask,
    SupportRequest,
)
from planning.targets import TargetInput, target_problems

from .workflow import PlanConflict, _locked, step_is_editable


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
