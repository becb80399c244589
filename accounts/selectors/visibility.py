"""Who sees which accounts: `accounts_visible_to` is the one door through which any view reaches accounts;
`visible_q` / `visible_rows` apply the same rule to other tables."""


from django.db.models import F, Q, QuerySet
from django.http import Http404

from accounts.models import (
    Account,
    AccountTeamMember,
    User,
)
from accounts.roles import sees_all_accounts


def accounts_visible_to(user: User) -> QuerySet[Account]:
    """Every account for executives and admins; for anyone else, the accounts whose team they are on.

    `visible_q` below is the same rule as a filter for other tables (contacts, orders, plans…).
    """
    accounts = Account.objects.all()
    if sees_all_accounts(user):
        return accounts
    if not user.is_authenticated:
        return accounts.none()
    return accounts.filter(team__user=user)


def visible_q(user: User, path: str = "account") -> Q:
    """A filter keeping the rows whose account (reached by `path`, a foreign key to Account) the user may see.

    Nothing to filter for executives and admins; otherwise `path IN (the user's account ids)`, read
    straight from the team table's index without joining the accounts: the cheapest form for
    lists of contacts, orders, plans… (measured in bench/pages.py).
    """
    if sees_all_accounts(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{path}__in": AccountTeamMember.objects.filter(user=user).values("account_id")})


def visible_rows(queryset: QuerySet, user: User, path: str = "account") -> QuerySet:
    """`queryset` kept to the rows whose account (reached by `path`; `"pk"` for accounts) the user may
    see, each row annotated `account_key`: its account's id, the order an API list pages by.

    For a user on some accounts' teams the rows are joined to the user's own team rows, and
    `account_key` is read from the team row: sorted by it, the database walks the user's team index
    account by account and stops after a page, whether the user is on ten accounts or ten thousand
    (`visible_q`'s IN list reads every one of the user's accounts first). A user is on an account's
    team once (a unique constraint), so the join repeats no row.
    """
    prefix = "" if path == "pk" else f"{path}__"
    if sees_all_accounts(user) or not user.is_authenticated:
        rows = queryset.annotate(account_key=F("pk" if path == "pk" else f"{path}_id"))
        return rows if user.is_authenticated else rows.none()
    return queryset.filter(**{f"{prefix}team__user": user}).annotate(account_key=F(f"{prefix}team__account_id"))


def account_get_for_user(*, user: User, account_id: int) -> Account:
    """The account if the user may see it; otherwise 404, so its existence is not revealed."""
    # get(), not first(): no ORDER BY to build for one row by key. A user is on an account's team once (a
    # unique constraint), so the visibility join never repeats the account.
    try:
        return accounts_visible_to(user).select_related("vertical_unit", "grade", "parent").get(pk=account_id)
    except Account.DoesNotExist:
        raise Http404("No such account.") from None


def account_kam_id(*, account: Account) -> int | None:
    """The account's KAM (its team member with the role KAM; at most one, a database constraint)."""
    return (
        AccountTeamMember.objects.filter(account=account, role=AccountTeamMember.Role.KAM)
        .values_list("user_id", flat=True)
        .first()
    )
