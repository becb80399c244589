from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N` (an unknown page is a 404), 50 rows a page, `?page_size=` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [_("Use a whole number from 1 to %(max)d.") % {"max": self.max_page_size}]})
        return min(int(raw), self.max_page_size)
