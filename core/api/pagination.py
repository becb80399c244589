"""Cursor pagination: `next` and `previous` links, 50 rows a page, `?page_size=` up to 500, no total count.

A page is the rows after (or before) a position in an ordering made unique by `id`, so the
database reads it from an index with a LIMIT: a page costs the same at any size.
DRF's CursorPagination keeps only the first ordering field in the cursor and skips rows that
share it by an offset, capped at 1,000. Ordered by account, that offset would grow with the
account's rows, and past the cap the same page would come back for ever. So the cursor here
holds every ordering field of the row it starts from, and needs no offset.
"""

from dataclasses import dataclass

from django.core import signing
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

CURSOR_SALT = "kam.api.pagination.cursor"  # unchanged by the move: cursors already handed out stay valid
NOTHING = Q(pk__in=[])


class CursorPagination(pagination.CursorPagination):
    """The view's `ordering` (or a client's `?ordering=`), with `id` added when it is not there.

    An action that lists rows without the ordering filter (an opportunity's moves) gives its
    order as `ordering=` in `@action`. A cursor is signed, and holds the ordering it was made
    for: any other cursor is a 400.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("id",)

    def paginate_queryset(self, queryset, request, view=None):
        if "page" in request.query_params:
            # An older client counting pages would otherwise get the first page again and again.
            raise ValidationError({"page": [_("Pages are reached through the next and previous links, not ?page=.")]})
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = self.cursor is not None and self.cursor.reverse
        position = self.cursor.position if self.cursor is not None else None
        keys = [_Key.of(queryset, term, reverse) for term in self.ordering]
        queryset = queryset.order_by(*(key.order_by() for key in keys))
        if position is not None:
            queryset = queryset.filter(_after(keys, position))
        rows = list(queryset[: self.page_size + 1])
        self.page = rows[: self.page_size]
        more = len(rows) > self.page_size
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = position is not None, more
        else:
            self.has_next, self.has_previous = more, position is not None
        return self.page

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            message = _("Use a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(raw), self.max_page_size)

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        if not any(hasattr(backend, "get_ordering") for backend in getattr(view, "filter_backends", [])):
            self.ordering = getattr(view, "ordering", None) or self.ordering
        ordering = super().get_ordering(request, queryset, view)
        if {"id", "pk"} & {term.lstrip("-") for term in ordering}:
            return ordering
        return (*ordering, "id")

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        if not self.page:
            # Nothing is left before the cursor (rows were deleted): the rows after it begin the list.
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=False, position=self._position(self.page[-1])))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        position = self._position(self.page[0]) if self.page else None  # none: the list's last page
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=True, position=position))

    def encode_cursor(self, cursor) -> str:
        token = signing.dumps([list(self.ordering), cursor.reverse, cursor.position], salt=CURSOR_SALT)
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request) -> pagination.Cursor | None:
        token = request.query_params.get(self.cursor_query_param)
        if token is None:
            return None
        try:
            ordering, reverse, position = signing.loads(token, salt=CURSOR_SALT)
        except (signing.BadSignature, TypeError, ValueError):
            ordering = None
        if ordering != list(self.ordering):
            message = _("This cursor does not belong to this list: follow the next and previous links as they are given.")
            raise ValidationError({self.cursor_query_param: [message]})
        return pagination.Cursor(offset=0, reverse=reverse, position=position)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response_schema(self, schema) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["next", "previous", "results"]
        return response

    def _position(self, row) -> list:
        """The row's value of each ordering field, as JSON: dates, times and decimals as the text the database compares."""
        values = (getattr(row, term.lstrip("-")) for term in self.ordering)
        return [value if value is None or isinstance(value, (int, str)) else str(value) for value in values]


@dataclass(frozen=True)
class _Key:
    """One ordering field as the query sorts it (reversed for a `previous` page). NULL sorts as the largest value."""

    name: str
    descending: bool
    nullable: bool

    @classmethod
    def of(cls, queryset: QuerySet, term: str, reverse: bool) -> "_Key":
        name = term.lstrip("-")
        if name in queryset.query.annotations:
            nullable = queryset.query.annotations[name].output_field.null
        else:
            nullable = name != "pk" and queryset.model._meta.get_field(name).null
        return cls(name=name, descending=term.startswith("-") != reverse, nullable=nullable)

    def order_by(self):
        if self.nullable:
            return F(self.name).desc(nulls_first=True) if self.descending else F(self.name).asc(nulls_last=True)
        return f"-{self.name}" if self.descending else self.name

    def equal(self, value) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def beyond(self, value) -> Q:
        """The rows that come after `value` in this key's order."""
        if value is None:
            return Q(**{f"{self.name}__isnull": False}) if self.descending else NOTHING
        beyond = Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})
        return beyond | Q(**{f"{self.name}__isnull": True}) if self.nullable and not self.descending else beyond

    def from_value(self, value) -> Q:
        """`value` and what comes after it: the range an index scan starts from."""
        return Q(**{f"{self.name}__{'lte' if self.descending else 'gte'}": value})


def _after(keys: list[_Key], position: list) -> Q:
    """The rows after `position` in the keys' order: (k1 > v1) or (k1 = v1 and (k2 > v2 or (k2 = v2 and …)))."""
    condition = keys[-1].beyond(position[-1])
    for key, value in zip(reversed(keys[:-1]), reversed(position[:-1]), strict=True):
        condition = key.beyond(value) | (key.equal(value) & condition)
    first, value = keys[0], position[0]
    if not first.nullable:
        # The same rows, but the database sees the range on the first key and starts its index scan there.
        condition &= first.from_value(value)
    return condition
