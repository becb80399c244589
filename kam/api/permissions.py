"""Who may write through the API: the web's rules, asked of the same functions.

Reads are filtered by `accounts.selectors.accounts_visible_to` in each viewset's queryset,
so an object of an account the caller cannot see is a 404 before any permission runs.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import AccountTeamMember, User
from accounts.roles import is_admin, sees_all_accounts
from accounts.selectors import user_can_edit_account

READ_ONLY_MESSAGE = _("Executives read; only the account team and admins change account data.")
ADMIN_ONLY_MESSAGE = _("Only an admin changes this.")


def user_edits_some_account(user: User) -> bool:
    """Admins edit every account; anyone else only while on at least one account's team."""
    return is_admin(user) or AccountTeamMember.objects.filter(user=user).exists()


def accounts_not_editable_by(user: User, account_ids: Iterable[int]) -> set[int]:
    """Of the given accounts, those the user may not edit (the set form of `user_can_edit_account`)."""
    wanted = set(account_ids)
    if is_admin(user) or not wanted:
        return set()
    editable = AccountTeamMember.objects.filter(user=user, account_id__in=wanted).values_list("account_id", flat=True)
    return wanted - set(editable)


class AccountDataPermission(BasePermission):
    """Data that belongs to an account: read by whoever sees the account, written by its editors.

    The viewset names the path from an object to its account (`account_field`); a create is
    checked against the account in the payload by the viewset once the payload is valid.
    """

    message = READ_ONLY_MESSAGE

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return user_edits_some_account(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return user_can_edit_account(user=request.user, account=view.account_of(obj))


class AccountPermission(AccountDataPermission):
    """Accounts themselves: admins create them; the team and admins edit them."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) == "create":
            self.message = ADMIN_ONLY_MESSAGE
            return is_admin(request.user)
        return super().has_permission(request, view)


class AdminWritesOthersRead(BasePermission):
    """The catalogue (offerings, pricing tiers): everyone signed in reads, admins write."""

    message = ADMIN_ONLY_MESSAGE

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_admin(request.user)


class ChoosesKeyAccounts(BasePermission):
    """Executives and admins flag key accounts (the Pareto view's rule)."""

    message = _("Only executives and admins choose key accounts.")

    def has_permission(self, request, view) -> bool:
        return sees_all_accounts(request.user)
