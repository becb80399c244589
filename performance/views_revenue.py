"""The revenue-line import page: an upload of revenue lines (매출) from the ERP, checked on the import's preview."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from performance.forms import RevenueImportForm
from performance.imports import COLUMNS, ImportFileError
from performance.models import ImportBatch
from performance.services import import_batch_preview
from performance.views import _require_import

KIND = ImportBatch.Kind.REVENUE


@require_http_methods(["GET", "POST"])
def revenue_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or Excel file of revenue lines; it is previewed row by row before anything is saved."""
    _require_import(request)
    status = 200
    if request.method == "POST":
        form = RevenueImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = import_batch_preview(kind=KIND, upload=form.cleaned_data["file"], acting_user=request.user)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                return redirect("performance:import-preview", batch_id=batch.pk)
        messages.error(request, _("The file was not read; see the message below."))
        status = 400
    else:
        form = RevenueImportForm()
    recent = ImportBatch.objects.filter(uploaded_by=request.user, kind=KIND).order_by("-uploaded_at")[:10]
    return render(
        request,
        "performance/revenue_import.html",
        {"nav": "import", "form": form, "columns": COLUMNS[KIND], "recent": recent},
        status=status,
    )
