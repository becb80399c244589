"""Reads of consensus meetings: the list, one meeting, its agenda, attendees and opinions."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from planning.models import (
    AgendaItem,
    ConsensusMeeting,
    MeetingAttendee,
    MeetingStatus,
    Opinion,
    PlanStatus,
    PlanVersion,
    QuarterlyReview,
)

from .versions import first_or_404, with_decision


def meetings_list() -> QuerySet[ConsensusMeeting]:
    return ConsensusMeeting.objects.annotate(
        item_count=Count("items", distinct=True),
        decided_count=Count("items", filter=Q(items__version__decision__isnull=False), distinct=True),
    ).order_by("-scheduled_for")


def meeting_get(*, meeting_id: int) -> ConsensusMeeting:
    meeting = ConsensusMeeting.objects.select_related("created_by", "chair", "closed_by").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


_NAME = ("username", "first_name", "last_name")  # what str(user) reads
# What an agenda row shows (the meeting page): not the version's frozen snapshot, nor the plan's and account's texts.
AGENDA_FIELDS = (
    "meeting_id", "position", "minutes", "version__revision", "version__submission", "version__submitted_at",
    "version__plan__fiscal_year", "version__plan__status", "version__plan__account__name",
    *(f"version__plan__owner__{name}" for name in _NAME), *(f"version__submitted_by__{name}" for name in _NAME),
    "version__decision__outcome", "version__decision__comment", "version__decision__decided_at",
    *(f"version__decision__decided_by__{name}" for name in _NAME),
)


def meeting_agenda(*, meeting: ConsensusMeeting) -> list[AgendaItem]:
    """The meeting's agenda in order, each item with what its row shows, in one query."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related(
            "version__plan__account", "version__plan__owner", "version__submitted_by", "version__decision__decided_by"
        )
        .only(*AGENDA_FIELDS)
        .order_by("position", "id")
    )


def versions_awaiting_meeting() -> list[PlanVersion]:
    """Submitted versions of plans still waiting for a decision and on no agenda."""
    return list(
        PlanVersion.objects.filter(agenda_item__isnull=True, decision__isnull=True, plan__status=PlanStatus.SUBMITTED)
        .select_related("plan__account", "submitted_by")
        .defer("snapshot")
        .order_by("submitted_at")
    )


def meeting_open_reviews(*, meeting: ConsensusMeeting, now: datetime.datetime | None = None) -> list[QuarterlyReview]:
    """Open quarterly reviews, which go on the agenda of the next consensus meeting (and only that one)."""
    now = now or timezone.now()
    next_meeting = ConsensusMeeting.objects.filter(scheduled_for__gte=now - datetime.timedelta(hours=12)).order_by("scheduled_for", "pk").values_list("pk", flat=True).first()
    if next_meeting != meeting.pk:
        return []
    return list(
        QuarterlyReview.objects.filter(status=QuarterlyReview.Status.OPEN)
        .select_related("plan__account", "owner")
        .defer("kpi_snapshot")
        .order_by("due_on", "plan__account__name")
    )


def upcoming_meetings(*, now: datetime.datetime | None = None) -> list[ConsensusMeeting]:
    """Meetings a plan can still be put on: not closed, from twelve hours ago on."""
    now = now or timezone.now()
    return list(
        ConsensusMeeting.objects.filter(scheduled_for__gte=now - datetime.timedelta(hours=12))
        .exclude(status=MeetingStatus.CLOSED).order_by("scheduled_for")[:20]
    )


def meeting_attendees(*, meeting: ConsensusMeeting) -> list[MeetingAttendee]:
    return list(MeetingAttendee.objects.filter(meeting=meeting).select_related("user").order_by("role", "user__username"))


def executives() -> list[User]:
    """Active executives, who chair meetings and attend them as such."""
    return list(User.objects.filter(is_active=True, groups__name=Role.EXECUTIVE).order_by("username").distinct())


def invitable_users(*, meeting: ConsensusMeeting, limit: int = 300) -> list[User]:
    """Active users not attending yet (executives first), for the invitation list."""
    return list(
        User.objects.filter(is_active=True).exclude(pk__in=MeetingAttendee.objects.filter(meeting=meeting).values("user_id"))
        .order_by("username")[:limit]
    )


def item_opinions(*, item: AgendaItem) -> list[Opinion]:
    return list(Opinion.objects.filter(item=item).select_related("author").order_by("recorded_at", "id"))


def user_attends(*, user: User, meeting: ConsensusMeeting) -> bool:
    return user.is_authenticated and MeetingAttendee.objects.filter(meeting=meeting, user=user).exists()


def agenda_item_get(*, meeting: ConsensusMeeting, item_id: int) -> AgendaItem:
    return first_or_404(
        with_decision(AgendaItem.objects.filter(meeting=meeting, pk=item_id), via="version__").select_related(
            "version__plan__account"
        ),
        "No such agenda item.",
    )
