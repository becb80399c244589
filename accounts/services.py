"""Every write to accounts, org charts and opportunities. Keyword-only, atomic, told who acts."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    Account,
    AccountRisk,
    AccountTeamMember,
    Contact,
    CustomerActivity,
    GradeChange,
    Offering,
    Opportunity,
    OpportunityMove,
    OrgChange,
    OrgUnit,
    PricingTier,
    Relationship,
    UnmetNeed,
    User,
)
from accounts import portfolio_cache
from accounts.interactions import interaction_sync_from_activity
from accounts.pareto import pareto_class
from accounts.roles import is_admin
from core.languages import language_offered

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
        unit.clean()  # the model's rule: a parent of the same account
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
                details={"unit": unit.name, "parent": unit.parent.name if unit.parent else ""},
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
        for kind, details in _contact_changes(previous, contact):
            OrgChange.objects.create(
                account_id=contact.account_id,
                contact=contact,
                org_unit=contact.org_unit,
                kind=kind,
                details=details,
                happened_on=contact.left_on if kind == OrgChange.Kind.LEFT else when,
                recorded_by=acting_user,
            )
    return contact


def contact_reports_to_change(*, contact: Contact, manager: Contact | None, acting_user: User | None) -> Contact:
    """Make `contact` report to `manager` (None: to no one shown), as the org chart's drag does.

    The same checks as `contact_save` (same account, no loop); the move is written to the
    org-change log. Moving someone under the manager they already have changes nothing.
    """
    if manager is not None and manager.pk == contact.pk:
        raise ValidationError({"reports_to": _("A person cannot report to themselves.")})
    if contact.reports_to_id == (manager.pk if manager else None):
        return contact
    contact.reports_to = manager
    return contact_save(contact=contact, acting_user=acting_user)


def _contact_changes(previous: Contact | None, current: Contact) -> list[tuple[str, dict]]:
    """The org-change entries of a contact's save, as (kind, details); the line is composed when read."""
    if previous is None:
        return [(OrgChange.Kind.JOINED, {"name": current.name, "title": current.title})]
    changes: list[tuple[str, dict]] = []
    if previous.status != current.status:
        if current.status == Contact.Status.LEFT:
            changes.append((OrgChange.Kind.LEFT, {"name": current.name}))
        else:
            changes.append((OrgChange.Kind.JOINED, {"name": current.name, "returned": True}))
    if previous.org_unit_id != current.org_unit_id or previous.reports_to_id != current.reports_to_id:
        changes.append((OrgChange.Kind.MOVED, {
            "name": current.name, "unit": current.org_unit.name if current.org_unit else ""}))
    old_roles, new_roles = previous.buying_roles, current.buying_roles
    if old_roles != new_roles or previous.title != current.title:
        changes.append((OrgChange.Kind.ROLE_CHANGED, {
            "name": current.name,
            "old": ", ".join([previous.title, *old_roles]).strip(", "),
            "new": ", ".join([current.title, *new_roles]).strip(", "),
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
    from accounts.models import Order

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
        # Withdrawn accounts leave the Pareto ranking and have no class.
        Account.objects.filter(lifecycle=Account.Lifecycle.WITHDRAWN).update(pareto_class="")
        ranked = list(Account.objects.in_service().order_by("-revenue_ttm", "pk").values_list("pk", "revenue_ttm"))
        total = sum((revenue for _pk, revenue in ranked), Decimal(0))
        classes: dict[str, list[int]] = {"A": [], "B": [], "C": []}
        running = Decimal(0)
        for pk, revenue in ranked:
            share_before = running / total if total else Decimal(1)
            classes[pareto_class(revenue=revenue, share_before=share_before)].append(pk)
            running += revenue
        for label, pks in classes.items():
            # Split so no statement exceeds a database's limit on parameters.
            for start in range(0, len(pks), 5000):
                Account.objects.filter(pk__in=pks[start : start + 5000]).update(pareto_class=label)
        portfolio_cache.bump(portfolio_cache.PORTFOLIO)
    return len(ranked)



def opportunity_save(
    *, opportunity: Opportunity, acting_user: User | None, offerings: list[Offering] | None = None, today: datetime.date | None = None
) -> Opportunity:
    """Create or update an opportunity; a change of tier or stage goes into its history like a move.

    Refuses a sponsoring unit or owner from outside the account, a negative amount, a tier
    outside 1–4, a stage move the transition table forbids, and a close date already past
    on an opportunity that is still open.
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if opportunity.tier not in (1, 2, 3, 4):
        errors["tier"] = _("The tier must be 1, 2, 3 or 4.")
    if opportunity.amount is not None and opportunity.amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if opportunity.sponsor_unit_id is not None and opportunity.sponsor_unit.account_id != opportunity.account_id:
        errors["sponsor_unit"] = _("The sponsoring org unit belongs to another account.")
    if (
        opportunity.owner_id is not None
        and not AccountTeamMember.objects.filter(account_id=opportunity.account_id, user_id=opportunity.owner_id).exists()
    ):
        errors["owner"] = _("The owner must be on this account's team.")
    if opportunity.is_open and opportunity.expected_close_date is not None and opportunity.expected_close_date < today:
        errors["expected_close_date"] = _("An open opportunity cannot close in the past: set a future date or close it.")
    previous = None if opportunity.pk is None else Opportunity.objects.filter(pk=opportunity.pk).first()
    if previous is not None and opportunity.stage != previous.stage and opportunity.stage not in ALLOWED_STAGE_MOVES[previous.stage]:
        errors["stage"] = _("An opportunity cannot move from %(old)s to %(new)s.") % {
            "old": previous.get_stage_display(), "new": opportunity.get_stage_display()}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if opportunity.stage == Opportunity.Stage.WON:
            opportunity.probability = 100
        elif opportunity.stage == Opportunity.Stage.LOST:
            opportunity.probability = 0
        opportunity.full_clean(exclude=["offerings"])
        opportunity.save()
        if offerings is not None:
            opportunity.offerings.set(offerings)
        if previous is None or (previous.tier, previous.stage) != (opportunity.tier, opportunity.stage):
            OpportunityMove.objects.create(
                opportunity=opportunity,
                from_tier=previous.tier if previous else None,
                to_tier=opportunity.tier,
                from_stage=previous.stage if previous else "",
                to_stage=opportunity.stage,
                moved_by=acting_user,
                note="" if previous else _("Created"),
            )
    return opportunity


def relationship_save(*, relationship: Relationship, acting_user: User | None) -> Relationship:
    """Map one of our people to a customer contact, or update the strength (the last contact is read from the
    interaction log, `accounts.interactions`)."""
    duplicate = Relationship.objects.filter(user_id=relationship.user_id, contact_id=relationship.contact_id)
    if relationship.pk is not None:
        duplicate = duplicate.exclude(pk=relationship.pk)
    if duplicate.exists():
        raise ValidationError({"user": _("This person is already mapped to this contact.")})
    with transaction.atomic():
        relationship.full_clean(validate_unique=False)
        relationship.save()
    return relationship


def unmet_need_save(
    *, account: Account, org_unit: OrgUnit, offering: Offering, note: str, acting_user: User | None
) -> UnmetNeed | None:
    """Note an unmet need on a whitespace cell; an empty note removes the cell's note."""
    if org_unit.account_id != account.pk:
        raise ValidationError({"org_unit": _("The org unit belongs to another account.")})
    note = note.strip()
    with transaction.atomic():
        if not note:
            UnmetNeed.objects.filter(org_unit=org_unit, offering=offering).delete()
            return None
        need, _created = UnmetNeed.objects.update_or_create(
            org_unit=org_unit,
            offering=offering,
            defaults={"account": account, "note": note, "recorded_by": acting_user},
        )
    return need


def account_grade_change(
    *, account: Account, grade: PricingTier | None, reason: str, acting_user: User | None, changed_on: datetime.date | None = None
) -> GradeChange:
    """Give the account another customer grade, recording from what, to what, when, why and by whom."""
    if grade == account.grade:
        raise ValidationError({"grade": _("The account already has this grade.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the grade changes.")})
    with transaction.atomic():
        change = GradeChange.objects.create(
            account=account,
            from_grade=account.grade,
            to_grade=grade,
            changed_on=changed_on or timezone.localdate(),
            reason=reason.strip(),
            changed_by=acting_user,
        )
        account.grade = grade
        account.save(update_fields=["grade", "updated_at"])
    return change


def account_lifecycle_set(
    *, account: Account, lifecycle: str, since: datetime.date | None, reason: str, acting_user: User | None
) -> Account:
    """Put the account on hold, withdraw it (어카운트 철수) or make it active again, with the date and reason.

    Admins decide (the views and the API check the role). The change is kept in the account's history
    with who made it; a withdrawn account keeps all its data and leaves lists, dashboards, the Pareto
    ranking, plan creation and the sweep. Nothing is saved when the date or the reason is missing.
    """
    if lifecycle not in Account.Lifecycle.values:
        raise ValidationError({"lifecycle": _("Choose active, on hold or withdrawn.")})
    if lifecycle == account.lifecycle:
        raise ValidationError({"lifecycle": _("The account is already %(status)s.") % {
            "status": Account.Lifecycle(lifecycle).label.lower()}})
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        locked.lifecycle = lifecycle
        locked.lifecycle_since = since
        locked.lifecycle_reason = (reason or "").strip()
        # Every change says when and why, a return to active too (the model asks it of on hold and withdrawn).
        errors = {}
        if since is None:
            errors["lifecycle_since"] = _("Give the date of the change.")
        if not locked.lifecycle_reason:
            errors["lifecycle_reason"] = _("Say why the account's status changes.")
        if errors:
            raise ValidationError(errors)
        locked.clean()
        locked._history_user = acting_user
        locked.save(update_fields=["lifecycle", "lifecycle_since", "lifecycle_reason", "updated_at"])
    account.lifecycle, account.lifecycle_since, account.lifecycle_reason = (
        locked.lifecycle, locked.lifecycle_since, locked.lifecycle_reason
    )
    return account


def account_key_account_set(*, account: Account, is_key_account: bool, acting_user: User | None) -> Account:
    """Flag or unflag a key account (executives and admins decide; the view checks the role)."""
    if account.is_key_account != is_key_account:
        account.is_key_account = is_key_account
        account._history_user = acting_user
        account.save(update_fields=["is_key_account", "updated_at"])
    return account


def customer_activity_save(
    *,
    activity: CustomerActivity,
    acting_user: User | None,
    contacts: list[Contact] | None = None,
    our_people: list[User] | None = None,
) -> CustomerActivity:
    """Create or update a customer-experience activity with its participants on both sides."""
    errors: dict[str, str] = {}
    if activity.ends_on is not None and activity.ends_on < activity.starts_on:
        errors["ends_on"] = _("The end date cannot be before the start date.")
    if activity.resolved_on is not None:
        if activity.kind != CustomerActivity.Kind.SUPPORT_INCIDENT:
            errors["resolved_on"] = _("Only a support incident is resolved.")
        elif activity.resolved_on < activity.starts_on:
            errors["resolved_on"] = _("An incident cannot be resolved before it started.")
    if contacts and any(contact.account_id != activity.account_id for contact in contacts):
        errors["contacts"] = _("Every customer participant must belong to this account.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if activity.pk is None:
            activity.recorded_by = acting_user
        # Who recorded it is ours to set, and empty once that user is deleted: not a field to validate.
        activity.full_clean(exclude=["recorded_by"])
        activity.save()
        if contacts is not None:
            activity.contacts.set(contacts)
        if our_people is not None:
            activity.our_people.set(our_people)
        # The activity records its interaction: the relationship map and retention health read the log.
        interaction_sync_from_activity(activity=activity, contacts=contacts, our_people=our_people)
    return activity


def user_language_set(*, user: User, language: str, acting_user: User) -> User:
    """Store the language the user reads the site and their e-mails in ("" for the site's default).

    Only the user themself chooses it; a code outside settings.LANGUAGES is refused and nothing is saved.
    """
    if acting_user.pk != user.pk:
        raise PermissionDenied(_("Only you can choose your language."))
    if language and not language_offered(language):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def account_kam_set(*, account: Account, user: User, acting_user: User | None) -> AccountTeamMember:
    """Make `user` the account's one key account manager (KAM), its accountable owner.

    The KAM is replaced, never removed: the previous KAM stays on the team as a sales rep, and
    `user` joins the team if not on it yet. Only admins (or the system, `acting_user=None`) do this.
    """
    if acting_user is not None and not is_admin(acting_user):
        raise PermissionDenied(_("Only admins name an account's KAM."))
    if not user.is_active:
        raise ValidationError({"kam": _("The KAM must be an active user.")})
    AccountTeamMember.objects.filter(account=account, role=AccountTeamMember.Role.KAM).exclude(user=user).update(
        role=AccountTeamMember.Role.SALES_REP
    )
    member, _created = AccountTeamMember.objects.update_or_create(
        account=account, user=user, defaults={"role": AccountTeamMember.Role.KAM}
    )
    portfolio_cache.bump()
    return member


def team_kam_count_error(roles: list[str]) -> str | None:
    """The message when a team (the roles of its members) has not exactly one KAM, else None."""
    kams = sum(role == AccountTeamMember.Role.KAM for role in roles)
    if kams == 1:
        return None
    if kams == 0:
        return _("An account team needs exactly one key account manager (KAM). To remove the KAM, name another one.")
    return _("An account team has exactly one key account manager (KAM).")


def account_risk_save(*, risk: AccountRisk, acting_user: User | None) -> AccountRisk:
    """Create or update a risk of the account's register.

    The owner is on the risk's side (one of our people, or a contact of this account); closing a
    risk dates it (today unless given), reopening it clears the date.
    """
    if risk.owner_side == AccountRisk.Side.OURS:
        risk.owner_contact = None
    else:
        risk.owner_user = None
        if risk.owner_contact_id is not None and risk.owner_contact.account_id != risk.account_id:
            raise ValidationError({"owner_contact": _("The owner must be a contact of this account.")})
    if risk.raised_on is None:
        risk.raised_on = timezone.localdate()
    if risk.status == AccountRisk.Status.CLOSED:
        risk.closed_on = risk.closed_on or max(timezone.localdate(), risk.raised_on)
    else:
        risk.closed_on = None
    if risk.pk is None and risk.recorded_by_id is None:
        risk.recorded_by = acting_user
    with transaction.atomic():
        risk.full_clean()
        risk.save()
    return risk
