"""The consensus meeting as it is held: chair, attendees (참석자), agenda, opinions (의견), minutes (회의록).

The meeting's state machine is `MEETING_TRANSITIONS` below and nothing else: planned → in session →
closed, and what each role may do in each state (acts that keep the state are rows whose source is
their target). Every write here is keyword-only, atomic and told who acts. The plan's own decision
stays in planning.services.decisions.plan_decide, which asks `decision_check` here when it is taken at a meeting.
"""

import datetime
from enum import Enum

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import is_executive
from notifications.models import NotificationKind
from notifications.services import NotificationDraft, notifications_create
from planning.authorship import version_authors
from planning.transitions import Transition, TransitionTable
from planning.models import (
    AgendaItem,
    ConsensusMeeting,
    Decision,
    MeetingAttendee,
    MeetingStatus,
    Opinion,
    PlanVersion,
)

# --- The state machine ------------------------------------------------------------------


class MeetingAction(models.TextChoices):
    START = "start", gettext_lazy("Open the session")
    CLOSE = "close", gettext_lazy("Close the meeting")
    EDIT_AGENDA = "edit_agenda", gettext_lazy("Change the agenda")
    EDIT_ATTENDEES = "edit_attendees", gettext_lazy("Change the attendees")
    GIVE_OPINION = "give_opinion", gettext_lazy("Give an opinion")
    DECIDE = "decide", gettext_lazy("Decide")
    WRITE_MINUTES = "write_minutes", gettext_lazy("Write the minutes")


class MeetingActor(Enum):
    CHAIR = "chair"  # the meeting's chair (any executive while a meeting has none)
    ATTENDING_EXECUTIVE = "attending_executive"  # an executive on the attendee list, the chair included
    EXECUTIVE = "executive"  # any executive


M, A, R = MeetingStatus, MeetingAction, MeetingActor
MEETING_TRANSITIONS = TransitionTable((
    Transition(A.START, M.PLANNED, M.IN_SESSION, R.CHAIR),
    Transition(A.CLOSE, M.IN_SESSION, M.CLOSED, R.CHAIR),
    Transition(A.EDIT_AGENDA, M.PLANNED, M.PLANNED, R.EXECUTIVE),
    Transition(A.EDIT_AGENDA, M.IN_SESSION, M.IN_SESSION, R.EXECUTIVE),
    Transition(A.EDIT_ATTENDEES, M.PLANNED, M.PLANNED, R.CHAIR),
    Transition(A.EDIT_ATTENDEES, M.IN_SESSION, M.IN_SESSION, R.CHAIR),
    # Opinions may be written ahead of the session, from the documents.
    Transition(A.GIVE_OPINION, M.PLANNED, M.PLANNED, R.ATTENDING_EXECUTIVE),
    Transition(A.GIVE_OPINION, M.IN_SESSION, M.IN_SESSION, R.ATTENDING_EXECUTIVE),
    Transition(A.DECIDE, M.IN_SESSION, M.IN_SESSION, R.CHAIR),
    Transition(A.WRITE_MINUTES, M.IN_SESSION, M.IN_SESSION, R.ATTENDING_EXECUTIVE),
))
del M, A, R


def _is_chair(user: User, meeting: ConsensusMeeting) -> bool:
    return is_executive(user) and (meeting.chair_id is None or meeting.chair_id == user.pk)


def _actor_may(actor: MeetingActor, *, user: User, meeting: ConsensusMeeting, attending: bool | None = None) -> bool:
    if actor is MeetingActor.CHAIR:
        return _is_chair(user, meeting)
    if actor is MeetingActor.EXECUTIVE:
        return is_executive(user)
    if not is_executive(user):
        return False
    if attending is None:
        attending = MeetingAttendee.objects.filter(meeting=meeting, user=user).exists()
    return attending or meeting.chair_id == user.pk


def meeting_transition_for(*, meeting: ConsensusMeeting, action: str, acting_user: User) -> Transition:
    """The row of the table for `action` in the meeting's state, if `acting_user` may take it.

    ValidationError when the state does not allow it, PermissionDenied when the role may not.
    """
    transition = MEETING_TRANSITIONS.find(status=meeting.status, action=action)
    if transition is None:
        raise ValidationError(
            _("“%(action)s” is not possible while the meeting is “%(status)s”.")
            % {"action": MeetingAction(action).label, "status": MeetingStatus(meeting.status).label}
        )
    if not _actor_may(transition.actor, user=acting_user, meeting=meeting):
        raise PermissionDenied(_("Your role at this meeting may not do this."))
    return transition


def meeting_allowed_actions(*, meeting: ConsensusMeeting, user: User, attending: bool | None = None) -> set[str]:
    """What the user may do at the meeting now (before per-item conditions such as separation of duties)."""
    if attending is None and is_executive(user):
        attending = MeetingAttendee.objects.filter(meeting=meeting, user=user).exists()
    return {
        t.action for t in MEETING_TRANSITIONS.from_status(meeting.status)
        if _actor_may(t.actor, user=user, meeting=meeting, attending=bool(attending))
    }


def _locked_meeting(meeting: ConsensusMeeting) -> ConsensusMeeting:
    return ConsensusMeeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


# --- Separation of duties ---------------------------------------------------------------



def user_edited_version(*, user: User, version: PlanVersion) -> bool:
    """Did `user` submit the version or write any of its content up to its submission?

    Such a user neither gives an opinion on it nor decides on it (`authorship.version_authors`).
    """
    if user is None or user.pk is None:
        return False
    return user.pk in version_authors(version=version)


def _require_independent(*, user: User, version: PlanVersion) -> None:
    if user_edited_version(user=user, version=version):
        raise PermissionDenied(_("You submitted or edited this version: someone else gives the opinion and the decision."))


# --- Creating and scheduling ------------------------------------------------------------


def meeting_create(
    *,
    title: str,
    scheduled_for: datetime.datetime,
    acting_user: User,
    chair: User | None = None,
    location: str = "",
    video_link: str = "",
    duration_minutes: int = 120,
    notes: str = "",
) -> ConsensusMeeting:
    """Schedule a meeting; its chair (the acting executive unless another is named) attends it."""
    if not is_executive(acting_user):
        raise PermissionDenied(_("Only executives run consensus meetings."))
    chair = chair or acting_user
    if not title.strip():
        raise ValidationError(_("The meeting needs a title."))
    if not is_executive(chair):
        raise ValidationError(_("The chair of a consensus meeting is an executive."))
    if not 1 <= duration_minutes <= 24 * 60:
        raise ValidationError(_("A meeting lasts between 1 minute and 24 hours."))
    with transaction.atomic():
        meeting = ConsensusMeeting.objects.create(
            title=title.strip(), scheduled_for=scheduled_for, location=location.strip(), video_link=video_link.strip(),
            duration_minutes=duration_minutes, notes=notes, chair=chair, created_by=acting_user,
        )
        _attendee_ensure(meeting=meeting, user=chair, role=MeetingAttendee.Role.EXECUTIVE, acting_user=acting_user)
    return meeting


def _attendee_ensure(*, meeting: ConsensusMeeting, user: User, role: str, acting_user: User | None) -> MeetingAttendee | None:
    """Add the user unless they attend already; a new attendee is told (inbox and e-mail). None if they were on."""
    try:
        with transaction.atomic():
            attendee = MeetingAttendee.objects.create(meeting=meeting, user=user, role=role, added_by=acting_user)
    except IntegrityError:
        return None
    notifications_create(drafts=[NotificationDraft(
        user.pk, NotificationKind.MEETING_INVITATION, f"meeting-invitation:{meeting.pk}:{attendee.pk}",
        meeting_params(meeting), "planning:meeting-detail" if is_executive(user) else "planning:meeting-ics",
        {"meeting_id": meeting.pk},
    )])
    return attendee


def attendee_add(*, meeting: ConsensusMeeting, user: User, acting_user: User) -> MeetingAttendee:
    """Invite someone: an executive attends as one, anyone else as a guest."""
    meeting_transition_for(meeting=meeting, action=MeetingAction.EDIT_ATTENDEES, acting_user=acting_user)
    if not user.is_active:
        raise ValidationError(_("%(user)s cannot sign in any more.") % {"user": user})
    role = MeetingAttendee.Role.EXECUTIVE if is_executive(user) else MeetingAttendee.Role.GUEST
    attendee = _attendee_ensure(meeting=meeting, user=user, role=role, acting_user=acting_user)
    if attendee is None:
        raise ValidationError(_("%(user)s attends already.") % {"user": user})
    return attendee


def attendee_remove(*, attendee: MeetingAttendee, acting_user: User) -> None:
    meeting = attendee.meeting
    meeting_transition_for(meeting=meeting, action=MeetingAction.EDIT_ATTENDEES, acting_user=acting_user)
    if attendee.user_id == meeting.chair_id:
        raise ValidationError(_("The chair attends the meeting."))
    if Opinion.objects.filter(item__meeting=meeting, author_id=attendee.user_id).exists():
        raise ValidationError(_("%(user)s gave opinions at this meeting: they stay on the list.") % {"user": attendee.user})
    attendee.delete()


def attendee_add_kam(*, meeting: ConsensusMeeting, version: PlanVersion, acting_user: User | None) -> None:
    """The KAM of a plan put on the agenda attends (added once, told once)."""
    owner = version.plan.owner
    if owner is not None and owner.is_active:
        _attendee_ensure(meeting=meeting, user=owner, role=MeetingAttendee.Role.KAM, acting_user=acting_user)


# --- The agenda -------------------------------------------------------------------------


def agenda_item_move(*, item: AgendaItem, step: int, acting_user: User) -> list[AgendaItem]:
    """Move the item `step` places (−1 up, +1 down) on its agenda; positions become 1..n. Attendees are told."""
    meeting = item.meeting
    meeting_transition_for(meeting=meeting, action=MeetingAction.EDIT_AGENDA, acting_user=acting_user)
    if step not in (-1, 1):
        raise ValidationError(_("An item moves one place up or down."))
    with transaction.atomic():
        _locked_meeting(meeting)
        items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id"))
        index = next((i for i, entry in enumerate(items) if entry.pk == item.pk), None)
        if index is None:
            raise ValidationError(_("That plan is not on this agenda any more."))
        other = index + step
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        for position, entry in enumerate(items, start=1):
            if entry.position != position:
                entry.position = position
                entry.save(update_fields=["position"])
        meeting_notify_agenda(meeting=meeting)
    return items


def meeting_notify_agenda(*, meeting: ConsensusMeeting) -> int:
    """Tell every attendee the agenda as it stands now (one notification per change)."""
    items = (
        AgendaItem.objects.filter(meeting=meeting).order_by("position", "id")
        .values_list("version__plan__account__name", "version__plan__fiscal_year")
    )
    params = {**meeting_params(meeting), "agenda": "\n".join(
        f"{n}. {name} · FY {year}" for n, (name, year) in enumerate(items, start=1)) or "–"}
    key = f"meeting-agenda:{meeting.pk}:{timezone.now().timestamp():.6f}"
    return _notify_attendees(meeting, NotificationKind.MEETING_AGENDA, key, params)


def _notify_attendees(meeting: ConsensusMeeting, kind: str, key: str, params: dict) -> int:
    attendees = MeetingAttendee.objects.filter(meeting=meeting, user__is_active=True).values_list("user_id", "role")
    return notifications_create(drafts=[
        NotificationDraft(user_id, kind, key, params,
                          "planning:meeting-detail" if role != MeetingAttendee.Role.GUEST and role != MeetingAttendee.Role.KAM
                          else "planning:meeting-ics",
                          {"meeting_id": meeting.pk})
        for user_id, role in attendees
    ])


def local_time_text(moment: datetime.datetime) -> str:
    """A date-time as people at the site read it: in TIME_ZONE, with the zone's name."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return f"{local:%Y-%m-%d %H:%M} ({settings.TIME_ZONE})"


def meeting_params(meeting: ConsensusMeeting) -> dict:
    """What notifications about the meeting say of it (kept as data, shown in each reader's language)."""
    place = ", ".join(part for part in (meeting.location, meeting.video_link) if part) or "–"
    return {"meeting": meeting.title, "when": local_time_text(meeting.scheduled_for), "place": place}


# --- Session, opinions, minutes, closing ------------------------------------------------


def meeting_start(*, meeting: ConsensusMeeting, acting_user: User) -> ConsensusMeeting:
    with transaction.atomic():
        current = _locked_meeting(meeting)
        transition = meeting_transition_for(meeting=current, action=MeetingAction.START, acting_user=acting_user)
        current.status, current.started_at = transition.target, timezone.now()
        current.save(update_fields=["status", "started_at"])
    meeting.status, meeting.started_at = current.status, current.started_at
    return current


def opinion_save(
    *,
    item: AgendaItem,
    outcome: str,
    acting_user: User,
    comment: str = "",
    step_comments: dict[int, str] | None = None,
) -> Opinion:
    """Record (or change) an executive attendee's opinion on an agenda item, before it is decided."""
    meeting = item.meeting
    meeting_transition_for(meeting=meeting, action=MeetingAction.GIVE_OPINION, acting_user=acting_user)
    if outcome not in Opinion.Outcome.values:
        raise ValidationError(_("Choose approve, request changes or reject."))
    _require_independent(user=acting_user, version=item.version)
    steps = {int(step): text.strip() for step, text in (step_comments or {}).items() if text and text.strip()}
    if any(step not in range(1, 8) for step in steps):
        raise ValidationError(_("Comments belong to steps 1 to 7."))
    if outcome != Opinion.Outcome.APPROVED and not (comment.strip() or steps):
        raise ValidationError(_("Say why: write a comment, on the whole plan or on a step."))
    with transaction.atomic():
        if Decision.objects.filter(version_id=item.version_id).exists():
            raise ValidationError(_("This plan was already decided."))
        opinion, _created = Opinion.objects.update_or_create(
            item=item, author=acting_user,
            defaults={"outcome": outcome, "comment": comment.strip(), "step_comments": {str(k): v for k, v in sorted(steps.items())}},
        )
    return opinion


def decision_check(*, meeting: ConsensusMeeting, version: PlanVersion, acting_user: User) -> None:
    """A decision taken at `meeting`: the chair, in session, on an item of its agenda."""
    meeting_transition_for(meeting=meeting, action=MeetingAction.DECIDE, acting_user=acting_user)
    if not AgendaItem.objects.filter(meeting=meeting, version=version).exists():
        raise ValidationError(_("This plan is not on the meeting's agenda."))


def meeting_minutes_save(*, meeting: ConsensusMeeting, text: str, acting_user: User) -> ConsensusMeeting:
    meeting_transition_for(meeting=meeting, action=MeetingAction.WRITE_MINUTES, acting_user=acting_user)
    meeting.minutes = text.replace("\r\n", "\n").strip()
    meeting.save(update_fields=["minutes"])
    return meeting


def agenda_item_minutes_save(*, item: AgendaItem, text: str, acting_user: User) -> AgendaItem:
    meeting_transition_for(meeting=item.meeting, action=MeetingAction.WRITE_MINUTES, acting_user=acting_user)
    item.minutes = text.replace("\r\n", "\n").strip()
    item.save(update_fields=["minutes"])
    return item


def meeting_close(*, meeting: ConsensusMeeting, acting_user: User) -> ConsensusMeeting:
    """The chair closes the meeting: every item must be decided (or taken off); decisions and minutes
    are then read-only, and the minutes go to every attendee (inbox and e-mail, in their language)."""
    with transaction.atomic():
        current = _locked_meeting(meeting)
        transition = meeting_transition_for(meeting=current, action=MeetingAction.CLOSE, acting_user=acting_user)
        undecided = AgendaItem.objects.filter(meeting=current, version__decision__isnull=True).count()
        if undecided:
            raise ValidationError(_("Decide every plan on the agenda, or take it off, before closing the meeting."))
        current.status, current.closed_at, current.closed_by = transition.target, timezone.now(), acting_user
        current.save(update_fields=["status", "closed_at", "closed_by"])
        _notify_attendees(
            current, NotificationKind.MEETING_MINUTES, f"meeting-minutes:{current.pk}",
            {**meeting_params(current), "minutes_i18n": minutes_texts(current)},
        )
    meeting.status, meeting.closed_at, meeting.closed_by = current.status, current.closed_at, current.closed_by
    return current


def minutes_texts(meeting: ConsensusMeeting) -> dict[str, str]:
    """The minutes in every language of the site, so each attendee reads the decisions in theirs."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = minutes_text(meeting)
    return texts


def minutes_text(meeting: ConsensusMeeting) -> str:
    """The minutes as plain text for the notification and its e-mail: each item's decision and minutes, then the meeting's.

    Written with the labels' language neutral parts only (the decision is kept as its code word,
    translated when shown): names, numbers and the attendees' own words.
    """
    items = (
        AgendaItem.objects.filter(meeting=meeting).order_by("position", "id")
        .select_related("version__plan__account", "version__decision")
    )
    lines = []
    for n, item in enumerate(items, start=1):
        plan = item.version.plan
        decision = getattr(item.version, "decision", None)
        outcome = str(Decision.Outcome(decision.outcome).label) if decision else "–"
        lines.append(f"{n}. {plan.account.name} · FY {plan.fiscal_year}: {outcome}")
        if decision and decision.comment:
            lines.append(f"   {decision.comment}")
        if item.minutes:
            lines.extend(f"   {line}" for line in item.minutes.splitlines())
    if meeting.minutes:
        lines += ["", meeting.minutes]
    return "\n".join(lines) or "–"


# --- The calendar file ------------------------------------------------------------------


def _ics_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _ics_fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not out else 74):
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _offset_text(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def meeting_ics(meeting: ConsensusMeeting, *, attendees: list[MeetingAttendee], url: str = "") -> str:
    """The meeting as an iCalendar file in the site's zone (TIME_ZONE), with a VTIMEZONE holding the
    zone's offset at the meeting's time, so every calendar shows the same hour as the site."""
    zone = timezone.get_default_timezone()
    start = timezone.localtime(meeting.scheduled_for, zone)
    end = start + datetime.timedelta(minutes=meeting.duration_minutes)
    offset = _offset_text(start.utcoffset() or datetime.timedelta())
    tzid = settings.TIME_ZONE
    now = timezone.now().astimezone(datetime.UTC)
    description = [local_time_text(meeting.scheduled_for)]
    if meeting.video_link:
        description.append(meeting.video_link)
    if meeting.notes:
        description.append(meeting.notes)
    if url:
        description.append(url)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//KAM Planner//Consensus meeting//EN", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VTIMEZONE", f"TZID:{tzid}", "BEGIN:STANDARD", "DTSTART:19700101T000000",
        f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}", f"TZNAME:{start.tzname() or tzid}", "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"UID:consensus-meeting-{meeting.pk}@kam-planner",
        f"DTSTAMP:{now:%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID={tzid}:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID={tzid}:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{_ics_escape(meeting.title)}",
        "STATUS:CONFIRMED",
    ]
    where = meeting.location or meeting.video_link
    if where:
        lines.append(f"LOCATION:{_ics_escape(where)}")
    if meeting.video_link:
        lines.append(f"URL:{meeting.video_link}")
    lines.append(f"DESCRIPTION:{_ics_escape(chr(10).join(description))}")
    chair = meeting.chair
    if chair is not None and chair.email:
        lines.append(f"ORGANIZER;CN={_ics_escape(str(chair))}:mailto:{chair.email}")
    for attendee in attendees:
        if attendee.user.email:
            lines.append(f"ATTENDEE;CN={_ics_escape(str(attendee.user))};ROLE=REQ-PARTICIPANT:mailto:{attendee.user.email}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"


def next_agenda_position(meeting: ConsensusMeeting) -> int:
    return (AgendaItem.objects.filter(meeting=meeting).aggregate(top=Max("position"))["top"] or 0) + 1
