from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N` (a page past the end is a 404, a malformed number a 400), 50 rows a page, `?page_size=` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return raw or 1
        if not _is_positive_int(raw):
            raise ValidationError({self.page_query_param: [_("Use a page number from 1.")]})
        return raw

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not _is_positive_int(raw):
            message = _("Use a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(raw), self.max_page_size)


def _is_positive_int(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and int(raw) >= 1
