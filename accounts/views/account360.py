"""The account page: one account through the six KAM management points, one section per tab.

Everyone who may see the account reads every section; its team and admins edit, executives
read only (a write is refused with 403; an executive sponsor on the team records customer
activities), anyone else gets 404. The rules are `accounts.permissions`'. Edits open in a modal through
htmx and work as ordinary pages without JavaScript.
"""

import datetime
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from accounts import permissions, relationship_drawing, services
from accounts.forms import (
    save_with,
    ContactForm,
    CustomerActivityForm,
    GradeChangeForm,
    OpportunityForm,
    OpportunityMoveForm,
    OrgUnitForm,
    RelationshipForm,
    UnmetNeedForm,
)
from accounts.sections import account_sections
from accounts.selectors import account360, commerce, org, visibility
from accounts.models import Account, Contact, CustomerActivity, Offering, Opportunity, OrgUnit, Relationship, UnmetNeed
from core import params


def _readable(request: HttpRequest, account_id: int) -> tuple[Account, bool]:
    account = visibility.account_get_for_user(user=request.user, account_id=account_id)
    return account, permissions.user_can_edit_account(user=request.user, account=account)


def _editable(request: HttpRequest, account_id: int) -> Account:
    account, can_edit = _readable(request, account_id)
    if not can_edit:
        raise PermissionDenied(_("Only the account team edits this account."))
    return account


def _recordable(request: HttpRequest, account_id: int) -> Account:
    """The account, if the user may record customer interactions on it (executive sponsors may)."""
    account = visibility.account_get_for_user(user=request.user, account_id=account_id)
    if not permissions.user_can_record_interaction(user=request.user, account=account):
        raise PermissionDenied(_("Only the account team records interactions with this customer."))
    return account


def _int_param(request: HttpRequest, name: str) -> int | None:
    return params.parse_id(request.GET.get(name, ""))


def _section(request: HttpRequest, template: str, *, account: Account, can_edit: bool, section: str, **context) -> HttpResponse:
    return render(
        request,
        template,
        {
            "account": account, "can_edit": can_edit, "section": section, "nav": "accounts", "today": timezone.localdate(),
            "can_set_lifecycle": permissions.user_sets_account_lifecycle(request.user), **context,
        },
    )


def _form_response(request: HttpRequest, *, account: Account, form, title: str, back: str, **context) -> HttpResponse:
    """The form in the modal for htmx, or on a page of its own without JavaScript."""
    template = "accounts/_modal_form.html" if request.htmx else "accounts/form_page.html"
    return render(request, template, {"account": account, "form": form, "title": title, "back": back, **context})


def _saved(request: HttpRequest, message: str, back: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(back)


def _form_page(
    request: HttpRequest, *, account: Account, form, save: Callable[[], object], saved: Callable[[], str], title: str,
    back: str, **context,
) -> HttpResponse:
    """An account's form: on a POST of a valid form, `save()` (a service, its ValidationError shown on the form)
    and back to `back` with the message `saved()` (made after the save); else the form (`_form_response`)."""
    if request.method == "POST" and save_with(form, save):
        return _saved(request, saved(), back)
    return _form_response(request, account=account, form=form, title=title, back=back, **context)


# --- 1. Summary ----------------------------------------------------------------------------


@require_GET
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    """Summary: grade, team, revenue and profit with trend, open pipeline by tier, risks from data."""
    account, can_edit = _readable(request, account_id)
    today = timezone.localdate()
    summary = account360.account_summary(account=account, today=today)
    chart = {
        "labels": [row["month"].strftime("%Y-%m") for row in summary["monthly_revenue"]],
        "revenue": [float(row["revenue"]) for row in summary["monthly_revenue"]],
        "label": _("Revenue"),
        "intake": [float(row["order_intake"]) for row in summary["monthly_revenue"]],
        "intakeLabel": _("Order intake"),
    }
    return _section(
        request, "accounts/account_detail.html", account=account, can_edit=can_edit, section="summary", chart=chart,
        sections=account_sections(account=account, user=request.user, today=today), **summary
    )


# --- 2. Org chart ----------------------------------------------------------------------------


@require_GET
def org_chart(request: HttpRequest, account_id: int) -> HttpResponse:
    """The drawn org chart along reports-to, filtered by org unit, and the org-change log."""
    account, can_edit = _readable(request, account_id)
    return _org_chart_page(request, account=account, can_edit=can_edit, reveal=_int_param(request, "show"))


def _org_chart_page(request: HttpRequest, *, account: Account, can_edit: bool, **context) -> HttpResponse:
    today = timezone.localdate()
    since = params.parse_date(request.GET.get("since", "")) or today - datetime.timedelta(days=90)
    show_left = request.GET.get("left") == "1"
    chart = org.org_chart(account=account, unit_id=_int_param(request, "unit"), show_left=show_left)
    return _section(
        request,
        "accounts/org_chart.html",
        account=account,
        can_edit=can_edit,
        section="org-chart",
        changes=org.org_changes_since(account=account, since=since),
        since=since,
        show_left=show_left,
        filter_query=urlencode({key: value for key, value in request.GET.items() if key in ("unit", "left", "since")}),
        **chart,
        **context,
    )


@require_POST
def contact_reports_to(request: HttpRequest, account_id: int, contact_id: int) -> HttpResponse:
    """Make a person report to another (the org chart's drag and drop, and its undo).

    htmx gets the org chart back with a message offering to undo (putting back the previous
    manager); without JavaScript the page is redirected with the message.
    """
    account = _editable(request, account_id)
    contact = get_object_or_404(Contact.objects.select_related("reports_to"), pk=contact_id, account=account)
    raw = request.POST.get("reports_to", "")
    manager = None
    error = message = None
    previous = contact.reports_to
    if raw:
        manager = account.contacts.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if manager is None:
            error = _("Choose a manager from this account's org chart.")
    if error is None:
        try:
            services.contact_reports_to_change(contact=contact, manager=manager, acting_user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if previous == manager:
                pass  # dropped on their own manager: nothing to say, nothing to undo
            elif request.POST.get("undo"):
                message = _("Undone: %(name)s reports to %(manager)s again.") % {
                    "name": contact.name, "manager": manager.name if manager else _("no one")}
            else:
                message = _("%(name)s now reports to %(manager)s.") % {
                    "name": contact.name, "manager": manager.name if manager else _("no one")}
    if request.htmx:
        undo = None
        if message and not request.POST.get("undo") and previous != manager:
            undo = {"contact": contact, "reports_to": previous.pk if previous else ""}
        return _org_chart_page(
            request, account=account, can_edit=True, move_message=message, move_error=error, undo=undo,
            reveal=contact.pk if message else None,
        )
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    query = request.GET.copy()
    query["show"] = contact.pk
    return redirect(reverse("accounts:org-chart", args=[account.pk]) + "?" + query.urlencode())


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, account_id: int, contact_id: int | None = None) -> HttpResponse:
    """Add a person (under a manager with `?reports_to=`) or edit, move, or record them leaving."""
    account = _editable(request, account_id)
    contact = get_object_or_404(Contact, pk=contact_id, account=account) if contact_id else Contact(account=account)
    initial = {}
    if contact_id is None:
        manager = account.contacts.filter(pk=_int_param(request, "reports_to") or 0).first()
        if manager is not None:
            initial = {"reports_to": manager, "org_unit": manager.org_unit_id, "level": _level_below(manager.level)}
        elif _int_param(request, "unit"):
            initial = {"org_unit": _int_param(request, "unit")}
    form = ContactForm(request.POST or None, instance=contact, account=account, initial=initial)
    back = reverse("accounts:org-chart", args=[account.pk])
    if request.method == "POST" and save_with(
        form, lambda: services.contact_save(contact=form.instance, acting_user=request.user, happened_on=form.cleaned_data["happened_on"])
    ):
        return _saved_in_chart(request, _("%(name)s saved in the org chart.") % {"name": form.instance.name}, form.instance)
    title = _("Edit %(name)s") % {"name": contact.name} if contact_id else _("Add a person")
    return _form_response(request, account=account, form=form, title=title, back=back)


def _saved_in_chart(request: HttpRequest, message: str, contact: Contact) -> HttpResponse:
    """Back to the org chart (keeping its filters) with the saved person shown, their branch opened."""
    messages.success(request, message)
    query = QueryDict(mutable=True)
    if request.htmx and request.htmx.current_url_abs_path:
        current = urlsplit(request.htmx.current_url_abs_path)
        if current.path == reverse("accounts:org-chart", args=[contact.account_id]):
            query = QueryDict(current.query, mutable=True)
    query["show"] = contact.pk
    url = reverse("accounts:org-chart", args=[contact.account_id]) + "?" + query.urlencode()
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _level_below(level: str) -> str:
    return {Contact.Level.EXECUTIVE: Contact.Level.MANAGER}.get(level, Contact.Level.STAFF)


@require_http_methods(["GET", "POST"])
def org_unit_edit(request: HttpRequest, account_id: int, unit_id: int | None = None) -> HttpResponse:
    """Add a customer org unit or rename or move one."""
    account = _editable(request, account_id)
    unit = get_object_or_404(OrgUnit, pk=unit_id, account=account) if unit_id else OrgUnit(account=account)
    initial = {"parent": _int_param(request, "parent")} if unit_id is None and _int_param(request, "parent") else {}
    form = OrgUnitForm(request.POST or None, instance=unit, account=account, initial=initial)
    back = reverse("accounts:org-chart", args=[account.pk])
    if request.method == "POST" and save_with(form, lambda: services.org_unit_save(unit=form.instance, acting_user=request.user)):
        return _saved(request, _("Org unit %(name)s saved.") % {"name": form.instance.name}, back)
    title = _("Edit unit %(name)s") % {"name": unit.name} if unit_id else _("Add an org unit")
    return _form_response(request, account=account, form=form, title=title, back=back)


# --- 3. Relationship map -----------------------------------------------------------------------


@require_GET
def relationships(request: HttpRequest, account_id: int) -> HttpResponse:
    """Customer contacts by level against our people mapped to them, gaps highlighted."""
    account, can_edit = _readable(request, account_id)
    data = org.relationship_map(account=account, today=timezone.localdate())
    view = "table" if request.GET.get("view") == "table" else "map"
    drawing = relationship_drawing.layout(levels=data["levels"], today=timezone.localdate()) if view == "map" else None
    return _section(
        request, "accounts/relationships.html", account=account, can_edit=can_edit, section="relationships",
        view=view, drawing=drawing, **data,
    )


@require_http_methods(["GET", "POST"])
def relationship_edit(request: HttpRequest, account_id: int, relationship_id: int | None = None) -> HttpResponse:
    """Map one of our people to a contact, or log an interaction and update the strength."""
    account = _editable(request, account_id)
    if relationship_id:
        relationship = get_object_or_404(Relationship, pk=relationship_id, contact__account=account)
    else:
        relationship = Relationship()
    initial = {}
    if relationship_id is None:
        initial = {"contact": _int_param(request, "contact"), "user": request.user, "last_interaction_on": timezone.localdate()}
    form = RelationshipForm(request.POST or None, instance=relationship, account=account, initial=initial)
    back = reverse("accounts:relationships", args=[account.pk])
    if request.method == "POST" and save_with(
        form, lambda: services.relationship_save(relationship=form.instance, acting_user=request.user)
    ):
        return _saved(request, _("Relationship saved."), back)
    title = _("Edit relationship") if relationship_id else _("Map one of our people to a contact")
    return _form_response(request, account=account, form=form, title=title, back=back)


# --- 4. Opportunities by tier --------------------------------------------------------------------


def _board_context(request: HttpRequest, account: Account) -> dict:
    offering_id = _int_param(request, "offering")
    unit_id = _int_param(request, "unit")
    query = request.GET.urlencode()
    return {
        **commerce.opportunity_board(account=account, offering_id=offering_id, unit_id=unit_id),
        "offering_filter": offering_id,
        "unit_filter": unit_id,
        "move_query": f"?{query}" if query else "",
        "today": timezone.localdate(),
    }


@require_GET
def opportunities(request: HttpRequest, account_id: int) -> HttpResponse:
    """A board with Tier 1–4 columns and per-tier totals; filter by offering and sponsoring unit."""
    account, can_edit = _readable(request, account_id)
    return _section(
        request,
        "accounts/opportunities.html",
        account=account,
        can_edit=can_edit,
        section="opportunities",
        offerings=commerce.offerings_for_filter(),
        units=org.org_units_in_tree_order(account=account),
        **_board_context(request, account),
    )


def _move_message(opportunity: Opportunity, before: tuple[int, str]) -> str | None:
    """What a move did, in a sentence; None when it changed nothing (a drop on the same column)."""
    if opportunity.tier != before[0]:
        return _("Moved %(name)s to Tier %(tier)s.") % {"name": opportunity.name, "tier": opportunity.tier}
    if opportunity.stage != before[1]:
        return _("Moved %(name)s to %(stage)s.") % {"name": opportunity.name, "stage": opportunity.get_stage_display()}
    return None


@require_POST
def opportunity_move(request: HttpRequest, account_id: int, opportunity_id: int) -> HttpResponse:
    """Move an opportunity to another tier or stage; htmx gets the board back with new totals."""
    account = _editable(request, account_id)
    opportunity = get_object_or_404(Opportunity, pk=opportunity_id, account=account)
    form = OpportunityMoveForm(request.POST)
    error = message = None
    before = (opportunity.tier, opportunity.stage)
    if form.is_valid():
        try:
            services.opportunity_move(
                opportunity=opportunity,
                acting_user=request.user,
                tier=form.cleaned_data["tier"] or None,
                stage=form.cleaned_data["stage"] or None,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            message = _move_message(opportunity, before)
    else:
        error = " ".join(text for errors in form.errors.values() for text in errors)
    if request.htmx:
        return render(
            request,
            "accounts/_opportunity_board.html",
            {"account": account, "can_edit": True, "move_error": error, "move_message": message, **_board_context(request, account)},
        )
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(reverse("accounts:opportunities", args=[account.pk]) + ("?" + request.GET.urlencode() if request.GET else ""))


@require_http_methods(["GET", "POST"])
def opportunity_edit(request: HttpRequest, account_id: int, opportunity_id: int | None = None) -> HttpResponse:
    """Add or edit an opportunity; its history of tier and stage moves is shown alongside."""
    account = _editable(request, account_id)
    if opportunity_id:
        opportunity = get_object_or_404(Opportunity, pk=opportunity_id, account=account)
    else:
        opportunity = Opportunity(account=account, tier=_int_param(request, "tier") or 4)
    form = OpportunityForm(request.POST or None, instance=opportunity, account=account)
    back = reverse("accounts:opportunities", args=[account.pk])
    if request.method == "POST" and save_with(
        form,
        lambda: services.opportunity_save(
            opportunity=form.instance, acting_user=request.user, offerings=list(form.cleaned_data["offerings"])
        ),
    ):
        return _saved(request, _("Opportunity %(name)s saved.") % {"name": form.instance.name}, back)
    moves = list(opportunity.moves.select_related("moved_by")) if opportunity_id else []
    title = _("Edit %(name)s") % {"name": opportunity.name} if opportunity_id else _("Add an opportunity")
    return _form_response(request, account=account, form=form, title=title, back=back, moves=moves)


# --- 5. Whitespace -------------------------------------------------------------------------------


@require_GET
def whitespace(request: HttpRequest, account_id: int) -> HttpResponse:
    """Customer org units × offerings: bought, in the pipeline, white space; unmet needs noted on cells."""
    account, can_edit = _readable(request, account_id)
    grid = commerce.whitespace_grid(account=account, today=timezone.localdate())
    if can_edit:
        # Each cell links to its unmet-need form: the whitespace address and the cell's two ids (`accounts.urls`),
        # put together here rather than reversed once per cell.
        base = reverse("accounts:whitespace", args=[account.pk])
        for row in grid["rows"]:
            for cell in row["cells"]:
                cell["need_url"] = f"{base}{row['unit'].pk}/{cell['offering'].pk}/"
    return _section(request, "accounts/whitespace.html", account=account, can_edit=can_edit, section="whitespace", **grid)


@require_http_methods(["GET", "POST"])
def unmet_need_edit(request: HttpRequest, account_id: int, unit_id: int, offering_id: int) -> HttpResponse:
    """Note, change or remove the unmet need of one whitespace cell."""
    account = _editable(request, account_id)
    unit = get_object_or_404(OrgUnit, pk=unit_id, account=account)
    offering = get_object_or_404(Offering, pk=offering_id)
    need = UnmetNeed.objects.filter(org_unit=unit, offering=offering).first()
    form = UnmetNeedForm(request.POST or None, initial={"note": need.note if need else ""})
    return _form_page(
        request, account=account, form=form,
        save=lambda: services.unmet_need_save(
            account=account, org_unit=unit, offering=offering, note=form.cleaned_data["note"], acting_user=request.user
        ),
        saved=lambda: _("Unmet need saved."),
        title=_("Unmet need: %(unit)s × %(offering)s") % {"unit": unit.name, "offering": offering.name},
        back=reverse("accounts:whitespace", args=[account.pk]),
    )


# --- 6. Pricing ------------------------------------------------------------------------------------


@require_GET
def pricing(request: HttpRequest, account_id: int) -> HttpResponse:
    """The grade with its discount and privileges, incentive-program progress, and grade changes."""
    account, can_edit = _readable(request, account_id)
    data = commerce.pricing_overview(account=account, today=timezone.localdate())
    return _section(request, "accounts/pricing.html", account=account, can_edit=can_edit, section="pricing", **data)


@require_http_methods(["GET", "POST"])
def grade_change(request: HttpRequest, account_id: int) -> HttpResponse:
    """Give the account another grade; the change is recorded with its reason."""
    account = _editable(request, account_id)
    form = GradeChangeForm(request.POST or None, initial={"grade": account.grade})
    return _form_page(
        request, account=account, form=form,
        # The form's fields (grade, changed_on, reason) are the service's arguments.
        save=lambda: services.account_grade_change(account=account, acting_user=request.user, **form.cleaned_data),
        saved=lambda: _("Grade changed."),
        title=_("Change the grade"),
        back=reverse("accounts:pricing", args=[account.pk]),
    )


# --- 7. Customer experience ------------------------------------------------------------------------


@require_GET
def experience(request: HttpRequest, account_id: int) -> HttpResponse:
    """Customer-experience activities and the retention health indicator."""
    account, can_edit = _readable(request, account_id)
    today = timezone.localdate()
    return _section(
        request,
        "accounts/experience.html",
        account=account,
        can_edit=can_edit,
        section="experience",
        # Whoever edits the account records interactions on it (`permissions`): no second look at the team.
        can_record=can_edit or permissions.user_can_record_interaction(user=request.user, account=account),
        activities=account360.customer_activities(account=account),
        health=account360.retention_health(account=account, today=today),
    )


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, account_id: int, activity_id: int | None = None) -> HttpResponse:
    account = _recordable(request, account_id)
    if activity_id:
        activity = get_object_or_404(CustomerActivity, pk=activity_id, account=account)
    else:
        activity = CustomerActivity(account=account)
    initial = {"starts_on": timezone.localdate(), "our_people": [request.user]} if activity_id is None else {}
    form = CustomerActivityForm(request.POST or None, instance=activity, account=account, initial=initial)
    back = reverse("accounts:experience", args=[account.pk])
    if request.method == "POST" and save_with(
        form,
        lambda: services.customer_activity_save(
            activity=form.instance,
            acting_user=request.user,
            contacts=list(form.cleaned_data["contacts"]),
            our_people=list(form.cleaned_data["our_people"]),
        ),
    ):
        return _saved(request, _("Activity %(title)s saved.") % {"title": form.instance.title}, back)
    title = _("Edit %(name)s") % {"name": activity.title} if activity_id else _("Add an activity")
    return _form_response(request, account=account, form=form, title=title, back=back)
