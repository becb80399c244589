"""`POST bulk/`, with no domain: a batch checked as a whole (ids resolved in one query per kind), written
all or nothing by one service call, errors keyed by the failing rows' positions, each row's outcome in
the answer. The account-data form (visible accounts, the write right) is `accounts.api.base`'s.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api.exceptions import field_errors
from core.bulk import Outcome, RowErrors

BULK_MAX_ROWS = 1000


def batch_errors(errors: Mapping[int, Any]) -> serializers.ValidationError:
    """A batch's errors as every bulk endpoint answers them: keyed by the row's position (`{"3": {"amount": ["…"]}}`)."""
    return serializers.ValidationError({str(index): error for index, error in errors.items()})


class BatchSerializer(serializers.ListSerializer):
    """A batch of rows for `POST bulk/`, checked as a whole: ids resolved in one query per kind, errors keyed by
    the row's position, as DRF reports errors of the rows' own fields (`{"3": {"account": ["…"]}}`).

    `related` names each id field (an id, or a list of ids) and the rows it may name for the caller; an id
    outside them "does not exist" (or reads `missing_messages[field]`). Validated rows carry the objects in
    place of the ids. `check_row` adds a row's own checks once its ids are resolved. `key_fields` is the
    natural key: a key that comes twice is an error on the later row, on `key_error_field`.
    """

    related: dict[str, Callable[[Any], QuerySet]] = {}
    missing_messages: dict[str, str] = {}
    key_fields: tuple[str, ...] = ()
    key_error_field = ""
    key_error_message = ""

    def validate(self, rows):
        user = self.context["request"].user
        found = {
            name: rows_for(user).in_bulk({pk for row in rows for pk in _ids(row.get(name))})
            for name, rows_for in self.related.items()
        }
        errors, seen = {}, set()
        for index, row in enumerate(rows):
            row_errors = {}
            for name, objects in found.items():
                value = row.get(name)
                if value is None:
                    continue
                missing = [pk for pk in _ids(value) if pk not in objects]
                if missing:
                    row_errors[name] = [
                        self.missing_messages.get(name) or _('Invalid pk "%(pk)s" - object does not exist.') % {"pk": missing[0]}
                    ]
                else:
                    row[name] = [objects[pk] for pk in value] if isinstance(value, list) else objects[value]
            self.check_row(row, row_errors)
            if self.key_fields and not row_errors:
                key = tuple(row[name] for name in self.key_fields)
                if key in seen:
                    row_errors[self.key_error_field] = [self.key_error_message]
                seen.add(key)
            if row_errors:
                errors[index] = row_errors
        if errors:
            raise batch_errors(errors)
        return rows

    def check_row(self, row: dict, errors: dict[str, list]) -> None:
        """A row's own checks beyond its ids: add `{field: [message]}` to `errors`. Fields named in `errors`
        still hold the ids sent; the others hold their objects."""


def _ids(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class BulkOutcomeSerializer(serializers.Serializer):
    """What `POST bulk/` did with one row: `created`, `updated` or `unchanged` (sent as stored)."""

    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=[kind.value for kind in Outcome])


class BulkResultSerializer(serializers.Serializer):
    """The answer of `POST bulk/`: how many rows had each outcome, then each row's, in the batch's order."""

    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class BulkWriteMixin:
    """`POST bulk/` of a viewset: a batch checked by `bulk_serializer_class` (a `BatchSerializer`, up to
    `bulk_max_rows` rows), refused as a whole by `bulk_check` if the caller may not write it, written all or
    nothing by one service call (`bulk_write`), answered with each row's outcome.

    A service's `RowErrors` are a 400 by row position, like the serializer's. `bulk_key(record)` gives the
    fields that name a row in the answer besides its id.
    """

    bulk_serializer_class: type[BatchSerializer]
    bulk_max_rows = BULK_MAX_ROWS

    def bulk_rows(self, request) -> list[dict]:
        """The batch sent, checked (else a 400 by row position)."""
        batch = self.bulk_serializer_class(
            data=request.data,
            context={"request": request, "format": self.format_kwarg, "view": self},
            allow_empty=False,
            max_length=self.bulk_max_rows,
        )
        batch.is_valid(raise_exception=True)
        return batch.validated_data

    def bulk_check(self, rows: list[dict]) -> None:
        """Raise if the caller may not write these rows (nothing is written)."""

    def bulk_write(self, rows: list[dict]) -> list[tuple[Model, Outcome]]:
        raise NotImplementedError

    def bulk_key(self, record: Model) -> dict:
        return {}

    def bulk_names(self, record: Model) -> dict:
        """The fields that name a row in the answer, before its outcome."""
        return {"id": record.pk, **self.bulk_key(record)}

    def bulk_response(self, request) -> Response:
        rows = self.bulk_rows(request)
        self.bulk_check(rows)
        try:
            outcomes = self.bulk_write(rows)
        except RowErrors as exc:
            raise batch_errors({index: field_errors(error) for index, error in exc.errors.items()}) from None
        counts = Counter(outcome for _record, outcome in outcomes)
        return Response(
            {
                **{kind.value: counts[kind] for kind in Outcome},
                "results": [{**self.bulk_names(record), "outcome": outcome.value} for record, outcome in outcomes],
            },
            status=status.HTTP_200_OK,
        )
