"""Who may write through the API: the web's rules, asked of the same functions.

The rules themselves are `accounts.permissions`'. Reads are filtered by
`accounts.selectors.visible_rows` in each viewset's queryset, so an object of an account the
caller cannot see is a 404 before any object permission runs (writes included).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.roles import is_admin, sees_all_accounts

READ_ONLY_MESSAGE = _("Executives read; only the account team and admins change account data.")
ADMIN_ONLY_MESSAGE = _("Only an admin changes this.")


class AccountDataPermission(BasePermission):
    """Data that belongs to an account: read by whoever sees the account, written as the viewset's
    `may_write(user, account)` says (`accounts.permissions.user_can_edit_account` by default).

    A role that writes no account (`may_write_some`) is refused at once (403); anyone else goes on
    to the object, so a write to a record they cannot see is a 404. A create is checked against the
    account in the payload by the viewset once the payload is valid.
    """

    message = READ_ONLY_MESSAGE

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return view.may_write_some(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return view.may_write(request.user, view.account_of(obj))


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
    """Executives and admins flag key accounts (the Pareto view's rule); an account the caller
    cannot see is a 404, as for every other write."""

    message = _("Only executives and admins choose key accounts.")

    def has_permission(self, request, view) -> bool:
        if sees_all_accounts(request.user):
            return True
        view.get_object()  # 404 when the caller cannot see the account
        return False
