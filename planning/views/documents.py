"""A plan's documents: its history, frozen versions and their comparison, attachments, and exports (PDF, Excel)."""

import threading
from collections import OrderedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import params
from performance.selectors.catalogue import kpi_catalogue_names
from planning import exports, forms, pdfs
from planning.models import (
    PlanPdf,
    PlanVersion,
)
from planning.snapshot import plan_snapshot, snapshot_diff
from planning.timeline import timeline
from planning.selectors import completeness, content, kpis, plans, versions as versions_reads
from planning.services import attachments

from .plans import _first_error, _plan_context


@require_GET
def plan_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The audit trail: every change of the plan and its parts, who and when."""
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    entries = versions_reads.plan_history(plan=plan)
    page = Paginator(entries, 50).get_page(params.page_number(request.GET.get("page")))
    context = _plan_context(request, plan)
    context.update({"page": page})
    return render(request, "planning/plan_history.html", context)


@require_GET
def version_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """A frozen version as the meeting saw it."""
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    version = versions_reads.version_get(plan=plan, number=number)
    context = _plan_context(request, plan)
    context.update({"version": version, "sections": _frozen_sections(version.snapshot)})
    return render(request, "planning/version_detail.html", context)


# The sections of frozen snapshots as rendered, newest use last, in this process's memory: the same snapshot in
# the same language, time zone and day (the timeline marks today), its KPIs named alike in the catalogue now,
# renders the same HTML; and a new release, whose templates may render it otherwise, starts with an empty memory.
_SECTIONS: OrderedDict[str, str] = OrderedDict()
_SECTIONS_KEPT = 64
_SECTIONS_LOCK = threading.Lock()


def _frozen_sections(snap: dict) -> str:
    """The HTML of a frozen snapshot's five sections (planning/includes/snapshot_sections.html)."""
    catalogue = kpi_catalogue_names()
    kpi_names = [catalogue.get(row.get("key") or "") for row in (snap.get("strategy") or {}).get("targets") or []]
    key = f"{pdfs.snapshot_digest(snap)}:{get_language()}:{timezone.get_current_timezone_name()}:{kpi_names!r}"
    with _SECTIONS_LOCK:
        html = _SECTIONS.get(key)
        if html is not None:
            _SECTIONS.move_to_end(key)
            return html
    html = render_to_string("planning/includes/snapshot_sections.html", {"snap": snap, **_snapshot_extras(snap)})
    with _SECTIONS_LOCK:
        _SECTIONS[key] = html
        while len(_SECTIONS) > _SECTIONS_KEPT:
            _SECTIONS.popitem(last=False)
    return html


@require_GET
def plan_compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    """What changed between two versions, or between a version and the plan as it stands now."""
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    versions = versions_reads.version_choices(plan=plan)
    numbers = [v.number for v in versions]
    approved = [v.number for v in versions if v.pk == plan.approved_version_id]
    default_base = approved[0] if approved else (numbers[-1] if numbers else None)
    base = _version_number(request.GET.get("base"), numbers, default_base)
    other = request.GET.get("other", "current")
    other_number = None if other == "current" else _version_number(other, numbers, None)
    diff, targets = None, None
    if base is not None:
        base_snapshot = versions_reads.version_snapshot(plan=plan, number=base)
        if other_number is None:
            # The plan as it stands: its targets read once for the snapshot and the step bar's checks.
            targets = kpis.plan_targets(plan=plan)
            other_snapshot = plan_snapshot(plan, targets=targets, for_diff=True)
        else:
            other_snapshot = versions_reads.version_snapshot(plan=plan, number=other_number)
        diff = snapshot_diff(base_snapshot, other_snapshot)
    context = _plan_context(request, plan, states=completeness.plan_states(plan=plan, targets=targets))
    context.update({"versions": versions, "base": base, "other": other_number or "current", "diff": diff})
    return render(request, "planning/plan_compare.html", context)


def _version_number(value, numbers: list[int], default):
    number = params.parse_version(value)
    return number if number in numbers else default


def _snapshot_extras(snap: dict) -> dict:
    plan = snap["plan"]
    return {
        "timeline": timeline(
            snap["execution"]["actions"], period_start=plan["period_start"], period_end=plan["period_end"],
            today=timezone.localdate(),
        ),
        "org_tree": exports.unit_tree(snap["org"]["units"]),
    }


@require_POST
def attachment_upload(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not plans.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        reasons = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, _("The file was not attached: %(reason)s") % {"reason": reasons})
    else:
        try:
            attachment = attachments.attachment_add(
                plan=plan, upload=form.cleaned_data["file"], description=form.cleaned_data["description"],
                acting_user=request.user,
            )
        except ValidationError as error:
            messages.error(request, _("The file was not attached: %(reason)s") % {"reason": _first_error(error)})
        else:
            messages.success(request, _("“%(name)s” is attached.") % {"name": attachment.original_name})
    return redirect(reverse("planning:plan-step", kwargs={"plan_id": plan.pk, "step": 3}) + "#attachments")


@require_GET
def attachment_download(request: HttpRequest, plan_id: int, attachment_id: int) -> FileResponse:
    """The document, only for users who may see the account; always as a download, never rendered inline."""
    attachment = content.attachment_get_for_user(user=request.user, plan_id=plan_id, attachment_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def attachment_delete(request: HttpRequest, plan_id: int, attachment_id: int) -> HttpResponse:
    attachment = content.attachment_get_for_user(user=request.user, plan_id=plan_id, attachment_id=attachment_id)
    if not plans.user_can_edit_plan(user=request.user, plan=attachment.plan):
        raise PermissionDenied
    try:
        attachments.attachment_delete(attachment=attachment, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.original_name})
    return redirect(reverse("planning:plan-step", kwargs={"plan_id": plan_id, "step": 3}) + "#attachments")


def _pdf_version(plan, value: str):
    """The version named by ?version= (ASCII digits of a version of this plan), None for the draft, else 404."""
    if not value:
        return None
    number = params.parse_version(value)
    if number is None:
        raise Http404("No such version.")
    version = PlanVersion.objects.filter(plan=plan, number=number).only("id", "plan_id", "number").first()
    if version is None:
        raise Http404("No such version.")
    return version


def _pdf_response(plan, pdf: PlanPdf) -> FileResponse:
    try:
        handle = pdf.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    suffix = f"-v{pdf.version.number}" if pdf.version_id else ""
    name = exports.file_name(plan.account.name, plan.fiscal_year, "pdf", suffix=suffix)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def plan_export_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's PDF (of the version given by ?version=, else of the draft as it stands): the stored file
    when the worker has made it, otherwise a page that says it is being prepared and offers it when ready."""
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    version = _pdf_version(plan, request.GET.get("version", ""))
    pdf = pdfs.plan_pdf_request(plan=plan, version=version, language=get_language(), acting_user=request.user)
    pdf.refresh_from_db(fields=["status", "file"])  # a worker (or eager Celery) may have finished meanwhile
    if pdf.status == PlanPdf.Status.READY:
        return _pdf_response(plan, pdf)
    context = _plan_context(request, plan)
    context.update({"pdf": pdf, "version": version, "may_retry": pdfs.may_retry(pdf)})
    return render(request, "planning/plan_pdf_prepare.html", context)


def _plan_pdf_get(request: HttpRequest, plan_id: int, pdf_id: int):
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    pdf = PlanPdf.objects.select_related("version").defer("snapshot", "version__snapshot").filter(
        plan=plan, pk=pdf_id).first()
    if pdf is None:
        raise Http404("No such PDF.")
    return plan, pdf


@require_GET
def plan_pdf_status(request: HttpRequest, plan_id: int, pdf_id: int) -> HttpResponse:
    """The small fragment the "being prepared" page polls (htmx): still preparing, the file's link, or the failure."""
    plan, pdf = _plan_pdf_get(request, plan_id, pdf_id)
    return render(request, "planning/includes/pdf_status.html", {"plan": plan, "pdf": pdf, "may_retry": pdfs.may_retry(pdf)})


@require_GET
def plan_pdf_file(request: HttpRequest, plan_id: int, pdf_id: int) -> FileResponse:
    """A stored PDF, only for users who see the account; always as a download."""
    plan, pdf = _plan_pdf_get(request, plan_id, pdf_id)
    if pdf.status != PlanPdf.Status.READY:
        raise Http404("The PDF is not ready.")
    return _pdf_response(plan, pdf)


@require_POST
def plan_pdf_retry(request: HttpRequest, plan_id: int, pdf_id: int) -> HttpResponse:
    """Ask the worker again for a PDF that could not be prepared."""
    plan, pdf = _plan_pdf_get(request, plan_id, pdf_id)
    pdfs.plan_pdf_retry(pdf=pdf, acting_user=request.user)
    url = reverse("planning:plan-pdf", args=[plan.pk])
    return redirect(f"{url}?version={pdf.version.number}" if pdf.version_id else url)


@require_GET
def plan_export_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Targets, actions and opportunities as an Excel workbook."""
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    response = HttpResponse(
        exports.plan_workbook(plan_snapshot(plan)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exports.file_name(plan.account.name, plan.fiscal_year, "xlsx")
    )
    return response
