"""Whole numbers in URL paths stay within the database's range (core.params)."""

from django.http import Http404

from core.params import MAX_ID


class UrlNumberRangeMiddleware:
    """`<int:…>` path converters accept any run of ASCII digits; a number no row can have
    (above 2**31-1) answers 404 here, before a view hands it to the database driver."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(isinstance(value, int) and not isinstance(value, bool) and value > MAX_ID
               for value in (*view_args, *view_kwargs.values())):
            raise Http404("No such page.")
        return None
