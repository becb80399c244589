"""Revenue lines (매출): the revenue-line import page, and an account's revenue lines (매출 내역) to read and export."""

import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Account
from accounts.revenue import revenue_line_totals, revenue_line_years, revenue_lines_between
from accounts.selectors import account_get_for_user
from core import params
from performance import exports
from performance.forms import RevenueImportForm
from performance.imports import COLUMNS
from performance.models import ImportBatch
from performance.views import PAGE_SIZE, _export_format, import_upload_page

KIND = ImportBatch.Kind.REVENUE


@require_http_methods(["GET", "POST"])
def revenue_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or Excel file of revenue lines; it is previewed row by row before anything is saved."""
    return import_upload_page(
        request, form_class=RevenueImportForm, template="performance/revenue_import.html",
        context={"columns": COLUMNS[KIND]}, kind=KIND,
    )


@require_GET
def account_revenue_lines(request: HttpRequest, account_id: int) -> HttpResponse:
    """An account's revenue lines, newest month first, paged or exported, between two months (`since`, `until`:
    2026-03) or in one calendar year (`year`), with their totals. Whoever sees the account reads it (else 404);
    an unreadable filter is ignored."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    year = params.parse_year(request.GET.get("year"))
    since = params.parse_month(request.GET.get("since")) or (datetime.date(year, 1, 1) if year else None)
    until = params.parse_month(request.GET.get("until")) or (datetime.date(year, 12, 1) if year else None)
    lines = revenue_lines_between(account, since=since, until=until)
    if request.GET.get("export"):
        return exports.export_response(_revenue_lines_export(account, lines), _export_format(request))
    totals = revenue_line_totals(lines)
    paginator = Paginator(lines, PAGE_SIZE)
    paginator.count = totals["count"]  # counted with the totals: not counted again
    return render(request, "performance/account_revenue.html", {
        "nav": "accounts",
        "account": account,
        "page": paginator.get_page(params.page_number(request.GET.get("page"))),
        "totals": totals,
        "years": revenue_line_years(account),
        "year": year,
        "since": since,
        "until": until,
        "export_name": "revenue-lines",
    })


def _revenue_lines_export(account: Account, lines) -> exports.ExportTable:
    return exports.ExportTable(
        f"revenue-lines-{account.pk}",
        _("Revenue lines"),
        [_("Month"), _("Reference"), _("Order"), _("Amount"), _("Cost"), _("Profit"), _("Source")],
        [[line.month.strftime("%Y-%m"), line.reference, line.order.reference if line.order else "", line.amount,
          line.cost, line.profit, line.get_source_display()] for line in lines],
    )
