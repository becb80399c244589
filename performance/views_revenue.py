"""The revenue-line import page: an upload of revenue lines (매출) from the ERP, checked on the import's preview."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from performance.forms import RevenueImportForm
from performance.imports import COLUMNS
from performance.models import ImportBatch
from performance.views import import_upload_page

KIND = ImportBatch.Kind.REVENUE


@require_http_methods(["GET", "POST"])
def revenue_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or Excel file of revenue lines; it is previewed row by row before anything is saved."""
    return import_upload_page(
        request, form_class=RevenueImportForm, template="performance/revenue_import.html",
        context={"columns": COLUMNS[KIND]}, kind=KIND,
    )
