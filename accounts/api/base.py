"""The account-data API base: the account-visibility rule (`accounts.selectors.visible_rows`) applied to
every queryset, and who may write (the web's rules, asked of the same functions), for single records and
for batches (`POST bulk/`: `AccountBatchSerializer`, `AccountBulkWriteMixin` over `core.api.bulk`).

The rules themselves are `accounts.permissions`'. Reads are filtered by `visible_rows` in each
viewset's queryset, so an object of an account the caller cannot see is a 404 before any object
permission runs (writes included).
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from accounts.models import Account, User
from accounts.permissions import (
    accounts_not_editable_by,
    role_writes_account_data,
    user_can_edit_account,
    user_sets_account_lifecycle,
)
from accounts.roles import is_admin, sees_all_accounts
from accounts.selectors.visibility import accounts_visible_to, visible_rows
from core.api import fields
from core.api.bulk import BatchSerializer, BulkOutcomeSerializer, BulkWriteMixin
from core.api.filters import IntegerFilter, StrictFilterSet

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


class SetsAccountLifecycle(BasePermission):
    """Admins put an account on hold or withdraw it (`accounts.permissions.user_sets_account_lifecycle`);
    an account the caller cannot see is a 404."""

    message = _("Only admins put an account on hold or withdraw it.")

    def has_permission(self, request, view) -> bool:
        if user_sets_account_lifecycle(request.user):
            return True
        view.get_object()  # 404 when the caller cannot see the account
        return False


class VisibleRelatedField(fields.PrimaryKeyRelatedField):
    """An id of a record whose account the caller may see; any other id reads "does not exist", like a 404.

    `account_path` leads from the related model to its account (`"pk"` for accounts themselves).
    """

    def __init__(self, *, account_path: str = "account", **kwargs):
        self.account_path = account_path
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.filter(**{f"{self.account_path}__in": accounts_visible_to(request.user)})


class AccountDataFilterSet(StrictFilterSet):
    """`?account=<id>`: one account's records (an account the caller cannot see gives an empty list)."""

    account = IntegerFilter(field_name="account", help_text=_("Only this account's records."))


def _follow(obj, path: str):
    for name in path.split("__"):
        obj = obj[name] if isinstance(obj, dict) else getattr(obj, name)
    return obj


class AccountDataViewSet(viewsets.ModelViewSet):
    """Records that belong to an account (contacts, opportunities, orders, …).

    `account_field` is the path from the model to its account (`"account"`,
    `"contact__account"`); `base_queryset()` gives the rows with what the serializer reads.
    Lists and lookups see only rows of accounts visible to the caller (others are 404);
    a write needs `may_write` on the row's account (else 403; 404 if the caller cannot see it).
    Lists are in `ordering`, by default by `account_key` (the account's id, see `visible_rows`)
    then id: the database reads a page from the account index (`"account"` would sort every row
    by the account's name).
    """

    account_field = "account"
    ordering = ["account_key", "id"]
    permission_classes = [IsAuthenticated, AccountDataPermission]
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return visible_rows(self.base_queryset(), self.request.user, self.account_field)

    def account_of(self, obj) -> Account:
        return _follow(obj, self.account_field)

    def may_write(self, user: User, account: Account) -> bool:
        """The rule for writing this resource on `account` (account data: `user_can_edit_account`)."""
        return user_can_edit_account(user=user, account=account)

    def may_write_some(self, user: User) -> bool:
        """Whether the user's role writes this resource on any account at all."""
        return role_writes_account_data(user)

    def perform_create(self, serializer) -> None:
        account = _follow(serializer.validated_data, self.account_field)
        if not self.may_write(self.request.user, account):
            raise PermissionDenied(READ_ONLY_MESSAGE)
        serializer.save()


# --- Batches of account data (`POST bulk/`) -------------------------------------------------------


class AccountBatchSerializer(BatchSerializer):
    """A batch of account data: each row's `account` is an id of an account the caller sees (any other
    "does not exist"); subclasses add their own id fields to `related`."""

    related = {"account": accounts_visible_to}


class AccountBulkOutcomeSerializer(BulkOutcomeSerializer):
    """What `POST bulk/` did with one row of account data."""

    account = serializers.IntegerField()


class AccountBulkWriteMixin(BulkWriteMixin):
    """`POST bulk/` of an account data viewset (`core.api.bulk.BulkWriteMixin`): the caller must be allowed
    to write every row's account, else nothing is written and the batch is refused (`bulk_refuse`: a 403 by
    default). `accounts_not_writable` names the accounts the caller may not write (by default those they may
    not edit). Each row of the answer names its account.
    """

    def accounts_not_writable(self, user: User, account_ids: set[int]) -> set[int]:
        return accounts_not_editable_by(user, account_ids)

    def bulk_refuse(self) -> None:
        raise PermissionDenied(READ_ONLY_MESSAGE)

    def bulk_check(self, rows: list[dict]) -> None:
        if self.accounts_not_writable(self.request.user, {row["account"].pk for row in rows}):
            self.bulk_refuse()

    def bulk_names(self, record) -> dict:
        return {"id": record.pk, "account": record.account_id, **self.bulk_key(record)}
