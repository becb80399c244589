"""Query filters, checked like a payload: a bad value is a 400 naming the parameter, never silently ignored.

Shared here: the strict base FilterSet (also used for `filterset_fields`, through
`FilterBackend`), `updated_since` for models that keep `updated_at` (`?account=` is `accounts.api.base.AccountDataFilterSet`).
"""

import datetime
import re

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as drf_filters

BOOLEAN_VALUES = {"true", "false", "1", "0"}


# The range of the database's integers: a larger number is a 400, not an overflow in the driver.
INTEGER_RANGE = {"min_value": -(2**63), "max_value": 2**63 - 1}


class WholeNumberField(forms.IntegerField):
    """Digits only: Django's IntegerField also takes `1.0`, which a schema's integer is not."""

    def __init__(self, **kwargs):
        super().__init__(**{**INTEGER_RANGE, **kwargs})

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]+", str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number in the database's range (django-filter's NumberFilter takes decimals and any size)."""

    field_class = WholeNumberField


class StrictFilterSet(drf_filters.FilterSet):
    """A filter given without a value, or a yes/no filter given anything but true/false, is an error."""

    FILTER_DEFAULTS = {
        model_field: {**spec, "filter_class": IntegerFilter}
        if issubclass(model_field, (models.IntegerField, models.AutoField)) and spec["filter_class"] is django_filters.NumberFilter
        else spec
        for model_field, spec in drf_filters.FilterSet.FILTER_DEFAULTS.items()
    }

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, query_filter in self.filters.items():
            if name not in self.data:
                continue
            raw = self.data.get(name)
            if raw == "":
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
            elif isinstance(query_filter, django_filters.BooleanFilter) and raw.lower() not in BOOLEAN_VALUES:
                self.form.add_error(name, _("Use true or false."))
        return valid and not self.form.errors


class FilterBackend(drf_filters.DjangoFilterBackend):
    """django-filter for the API, building `filterset_fields` on the strict base."""

    filterset_base = StrictFilterSet


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC: Python takes offsets up to ±23:59, PostgreSQL only
    up to ±15:59 (`+21:40` was a server error); a moment that is not within the years 1 to 9999 in UTC is a 400."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(datetime.timezone.utc)
        except OverflowError:
            raise forms.ValidationError(_("Give a date-time between the years 1 and 9999."), code="invalid")


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class UpdatedSinceMixin(StrictFilterSet):
    """`?updated_since=<ISO 8601 date or date-time>`: records changed at or after that moment."""

    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_("ISO 8601 date or date-time; records changed at or after it."),
    )
