"""Every write to accounts, org charts and opportunities. Keyword-only, atomic, told who acts."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, OrgChange, OrgUnit, Opportunity, OpportunityMove, User

# Tier and stage moves an opportunity may make. A closed opportunity (won or lost) can be
# reopened into an early stage only; everything open may move freely between open stages.
OPEN_STAGES = frozenset(Opportunity.OPEN_STAGES)
ALLOWED_STAGE_MOVES: dict[str, frozenset[str]] = {
    **{stage: frozenset(Opportunity.Stage.values) - {stage} for stage in OPEN_STAGES},
    Opportunity.Stage.WON: frozenset(),
    Opportunity.Stage.LOST: frozenset({Opportunity.Stage.IDENTIFIED, Opportunity.Stage.RFI}),
}


def _chain_has_cycle(start_id: int | None, target_id: int | None, parent_of: dict[int, int | None]) -> bool:
    """Would making `start_id` the parent of `target_id` close a loop? Walk up from `start_id`."""
    if target_id is None:
        return False
    seen: set[int] = set()
    current = start_id
    while current is not None:
        if current == target_id or current in seen:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def org_unit_save(*, unit: OrgUnit, acting_user: User | None) -> OrgUnit:
    """Create or update a customer org unit; refuses a parent from another account or a loop in the tree."""
    if unit.parent_id is not None:
        if unit.parent.account_id != unit.account_id:
            raise ValidationError({"parent": _("The parent unit belongs to another account.")})
        parent_of = dict(OrgUnit.objects.filter(account_id=unit.account_id).values_list("id", "parent_id"))
        if _chain_has_cycle(unit.parent_id, unit.pk, parent_of):
            raise ValidationError({"parent": _("This parent would put the unit inside its own branch.")})
    is_new = unit.pk is None
    with transaction.atomic():
        previous_parent = None if is_new else OrgUnit.objects.filter(pk=unit.pk).values_list("parent_id", flat=True).first()
        unit.full_clean()
        unit.save()
        if not is_new and previous_parent != unit.parent_id:
            OrgChange.objects.create(
                account_id=unit.account_id,
                org_unit=unit,
                kind=OrgChange.Kind.UNIT_CHANGED,
                description=_("Unit %(unit)s moved under %(parent)s")
                % {"unit": unit.name, "parent": unit.parent.name if unit.parent else _("the top level")},
                happened_on=timezone.localdate(),
                recorded_by=acting_user,
            )
    return unit


def contact_save(*, contact: Contact, acting_user: User | None, happened_on: datetime.date | None = None) -> Contact:
    """Create or update a contact, refusing a manager from another account or a loop in reports-to.

    Joining, leaving, a change of buying role and a move to another unit are written to the
    org-change log with `happened_on` (today by default).
    """
    when = happened_on or timezone.localdate()
    if contact.reports_to_id is not None:
        if contact.reports_to.account_id != contact.account_id:
            raise ValidationError({"reports_to": _("The manager belongs to another account.")})
        parent_of = dict(Contact.objects.filter(account_id=contact.account_id).values_list("id", "reports_to_id"))
        if _chain_has_cycle(contact.reports_to_id, contact.pk, parent_of):
            raise ValidationError({"reports_to": _("This manager reports, directly or not, to this person.")})
    if contact.org_unit_id is not None and contact.org_unit.account_id != contact.account_id:
        raise ValidationError({"org_unit": _("The org unit belongs to another account.")})
    if contact.status == Contact.Status.LEFT and contact.left_on is None:
        contact.left_on = when
    if contact.status == Contact.Status.ACTIVE:
        contact.left_on = None

    with transaction.atomic():
        previous = None if contact.pk is None else Contact.objects.filter(pk=contact.pk).first()
        contact.full_clean()
        contact.save()
        for kind, description in _contact_changes(previous, contact):
            OrgChange.objects.create(
                account_id=contact.account_id,
                contact=contact,
                org_unit=contact.org_unit,
                kind=kind,
                description=description,
                happened_on=contact.left_on if kind == OrgChange.Kind.LEFT else when,
                recorded_by=acting_user,
            )
    return contact


def _contact_changes(previous: Contact | None, current: Contact) -> list[tuple[str, str]]:
    if previous is None:
        return [(OrgChange.Kind.JOINED, _("%(name)s joined as %(title)s") % {"name": current.name, "title": current.title or "—"})]
    changes = []
    if previous.status != current.status:
        if current.status == Contact.Status.LEFT:
            changes.append((OrgChange.Kind.LEFT, _("%(name)s left") % {"name": current.name}))
        else:
            changes.append((OrgChange.Kind.JOINED, _("%(name)s returned") % {"name": current.name}))
    if previous.org_unit_id != current.org_unit_id or previous.reports_to_id != current.reports_to_id:
        changes.append((OrgChange.Kind.MOVED, _("%(name)s moved to %(unit)s") % {
            "name": current.name, "unit": current.org_unit.name if current.org_unit else "—"}))
    old_roles, new_roles = previous.buying_roles, current.buying_roles
    if old_roles != new_roles or previous.title != current.title:
        changes.append((OrgChange.Kind.ROLE_CHANGED, _("%(name)s: %(old)s → %(new)s") % {
            "name": current.name,
            "old": ", ".join([previous.title, *old_roles]).strip(", ") or "—",
            "new": ", ".join([current.title, *new_roles]).strip(", ") or "—",
        }))
    return changes


def opportunity_move(
    *, opportunity: Opportunity, acting_user: User | None, tier: int | None = None, stage: str | None = None, note: str = ""
) -> Opportunity:
    """Move an opportunity to another tier and/or stage, recording the move in its history."""
    new_tier = opportunity.tier if tier is None else tier
    new_stage = opportunity.stage if stage is None else stage
    if new_tier not in (1, 2, 3, 4):
        raise ValidationError({"tier": _("The tier must be 1, 2, 3 or 4.")})
    if new_stage not in Opportunity.Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    if new_stage != opportunity.stage and new_stage not in ALLOWED_STAGE_MOVES[opportunity.stage]:
        raise ValidationError({"stage": _("An opportunity cannot move from %(old)s to %(new)s.") % {
            "old": opportunity.get_stage_display(), "new": Opportunity.Stage(new_stage).label}})
    if new_tier == opportunity.tier and new_stage == opportunity.stage:
        return opportunity
    with transaction.atomic():
        OpportunityMove.objects.create(
            opportunity=opportunity,
            from_tier=opportunity.tier,
            to_tier=new_tier,
            from_stage=opportunity.stage,
            to_stage=new_stage,
            moved_by=acting_user,
            note=note,
        )
        opportunity.tier = new_tier
        opportunity.stage = new_stage
        if new_stage == Opportunity.Stage.WON:
            opportunity.probability = 100
        elif new_stage == Opportunity.Stage.LOST:
            opportunity.probability = 0
        opportunity.save(update_fields=["tier", "stage", "probability", "updated_at"])
    return opportunity


def account_revenue_refresh(*, as_of: datetime.date | None = None) -> int:
    """Recompute every account's trailing-12-month revenue and profit and its Pareto class.

    Class A: the accounts that together make the first 80 % of revenue (largest first);
    B: the next 15 %; C: the rest. Runs a fixed handful of statements whatever the number of
    accounts, and gives the same result when run twice. Returns the number of accounts.
    """
    from performance.models import Order

    today = as_of or timezone.localdate()
    since = today - datetime.timedelta(days=365)
    money = DecimalField(max_digits=18, decimal_places=0)
    window = Order.objects.filter(account=OuterRef("pk"), ordered_on__gt=since, ordered_on__lte=today).order_by()
    revenue = window.values("account").annotate(total=Sum("amount")).values("total")
    cost = window.values("account").annotate(total=Sum("cost")).values("total")
    now = timezone.now()
    with transaction.atomic():
        Account.objects.update(
            revenue_ttm=Coalesce(Subquery(revenue, output_field=money), Value(Decimal(0)), output_field=money),
            profit_ttm=Coalesce(Subquery(revenue, output_field=money), Value(Decimal(0)), output_field=money)
            - Coalesce(Subquery(cost, output_field=money), Value(Decimal(0)), output_field=money),
            revenue_refreshed_at=now,
        )
        ranked = list(Account.objects.order_by("-revenue_ttm", "pk").values_list("pk", "revenue_ttm"))
        total = sum((revenue for _pk, revenue in ranked), Decimal(0))
        classes: dict[str, list[int]] = {"A": [], "B": [], "C": []}
        running = Decimal(0)
        for pk, revenue in ranked:
            # An account is in A while the share *before* it is under 80 %: the account that
            # crosses the line belongs to the set that makes 80 %.
            share_before = running / total if total else Decimal(1)
            if revenue > 0 and share_before < Decimal("0.80"):
                classes["A"].append(pk)
            elif revenue > 0 and share_before < Decimal("0.95"):
                classes["B"].append(pk)
            else:
                classes["C"].append(pk)
            running += revenue
        for label, pks in classes.items():
            # Split so no statement exceeds a database's limit on parameters.
            for start in range(0, len(pks), 5000):
                Account.objects.filter(pk__in=pks[start : start + 5000]).update(pareto_class=label)
    return len(ranked)

