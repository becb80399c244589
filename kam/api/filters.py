"""Filters every resource shares: `updated_since` for models that keep `updated_at`, `account` for account data."""

import django_filters
from django.utils.translation import gettext_lazy as _


class AccountDataFilterSet(django_filters.FilterSet):
    """`?account=<id>`: one account's records (an account the caller cannot see gives an empty list)."""

    account = django_filters.NumberFilter(field_name="account", help_text=_("Only this account's records."))


class UpdatedSinceMixin(django_filters.FilterSet):
    """`?updated_since=<ISO 8601 date or date-time>`: records changed at or after that moment."""

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_("ISO 8601 date or date-time; records changed at or after it."),
    )
