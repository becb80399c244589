"""Base viewsets: every queryset through `visible_rows` (the accounts a user may see), every write by the web's rules."""

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated

from accounts.models import Account, User
from accounts.permissions import role_writes_account_data, user_can_edit_account
from accounts.selectors import visible_rows
from kam.api.permissions import READ_ONLY_MESSAGE, AccountDataPermission


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
