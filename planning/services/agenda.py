"""The plan's side of the consensus meeting: scheduling one and putting a submitted version on (or off) its agenda.

The meeting as it is held lives in planning.meetings.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from planning import meetings
from planning.models import (
    AgendaItem,
    ConsensusMeeting,
    Decision,
    MeetingStatus,
    PlanVersion,
)


def meeting_create(
    *, title: str, scheduled_for: datetime.datetime, location: str = "", notes: str = "", acting_user: User,
    chair: User | None = None, video_link: str = "", duration_minutes: int = 120,
) -> ConsensusMeeting:
    """Schedule a consensus meeting (planning.meetings.meeting_create: its chair attends it)."""
    return meetings.meeting_create(
        title=title, scheduled_for=scheduled_for, location=location, notes=notes, acting_user=acting_user,
        chair=chair, video_link=video_link, duration_minutes=duration_minutes,
    )


def agenda_item_add(
    *, meeting: ConsensusMeeting, version: PlanVersion, acting_user: User, check_role: bool = True
) -> AgendaItem:
    """Put a submitted version on the meeting's agenda (the team does so when submitting).

    The plan's KAM becomes an attendee and every attendee is told the new agenda.
    """
    if check_role:
        meetings.meeting_transition_for(meeting=meeting, action=meetings.MeetingAction.EDIT_AGENDA, acting_user=acting_user)
    elif meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(_("That meeting is closed: choose another one."))
    if Decision.objects.filter(version=version).exists():
        raise ValidationError(_("This version was already decided."))
    if AgendaItem.objects.filter(version=version).exists():
        raise ValidationError(_("This plan is already on an agenda."))
    with transaction.atomic():
        item = AgendaItem.objects.create(
            meeting=meeting, version=version, position=meetings.next_agenda_position(meeting), added_by=acting_user
        )
        meetings.attendee_add_kam(meeting=meeting, version=version, acting_user=acting_user)
        meetings.meeting_notify_agenda(meeting=meeting)
    return item


def agenda_item_remove(*, item: AgendaItem, acting_user: User) -> None:
    meetings.meeting_transition_for(meeting=item.meeting, action=meetings.MeetingAction.EDIT_AGENDA, acting_user=acting_user)
    if Decision.objects.filter(version_id=item.version_id).exists():
        raise ValidationError(_("A decided plan stays on the agenda of its meeting."))
    with transaction.atomic():
        item.delete()
        meetings.meeting_notify_agenda(meeting=item.meeting)
