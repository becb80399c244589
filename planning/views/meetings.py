"""Consensus meeting pages: the list, a new meeting, the meeting, its agenda and attendees, and each agenda item with its opinions, decision and minutes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import user_runs_meetings
from accounts.roles import is_executive
from planning import forms, live, meetings
from planning.models import (
    Decision,
    MeetingAttendee,
    PlanStatus,
)
from planning.rules import STEP_TITLES
from planning.selectors import meetings as meetings_reads
from planning.services import agenda as agenda_writes, decisions

from .documents import _snapshot_extras
from .plans import _first_error


def _require_meeting_reader(request: HttpRequest) -> None:
    if not user_runs_meetings(request.user):
        raise PermissionDenied


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_meeting_reader(request)
    return render(
        request,
        "planning/meeting_list.html",
        {"meetings": meetings_reads.meetings_list(), "waiting": meetings_reads.versions_awaiting_meeting(), "nav": "meetings"},
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    _require_meeting_reader(request)
    form = forms.MeetingForm(request.POST or None, executives=meetings_reads.executives())
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = agenda_writes.meeting_create(acting_user=request.user, **form.cleaned_data)
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
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    attendees = meetings_reads.meeting_attendees(meeting=meeting)
    attending = any(a.user_id == request.user.pk for a in attendees)
    allowed = meetings.meeting_allowed_actions(meeting=meeting, user=request.user, attending=attending)
    items = meetings_reads.meeting_agenda(meeting=meeting)
    return render(
        request,
        "planning/meeting_detail.html",
        {
            "meeting": meeting, "items": items, "attendees": attendees, "allowed": allowed,
            "waiting": meetings_reads.versions_awaiting_meeting() if "edit_agenda" in allowed else [],
            "nav": "meetings",
            "open_reviews": meetings_reads.meeting_open_reviews(meeting=meeting),
            "attendee_form": forms.AttendeeForm(users=meetings_reads.invitable_users(meeting=meeting)) if "edit_attendees" in allowed else None,
            "minutes_form": forms.MinutesForm(initial={"text": meeting.minutes}) if "write_minutes" in allowed else None,
            "undecided": sum(1 for item in items if not hasattr(item.version, "decision")),
        },
    )


def _meeting_action(request: HttpRequest, meeting_id: int, work, success: str) -> HttpResponse:
    """Run a meeting service for a POST and go back to the meeting with its message."""
    _require_meeting_reader(request)
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
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
        return redirect("planning:meeting-detail", meeting_id=meetings_reads.meeting_get(meeting_id=meeting_id).pk)
    return _meeting_action(
        request, meeting_id,
        lambda m: meetings.meeting_minutes_save(meeting=m, text=form.cleaned_data["text"], acting_user=request.user),
        _("The minutes were saved."),
    )


@require_POST
def attendee_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    form = forms.AttendeeForm(request.POST, users=meetings_reads.invitable_users(meeting=meeting))
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
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
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
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    item = meetings_reads.agenda_item_get(meeting=meeting, item_id=item_id)
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
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    if not (is_executive(request.user) or meetings_reads.user_attends(user=request.user, meeting=meeting)):
        raise PermissionDenied
    url = request.build_absolute_uri(reverse("planning:meeting-detail", args=[meeting.pk]))
    body = meetings.meeting_ics(meeting, attendees=meetings_reads.meeting_attendees(meeting=meeting), url=url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"consensus-meeting-{meeting.pk}.ics")
    return response


@require_POST
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    version_id = request.POST.get("version", "")
    version = next((v for v in meetings_reads.versions_awaiting_meeting() if str(v.pk) == version_id), None)
    if version is None:
        messages.error(request, _("That plan is not waiting for a meeting any more."))
    else:
        try:
            agenda_writes.agenda_item_add(meeting=meeting, version=version, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("%(plan)s is on the agenda.") % {"plan": version.plan})
    return redirect("planning:meeting-detail", meeting_id=meeting.pk)


@require_POST
def agenda_remove(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    _require_meeting_reader(request)
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    item = meetings_reads.agenda_item_get(meeting=meeting, item_id=item_id)
    try:
        agenda_writes.agenda_item_remove(item=item, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("The plan was taken off the agenda."))
    return redirect("planning:meeting-detail", meeting_id=meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """The one-page meeting view of a submitted plan (printable): opinions, the chair's decision, the item's minutes."""
    _require_meeting_reader(request)
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    item = meetings_reads.agenda_item_get(meeting=meeting, item_id=item_id)
    version = item.version
    plan = version.plan
    decided = hasattr(version, "decision")
    attending = meetings_reads.user_attends(user=request.user, meeting=meeting)
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
                decision = decisions.plan_decide(
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
    opinions = meetings_reads.item_opinions(item=item)
    mine = next((o for o in opinions if o.author_id == request.user.pk), None)
    if opinion_form is None and "give_opinion" in allowed and independent and not decided:
        initial = {"outcome": mine.outcome, "comment": mine.comment} if mine else {}
        if mine:
            initial.update({f"step_{k}": v for k, v in mine.step_comments.items()})
        opinion_form = forms.OpinionForm(initial=initial, step_titles=STEP_TITLES, prefix="opinion")
    agenda = meetings_reads.meeting_agenda(meeting=meeting)
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
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    item = meetings_reads.agenda_item_get(meeting=meeting, item_id=item_id)
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
    attending = meetings_reads.user_attends(user=request.user, meeting=meeting)
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
    meeting = meetings_reads.meeting_get(meeting_id=meeting_id)
    item = meetings_reads.agenda_item_get(meeting=meeting, item_id=item_id)
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
