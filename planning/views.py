"""Plan, meeting and review pages: thin views that parse, call a selector or service, and render."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import portfolio_cache
from accounts.permissions import user_runs_meetings
from core import params
from accounts.roles import is_executive
from planning.freshness import LIVE_STATUSES, live_plans, plan_signals
from performance.periods import fiscal_year_of
from planning import exports, forms, grants, live, meetings, pdfs, selectors, services
from planning.models import (
    PLAN_STEPS,
    ActionItem,
    Decision,
    MeetingAttendee,
    PlanPdf,
    PlanStatus,
    PlanVersion,
    StrategicTask,
)
from planning.rules import STEP_TITLES
from planning.snapshot import plan_snapshot, snapshot_diff
from planning.steps import step_page
from planning.timeline import timeline

PAGE_SIZE = 25


def _first_error(error: ValidationError) -> str:
    return " ".join(error.messages)


def _plan_context(request: HttpRequest, plan, *, states=None) -> dict:
    """What every plan page's header and step bar need."""
    states = states if states is not None else selectors.plan_states(plan)
    return {
        "plan": plan,
        "account": plan.account,
        "states": states,
        "can_edit": selectors.user_can_edit_plan(user=request.user, plan=plan),
        "nav": "plans",
    }


# --- Plans ------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans of the accounts the user sees, newest fiscal year first."""
    year = request.GET.get("year", "")
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    fiscal_year = params.parse_year(year)
    status = status if status in PlanStatus.values else ""
    plans = selectors.plan_list_for_user(user=request.user, fiscal_year=fiscal_year, status=status, query=query)
    # Ordering every visible plan by year and account name reads them all: the ordered ids and the
    # years are kept in the portfolio cache until the next write to plans, accounts or teams.
    ids, years = portfolio_cache.cached(
        ("plan-list", portfolio_cache.scope(request.user), fiscal_year, status, query),
        lambda: (
            list(plans.values_list("pk", flat=True)),
            list(selectors.plans_visible_to(request.user).order_by("-fiscal_year")
                 .values_list("fiscal_year", flat=True).distinct()),
        ),
        depends=(portfolio_cache.PLANS,),
    )
    today = timezone.localdate()
    freshness = request.GET.get("freshness", "")
    freshness = freshness if freshness in ("stale", "fresh") else ""
    if freshness:
        # Every matching live plan's signals: a fixed number of queries, the plans read once.
        stale = {pk for pk, found in plan_signals(plans=list(live_plans(plans.order_by())), today=today).items() if found}
        ids = [pk for pk in ids if (pk in stale) == (freshness == "stale")]
    page = portfolio_cache.page_of(plans.select_related("approved_version__decision"), ids, params.page_number(request.GET.get("page")), PAGE_SIZE)
    signals = plan_signals(plans=page.object_list, today=today)
    for plan in page.object_list:
        plan.stale_signals = signals[plan.pk]
    return render(
        request,
        "planning/plan_list.html",
        {
            "page": page, "query": query, "year": year, "status": status, "years": years, "freshness": freshness,
            "statuses": PlanStatus.choices, "nav": "plans",
            "may_create": selectors.editable_accounts(request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    """Start a plan for one of the user's accounts and a fiscal year."""
    accounts = selectors.editable_accounts(request.user)
    initial = {"fiscal_year": timezone.localdate().year + 1}
    account_id = params.parse_id(request.GET.get("account", ""))
    if account_id is not None:
        account = accounts.filter(pk=account_id).first()
        if account is not None:
            today = timezone.localdate()
            initial = {"account": account, "fiscal_year": fiscal_year_of(today, account.fiscal_year_start_month) + 1}
    query = request.GET.get("q", "").strip()
    form = forms.PlanCreateForm(request.POST or None, accounts=accounts, initial=initial, query=query)
    if request.method == "POST":
        if not accounts.exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = services.plan_create(
                    account=form.cleaned_data["account"], fiscal_year=form.cleaned_data["fiscal_year"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The plan was started. Walk through the seven steps; drafts save any time."))
                return redirect("planning:plan-step", plan_id=plan.pk, step=1)
        messages.error(request, _("The plan was not started: see the message below."))
    return render(
        request, "planning/plan_create.html",
        {"form": form, "query": query, "nav": "plans", "has_accounts": accounts.exists()},
    )


@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's overview: progress, rules of every step, versions, decisions and what can be done now."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    context = _plan_context(request, plan)
    versions = selectors.plan_versions(plan)
    actions = services.allowed_actions(plan=plan, user=request.user)
    context.update(
        {
            "versions": versions,
            "latest_decision": next((v.decision for v in versions if hasattr(v, "decision")), None),
            "allowed": actions,
            "missing_steps": [context["states"][n] for n in PLAN_STEPS if not context["states"][n].complete],
            "submit_form": _submit_form(versions) if "submit" in actions else None,
            "is_executive": is_executive(request.user),
            "next_plan": selectors.next_year_plan(plan),
            "stale_signals": plan_signals(plans=[plan], today=timezone.localdate())[plan.pk]
            if plan.status in LIVE_STATUSES else None,
            "now": live.plan_now(plan=plan, version=versions[0] if versions else None),
        }
    )
    return render(request, "planning/plan_detail.html", context)


def _submit_form(versions) -> forms.SubmitForm:
    """The submit form, with the meeting the last version was discussed at chosen if it is still open."""
    meetings_open = selectors.upcoming_meetings()
    last = next((getattr(v, "agenda_item", None) for v in versions), None)
    initial = {"meeting": last.meeting} if last is not None and any(m.pk == last.meeting_id for m in meetings_open) else {}
    return forms.SubmitForm(meetings=meetings_open, initial=initial)


@require_http_methods(["GET", "POST"])
def plan_step(request: HttpRequest, plan_id: int, step: int) -> HttpResponse:
    """One step of the plan: its form while the plan is editable, its content read-only otherwise."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    can_edit = selectors.user_can_edit_plan(user=request.user, plan=plan)
    page = step_page(step, request=request, plan=plan, can_edit=can_edit)
    status = 200
    lock_version = plan.lock_version
    errors: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if not page.has_form:
            messages.error(request, _("This step cannot be changed while the plan is “%(status)s”.") % {
                "status": plan.get_status_display()})
            return redirect("planning:plan-step", plan_id=plan.pk, step=step)
        bound = page.build_forms(request.POST, request.FILES)
        posted_lock = params.parse_lock_version(request.POST.get("lock_version", ""))
        if posted_lock is None:
            # The hidden field was tampered with or lost: the form's own error, nothing saved.
            status = 400
            messages.error(request, _("The form was incomplete. Nothing was saved: reload the page and try again."))
        else:
            lock_version = posted_lock  # a re-shown form keeps the version it was opened with
        if posted_lock is not None and page.forms_valid(bound):
            try:
                page.save(bound, lock_version)
            except services.PlanConflict as conflict:
                status = 409
                lock_version = conflict.lock_version
                messages.error(request, _(
                    "%(who)s saved this plan at %(when)s, after you opened this page. Your changes were NOT saved; "
                    "they are still in the form below. Open the plan in another tab to see what changed, then save "
                    "again to keep your version."
                ) % {
                    "who": conflict.saved_by or _("Someone"),
                    "when": formats.time_format(timezone.localtime(conflict.saved_at), "H:i"),
                })
            except ValidationError as error:
                status = 400
                errors = error.messages
                messages.error(request, _("Nothing was saved: %(problems)s") % {"problems": " ".join(errors)})
            else:
                messages.success(request, _("Step %(step)s saved.") % {"step": step})
                if "continue" in request.POST and step < 7:
                    return redirect("planning:plan-step", plan_id=plan.pk, step=step + 1)
                return redirect("planning:plan-step", plan_id=plan.pk, step=step)
        elif posted_lock is not None:
            status = 400
            messages.error(request, _("Please correct the errors below. Nothing was saved."))
        plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
        page.plan = plan
    else:
        bound = page.build_forms() if page.has_form else {}
    context = _plan_context(request, plan)
    context.update(
        {
            "page": page,
            "step": context["states"][step],
            "forms": bound,
            "lock_version": lock_version,
            "errors": errors,
            "meeting_comments": selectors.latest_step_comments(plan=plan, step=step),
            **page.context(),
            **({} if page.has_form else page.read_only_context()),
        }
    )
    return render(request, page.template, context, status=status)


@require_POST
def plan_submit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not selectors.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    form = forms.SubmitForm(request.POST, meetings=selectors.upcoming_meetings())
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed meetings."))
        return redirect("planning:plan-detail", plan_id=plan.pk)
    try:
        version = services.plan_submit(
            plan=plan, acting_user=request.user, meeting=form.cleaned_data.get("meeting"), note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("Version %(number)s was submitted for the consensus meeting.") % {"number": version.number})
    return redirect("planning:plan-detail", plan_id=plan.pk)


@require_POST
def plan_revise(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not selectors.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    try:
        plan = services.plan_revise(plan=plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("Revision %(revision)s is open. It needs approval again once you submit it.") % {
            "revision": plan.revision})
    return redirect("planning:plan-detail", plan_id=plan.pk)


@require_POST
def plan_close(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not selectors.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    try:
        services.plan_close(plan=plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("The plan is closed."))
    return redirect("planning:plan-detail", plan_id=plan.pk)


@require_http_methods(["GET", "POST"])
def plan_next_year(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Year-end: confirm what carries over, then create next year's draft."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not selectors.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    existing = selectors.next_year_plan(plan)
    if existing is not None:
        messages.info(request, _("FY %(year)s already has a plan.") % {"year": existing.fiscal_year})
        return redirect("planning:plan-detail", plan_id=existing.pk)
    open_actions = [a for a in selectors.plan_actions(plan) if a.status in ActionItem.OPEN_STATUSES]
    open_tasks = [t for t in selectors.plan_strategic_tasks(plan) if t.status in StrategicTask.OPEN_STATUSES]
    form = forms.NextYearForm(request.POST or None, actions=open_actions, tasks=open_tasks)
    if request.method == "POST" and form.is_valid():
        try:
            next_plan = services.plan_start_next_year(
                plan=plan, acting_user=request.user,
                action_ids=form.cleaned_data["actions"], task_ids=form.cleaned_data["tasks"],
                carry_org_chart=form.cleaned_data["carry_org_chart"],
                carry_unmet_targets=form.cleaned_data["carry_unmet_targets"],
                carry_ambition=form.cleaned_data["carry_ambition"],
            )
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("FY %(year)s's draft plan was created with what you carried over.") % {
                "year": next_plan.fiscal_year})
            return redirect("planning:plan-detail", plan_id=next_plan.pk)
    context = _plan_context(request, plan)
    context.update({"form": form, "unmet": selectors.unmet_targets(plan), "open_actions": open_actions})
    return render(request, "planning/plan_next_year.html", context)


@require_GET
def plan_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The audit trail: every change of the plan and its parts, who and when."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    entries = selectors.plan_history(plan)
    page = Paginator(entries, 50).get_page(params.page_number(request.GET.get("page")))
    context = _plan_context(request, plan)
    context.update({"page": page})
    return render(request, "planning/plan_history.html", context)


@require_GET
def version_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    """A frozen version as the meeting saw it."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    version = selectors.version_get(plan=plan, number=number)
    context = _plan_context(request, plan)
    context.update({"version": version, "snap": version.snapshot, **_snapshot_extras(version.snapshot)})
    return render(request, "planning/version_detail.html", context)


@require_GET
def plan_compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    """What changed between two versions, or between a version and the plan as it stands now."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    versions = selectors.plan_versions(plan)
    numbers = [v.number for v in versions]
    default_base = plan.approved_version.number if plan.approved_version else (numbers[-1] if numbers else None)
    base = _version_number(request.GET.get("base"), numbers, default_base)
    other = request.GET.get("other", "current")
    other_number = None if other == "current" else _version_number(other, numbers, None)
    diff, base_snapshot = None, None
    if base is not None:
        base_snapshot = selectors.version_get(plan=plan, number=base).snapshot
        other_snapshot = plan_snapshot(plan) if other_number is None else selectors.version_get(plan=plan, number=other_number).snapshot
        diff = snapshot_diff(base_snapshot, other_snapshot)
    context = _plan_context(request, plan)
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


# --- Attachments ------------------------------------------------------------------------


@require_POST
def attachment_upload(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not selectors.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        reasons = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, _("The file was not attached: %(reason)s") % {"reason": reasons})
    else:
        try:
            attachment = services.attachment_add(
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
    attachment = selectors.attachment_get_for_user(user=request.user, plan_id=plan_id, attachment_id=attachment_id)
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
    attachment = selectors.attachment_get_for_user(user=request.user, plan_id=plan_id, attachment_id=attachment_id)
    if not selectors.user_can_edit_plan(user=request.user, plan=attachment.plan):
        raise PermissionDenied
    try:
        services.attachment_delete(attachment=attachment, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.original_name})
    return redirect(reverse("planning:plan-step", kwargs={"plan_id": plan_id, "step": 3}) + "#attachments")


# --- Exports ----------------------------------------------------------------------------


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
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    version = _pdf_version(plan, request.GET.get("version", ""))
    pdf = pdfs.plan_pdf_request(plan=plan, version=version, language=get_language(), acting_user=request.user)
    pdf.refresh_from_db(fields=["status", "file"])  # a worker (or eager Celery) may have finished meanwhile
    if pdf.status == PlanPdf.Status.READY:
        return _pdf_response(plan, pdf)
    context = _plan_context(request, plan)
    context.update({"pdf": pdf, "version": version, "may_retry": pdfs.may_retry(pdf)})
    return render(request, "planning/plan_pdf_prepare.html", context)


def _plan_pdf_get(request: HttpRequest, plan_id: int, pdf_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
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
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    response = HttpResponse(
        exports.plan_workbook(plan_snapshot(plan)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exports.file_name(plan.account.name, plan.fiscal_year, "xlsx")
    )
    return response


# --- Quarterly reviews ------------------------------------------------------------------


@require_POST
def review_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The KAM creates this quarter's review (the scheduled sweep calls the same service)."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not selectors.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    quarter = params.parse_quarter(request.POST.get("quarter", ""))
    if quarter is None:
        quarter = plan.quarter_containing(timezone.localdate())
        if quarter is None:
            messages.error(request, _("Today is outside this plan's fiscal year: choose the quarter."))
            return redirect("planning:plan-step", plan_id=plan.pk, step=6)
    try:
        review, created = services.quarterly_review_create(plan=plan, quarter=int(quarter), acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
        return redirect("planning:plan-step", plan_id=plan.pk, step=6)
    if created:
        messages.success(request, _("The review of Q%(quarter)s was created.") % {"quarter": review.quarter})
    else:
        messages.info(request, _("Q%(quarter)s already had a review: here it is.") % {"quarter": review.quarter})
    return redirect("planning:review-detail", plan_id=plan.pk, quarter=review.quarter)


@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, plan_id: int, quarter: int) -> HttpResponse:
    """One quarterly review: targets against actuals, comments, sign-off."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    review = selectors.review_get(plan=plan, quarter=quarter)
    form = forms.ReviewCommentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.review_comment_add(review=review, text=form.cleaned_data["text"], acting_user=request.user)
            messages.success(request, _("Your comment was added."))
            return redirect("planning:review-detail", plan_id=plan.pk, quarter=quarter)
        messages.error(request, _("Write a comment first. Nothing was saved."))
    context = _plan_context(request, plan)
    context.update({
        "review": review,
        "year_to_date": selectors.review_year_to_date_rows(review.kpi_snapshot),
        "form": form,
        "may_sign_off": services.review_sign_off_allowed(review=review, user=request.user),
        "grant_use": grants.grant_use(plan, until=review.period_end),
        "spend_form": forms.SpendForm() if selectors.user_can_edit_plan(user=request.user, plan=plan) else None,
    })
    return render(request, "planning/review_detail.html", context, status=400 if form.errors else 200)


@require_POST
def review_sign_off(request: HttpRequest, plan_id: int, quarter: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    review = selectors.review_get(plan=plan, quarter=quarter)
    try:
        services.quarterly_review_sign_off(
            review=review, acting_user=request.user, comment=request.POST.get("comment", "")[:5000]
        )
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("The review of Q%(quarter)s is signed off.") % {"quarter": quarter})
    return redirect("planning:review-detail", plan_id=plan.pk, quarter=quarter)


@require_POST
def review_spend_add(request: HttpRequest, plan_id: int, quarter: int) -> HttpResponse:
    """The account team records budget spent against a grant of the approved plan."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    review = selectors.review_get(plan=plan, quarter=quarter)
    if not selectors.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    form = forms.SpendForm(request.POST)
    grant = next((g for g in grants.plan_grants(plan) if str(g.pk) == request.POST.get("grant", "")), None)
    if grant is None or not form.is_valid():
        messages.error(request, _("Choose a granted budget, a date and an amount. Nothing was saved."))
    else:
        try:
            grants.resource_spend_add(grant=grant, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("The budget spent was recorded."))
    return redirect("planning:review-detail", plan_id=plan.pk, quarter=review.quarter)


@require_POST
def review_refresh(request: HttpRequest, plan_id: int, quarter: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    review = selectors.review_get(plan=plan, quarter=quarter)
    try:
        services.quarterly_review_refresh(review=review, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("The figures were taken again."))
    return redirect("planning:review-detail", plan_id=plan.pk, quarter=quarter)


# --- Consensus meetings -----------------------------------------------------------------


def _require_meeting_reader(request: HttpRequest) -> None:
    if not user_runs_meetings(request.user):
        raise PermissionDenied


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_meeting_reader(request)
    return render(
        request,
        "planning/meeting_list.html",
        {"meetings": selectors.meetings_list(), "waiting": selectors.versions_awaiting_meeting(), "nav": "meetings"},
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    _require_meeting_reader(request)
    form = forms.MeetingForm(request.POST or None, executives=selectors.executives())
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.meeting_create(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The meeting was scheduled. Add submitted plans to its agenda."))
                return redirect("planning:meeting-detail", meeting_id=meeting.pk)
        messages.error(request, _("Please correct the errors below. Nothing was saved."))
    return render(request, "planning/meeting_form.html", {"form": form, "nav": "meetings"}, status=400 if form.errors else 200)


@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting: chair, attendees, agenda in order, minutes, and plans still waiting for a meeting."""
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    attendees = selectors.meeting_attendees(meeting)
    attending = any(a.user_id == request.user.pk for a in attendees)
    allowed = meetings.meeting_allowed_actions(meeting=meeting, user=request.user, attending=attending)
    items = selectors.meeting_agenda(meeting)
    return render(
        request,
        "planning/meeting_detail.html",
        {
            "meeting": meeting, "items": items, "attendees": attendees, "allowed": allowed,
            "waiting": selectors.versions_awaiting_meeting() if "edit_agenda" in allowed else [],
            "nav": "meetings",
            "open_reviews": selectors.meeting_open_reviews(meeting),
            "attendee_form": forms.AttendeeForm(users=selectors.invitable_users(meeting)) if "edit_attendees" in allowed else None,
            "minutes_form": forms.MinutesForm(initial={"text": meeting.minutes}) if "write_minutes" in allowed else None,
            "undecided": sum(1 for item in items if not hasattr(item.version, "decision")),
        },
    )


def _meeting_action(request: HttpRequest, meeting_id: int, work, success: str) -> HttpResponse:
    """Run a meeting service for a POST and go back to the meeting with its message."""
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    try:
        work(meeting)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, success)
    return redirect("planning:meeting-detail", meeting_id=meeting.pk)


@require_POST
def meeting_start(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_action(
        request, meeting_id, lambda m: meetings.meeting_start(meeting=m, acting_user=request.user),
        _("The session is open: opinions, decisions and minutes can be recorded."),
    )


@require_POST
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_action(
        request, meeting_id, lambda m: meetings.meeting_close(meeting=m, acting_user=request.user),
        _("The meeting is closed; the minutes went to the attendees."),
    )


@require_POST
def meeting_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    form = forms.MinutesForm(request.POST)
    if not form.is_valid():
        _require_meeting_reader(request)
        messages.error(request, _first_error(ValidationError(list(form.errors.values())[0])))
        return redirect("planning:meeting-detail", meeting_id=selectors.meeting_get(meeting_id).pk)
    return _meeting_action(
        request, meeting_id,
        lambda m: meetings.meeting_minutes_save(meeting=m, text=form.cleaned_data["text"], acting_user=request.user),
        _("The minutes were saved."),
    )


@require_POST
def attendee_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    form = forms.AttendeeForm(request.POST, users=selectors.invitable_users(meeting))
    if not form.is_valid():
        messages.error(request, _("Choose someone from the list."))
        return redirect("planning:meeting-detail", meeting_id=meeting.pk)
    user = form.cleaned_data["user"]
    return _meeting_action(
        request, meeting_id, lambda m: meetings.attendee_add(meeting=m, user=user, acting_user=request.user),
        _("%(user)s attends; they were told.") % {"user": user.get_full_name() or user.username},
    )


@require_POST
def attendee_remove(request: HttpRequest, meeting_id: int, attendee_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    attendee = MeetingAttendee.objects.filter(meeting=meeting, pk=attendee_id).select_related("user", "meeting").first()
    if attendee is None:
        raise Http404("No such attendee.")
    return _meeting_action(
        request, meeting_id, lambda m: meetings.attendee_remove(attendee=attendee, acting_user=request.user),
        _("%(user)s no longer attends.") % {"user": attendee.user},
    )


@require_POST
def agenda_move(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        messages.error(request, _("An item moves one place up or down."))
        return redirect("planning:meeting-detail", meeting_id=meeting.pk)
    return _meeting_action(
        request, meeting_id, lambda m: meetings.agenda_item_move(item=item, step=step, acting_user=request.user),
        _("The agenda order was changed; the attendees were told."),
    )


@require_GET
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting as a calendar file, for executives and the meeting's attendees."""
    meeting = selectors.meeting_get(meeting_id)
    if not (is_executive(request.user) or selectors.user_attends(user=request.user, meeting=meeting)):
        raise PermissionDenied
    url = request.build_absolute_uri(reverse("planning:meeting-detail", args=[meeting.pk]))
    body = meetings.meeting_ics(meeting, attendees=selectors.meeting_attendees(meeting), url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"consensus-meeting-{meeting.pk}.ics")
    return response


@require_POST
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    version_id = request.POST.get("version", "")
    version = next((v for v in selectors.versions_awaiting_meeting() if str(v.pk) == version_id), None)
    if version is None:
        messages.error(request, _("That plan is not waiting for a meeting any more."))
    else:
        try:
            services.agenda_item_add(meeting=meeting, version=version, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("%(plan)s is on the agenda.") % {"plan": version.plan})
    return redirect("planning:meeting-detail", meeting_id=meeting.pk)


@require_POST
def agenda_remove(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    try:
        services.agenda_item_remove(item=item, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("The plan was taken off the agenda."))
    return redirect("planning:meeting-detail", meeting_id=meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """The one-page meeting view of a submitted plan (printable): opinions, the chair's decision, the item's minutes."""
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    version = item.version
    plan = version.plan
    decided = hasattr(version, "decision")
    attending = selectors.user_attends(user=request.user, meeting=meeting)
    allowed = meetings.meeting_allowed_actions(meeting=meeting, user=request.user, attending=attending)
    independent = not meetings.user_edited_version(user=request.user, version=version)
    support_requests = (version.snapshot or {}).get("execution", {}).get("support_requests", [])
    form = forms.DecisionForm(request.POST or None, step_titles=STEP_TITLES, support_requests=support_requests)
    status = 200
    if request.method == "POST":
        if decided:
            messages.error(request, _("This plan was already decided."))
            return redirect("planning:meeting-item", meeting_id=meeting.pk, item_id=item.pk)
        if form.is_valid():
            try:
                decision = services.plan_decide(
                    version=version, outcome=form.cleaned_data["outcome"], acting_user=request.user,
                    comment=form.cleaned_data["comment"], step_comments=form.step_comments(), meeting=meeting,
                    grants=form.grants() if form.cleaned_data["outcome"] == Decision.Outcome.APPROVED else None,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(plan)s: %(outcome)s.") % {"plan": plan, "outcome": decision.get_outcome_display()})
                return redirect("planning:meeting-detail", meeting_id=meeting.pk)
        status = 400
        messages.error(request, _("The decision was not recorded: see the message below."))
    return _meeting_item_page(
        request, meeting=meeting, item=item, allowed=allowed, independent=independent, decision_form=form, status=status
    )


def _meeting_item_page(request, *, meeting, item, allowed, independent, decision_form=None, opinion_form=None, status=200):
    version = item.version
    plan = version.plan
    decided = hasattr(version, "decision")
    opinions = selectors.item_opinions(item)
    mine = next((o for o in opinions if o.author_id == request.user.pk), None)
    if opinion_form is None and "give_opinion" in allowed and independent and not decided:
        initial = {"outcome": mine.outcome, "comment": mine.comment} if mine else {}
        if mine:
            initial.update({f"step_{k}": v for k, v in mine.step_comments.items()})
        opinion_form = forms.OpinionForm(initial=initial, step_titles=STEP_TITLES, prefix="opinion")
    agenda = selectors.meeting_agenda(meeting)
    position = next((index for index, entry in enumerate(agenda) if entry.pk == item.pk), 0)
    return render(
        request,
        "planning/meeting_item.html",
        {
            "meeting": meeting, "item": item, "version": version, "plan": plan, "snap": version.snapshot,
            "form": None if decided else decision_form, "decided": decided, "nav": "meetings",
            "previous_item": agenda[position - 1] if position > 0 else None,
            "next_item": agenda[position + 1] if position + 1 < len(agenda) else None,
            "position": position + 1, "agenda_size": len(agenda),
            "may_decide": "decide" in allowed and independent and plan.status == PlanStatus.SUBMITTED,
            "decide_blocked": "decide" in allowed and not independent,
            "opinions": opinions, "opinion_form": opinion_form if not decided else None,
            "item_minutes_form": forms.MinutesForm(initial={"text": item.minutes}) if "write_minutes" in allowed else None,
            "allowed": allowed,
            **_snapshot_extras(version.snapshot),
            **live.meeting_context(plan=plan, version=version),
        },
        status=status,
    )


@require_POST
def meeting_item_opinion(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """An executive attendee's opinion on the agenda item (recorded again to change it)."""
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    form = forms.OpinionForm(request.POST, step_titles=STEP_TITLES, prefix="opinion")
    if form.is_valid():
        try:
            meetings.opinion_save(
                item=item, outcome=form.cleaned_data["outcome"], comment=form.cleaned_data["comment"],
                step_comments=form.step_comments(), acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your opinion was recorded."))
            return redirect("planning:meeting-item", meeting_id=meeting.pk, item_id=item.pk)
    messages.error(request, _("The opinion was not recorded: see the message below."))
    attending = selectors.user_attends(user=request.user, meeting=meeting)
    return _meeting_item_page(
        request, meeting=meeting, item=item,
        allowed=meetings.meeting_allowed_actions(meeting=meeting, user=request.user, attending=attending),
        independent=not meetings.user_edited_version(user=request.user, version=item.version),
        decision_form=forms.DecisionForm(
            step_titles=STEP_TITLES, support_requests=(item.version.snapshot or {}).get("execution", {}).get("support_requests", [])
        ),
        opinion_form=form, status=400,
    )


@require_POST
def meeting_item_minutes(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = selectors.meeting_get(meeting_id)
    item = selectors.agenda_item_get(meeting=meeting, item_id=item_id)
    form = forms.MinutesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            meetings.agenda_item_minutes_save(item=item, text=form.cleaned_data["text"], acting_user=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("The minutes were saved."))
    return redirect("planning:meeting-item", meeting_id=meeting.pk, item_id=item.pk)
