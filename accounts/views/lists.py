"""The account list and the Pareto view."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import portfolio_cache
from accounts.filters import AccountFilter, filter_choices
from accounts.selectors.lists import account_list_for_user, open_pipeline_attach, pareto_rows_for_user
from accounts.selectors.visibility import account_get_for_user
from accounts.sections import home_sections
from accounts.services import account_key_account_set
from accounts.roles import sees_all_accounts
from core import params

PAGE_SIZE = 25


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The accounts the signed-in user may see: search, filters, sorting; key accounts and the largest first."""
    by_pipeline = "pipeline" in request.GET.get("sort", "")
    accounts = account_list_for_user(user=request.user, with_open_pipeline=by_pipeline)
    account_filter = AccountFilter(request.GET, queryset=accounts, choices=filter_choices(request.user))
    # The list's ordered ids are kept in the portfolio cache until the next write to accounts or teams
    # (and opportunities, sorted by open pipeline): counting a search, sorting by pipeline, or sorting
    # an account manager's thousands of accounts then happens once, and each page reads 25 rows by key.
    filters = sorted((key, value) for key, value in request.GET.items() if key != "page")
    ids = portfolio_cache.cached(
        ("account-list", portfolio_cache.scope(request.user), tuple(filters)),
        lambda: list(account_filter.qs.values_list("pk", flat=True)),
        depends=(portfolio_cache.OPPORTUNITIES,) if by_pipeline else (),
    )
    page = portfolio_cache.page_of(account_filter.qs, ids, params.page_number(request.GET.get("page")), PAGE_SIZE)
    if not by_pipeline:
        page.object_list = open_pipeline_attach(page.object_list)
    filtered = any(request.GET.get(name) for name in ("q", "industry", "vertical_unit", "grade", "key", "owner", "lifecycle"))
    return render(
        request,
        "accounts/home.html",
        {
            "page": page,
            "filter": account_filter,
            "query": request.GET.get("q", "").strip(),
            "filtered": filtered,
            "sort": request.GET.get("sort", ""),
            "nav": "accounts",
            "sections": home_sections(user=request.user, today=timezone.localdate()),
        },
    )


@require_GET
def pareto(request: HttpRequest) -> HttpResponse:
    """Accounts by trailing-12-month revenue, cumulative share and class; the 80 % are key-account candidates."""
    data = pareto_rows_for_user(user=request.user, page_number=params.page_number(request.GET.get("page")))
    chart = {
        "labels": [row["account"].name for row in data["chart_rows"]],
        "revenue": [float(row["account"].revenue_ttm) for row in data["chart_rows"]],
        "cumulative": [round(float(row["cumulative"]), 1) for row in data["chart_rows"]],
        "revenueLabel": _("Revenue, last 12 months"),
        "cumulativeLabel": _("Cumulative share %"),
    }
    return render(
        request,
        "accounts/pareto.html",
        {**data, "chart": chart, "can_flag": sees_all_accounts(request.user), "nav": "pareto"},
    )


@require_POST
def key_account_flag(request: HttpRequest, account_id: int) -> HttpResponse:
    """Executives and admins flag or unflag a key account from the Pareto view."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    if not sees_all_accounts(request.user):
        raise PermissionDenied(_("Only executives and admins choose key accounts."))
    flag = request.POST.get("is_key_account") == "1"
    account_key_account_set(account=account, is_key_account=flag, acting_user=request.user)
    if request.htmx:
        return render(request, "accounts/_key_flag.html", {"account": account, "can_flag": True})
    if flag:
        messages.success(request, _("%(account)s is now a key account.") % {"account": account.name})
    else:
        messages.success(request, _("%(account)s is no longer a key account.") % {"account": account.name})
    return redirect("accounts:pareto")
