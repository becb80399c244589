"""Who may do what to an account: the one place the roles' rules are written.

Web views, the API and the services ask these functions; nothing else decides who writes.

| who | reads | account data and plan content | customer interactions | plan decisions, review sign-offs |
| --- | --- | --- | --- | --- |
| Admin | every account | every account | every account | no (unless also an executive) |
| Executive, off a team | every account | never | never | yes |
| Executive, on a team (executive sponsor) | every account | never | that account | yes |
| Account manager / sales rep / engineer on the team | that account | that account | that account | no |
| anyone on no team of the account | nothing (404) | nothing (404) | nothing (404) | no |

An account's lifecycle (on hold, withdrawn) is set by admins. Personal goals (each team member's
share of the account's targets) are set by the account's KAM and admins, and read like account data.

The organisation (units, accounts' vertical units, teams, people, levels, handovers, the HR
mapping) is the admins' to change; admins and executives read it whole, everybody else sees the
teams they are on.

Separation of duties (nobody decides on a plan version they submitted or edited) is the
planning service's, which knows who edited a version.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import Account, AccountTeamMember, User
from accounts.roles import is_admin, is_executive, sees_all_accounts

# The team roles that write the account's data and its plans. An executive sponsor records
# interactions only, and an executive writes nothing whatever their place on the team.
WRITING_TEAM_ROLES = frozenset({
    AccountTeamMember.Role.KAM, AccountTeamMember.Role.SALES_REP, AccountTeamMember.Role.ENGINEER,
})


def role_writes_account_data(user: User | AnonymousUser) -> bool:
    """Whether the user's role may write account data at all (on the accounts whose team they are on)."""
    return user.is_authenticated and (is_admin(user) or not is_executive(user))


def role_records_interactions(user: User | AnonymousUser) -> bool:
    """Whether the user may record customer interactions on some account: anyone whose role writes
    account data, and an executive on at least one account's team."""
    return role_writes_account_data(user) or (
        user.is_authenticated and AccountTeamMember.objects.filter(user=user).exists()
    )


def _writing_memberships(user: User) -> QuerySet[AccountTeamMember]:
    return AccountTeamMember.objects.filter(user=user, role__in=WRITING_TEAM_ROLES)


def _team_right(user: User | AnonymousUser, account: Account, memberships) -> bool:
    """A right admins hold on every account, executives on none, and others where `memberships(user)` has the account."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if is_executive(user):
        return False
    return memberships(user).filter(account=account).exists()


def _accounts_without_right(user: User | AnonymousUser, account_ids: Iterable[int], memberships) -> set[int]:
    """Of the given accounts, those where the user lacks the `_team_right` given by `memberships`."""
    wanted = set(account_ids)
    if not wanted or (user.is_authenticated and is_admin(user)):
        return set()
    if not role_writes_account_data(user):
        return wanted
    return wanted - set(memberships(user).filter(account_id__in=wanted).values_list("account_id", flat=True))


def user_can_edit_account(*, user: User | AnonymousUser, account: Account) -> bool:
    """Account data (org chart, contacts, relationships, opportunities, orders, targets, NPS…) and plan content.

    Admins write every account; account managers, sales reps and engineers the accounts whose team
    they are on (as KAM, sales rep or engineer); executives none, on a team or not.
    """
    return _team_right(user, account, _writing_memberships)


def user_can_record_interaction(*, user: User | AnonymousUser, account: Account) -> bool:
    """Customer interactions (today: customer activities): whoever may edit the account, and anyone on
    its team, executive sponsors included (their meetings with the customer's leaders count)."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return AccountTeamMember.objects.filter(user=user, account=account).exists()


def accounts_not_recordable_by(user: User | AnonymousUser, account_ids: Iterable[int]) -> set[int]:
    """Of the given accounts, those where the user may not record interactions (the set form of
    `user_can_record_interaction`)."""
    wanted = set(account_ids)
    if not wanted or (user.is_authenticated and is_admin(user)):
        return set()
    if not user.is_authenticated:
        return wanted
    mine = AccountTeamMember.objects.filter(user=user, account_id__in=wanted).values_list("account_id", flat=True)
    return wanted - set(mine)


def accounts_editable_by(user: User | AnonymousUser) -> QuerySet[Account]:
    """The accounts `user_can_edit_account` allows, as a query (plan creation, imports)."""
    if not role_writes_account_data(user):
        return Account.objects.none()
    if is_admin(user):
        return Account.objects.all()
    # A user is on an account's team at most once, so the join adds no duplicates.
    return Account.objects.filter(team__user=user, team__role__in=WRITING_TEAM_ROLES)


def accounts_not_editable_by(user: User | AnonymousUser, account_ids: Iterable[int]) -> set[int]:
    """Of the given accounts, those the user may not edit (the set form of `user_can_edit_account`)."""
    return _accounts_without_right(user, account_ids, _writing_memberships)


def user_can_decide_plans(user: User | AnonymousUser) -> bool:
    """Executives decide on submitted plans at the consensus meeting (never on their own work:
    see `planning.services.version_authors`)."""
    return user.is_authenticated and is_executive(user)


def user_can_sign_off_reviews(user: User | AnonymousUser) -> bool:
    """Executives sign quarterly reviews off."""
    return user.is_authenticated and is_executive(user)


def user_runs_meetings(user: User | AnonymousUser) -> bool:
    """Executives run consensus meetings (agendas)."""
    return user.is_authenticated and is_executive(user)


def user_changes_organisation(user: User | AnonymousUser) -> bool:
    """Units, accounts' vertical units, teams and KAMs, people (invites, levels, handovers) and the
    HR mapping import: admins only."""
    return user.is_authenticated and is_admin(user)


def user_sets_account_lifecycle(user: User | AnonymousUser) -> bool:
    """An account's lifecycle (active, on hold, withdrawn: 어카운트 철수): admins only, like the rest
    of the organisation's mapping; the account team and executives read it."""
    return user.is_authenticated and is_admin(user)


def user_sees_organisation(user: User | AnonymousUser) -> bool:
    """The whole organisation (every team, our people, coverage, history, the mapping export):
    admins and executives; an account manager sees the teams they are on."""
    return user.is_authenticated and sees_all_accounts(user)


def _goal_setting_memberships(user: User) -> QuerySet[AccountTeamMember]:
    return AccountTeamMember.objects.filter(user=user, role=AccountTeamMember.Role.KAM)


def user_sets_personal_goals(*, user: User | AnonymousUser, account: Account) -> bool:
    """Personal goals (each team member's share of the account's targets): the account's KAM and admins
    set them; the rest of the team reads them. An executive sets none, even as the account's KAM."""
    return _team_right(user, account, _goal_setting_memberships)


def accounts_personal_goals_not_settable_by(user: User | AnonymousUser, account_ids: Iterable[int]) -> set[int]:
    """Of the given accounts, those where the user may not set personal goals (the set form of
    `user_sets_personal_goals`)."""
    return _accounts_without_right(user, account_ids, _goal_setting_memberships)
