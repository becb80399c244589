"""Reads of accounts. `accounts_visible_to` is the one door through which any view reaches accounts."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import Account, AccountTeamMember, Opportunity, User
from accounts.roles import is_admin, sees_all_accounts


def accounts_visible_to(user: User) -> QuerySet[Account]:
    """Every account for executives and admins; for anyone else, the accounts whose team they are on."""
    accounts = Account.objects.all()
    if sees_all_accounts(user):
        return accounts
    if not user.is_authenticated:
        return accounts.none()
    return accounts.filter(team__user=user)


def account_get_for_user(*, user: User, account_id: int) -> Account:
    """The account if the user may see it; otherwise 404, so its existence is not revealed."""
    account = (
        accounts_visible_to(user)
        .select_related("vertical_unit", "grade", "parent")
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        raise Http404("No such account.")
    return account


def user_can_edit_account(*, user: User, account: Account) -> bool:
    """The account team edits its account; admins may too. Executives read."""
    if is_admin(user):
        return True
    return AccountTeamMember.objects.filter(account=account, user=user).exists()


def _open_pipeline_subquery() -> Subquery:
    pipeline = (
        Opportunity.objects.filter(account=OuterRef("pk"), stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(pipeline, output_field=DecimalField(max_digits=18, decimal_places=0)),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=18, decimal_places=0),
    )


def account_list_for_user(*, user: User) -> QuerySet[Account]:
    """The accounts a user sees, with what the lists show: unit, grade, KAMs and open pipeline."""
    kams = AccountTeamMember.objects.filter(role=AccountTeamMember.Role.KAM).select_related("user")
    return (
        accounts_visible_to(user)
        .select_related("vertical_unit", "grade")
        .annotate(open_pipeline=_open_pipeline_subquery())
        .prefetch_related(Prefetch("team", queryset=kams, to_attr="kam_members"))
        .order_by("-is_key_account", "-revenue_ttm", "name")
    )
