"""The consensus meeting: its state machine × every role, attendees, agenda order, opinions, separation
of duties, minutes, closing, notifications and the calendar file."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from planning import meetings, services
from planning.meetings import MEETING_TRANSITIONS, MeetingAction, MeetingActor
from planning.models import AgendaItem, ConsensusMeeting, Decision, MeetingAttendee, MeetingStatus, Opinion, PlanStatus
from tests.factories import AccountFactory, TeamMemberFactory, make_admin, make_complete_plan, make_executive

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(executive):
    return executive


@pytest.fixture
def meeting(chair):
    return services.meeting_create(
        title="H2 consensus", scheduled_for=datetime.datetime(2026, 12, 10, 1, 0, tzinfo=datetime.UTC),
        location="HQ 12F", video_link="https://meet.example.com/h2", acting_user=chair,
    )


@pytest.fixture
def item(meeting, submitted, chair):
    _plan, version = submitted
    return services.agenda_item_add(meeting=meeting, version=version, acting_user=chair)


@pytest.fixture
def members(meeting, chair, account_manager):
    """Everyone whose role the table distinguishes."""
    attending = make_executive(username="attending-exec")
    meetings.attendee_add(meeting=meeting, user=attending, acting_user=chair)
    return {
        "chair": chair, "attending_executive": attending, "other_executive": make_executive(username="other-exec"),
        "kam": account_manager, "admin": make_admin(username="meeting-admin"),
    }


def may(actor: MeetingActor, role: str) -> bool:
    return {
        MeetingActor.CHAIR: {"chair"},
        MeetingActor.ATTENDING_EXECUTIVE: {"chair", "attending_executive"},
        MeetingActor.EXECUTIVE: {"chair", "attending_executive", "other_executive"},
    }[actor].__contains__(role)


ROLES = ("chair", "attending_executive", "other_executive", "kam", "admin")


@pytest.mark.parametrize("transition", MEETING_TRANSITIONS.rows, ids=lambda t: f"{t.action}-from-{t.source}")
@pytest.mark.parametrize("role", ROLES)
def test_every_meeting_transition_for_every_role(meeting, members, transition, role):
    ConsensusMeeting.objects.filter(pk=meeting.pk).update(status=transition.source, closed_at=timezone.now())
    meeting.refresh_from_db()
    user = members[role]
    if may(transition.actor, role):
        assert meetings.meeting_transition_for(meeting=meeting, action=transition.action, acting_user=user) == transition
        assert transition.action in meetings.meeting_allowed_actions(meeting=meeting, user=user)
    else:
        with pytest.raises(PermissionDenied):
            meetings.meeting_transition_for(meeting=meeting, action=transition.action, acting_user=user)
        assert transition.action not in meetings.meeting_allowed_actions(meeting=meeting, user=user)


@pytest.mark.parametrize("status", MeetingStatus.values)
@pytest.mark.parametrize("action", MeetingAction.values)
def test_actions_outside_the_table_are_refused_in_every_state(meeting, chair, status, action):
    if any(t.source == status and t.action == action for t in MEETING_TRANSITIONS):
        return
    ConsensusMeeting.objects.filter(pk=meeting.pk).update(status=status, closed_at=timezone.now())
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        meetings.meeting_transition_for(meeting=meeting, action=action, acting_user=chair)


def test_a_closed_meeting_allows_nothing(meeting, members):
    ConsensusMeeting.objects.filter(pk=meeting.pk).update(status="closed", closed_at=timezone.now())
    meeting.refresh_from_db()
    for role in ROLES:
        assert meetings.meeting_allowed_actions(meeting=meeting, user=members[role]) == set()


def test_scheduling_makes_the_chair_an_attendee_and_tells_them(meeting, chair):
    assert meeting.chair == chair and meeting.status == MeetingStatus.PLANNED
    assert list(meeting.attendees.values_list("user", "role")) == [(chair.pk, "executive")]
    note = Notification.objects.get(user=chair, kind=NotificationKind.MEETING_INVITATION)
    assert note.params["when"] == "2026-12-10 10:00 (Asia/Seoul)"  # 01:00 UTC is 10:00 in Seoul


def test_the_chair_is_an_executive(executive, account_manager):
    with pytest.raises(ValidationError):
        services.meeting_create(title="x", scheduled_for=timezone.now(), chair=account_manager, acting_user=executive)
    with pytest.raises(PermissionDenied):
        services.meeting_create(title="x", scheduled_for=timezone.now(), acting_user=account_manager)


def test_putting_a_plan_on_the_agenda_adds_its_kam_and_tells_every_attendee(item, meeting, account_manager, chair):
    assert MeetingAttendee.objects.get(meeting=meeting, user=account_manager).role == "kam"
    assert Notification.objects.filter(user=account_manager, kind=NotificationKind.MEETING_INVITATION).count() == 1
    agenda = Notification.objects.filter(kind=NotificationKind.MEETING_AGENDA)
    assert set(agenda.values_list("user_id", flat=True)) == {chair.pk, account_manager.pk}
    assert "한빛전자 · FY" in agenda.first().message


def test_the_agenda_is_reordered_one_place_at_a_time(meeting, chair, item, account_manager):
    second_account = AccountFactory(name="Second")
    TeamMemberFactory(account=second_account, user=account_manager)
    plan = make_complete_plan(account=second_account, user=account_manager)
    second = services.agenda_item_add(meeting=meeting, version=services.plan_submit(plan=plan, acting_user=account_manager),
                                      acting_user=chair)
    before = Notification.objects.filter(kind=NotificationKind.MEETING_AGENDA).count()
    meetings.agenda_item_move(item=second, step=-1, acting_user=chair)
    assert list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("pk", flat=True)) == [second.pk, item.pk]
    assert Notification.objects.filter(kind=NotificationKind.MEETING_AGENDA).count() > before
    meetings.agenda_item_move(item=second, step=-1, acting_user=chair)  # already first: stays
    assert AgendaItem.objects.get(pk=second.pk).position == 1
    with pytest.raises(ValidationError):
        meetings.agenda_item_move(item=second, step=5, acting_user=chair)
    with pytest.raises(PermissionDenied):
        meetings.agenda_item_move(item=second, step=1, acting_user=account_manager)


def test_inviting_twice_and_removing_the_chair_are_refused(meeting, members, chair):
    with pytest.raises(ValidationError):
        meetings.attendee_add(meeting=meeting, user=members["attending_executive"], acting_user=chair)
    with pytest.raises(ValidationError):
        meetings.attendee_remove(attendee=MeetingAttendee.objects.get(meeting=meeting, user=chair), acting_user=chair)
    guest = meetings.attendee_add(meeting=meeting, user=members["admin"], acting_user=chair)
    assert guest.role == "guest"
    meetings.attendee_remove(attendee=guest, acting_user=chair)
    assert not MeetingAttendee.objects.filter(pk=guest.pk).exists()


# --- Opinions, separation of duties, decisions -----------------------------------------


def test_each_executive_attendee_gives_an_opinion_and_the_chair_decides_otherwise(item, meeting, members, chair):
    attending = members["attending_executive"]
    meetings.opinion_save(item=item, outcome="approved", comment="Good", acting_user=attending)
    meetings.opinion_save(item=item, outcome="changes_requested", step_comments={4: "Targets low"}, acting_user=chair)
    meetings.opinion_save(item=item, outcome="approved", comment="Fine now", acting_user=attending)  # changed, not doubled
    assert Opinion.objects.filter(item=item).count() == 2
    assert Opinion.objects.get(item=item, author=chair).step_comments == {"4": "Targets low"}
    meetings.meeting_start(meeting=meeting, acting_user=chair)
    decision = services.plan_decide(version=item.version, outcome="changes_requested", comment="Step 4 again",
                                    step_comments={4: "Raise the targets"}, acting_user=chair, meeting=meeting)
    assert decision.outcome == "changes_requested"
    assert Opinion.objects.filter(item=item).count() == 2  # all kept
    with pytest.raises(ValidationError):
        meetings.opinion_save(item=item, outcome="approved", acting_user=attending)


def test_opinions_need_an_executive_attendee_and_a_reason_to_object(item, members):
    with pytest.raises(PermissionDenied):
        meetings.opinion_save(item=item, outcome="approved", acting_user=members["other_executive"])
    with pytest.raises(PermissionDenied):
        meetings.opinion_save(item=item, outcome="approved", acting_user=members["kam"])
    with pytest.raises(ValidationError):
        meetings.opinion_save(item=item, outcome="rejected", acting_user=members["attending_executive"])
    with pytest.raises(ValidationError):
        meetings.opinion_save(item=item, outcome="maybe", comment="x", acting_user=members["attending_executive"])
    assert not Opinion.objects.exists()


def test_only_the_chair_decides_and_only_in_session(item, meeting, members, chair):
    with pytest.raises(ValidationError):  # planned
        services.plan_decide(version=item.version, outcome="approved", acting_user=chair, meeting=meeting)
    meetings.meeting_start(meeting=meeting, acting_user=chair)
    with pytest.raises(PermissionDenied):
        services.plan_decide(version=item.version, outcome="approved", acting_user=members["attending_executive"], meeting=meeting)
    services.plan_decide(version=item.version, outcome="approved", acting_user=chair, meeting=meeting)
    assert Decision.objects.get().decided_by == chair


def test_who_edited_or_submitted_the_version_neither_opines_nor_decides(account, account_manager, chair):
    """An executive who is also an admin edits the plan: they cannot judge it (separation of duties)."""
    editor = make_executive(username="editing-exec")
    editor.groups.add(*make_admin(username="admin-groups").groups.all())
    plan = make_complete_plan(account=account, user=account_manager)
    services.plan_step_save(plan=plan, step=4, acting_user=editor, expected_lock_version=plan.lock_version,
                            fields={"strategy_summary": "Edited by an executive"})
    plan.refresh_from_db()
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    assert meetings.user_edited_version(user=editor, version=version)
    assert meetings.user_edited_version(user=account_manager, version=version)
    assert not meetings.user_edited_version(user=chair, version=version)
    meeting = services.meeting_create(title="SoD", scheduled_for=timezone.now(), chair=editor, acting_user=chair)
    item = services.agenda_item_add(meeting=meeting, version=version, acting_user=chair)
    meetings.attendee_add(meeting=meeting, user=chair, acting_user=editor)
    with pytest.raises(PermissionDenied):
        meetings.opinion_save(item=item, outcome="approved", acting_user=editor)
    meetings.meeting_start(meeting=meeting, acting_user=editor)
    with pytest.raises(PermissionDenied):
        services.plan_decide(version=version, outcome="approved", acting_user=editor, meeting=meeting)
    with pytest.raises(PermissionDenied):  # outside a meeting too
        services.plan_decide(version=version, outcome="approved", acting_user=editor)
    assert not Decision.objects.exists() and not Opinion.objects.exists()


def test_a_later_edit_does_not_count_against_an_earlier_version(submitted, chair, account_manager):
    _plan, version = submitted
    assert not meetings.user_edited_version(user=chair, version=version)
    assert not meetings.user_edited_version(user=make_executive(username="fresh"), version=version)


# --- Minutes and closing ----------------------------------------------------------------


def test_minutes_are_written_in_session_and_go_to_attendees_when_the_chair_closes(item, meeting, members, chair, account_manager):
    with pytest.raises(ValidationError):
        meetings.meeting_minutes_save(meeting=meeting, text="too early", acting_user=chair)
    meetings.meeting_start(meeting=meeting, acting_user=chair)
    meetings.agenda_item_minutes_save(item=item, text="Budget cut to 70%", acting_user=members["attending_executive"])
    meetings.meeting_minutes_save(meeting=meeting, text="Next meeting in Q1.", acting_user=chair)
    with pytest.raises(ValidationError):  # an undecided item
        meetings.meeting_close(meeting=meeting, acting_user=chair)
    services.plan_decide(version=item.version, outcome="approved", acting_user=chair, meeting=meeting)
    with pytest.raises(PermissionDenied):
        meetings.meeting_close(meeting=meeting, acting_user=members["attending_executive"])
    meetings.meeting_close(meeting=meeting, acting_user=chair)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED and meeting.closed_by == chair
    notes = Notification.objects.filter(kind=NotificationKind.MEETING_MINUTES)
    assert set(notes.values_list("user_id", flat=True)) == {chair.pk, members["attending_executive"].pk, account_manager.pk}
    assert "Budget cut to 70%" in notes.first().message and "Next meeting in Q1." in notes.first().message
    with pytest.raises(ValidationError):
        meetings.meeting_minutes_save(meeting=meeting, text="changed", acting_user=chair)
    with pytest.raises(ValidationError):
        meetings.agenda_item_minutes_save(item=item, text="changed", acting_user=chair)


def test_the_minutes_e_mail_is_in_each_readers_language(item, meeting, chair, account_manager, mailoutbox):
    from notifications.services import notifications_deliver

    account_manager.language, account_manager.email = "ko", "am@example.com"
    account_manager.save()
    meetings.meeting_start(meeting=meeting, acting_user=chair)
    services.plan_decide(version=item.version, outcome="approved", acting_user=chair, meeting=meeting)
    meetings.meeting_close(meeting=meeting, acting_user=chair)
    Notification.objects.exclude(kind=NotificationKind.MEETING_MINUTES).update(emailed_at=timezone.now())
    notifications_deliver()
    korean = next(m for m in mailoutbox if m.to == ["am@example.com"])
    assert "회의록" in korean.body and "H2 consensus" in korean.body


# --- The calendar file ------------------------------------------------------------------


def test_the_calendar_file_is_in_the_sites_zone(client_for, meeting, chair):
    response = client_for(chair).get(reverse("planning:meeting-ics", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Seoul" in body and "TZOFFSETTO:+0900" in body
    assert "DTSTART;TZID=Asia/Seoul:20261210T100000" in body and "DTEND;TZID=Asia/Seoul:20261210T120000" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


@override_settings(TIME_ZONE="Europe/Berlin")
def test_the_calendar_file_follows_another_site_zone(meeting):
    body = meetings.meeting_ics(meeting, attendees=[])
    assert "DTSTART;TZID=Europe/Berlin:20261210T020000" in body and "TZOFFSETTO:+0100" in body
    assert zoneinfo.ZoneInfo("Europe/Berlin")


def test_the_calendar_file_is_for_executives_and_attendees(client_for, meeting, item, account_manager, other_account_manager):
    assert client_for(account_manager).get(reverse("planning:meeting-ics", args=[meeting.pk])).status_code == 200
    assert client_for(other_account_manager).get(reverse("planning:meeting-ics", args=[meeting.pk])).status_code == 403


def test_a_plan_cannot_be_submitted_onto_a_closed_meeting(plan, meeting, account_manager):
    ConsensusMeeting.objects.filter(pk=meeting.pk).update(status="closed", closed_at=timezone.now())
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        services.plan_submit(plan=plan, acting_user=account_manager, meeting=meeting)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


# --- The pages ----------------------------------------------------------------------------


def test_an_attending_executive_records_an_opinion_in_the_meeting_view(client_for, item, members, meeting):
    url = reverse("planning:meeting-item-opinion", args=[meeting.pk, item.pk])
    client = client_for(members["attending_executive"])
    bad = client.post(url, {"opinion-outcome": "rejected"})
    assert bad.status_code == 400 and "Say why" in bad.text and not Opinion.objects.exists()
    assert client.post(url, {"opinion-outcome": "sideways"}).status_code == 400
    response = client.post(url, {"opinion-outcome": "changes_requested", "opinion-step_4": "Targets low"})
    assert response.status_code == 302
    assert Opinion.objects.get().step_comments == {"4": "Targets low"}
    page = client.get(reverse("planning:meeting-item", args=[meeting.pk, item.pk]))
    assert "Targets low" in page.text and 'data-testid="opinion-form"' in page.text
    assert client_for(members["other_executive"]).post(url, {"opinion-outcome": "approved"}).status_code == 403
    assert client_for(members["kam"]).post(url, {"opinion-outcome": "approved"}).status_code == 403
    assert Opinion.objects.count() == 1


def test_the_chair_runs_the_meeting_from_its_page(client_for, item, members, meeting, chair):
    client = client_for(chair)
    detail = reverse("planning:meeting-detail", args=[meeting.pk])
    guest = members["admin"]
    client.post(reverse("planning:attendee-add", args=[meeting.pk]), {"user": guest.pk})
    assert MeetingAttendee.objects.filter(meeting=meeting, user=guest).exists()
    client.post(reverse("planning:attendee-add", args=[meeting.pk]), {"user": "not-a-number"})
    assert client_for(members["attending_executive"]).post(
        reverse("planning:attendee-add", args=[meeting.pk]), {"user": members["other_executive"].pk}).status_code == 403
    assert not MeetingAttendee.objects.filter(meeting=meeting, user=members["other_executive"]).exists()
    client = client_for(chair)
    client.post(reverse("planning:meeting-start", args=[meeting.pk]))
    client.post(reverse("planning:meeting-minutes", args=[meeting.pk]), {"text": "Agreed on the order."})
    client.post(reverse("planning:agenda-move", args=[meeting.pk, item.pk]), {"direction": "sideways"})
    page = client.get(detail)
    assert "Agreed on the order." in page.text and 'data-testid="meeting-close"' in page.text
    meeting.refresh_from_db()
    assert meeting.status == "in_session" and meeting.minutes == "Agreed on the order."


@pytest.mark.parametrize("size", [1, 12])
def test_meeting_pages_cost_the_same_with_many_attendees_and_opinions(client_for, item, meeting, chair, size,
                                                                     django_assert_max_num_queries):
    meetings.meeting_start(meeting=meeting, acting_user=chair)
    for n in range(size):
        executive = make_executive(username=f"exec-{n}")
        meetings.attendee_add(meeting=meeting, user=executive, acting_user=chair)
        meetings.opinion_save(item=item, outcome="approved", comment=f"ok {n}", acting_user=executive)
    client = client_for(chair)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("planning:meeting-detail", args=[meeting.pk])).status_code == 200
    with django_assert_max_num_queries(40):  # 22, and the "Now" panel (planning.live)
        assert client.get(reverse("planning:meeting-item", args=[meeting.pk, item.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("planning:meeting-ics", args=[meeting.pk])).status_code == 200


def test_deciding_an_earlier_submission_is_not_editing_the_next(sent_back_twice):
    chair, version = sent_back_twice
    assert not meetings.user_edited_version(user=chair, version=version)


@pytest.fixture
def sent_back_twice(submitted, chair, account_manager):
    plan, version = submitted
    services.plan_decide(version=version, outcome="changes_requested", comment="Again", acting_user=chair)
    plan.refresh_from_db()
    return chair, services.plan_submit(plan=plan, acting_user=account_manager)
