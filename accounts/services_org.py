"""Every write to our own organisation and its mapping to accounts, each recorded as an OrganisationEvent.

Keyword-only, atomic, told who acts; only admins change the organisation (PermissionDenied otherwise).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import handover as handover_registry
from accounts import portfolio_cache
from accounts.models import Account, AccountTeamMember, BusinessUnit, Level, OrganisationEvent, User
from accounts.roles import Role as UserRole
from accounts.permissions import user_changes_organisation

Kind = OrganisationEvent.Kind
Role = AccountTeamMember.Role


def _require_admin(acting_user: User) -> None:
    if not user_changes_organisation(acting_user):
        raise PermissionDenied(_("Only admins change the organisation."))


def _record(*, kind: str, acting_user: User, subject: str, before: str = "", after: str = "", **links) -> OrganisationEvent:
    return OrganisationEvent.objects.create(
        kind=kind, acting_user=acting_user, subject=str(subject)[:200], before=str(before)[:300], after=str(after)[:300], **links
    )


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the unit a name.")})
    return name


def _check_unique_name(name: str, exclude_pk: int | None = None) -> None:
    if BusinessUnit.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": _("A unit named “%(name)s” exists already.") % {"name": name}})


# --- Units ------------------------------------------------------------------------------------


@transaction.atomic
def unit_create(
    *, name: str, kind: str, parent: BusinessUnit | None = None, description: str = "", acting_user: User
) -> BusinessUnit:
    """A new vertical or horizontal unit, under a parent of the same kind if one is given."""
    _require_admin(acting_user)
    name = _clean_name(name)
    if kind not in BusinessUnit.Kind.values:
        raise ValidationError({"kind": _("Choose vertical or horizontal.")})
    _check_unique_name(name)
    unit = BusinessUnit(name=name, kind=kind, parent=parent, description=description)
    unit.full_clean()
    unit.save()
    _record(kind=Kind.UNIT_CREATED, acting_user=acting_user, subject=name, after=unit.get_kind_display(), unit=unit)
    return unit


@transaction.atomic
def unit_rename(*, unit: BusinessUnit, name: str, acting_user: User) -> BusinessUnit:
    _require_admin(acting_user)
    name = _clean_name(name)
    if name == unit.name:
        return unit
    _check_unique_name(name, exclude_pk=unit.pk)
    before = unit.name
    unit.name = name
    unit.save(update_fields=["name"])
    _record(kind=Kind.UNIT_RENAMED, acting_user=acting_user, subject=name, before=before, after=name, unit=unit)
    return unit


@transaction.atomic
def unit_merge(*, source: BusinessUnit, target: BusinessUnit, acting_user: User) -> BusinessUnit:
    """Move everything of `source` (accounts, people, sub-units, offerings) into `target`, then close `source`."""
    _require_admin(acting_user)
    source = BusinessUnit.objects.select_for_update().get(pk=source.pk)
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another unit to merge into.")})
    if source.kind != target.kind:
        raise ValidationError({"target": _("Only units of the same kind can be merged.")})
    if not source.is_active or not target.is_active:
        raise ValidationError({"target": _("Closed units cannot be merged.")})
    ancestor = target
    while ancestor is not None:
        if ancestor.pk == source.pk:
            raise ValidationError({"target": _("A unit cannot be merged into one of its own sub-units.")})
        ancestor = ancestor.parent
    moved_accounts = Account.objects.filter(vertical_unit=source).update(vertical_unit=target)
    User.objects.filter(business_unit=source).update(business_unit=target)
    BusinessUnit.objects.filter(parent=source).update(parent=target)
    source.offerings.update(owner_unit=target)
    portfolio_cache.bump(portfolio_cache.PORTFOLIO)
    source.is_active, source.closed_at = False, timezone.now()
    source.save(update_fields=["is_active", "closed_at"])
    _record(
        kind=Kind.UNIT_MERGED,
        acting_user=acting_user,
        subject=source.name,
        before=source.name,
        after=_("%(target)s (%(count)s accounts moved)") % {"target": target.name, "count": moved_accounts},
        unit=target,
    )
    return target


@transaction.atomic
def unit_close(*, unit: BusinessUnit, acting_user: User) -> BusinessUnit:
    """Close an empty unit: its accounts, people and active sub-units must have moved first."""
    _require_admin(acting_user)
    unit = BusinessUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        return unit
    if unit.accounts.exists():
        raise ValidationError(_("Move this unit's accounts to another unit first (or merge it)."))
    if unit.children.filter(is_active=True).exists():
        raise ValidationError(_("Close or move this unit's sub-units first (or merge it)."))
    if unit.members.filter(is_active=True).exists():
        raise ValidationError(_("Move this unit's people to another unit first (or merge it)."))
    unit.is_active, unit.closed_at = False, timezone.now()
    unit.save(update_fields=["is_active", "closed_at"])
    _record(kind=Kind.UNIT_CLOSED, acting_user=acting_user, subject=unit.name, before=_("Active"), after=_("Closed"), unit=unit)
    return unit


# --- Accounts and their teams --------------------------------------------------------------------


@transaction.atomic
def account_move(*, account: Account, unit: BusinessUnit, acting_user: User) -> Account:
    """Serve the account from another (active, vertical) unit."""
    _require_admin(acting_user)
    if unit.kind != BusinessUnit.Kind.VERTICAL or not unit.is_active:
        raise ValidationError({"unit": _("Choose an active vertical unit.")})
    account = Account.objects.select_for_update().select_related("vertical_unit").get(pk=account.pk)
    if account.vertical_unit_id == unit.pk:
        return account
    before = account.vertical_unit.name
    account.vertical_unit = unit
    account.save(update_fields=["vertical_unit", "updated_at"])
    _record(kind=Kind.ACCOUNT_MOVED, acting_user=acting_user, subject=account.name, before=before, after=unit.name, account=account, unit=unit)
    return account


def _check_active(user: User) -> None:
    # Read from the database: the caller's copy may predate a deactivation.
    if not User.objects.filter(pk=user.pk, is_active=True).exists():
        raise ValidationError({"user": _("%(name)s is deactivated and cannot be on an account team.") % {"name": user}})


@transaction.atomic
def kam_set(*, account: Account, user: User, previous_stays: bool = True, acting_user: User) -> AccountTeamMember:
    """Make `user` the account's KAM in one step. The previous KAM stays on the team as a sales rep,
    or leaves it (`previous_stays=False`); the one-KAM constraint holds at every moment."""
    _require_admin(acting_user)
    _check_active(user)
    Account.objects.select_for_update().filter(pk=account.pk).first()
    current = AccountTeamMember.objects.select_related("user").filter(account=account, role=Role.KAM).first()
    if current is not None and current.user_id == user.pk:
        return current
    before = ""
    if current is not None:
        before = str(current.user)
        if previous_stays:
            current.role = Role.SALES_REP
            current.save(update_fields=["role"])
        else:
            current.delete()
    member, _created = AccountTeamMember.objects.update_or_create(account=account, user=user, defaults={"role": Role.KAM})
    _record(kind=Kind.KAM_SET, acting_user=acting_user, subject=account.name, before=before, after=str(user), role=Role.KAM, account=account, person=user)
    return member


@transaction.atomic
def team_member_set(*, account: Account, user: User, role: str, acting_user: User) -> AccountTeamMember:
    """Put a person on the account's team with a role, or change their role. A KAM goes through `kam_set`."""
    _require_admin(acting_user)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role on the team.")})
    if role == Role.KAM:
        return kam_set(account=account, user=user, acting_user=acting_user)
    _check_active(user)
    member = AccountTeamMember.objects.filter(account=account, user=user).first()
    if member is None:
        member = AccountTeamMember(account=account, user=user, role=role)
        member.full_clean()
        member.save()
        _record(kind=Kind.MEMBER_ADDED, acting_user=acting_user, subject=account.name, after=str(user), role=role, account=account, person=user)
        return member
    if member.role != role:
        before = member.get_role_display()
        member.role = role
        member.save(update_fields=["role"])
        _record(
            kind=Kind.MEMBER_ROLE, acting_user=acting_user, subject=account.name, before=before, after=member.get_role_display(),
            role=role, account=account, person=user,
        )
    return member


@transaction.atomic
def team_member_remove(*, member: AccountTeamMember, acting_user: User) -> None:
    _require_admin(acting_user)
    account, user, role = member.account, member.user, member.role
    member.delete()
    _record(kind=Kind.MEMBER_REMOVED, acting_user=acting_user, subject=account.name, before=str(user), role=role, account=account, person=user)


# --- People ------------------------------------------------------------------------------------


@transaction.atomic
def user_level_set(*, user: User, level: str, acting_user: User) -> User:
    _require_admin(acting_user)
    if level not in ("", *Level.values):
        raise ValidationError({"level": _("Choose a level.")})
    if user.level == level:
        return user
    before = user.level
    user.level = level
    user.save(update_fields=["level"])
    _record(kind=Kind.LEVEL_SET, acting_user=acting_user, subject=str(user), before=before, after=level, person=user)
    return user


def deactivation_error(*, person: User, acting_user: User) -> str:
    """Why `person` cannot be deactivated by a plain deactivation, or "" when they can.

    An account keeps one KAM: a KAM is handed over (`user_deactivate_and_handover`), which names the
    new KAM and deactivates them in one step, rather than leaving their accounts without one."""
    if person.pk == acting_user.pk:
        return _("You cannot deactivate yourself.")
    accounts = list(
        Account.objects.filter(team__user=person, team__role=Role.KAM).order_by("name").values_list("name", flat=True)
    )
    if not accounts:
        return ""
    named = ", ".join(accounts[:5])
    if len(accounts) > 5:
        named = _("%(names)s and %(count)s more") % {"names": named, "count": len(accounts) - 5}
    return _(
        "%(name)s is the KAM of %(accounts)s. Hand over first (Organisation › People › Deactivate and hand over): "
        "that names the new KAM and deactivates %(name)s in one step."
    ) % {"name": person, "accounts": named}


@transaction.atomic
def user_deactivate(*, person: User, acting_user: User) -> list[str]:
    """Deactivate `person` and take them off every account team, each removal recorded; answers the
    names of the accounts whose teams they left. Refused (nothing changes) while they are an
    account's KAM (see `deactivation_error`). Their open work stays theirs: a handover moves it."""
    _require_admin(acting_user)
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        return []
    message = deactivation_error(person=person, acting_user=acting_user)
    if message:
        raise ValidationError({"is_active": message})
    left = []
    for member in AccountTeamMember.objects.filter(user=person).select_related("account").order_by("account__name"):
        member.delete()
        left.append(member.account.name)
        _record(
            kind=Kind.MEMBER_REMOVED, acting_user=acting_user, subject=member.account.name, before=str(person),
            role=member.role, account=member.account, person=person,
        )
    person.is_active = False
    person.save(update_fields=["is_active"])
    _record(kind=Kind.PERSON_DEACTIVATED, acting_user=acting_user, subject=str(person), before=_("Active"), after=_("Deactivated"), person=person)
    return left


def welcome_link(*, user: User, site_url: str) -> str:
    """The one-time link that lets a new person set their password (Django's password-reset token:
    it stops working once the password is set or after PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "accounts:welcome",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return (settings.KAM_SITE_URL or site_url).rstrip("/") + path


@transaction.atomic
def user_invite(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str = "",
    role: str,
    business_unit: BusinessUnit | None = None,
    level: str = "",
    site_url: str,
    acting_user: User,
) -> User:
    """A new person with a role, a unit and a level, and no password yet: they get an e-mail with a
    link to set one. The e-mail goes once the person is saved."""
    _require_admin(acting_user)
    username = (username or "").strip()
    email = (email or "").strip()
    if role not in UserRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if level not in ("", *Level.values):
        raise ValidationError({"level": _("Choose a level.")})
    if business_unit is not None and not business_unit.is_active:
        raise ValidationError({"business_unit": _("A closed unit takes no new people.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone has this e-mail address already.")})
    user = User(
        username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip(),
        business_unit=business_unit, level=level,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    _record(kind=Kind.PERSON_INVITED, acting_user=acting_user, subject=str(user), after=str(UserRole(role).label), person=user)
    link = welcome_link(user=user, site_url=site_url)
    context = {"user": user, "link": link, "inviter": acting_user, "role": UserRole(role).label}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("You are invited to KAM Planner"),
            message=render_to_string("accounts/organisation/invite_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    )
    return user


def handover_preview(*, person: User) -> dict:
    """Everything a handover of `person` would move, read only: their account memberships and each
    registered participant's items (plan drafts, open actions, pending reviews…)."""
    memberships = list(
        AccountTeamMember.objects.filter(user=person).select_related("account").order_by("account__name")
    )
    sections = [
        {"key": participant.key, "title": participant.title(), "items": participant.preview(person)}
        for participant in handover_registry.participants()
    ]
    return {"memberships": memberships, "sections": sections}


@transaction.atomic
def user_deactivate_and_handover(
    *, person: User, successor: User, work_successor: User | None = None, acting_user: User
) -> handover_registry.HandoverDone:
    """Deactivate `person` and, in the same transaction, hand their account memberships to `successor`
    (as KAM where they were KAM) and their registered work (drafts, actions, reviews…) to
    `work_successor` (default: `successor`), except that plans and their open reviews follow their
    account's KAM (the planning rule). What they did before stays attributed to them:
    only current ownership moves. Listeners (notifications) hear of it once it commits."""
    _require_admin(acting_user)
    work_successor = work_successor or successor
    if person.pk == acting_user.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    for field_name, chosen in (("successor", successor), ("work_successor", work_successor)):
        if chosen.pk == person.pk:
            raise ValidationError({field_name: _("Choose someone other than the person leaving.")})
        if not chosen.is_active:
            raise ValidationError({field_name: _("%(name)s is deactivated.") % {"name": chosen}})
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(_("%(name)s is deactivated already.") % {"name": person})

    # What leaves the person, counted before anything moves: a plan's KAM is its account's KAM
    # (planning follows team changes), so their plan drafts and open reviews go with the account to
    # its new KAM as the teams change below; the participants then move what is still theirs.
    participants = handover_registry.participants()
    leaving = {participant.key: len(participant.preview(person)) for participant in participants}
    memberships = list(AccountTeamMember.objects.filter(user=person).select_related("account").order_by("account__name"))
    theirs = {m.account_id: m for m in AccountTeamMember.objects.filter(user=successor, account__in=[m.account_id for m in memberships])}
    moved_accounts: list[str] = []
    for member in memberships:
        account, role = member.account, member.role
        member.delete()
        existing = theirs.get(account.pk)
        if existing is None:
            AccountTeamMember.objects.create(account=account, user=successor, role=role)
        elif role == Role.KAM:
            existing.role = Role.KAM
            existing.save(update_fields=["role"])
        moved_accounts.append(account.name)
        _record(
            kind=Kind.KAM_SET if role == Role.KAM else Kind.MEMBER_ADDED, acting_user=acting_user, subject=account.name,
            before=str(person), after=str(successor), role=role, account=account, person=successor,
        )
    moved = {_("Account teams"): len(memberships)}
    for participant in participants:
        participant.transfer(from_user=person, to_user=work_successor)
        moved[str(participant.title())] = leaving[participant.key]

    person.is_active = False
    person.save(update_fields=["is_active"])
    portfolio_cache.bump()  # the participants moved plans and actions by bulk updates the signals do not see
    _record(kind=Kind.PERSON_DEACTIVATED, acting_user=acting_user, subject=str(person), before=_("Active"), after=_("Deactivated"), person=person)
    summary = ", ".join(f"{key}: {count}" for key, count in moved.items())
    _record(
        kind=Kind.HANDED_OVER, acting_user=acting_user, subject=str(person), before=str(person),
        after=(f"{successor}" if work_successor == successor else f"{successor} / {work_successor}") + f" ({summary})",
        person=successor,
    )
    done = handover_registry.HandoverDone(
        person=person, successor=successor, work_successor=work_successor, acting_user=acting_user,
        accounts=moved_accounts, moved=moved,
    )
    for listener in handover_registry.listeners():
        transaction.on_commit(lambda listener=listener: listener(done))
    return done
