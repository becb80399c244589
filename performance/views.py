"""Performance pages: thin views that parse, call a selector or service, and render (or export)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import portfolio_cache
from accounts.models import Account, User
from accounts.permissions import role_writes_account_data, user_can_edit_account
from accounts.roles import is_admin
from core import params
from accounts.selectors import account_get_for_user
from performance import exports
from performance.forms import (
    AccountDashboardForm,
    DashboardFilterForm,
    ImportUploadForm,
    ManualActualForm,
    NpsResponseForm,
)
from performance.imports import COLUMNS, ImportFileError
from performance.models import ImportBatch, KpiDefinition, KpiStatus
from performance.order_revenue import order_made_line_count, orders_make_revenue
from performance.periods import Period, PeriodKind
from performance.selectors.account_dashboard import account_dashboard
from performance.selectors.personal_goals import GOAL_CHECK_LINES, personal_goal_check
from performance.selectors.records import manual_actuals_for_account, nps_responses_for_account
from performance.selectors.weekly_dashboard import (
    DASHBOARD_PAGE_SIZE,
    dashboard_accounts,
    dashboard_kpis,
    dashboard_portfolio,
    pareto,
    snapshot_days,
    status_grid,
    tier_funnel,
    week_movers,
)
from performance.services import (
    ImportRefused,
    import_batch_commit,
    import_batch_preview,
    kpi_snapshot_refresh,
    manual_actual_record,
    nps_response_record,
)

PAGE_SIZE = 25


def _number(value) -> float | None:
    """A Decimal as a plain number for a chart, rounded to what a chart can show."""
    if value is None:
        return None
    return float(round(Decimal(value), 2))


def _export_format(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in exports.FORMATS else "csv"


def can_import(user: User) -> bool:
    """Admins import for every account, account teams for their own; executives only read."""
    return role_writes_account_data(user)


# The weekly KPI dashboard ---------------------------------------------------------------------
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Executives see every account, account managers their own: status per account and KPI, the
    week's movers, the Pareto chart, the tier funnel and the count tiles other apps register (`performance.panels`: plans by status)."""
    form = DashboardFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    accounts = dashboard_accounts(user=request.user, filters=filters)
    days = snapshot_days()
    sort = form.sort_order()

    export = request.GET.get("export")
    if export:
        kpis = dashboard_kpis(accounts=accounts, as_of=days.latest, kind=filters.kind)
        table = _dashboard_export(export, accounts=accounts, kpis=kpis, days=days, kind=filters.kind, sort=sort)
        if table is not None:
            return exports.export_response(table, _export_format(request))

    page_number = params.page_number(request.GET.get("page"))

    data, funnel, panels = dashboard_portfolio(
        user=request.user, accounts=accounts, filters=filters, sort=sort, page_number=page_number, days=days
    )
    kpis, rows, total, movers, pareto_data = data["kpis"], data["rows"], data["total"], data["movers"], data["pareto"]
    # A person's weekly check of their personal goals, when the dashboard is filtered to them.
    person = User.objects.filter(pk=filters.person_id).first() if filters.person_id else None
    # Its totals first; the lines per account on request (the furthest behind, or all of them). It sums the
    # person's orders, revenue lines and goals over the dashboard's accounts: kept until the next write to them.
    goal_lines = request.GET.get("goal_lines")
    per_account, today = goal_lines in ("accounts", "all"), timezone.localdate()
    account_lines = None if goal_lines == "all" else GOAL_CHECK_LINES
    goal_check = portfolio_cache.cached(
        ("goal_check", portfolio_cache.scope(request.user), filters, per_account, account_lines, today, get_language()),
        lambda: personal_goal_check(
            person=person, accounts=accounts, today=today, per_account=per_account, account_lines=account_lines
        ),
        depends=(portfolio_cache.SALES,),
    ) if person else None
    goal_lines_query = {}
    for lines in ("accounts", "all"):
        query = request.GET.copy()
        query["goal_lines"] = lines
        goal_lines_query[lines] = query.urlencode()
    paginator = Paginator(range(total), DASHBOARD_PAGE_SIZE)
    page = paginator.get_page(page_number) if total else None
    totals = {
        "on_track": sum(kpi.on_track for kpi in kpis),
        "at_risk": sum(kpi.at_risk for kpi in kpis),
        "off_track": sum(kpi.off_track for kpi in kpis),
    }
    charts = {
        "status": {
            "labels": [kpi.display_name for kpi in kpis],
            "datasets": [
                {"key": status, "label": str(KpiStatus(status).label), "data": [getattr(kpi, status) for kpi in kpis]}
                for status in ("on_track", "at_risk", "off_track")
            ],
        },
        "pareto": {
            "labels": [row.name for row in pareto_data.rows],
            "revenue": [_number(row.revenue) for row in pareto_data.rows],
            "cumulative": [_number(row.cumulative_share) for row in pareto_data.rows],
            "revenueLabel": _("Revenue, last 12 months"),
            "cumulativeLabel": _("Cumulative share of revenue (%)"),
        },
        "funnel": {
            "labels": [_("Tier %(tier)s") % {"tier": row["tier"]} for row in funnel],
            "amount": [_number(row["amount"]) for row in funnel],
            "weighted": [_number(row["weighted"]) for row in funnel],
            "amountLabel": _("Open pipeline"),
            "weightedLabel": _("Weighted by probability"),
        },
    }
    return render(
        request,
        "performance/dashboard.html",
        {
            "nav": "dashboard",
            "form": form,
            "filters": filters,
            "sort": sort,
            "days": days,
            "kpis": kpis,
            "rows": rows,
            "total": total,
            "page": page,
            "movers": movers,
            "pareto": pareto_data,
            "funnel": funnel,
            "panels": panels,
            "goal_check": goal_check,
            "goal_lines_query": goal_lines_query,
            "totals": totals,
            "charts": charts,
            "can_import": can_import(request.user),
            "can_refresh": is_admin(request.user),
            "period_label": dict(PeriodKind.choices)[filters.kind],
        },
    )


def _dashboard_export(name, *, accounts, kpis, days, kind, sort) -> exports.ExportTable | None:
    if name == "status":
        rows, _total = status_grid(accounts=accounts, kpis=kpis, as_of=days.latest, kind=kind, sort=sort, limit=None)
        headers = [_("Account"), _("Vertical unit"), _("Grade"), _("KAM")]
        for kpi in kpis:
            headers += [f"{kpi.display_name} · {_('actual')}", f"{kpi.display_name} · {_('target to date')}",
                        f"{kpi.display_name} · {_('status')}"]
        data = []
        for account in rows:
            line = [account.name, str(account.vertical_unit), str(account.grade or ""), account.kam_names or ""]
            for cell in account.cells:
                line += [cell.actual, cell.expected, cell.get_status_display()] if cell else [None, None, ""]
            data.append(line)
        return exports.ExportTable("kpi-status", _("KPI status"), headers, data)
    if name == "movers":
        movers = week_movers(accounts=accounts, kpis=kpis, days=days, kind=kind, limit=None)
        return exports.ExportTable(
            "kpi-movers",
            _("The week's movers"),
            [_("Account"), _("KPI"), _("Status a week ago"), _("Status now"), _("Actual a week ago"), _("Actual now")],
            [
                [m.account_name, m.kpi.display_name, str(KpiStatus(m.previous_status).label), m.get_status_display(),
                 m.previous_actual, m.actual]
                for m in movers
            ],
        )
    if name == "pareto":
        data = pareto(accounts=accounts, limit=None)
        return exports.ExportTable(
            "pareto",
            _("Pareto"),
            [_("Account"), _("Revenue, last 12 months"), _("Cumulative share (%)"), _("Pareto class")],
            [[row.name, row.revenue, round(row.cumulative_share, 2), row.pareto_class] for row in data.rows],
        )
    if name == "funnel":
        return exports.ExportTable(
            "tier-funnel",
            _("Tier funnel"),
            [_("Tier"), _("Open opportunities"), _("Open pipeline"), _("Weighted by probability")],
            [[row["tier"], row["count"], row["amount"], row["weighted"]] for row in tier_funnel(accounts=accounts)],
        )
    if name == "kpis":
        return exports.ExportTable(
            "kpi-status-counts",
            _("Status by KPI"),
            [_("KPI"), pgettext("KPI status", "On track"), pgettext("KPI status", "At risk"), pgettext("KPI status", "Off track"), _("No target or data")],
            [[kpi.display_name, kpi.on_track, kpi.at_risk, kpi.off_track, kpi.without_target] for kpi in kpis],
        )
    return None


@require_POST
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    """Admins recompute today's snapshots at once instead of waiting for the hourly run."""
    if not is_admin(request.user):
        raise PermissionDenied
    count = kpi_snapshot_refresh()
    messages.success(request, _("KPI statuses recomputed (%(count)s values).") % {"count": count})
    return redirect("performance:dashboard")


# One account ------------------------------------------------------------------------------
@require_GET
def account_kpis(request: HttpRequest, account_id: int) -> HttpResponse:
    """One account's KPIs: target vs actual per period, repurchase and NPS trends, orders by offering."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    form = AccountDashboardForm(request.GET or None, account=account)
    kind, fiscal_year = form.selection()
    board = account_dashboard(account=account, kind=kind, fiscal_year=fiscal_year)
    rows = board.rows()

    export = request.GET.get("export")
    if export in ("kpis", "offerings"):
        return exports.export_response(_account_export(export, board, rows), _export_format(request))

    labels = [period.label for period in board.periods]
    series = {
        kpi.code: {
            "label": kpi.display_name,
            "unit": kpi.unit,
            "actual": [_number(value.actual) if value else None for value in values],
            "target": [_number(value.target) if value else None for value in values],
        }
        for kpi, values in rows
    }
    codes = {kpi.code for kpi in board.kpis}
    charts = {
        "labels": labels,
        "series": series,
        "actualLabel": _("Actual"),
        "targetLabel": _("Target"),
        "repurchase": {
            "count": series.get("repurchase_count", {}).get("actual", []),
            "amount": series.get("repurchase_amount", {}).get("actual", []),
            "countLabel": _("By count"),
            "amountLabel": _("By amount"),
        },
        "nps": {"values": series.get("nps", {}).get("actual", []), "label": _("NPS")},
        "offerings": {
            "labels": [row["offering__name"] for row in board.offerings],
            "amount": [_number(row["amount"]) for row in board.offerings],
            "label": _("Order amount"),
        },
    }
    current = board.current_index if board.current_index is not None else len(board.periods) - 1
    highlights = [
        (kpi, values[current]) for kpi, values in rows
        if kpi.code in ("revenue", "profit", "margin", "nps", "repurchase_amount", "utilisation", "deployment")
    ][:5]
    can_edit = user_can_edit_account(user=request.user, account=account)
    return render(
        request,
        "performance/account_kpis.html",
        {
            "nav": "accounts",
            "account": account,
            "form": form,
            "board": board,
            "rows": rows,
            "charts": charts,
            "current_period": board.periods[current],
            "year_period": Period(PeriodKind.YEAR, board.fiscal_year, 1, account.fiscal_year_start_month),
            "highlights": highlights,
            "has_repurchase": bool(codes & {"repurchase_count", "repurchase_amount"}),
            "has_nps": "nps" in codes,
            "can_edit": can_edit,
            "has_manual_kpis": any(not kpi.is_computed for kpi in board.kpis),
        },
    )


def _account_export(name: str, board, rows) -> exports.ExportTable:
    if name == "offerings":
        return exports.ExportTable(
            f"orders-by-offering-{board.account.pk}",
            _("Orders by offering"),
            [_("Offering"), _("Orders"), _("Amount"), _("Share (%)")],
            [[row["offering__name"], row["orders"], row["amount"],
              round(row["share"], 2) if row["share"] is not None else None] for row in board.offerings],
        )
    headers = [_("KPI"), _("Unit")]
    for period in board.periods:
        headers += [f"{period.label} · {_('actual')}", f"{period.label} · {_('target')}", f"{period.label} · {_('status')}"]
    data = []
    for kpi, values in rows:
        line = [kpi.display_name, kpi.get_unit_display()]
        for value in values:
            line += [value.actual, value.target, value.status_label] if value else [None, None, ""]
        data.append(line)
    return exports.ExportTable(f"kpis-{board.account.pk}", _("Target vs actual"), headers, data)


# An account's records entered by hand ------------------------------------------------------------
@dataclass(frozen=True)
class AccountRecords:
    """A page of an account's records entered by its team (NPS answers, manual actuals), as
    `account_records_page` serves it: `records` reads them, `export` makes their table, `save` records
    one from the valid form (the service's ValidationError goes back to the form) and says so."""

    template: str
    url_name: str
    export_name: str
    form_class: type[forms.Form]
    records: Callable[..., QuerySet]
    export: Callable[[Account, QuerySet], exports.ExportTable]
    save: Callable[..., str]
    not_saved: str | Promise


def account_records_page(request: HttpRequest, account_id: int, page: AccountRecords) -> HttpResponse:
    """An account's records, paged or exported, and for its team (admins included) a form to record one;
    a refused POST shows the form again with its errors (400), a saved one redirects to the list."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    can_edit = user_can_edit_account(user=request.user, account=account)
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = page.form_class(request.POST, account=account)
        if form.is_valid():
            try:
                saved = page.save(form, account=account, acting_user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, saved)
                return redirect(page.url_name, account_id=account.pk)
        messages.error(request, str(page.not_saved))
    elif can_edit:
        form = page.form_class(account=account)
    records = page.records(account=account)
    if request.GET.get("export"):
        return exports.export_response(page.export(account, records), _export_format(request))
    return render(
        request,
        page.template,
        {
            "nav": "accounts",
            "account": account,
            "page": Paginator(records, PAGE_SIZE).get_page(params.page_number(request.GET.get("page"))),
            "form": form,
            "can_edit": can_edit,
            "export_name": page.export_name,
        },
        status=400 if request.method == "POST" else 200,
    )


def _nps_save(form: NpsResponseForm, *, account: Account, acting_user: User) -> str:
    data = form.cleaned_data
    nps_response_record(
        account=account, contact=data["contact"], score=data["score"], responded_on=data["responded_on"],
        comment=data["comment"], survey=data["survey"], acting_user=acting_user,
    )
    return _("NPS response recorded.")


def _nps_export(account: Account, responses) -> exports.ExportTable:
    return exports.ExportTable(
        f"nps-{account.pk}",
        _("NPS responses"),
        [_("Date"), _("Respondent"), _("Score"), _("Category"), _("Survey"), _("Comment")],
        [[r.responded_on, r.respondent_name, r.score, _category_label(r.category), r.survey, r.comment]
         for r in responses],
    )


def _category_label(category: str) -> str:
    return {"promoter": _("Promoter"), "passive": _("Passive"), "detractor": _("Detractor")}[category]


NPS_RESPONSES = AccountRecords(
    template="performance/account_nps.html",
    url_name="performance:account-nps",
    export_name="responses",
    form_class=NpsResponseForm,
    records=nps_responses_for_account,
    export=_nps_export,
    save=_nps_save,
    not_saved=gettext_lazy("The response was not saved; please correct the fields marked below."),
)


@require_http_methods(["GET", "POST"])
def account_nps(request: HttpRequest, account_id: int) -> HttpResponse:
    """An account's NPS survey responses, and (for its team) a form to record one."""
    return account_records_page(request, account_id, NPS_RESPONSES)


def _actual_save(form: ManualActualForm, *, account: Account, acting_user: User) -> str:
    data = form.cleaned_data
    manual_actual_record(account=account, kpi=data["kpi"], period=form.period(), value=data["value"],
                         note=data["note"], acting_user=acting_user)
    return _("Actual recorded for %(period)s.") % {"period": form.period().label}


def _actuals_export(account: Account, actuals) -> exports.ExportTable:
    return exports.ExportTable(
        f"manual-actuals-{account.pk}",
        _("Manual actuals"),
        [_("KPI"), _("Fiscal year"), _("Period"), _("Period number"), _("Actual"), _("Note"), _("Recorded by")],
        [[a.kpi.code, a.fiscal_year, a.get_period_kind_display(), a.period_index, a.value, a.note,
          str(a.recorded_by or "")] for a in actuals],
    )


MANUAL_ACTUALS = AccountRecords(
    template="performance/account_actuals.html",
    url_name="performance:account-actuals",
    export_name="actuals",
    form_class=ManualActualForm,
    records=manual_actuals_for_account,
    export=_actuals_export,
    save=_actual_save,
    not_saved=gettext_lazy("The actual was not saved; please correct the fields marked below."),
)


@require_http_methods(["GET", "POST"])
def account_actuals(request: HttpRequest, account_id: int) -> HttpResponse:
    """The actuals an account's team entered by hand, and a form to record one."""
    return account_records_page(request, account_id, MANUAL_ACTUALS)


# The KPI catalogue --------------------------------------------------------------------------
@require_GET
def kpi_catalogue(request: HttpRequest) -> HttpResponse:
    """Every active KPI: what it measures, its formula, unit, direction and status thresholds."""
    kpis = list(KpiDefinition.objects.filter(is_active=True))
    if request.GET.get("export"):
        table = exports.ExportTable(
            "kpi-catalogue",
            _("KPI definitions"),
            [_("Code"), _("KPI"), _("Formula"), _("Unit"), _("Direction"), _("Source"), _("On track from (%)"),
             _("At risk from (%)")],
            [[k.code, k.display_name, k.display_formula, k.get_unit_display(), k.get_direction_display(),
              k.get_source_display(), k.on_track_percent, k.at_risk_percent] for k in kpis],
        )
        return exports.export_response(table, _export_format(request))
    return render(request, "performance/kpi_catalogue.html", {"nav": "dashboard", "kpis": kpis})


# Imports ----------------------------------------------------------------------------------
def _require_import(request: HttpRequest) -> None:
    if not can_import(request.user):
        raise PermissionDenied


def import_upload_page(request: HttpRequest, *, form_class, template: str, context: dict,
                       kind: str | None = None, initial: dict | None = None) -> HttpResponse:
    """An upload to preview: the form, its refusal (400, nothing saved) and the user's recent uploads.

    `kind` fixes the kind of import (the form has no choice of kind); without it the form's `kind` field says.
    """
    _require_import(request)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = import_batch_preview(
                    kind=kind or form.cleaned_data["kind"], upload=form.cleaned_data["file"], acting_user=request.user
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                return redirect("performance:import-preview", batch_id=batch.pk)
        messages.error(request, _("The file was not read; see the message below."))
        status = 400
    else:
        form = form_class(initial=initial)
    recent = ImportBatch.objects.filter(uploaded_by=request.user, **({"kind": kind} if kind else {}))
    return render(
        request, template, {"nav": "import", "form": form, "recent": recent.order_by("-uploaded_at")[:10], **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or Excel file of orders, NPS responses, manual actuals or time entries, to preview."""
    return import_upload_page(
        request, form_class=ImportUploadForm, template="performance/import_upload.html",
        context={"columns": COLUMNS, "kinds": ImportBatch.Kind.choices},
        initial={"kind": request.GET.get("kind", ImportBatch.Kind.ORDERS)},
    )


def _batch_for(request: HttpRequest, batch_id: int) -> ImportBatch:
    batches = ImportBatch.objects.all() if is_admin(request.user) else ImportBatch.objects.filter(uploaded_by=request.user)
    return get_object_or_404(batches, pk=batch_id)


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    """What an upload would do, row by row; POST imports it, all or nothing."""
    _require_import(request)
    batch = _batch_for(request, batch_id)
    if request.method == "POST":
        try:
            import_batch_commit(batch=batch, acting_user=request.user)
        except ImportRefused as refusal:
            messages.error(request, str(refusal))
        else:
            batch.refresh_from_db()
            messages.success(
                request,
                _("Imported: %(new)s new, %(updated)s updated, %(skipped)s already there and skipped.")
                % {"new": batch.new_count, "updated": batch.update_count, "skipped": batch.duplicate_count},
            )
        return redirect("performance:import-preview", batch_id=batch.pk)
    labels = {column.name: str(column.label) for column in COLUMNS[batch.kind]}
    report = batch.report
    if request.GET.get("export"):
        table = exports.ExportTable(
            f"import-{batch.pk}-check",
            _("Import check"),
            [_("Row"), _("Result"), _("Column"), _("Reason"), _("Row content")],
            [
                [item["row"], _row_status_label(item["status"]), labels.get(error["column"], error["column"]),
                 error["reason"], item["summary"]]
                for item in report for error in (item["errors"] or [{"column": "", "reason": ""}])
            ],
        )
        return exports.export_response(table, _export_format(request))
    errors = [item for item in report if item["status"] == "error"]
    others = [item for item in report if item["status"] != "error"]
    # The first revenue import ends the revenue lines orders make: say so before it is committed.
    first_revenue = (
        batch.kind == ImportBatch.Kind.REVENUE and batch.status != ImportBatch.Status.COMMITTED and orders_make_revenue()
    )
    for item in errors:
        for error in item["errors"]:
            error["label"] = labels.get(error["column"], error["column"])
    return render(
        request,
        "performance/import_preview.html",
        {
            "nav": "import",
            "batch": batch,
            "errors": errors[:500],
            "more_errors": max(len(errors) - 500, 0),
            "others": others[:200],
            "more_others": max(len(others) - 200, 0),
            "status_labels": {key: _row_status_label(key) for key in ("new", "update", "duplicate", "error")},
            "first_revenue": first_revenue,
            "order_made_lines": order_made_line_count() if first_revenue else 0,
        },
    )


def _row_status_label(status: str) -> str:
    return {
        "new": _("New"),
        "update": _("Update"),
        "duplicate": _("Already imported: skipped"),
        "error": _("Error"),
    }[status]
