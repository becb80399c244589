"""Plan pages: the list, a new plan, the overview, a step, and the plan's moves (submit, revise, close, next year)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import portfolio_cache
from core import params
from accounts.roles import is_executive
from planning.freshness import LIVE_STATUSES, live_plans, plan_signals, with_approved_decision
from performance.periods import Period, PeriodKind, fiscal_year_of
from planning import forms, live
from planning.models import (
    PLAN_STEPS,
    ActionItem,
    PlanStatus,
    StrategicTask,
)
from planning.steps import step_page
from planning.selectors import completeness, content, kpis, meetings, work
from planning.selectors import plans as plans_reads
from planning.selectors import versions as versions_reads
from planning.services import decisions, workflow, year_end


PAGE_SIZE = 25


def _first_error(error: ValidationError) -> str:
    return " ".join(error.messages)


def _plan_context(request: HttpRequest, plan, *, states=None, can_edit: bool | None = None) -> dict:
    """What every plan page's header and step bar need (`can_edit`: the user's right, when the view has it)."""
    states = states if states is not None else completeness.plan_states(plan=plan)
    return {
        "plan": plan,
        "account": plan.account,
        "states": states,
        "can_edit": plans_reads.user_can_edit_plan(user=request.user, plan=plan) if can_edit is None else can_edit,
        "nav": "plans",
    }


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans of the accounts the user sees, newest fiscal year first."""
    year = request.GET.get("year", "")
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    fiscal_year = params.parse_year(year)
    status = status if status in PlanStatus.values else ""
    plans = plans_reads.plan_list_for_user(user=request.user, fiscal_year=fiscal_year, status=status, query=query)
    # Ordering every visible plan by year and account name reads them all: the ordered ids and the
    # years are kept in the portfolio cache until the next write to plans, accounts or teams.
    ids, years = portfolio_cache.cached(
        ("plan-list", portfolio_cache.scope(request.user), fiscal_year, status, query),
        lambda: (
            list(plans.values_list("pk", flat=True)),
            list(plans_reads.plans_visible_to(user=request.user).order_by("-fiscal_year")
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
    page = portfolio_cache.page_of(
        with_approved_decision(plans).only(*plans_reads.PLAN_LIST_FIELDS), ids, params.page_number(request.GET.get("page")),
        PAGE_SIZE,
    )
    signals = plan_signals(plans=page.object_list, today=today)
    for plan in page.object_list:
        plan.stale_signals = signals[plan.pk]
    return render(
        request,
        "planning/plan_list.html",
        {
            "page": page, "query": query, "year": year, "status": status, "years": years, "freshness": freshness,
            "statuses": PlanStatus.choices, "nav": "plans",
            "may_create": plans_reads.editable_accounts(user=request.user).exists(),
            "my_work": work.my_work(user=request.user, today=today),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    """Start a plan for one of the user's accounts and a fiscal year, empty or carried over from the
    account's approved plan of the year before; the page says which dates that fiscal year covers."""
    accounts = plans_reads.editable_accounts(user=request.user)
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    account = accounts.filter(pk=params.parse_id(data.get("account", "")) or 0).first()
    fiscal_year = params.parse_year(data.get("fiscal_year", ""))
    if account is not None and fiscal_year is None:
        fiscal_year = fiscal_year_of(today, account.fiscal_year_start_month) + 1
    initial = {"fiscal_year": fiscal_year or today.year + 1}
    if account is not None:
        initial["account"] = account
    previous = work.approved_plan_of_year(account=account, fiscal_year=fiscal_year - 1) if account and fiscal_year else None
    query = request.GET.get("q", "").strip()
    form = forms.PlanCreateForm(
        request.POST or None, accounts=accounts, initial=initial, query=query, previous=previous
    )
    if request.method == "POST":
        if not accounts.exists():
            raise PermissionDenied
        if form.is_valid():
            chosen, year = form.cleaned_data["account"], form.cleaned_data["fiscal_year"]
            try:
                if form.cleaned_data["start_from"] == form.START_CARRY:
                    plan = year_end.plan_start_carrying_over(account=chosen, fiscal_year=year, acting_user=request.user)
                else:
                    plan = workflow.plan_create(account=chosen, fiscal_year=year, acting_user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if plan.previous_plan_id:
                    messages.success(request, _(
                        "The plan was started from the approved FY %(year)s plan. Check what was carried over, step by step."
                    ) % {"year": year - 1})
                    return redirect("planning:plan-detail", plan_id=plan.pk)
                messages.success(request, _("The plan was started. Walk through the seven steps; drafts save any time."))
                return redirect("planning:plan-step", plan_id=plan.pk, step=1)
        messages.error(request, _("The plan was not started: see the message below."))
    period = None
    if account is not None and fiscal_year is not None:
        period = Period(PeriodKind.YEAR, fiscal_year, 1, account.fiscal_year_start_month)
    return render(
        request, "planning/plan_create.html",
        {
            "form": form, "query": query, "nav": "plans", "has_accounts": accounts.exists(),
            "chosen_account": account, "chosen_year": fiscal_year, "period": period, "previous": previous,
        },
    )


@require_GET
def plan_detail(request: HttpRequest, plan_id: int, *, now_in_place: bool = False) -> HttpResponse:
    """The plan's overview: progress, rules of every step, versions, decisions and what can be done now.
    The "Now" panel comes after, from `plan_now_panel` (in place with `now_in_place`: a browser without
    JavaScript following the placeholder's link)."""
    plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id)
    context = _plan_context(request, plan)
    versions = versions_reads.plan_versions(plan=plan)
    actions = workflow.allowed_actions(plan=plan, user=request.user, can_edit=context["can_edit"])
    context.update(
        {
            "versions": versions,
            "latest_decision": next((v.decision for v in versions if hasattr(v, "decision")), None),
            "allowed": actions,
            "missing_steps": [context["states"][n] for n in PLAN_STEPS if not context["states"][n].complete],
            "submit_form": _submit_form(versions) if "submit" in actions else None,
            "is_executive": is_executive(request.user),
            "next_plan": plans_reads.next_year_plan(plan=plan),
            "stale_signals": plan_signals(plans=[plan], today=timezone.localdate())[plan.pk]
            if plan.status in LIVE_STATUSES else None,
            "now": live.plan_now(plan=plan, version=versions_reads.latest_version(plan=plan)) if now_in_place else None,
        }
    )
    return render(request, "planning/plan_detail.html", context)


@require_GET
def plan_now_panel(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The overview's "Now" panel alone, which the overview loads after it is shown (it is most of the
    overview's cost); whoever may open the plan may read it, others get the overview's 404. Asked for
    without htmx (the placeholder's link, for a browser without JavaScript): the overview with the panel in place."""
    if not request.htmx:
        return plan_detail(request, plan_id, now_in_place=True)
    plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id, with_people=False)  # the panel names none
    now = live.plan_now(plan=plan, version=versions_reads.latest_version(plan=plan))
    return render(request, "planning/_now_panel.html", {"now": now})


def _submit_form(versions) -> forms.SubmitForm:
    """The submit form, with the meeting the last version was discussed at chosen if it is still open."""
    meetings_open = meetings.upcoming_meetings()
    last = next((getattr(v, "agenda_item", None) for v in versions), None)
    initial = {"meeting": last.meeting} if last is not None and any(m.pk == last.meeting_id for m in meetings_open) else {}
    return forms.SubmitForm(meetings=meetings_open, initial=initial)


def _step_4_to_edit(request: HttpRequest, plan_id: int):
    """The plan and its step 4 for a part htmx asks for: only the plan's editors, while step 4 can change."""
    plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not plans_reads.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    page = step_page(4, request=request, plan=plan, can_edit=True)
    if not page.editable:
        raise Http404("Step 4 cannot be changed now.")
    return plan, page


@require_GET
def plan_target_months(request: HttpRequest, plan_id: int, kpi_id: int) -> HttpResponse:
    """Step 4: the empty month cells of one KPI's targets, asked for by htmx when the user opens its months."""
    _plan, page = _step_4_to_edit(request, plan_id)
    return render(request, "planning/includes/target_months.html", {"form": page.months_form(kpi_id)})


@require_GET
def plan_step_targets(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Step 4's KPIs and targets grid alone, which the step's page loads after it is shown (a third of its
    cost); only the plan's editors, while step 4 can change, ask for it. Asked for without htmx (the
    placeholder's link, for a browser without JavaScript): step 4's page with the grid in place."""
    if not request.htmx:
        return plan_step(request, plan_id, 4, parts_in_place=True)
    plan, page = _step_4_to_edit(request, plan_id)
    return render(request, "planning/includes/targets_card_body.html", {"plan": plan, "forms": {"targets": page.targets_form()}})


@require_http_methods(["GET", "POST"])
def plan_step(request: HttpRequest, plan_id: int, step: int, *, parts_in_place: bool = False) -> HttpResponse:
    """One step of the plan: its form while the plan is editable, its content read-only otherwise.
    `parts_in_place`: the parts the page loads after it is shown drawn into it (see plan_step_targets)."""
    plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id)
    can_edit = plans_reads.user_can_edit_plan(user=request.user, plan=plan)
    page = step_page(step, request=request, plan=plan, can_edit=can_edit)
    page.parts_in_place = parts_in_place
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
            except workflow.PlanConflict as conflict:
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
        plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id)
        page.plan = plan
    else:
        bound = page.build_forms() if page.has_form else {}
    # Step 4's targets grid, when in the page, read the plan's targets: its completeness checks take them from there.
    context = _plan_context(
        request, plan, states=completeness.plan_states(plan=plan, targets=page.targets), can_edit=can_edit
    )
    context.update(
        {
            "page": page,
            "step": context["states"][step],
            "forms": bound,
            "lock_version": lock_version,
            "errors": errors,
            "meeting_comments": versions_reads.latest_step_comments(plan=plan, step=step),
            **page.context(),
            **({} if page.has_form else page.read_only_context()),
        }
    )
    return render(request, page.template, context, status=status)


@require_POST
def plan_submit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id)
    # The page refuses whoever may not write the plan before anything else (403, whatever its status);
    # the service checks the right again under the plan's lock, once.
    if not plans_reads.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    form = forms.SubmitForm(request.POST, meetings=meetings.upcoming_meetings())
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed meetings."))
        return redirect("planning:plan-detail", plan_id=plan.pk)
    try:
        version = decisions.plan_submit(
            plan=plan, acting_user=request.user, meeting=form.cleaned_data.get("meeting"), note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("Version %(number)s was submitted for the consensus meeting.") % {"number": version.number})
    return redirect("planning:plan-detail", plan_id=plan.pk)


@require_POST
def plan_revise(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not plans_reads.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    try:
        plan = workflow.plan_revise(plan=plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("Revision %(revision)s is open. It needs approval again once you submit it.") % {
            "revision": plan.revision})
    return redirect("planning:plan-detail", plan_id=plan.pk)


@require_POST
def plan_close(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not plans_reads.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    try:
        workflow.plan_close(plan=plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("The plan is closed."))
    return redirect("planning:plan-detail", plan_id=plan.pk)


@require_http_methods(["GET", "POST"])
def plan_next_year(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Year-end: confirm what carries over, then create next year's draft."""
    plan = plans_reads.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not plans_reads.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    existing = plans_reads.next_year_plan(plan=plan)
    if existing is not None:
        messages.info(request, _("FY %(year)s already has a plan.") % {"year": existing.fiscal_year})
        return redirect("planning:plan-detail", plan_id=existing.pk)
    open_actions = [a for a in content.plan_actions(plan=plan) if a.status in ActionItem.OPEN_STATUSES]
    open_tasks = [t for t in content.plan_strategic_tasks(plan=plan) if t.status in StrategicTask.OPEN_STATUSES]
    form = forms.NextYearForm(request.POST or None, actions=open_actions, tasks=open_tasks)
    if request.method == "POST" and form.is_valid():
        try:
            next_plan = year_end.plan_start_next_year(
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
    context.update({"form": form, "unmet": kpis.unmet_targets(plan=plan), "open_actions": open_actions})
    return render(request, "planning/plan_next_year.html", context)
