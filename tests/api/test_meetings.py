"""The consensus meeting's API: meetings, attendees, agenda items (opinions, decisions with grants, minutes),
the session's start and close, resource grants and the budget spent, for every role."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from planning import meetings, services
from planning.grants import GrantInput
from planning.models import (
    AgendaItem,
    ConsensusMeeting,
    Decision,
    MeetingAttendee,
    MeetingStatus,
    Opinion,
    PlanStatus,
    ResourceGrant,
    ResourceSpend,
)
from tests.factories import (
    ConsensusMeetingFactory,
    TeamMemberFactory,
    ensure_kpi_catalogue,
    make_account_manager,
    make_admin,
    make_complete_plan,
    make_executive,
)

pytestmark = pytest.mark.django_db

MEETINGS, ATTENDEES, ITEMS = "/api/v1/meetings/", "/api/v1/meeting-attendees/", "/api/v1/agenda-items/"
GRANTS, SPENDS = "/api/v1/resource-grants/", "/api/v1/resource-spends/"


def at(base, pk, action=""):
    return f"{base}{pk}/{action + '/' if action else ''}"


@pytest.fixture(autouse=True)
def kpi_catalogue(db):
    ensure_kpi_catalogue()


@pytest.fixture
def version(account, account_manager):
    """A submitted version of the account's plan asking for people and a budget of 50M."""
    plan = make_complete_plan(account=account, user=account_manager)
    services.plan_step_save(
        plan=plan, step=5, acting_user=account_manager, expected_lock_version=plan.lock_version,
        collections={"support_requests": [{"id": None, "delete": False, "kind": "budget", "description": "Seminar budget",
                                           "offering": None, "amount": Decimal(50_000_000), "status": "requested"}]},
    )
    plan.refresh_from_db()
    return services.plan_submit(plan=plan, acting_user=account_manager)


@pytest.fixture
def people(executive, account, account_manager, other_account_manager, kam_admin):
    """Every role the meeting tells apart: the chair, an executive attending, one not attending, the plan's
    KAM, an account manager off the team, a sales rep on the team, an admin."""
    sales = make_account_manager(username="sales-rep")
    TeamMemberFactory(account=account, user=sales, role="sales_rep")
    return {
        "chair": executive, "attending": make_executive(username="attending-exec"),
        "absent": make_executive(username="absent-exec"), "kam": account_manager, "am2": other_account_manager,
        "sales": sales, "admin": kam_admin,
    }


@pytest.fixture
def meeting(people):
    meeting = services.meeting_create(
        title="H2 consensus", scheduled_for=datetime.datetime(2026, 12, 10, 1, 0, tzinfo=datetime.UTC),
        location="HQ 12F", acting_user=people["chair"],
    )
    meetings.attendee_add(meeting=meeting, user=people["attending"], acting_user=people["chair"])
    return meeting


@pytest.fixture
def item(meeting, version, people):
    return services.agenda_item_add(meeting=meeting, version=version, acting_user=people["chair"])


def started(meeting, people):
    meetings.meeting_start(meeting=meeting, acting_user=people["chair"])
    return meeting


def requests_of(version):
    return {row["kind"]: row["id"] for row in version.snapshot["execution"]["support_requests"]}


# --- Reading ------------------------------------------------------------------------------------


NOT_EXECUTIVES = ("admin", "kam", "am2", "sales")
EXECUTIVES = ("chair", "attending", "absent")


def test_only_executives_read_meetings_as_in_the_web(api_for, item, meeting, people):
    assert api_for(None).get(MEETINGS).status_code == 401
    for role in NOT_EXECUTIVES:
        client = api_for(people[role])
        for url in (MEETINGS, at(MEETINGS, meeting.pk), ITEMS, at(ITEMS, item.pk), ATTENDEES):
            response = client.get(url)
            assert response.status_code == 403, (role, url)
            assert "executives" in response.json()["detail"]
    for role in EXECUTIVES:
        client = api_for(people[role])
        assert [row["id"] for row in client.get(MEETINGS).json()["results"]] == [meeting.pk]
        assert client.get(at(ITEMS, item.pk)).status_code == 200


def test_meeting_detail_has_attendees_agenda_and_the_callers_actions(api_for, item, meeting, people, version):
    body = api_for(people["chair"]).get(at(MEETINGS, meeting.pk)).json()
    assert body["status"] == "planned" and body["item_count"] == 1 and body["decided_count"] == 0
    assert body["scheduled_for"] == "2026-12-10T10:00:00+09:00"  # in the site's zone
    assert {a["user"]: a["role"] for a in body["attendees"]} == {
        people["chair"].pk: "executive", people["attending"].pk: "executive", people["kam"].pk: "kam"}
    assert [(row["id"], row["version"], row["decision"]) for row in body["agenda"]] == [(item.pk, version.pk, None)]
    assert body["agenda"][0]["version_label"] == "Revision 1 · submission 1"
    assert body["allowed_actions"] == ["edit_agenda", "edit_attendees", "give_opinion", "reschedule", "start"]
    assert api_for(people["attending"]).get(at(MEETINGS, meeting.pk)).json()["allowed_actions"] == ["edit_agenda", "give_opinion"]
    assert api_for(people["absent"]).get(at(MEETINGS, meeting.pk)).json()["allowed_actions"] == ["edit_agenda"]


def test_agenda_item_detail_shows_requests_and_drops_what_the_caller_may_not_do(api_for, item, people):
    body = api_for(people["chair"]).get(at(ITEMS, item.pk)).json()
    assert sorted(row["kind"] for row in body["support_requests"]) == ["budget", "people"]
    assert body["opinions"] == [] and body["decision_detail"] is None
    assert "give_opinion" in body["allowed_actions"]


def test_meeting_lists_cost_the_same_with_more_meetings(api_for, people, django_assert_max_num_queries):
    def count_queries(n):
        for index in range(n):
            ConsensusMeetingFactory(created_by=people["chair"], title=f"M{index}")
        client = api_for(people["chair"])
        with django_assert_max_num_queries(8):
            assert client.get(MEETINGS, {"page_size": 100}).status_code == 200
        with django_assert_max_num_queries(8):
            assert client.get(ITEMS, {"page_size": 100}).status_code == 200
        with django_assert_max_num_queries(8):
            assert client.get(ATTENDEES, {"page_size": 100}).status_code == 200

    count_queries(3)
    count_queries(30)


# --- Scheduling and changing a meeting -----------------------------------------------------------


def test_an_executive_schedules_a_meeting_and_its_chair_attends(api_for, people):
    response = api_for(people["absent"]).post(MEETINGS, {
        "title": "Q1 consensus", "scheduled_for": "2027-01-14T10:00", "chair": people["chair"].pk,
        "video_link": "https://meet.example.com/q1",
    }, format="json")
    assert response.status_code == 201, response.json()
    meeting = ConsensusMeeting.objects.get(pk=response.json()["id"])
    assert meeting.chair == people["chair"] and meeting.created_by == people["absent"]
    assert timezone.localtime(meeting.scheduled_for).hour == 10  # a time without offset is the site's
    assert response.json()["attendees"][0]["user"] == people["chair"].pk


@pytest.mark.parametrize("role", NOT_EXECUTIVES)
def test_who_is_not_an_executive_schedules_nothing(api_for, people, role):
    response = api_for(people[role]).post(MEETINGS, {"title": "x", "scheduled_for": "2027-01-14T10:00"}, format="json")
    assert response.status_code == 403 and not ConsensusMeeting.objects.exists()


@pytest.mark.parametrize("payload, field, message", [
    ({"scheduled_for": "2027-01-14T10:00"}, "title", "required"),
    ({"title": "   ", "scheduled_for": "2027-01-14T10:00"}, "title", "blank"),
    ({"title": "x", "scheduled_for": "next week"}, "scheduled_for", "Datetime has wrong format"),
    ({"title": "x", "scheduled_for": "2027-01-14T10:00", "duration_minutes": 0}, "duration_minutes", "greater than or equal to 1"),
    ({"title": "x", "scheduled_for": "2027-01-14T10:00", "chair": "me"}, "chair", "Incorrect type"),
])
def test_bad_meetings_are_refused_with_the_field_and_nothing_is_saved(api_for, people, payload, field, message):
    response = api_for(people["chair"]).post(MEETINGS, payload, format="json")
    assert response.status_code == 400 and message in str(response.json()[field])
    assert not ConsensusMeeting.objects.exists() and not Notification.objects.exists()


def test_the_chair_must_be_an_executive(api_for, people):
    response = api_for(people["chair"]).post(
        MEETINGS, {"title": "x", "scheduled_for": "2027-01-14T10:00", "chair": people["kam"].pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The chair of a consensus meeting is an executive."]}
    assert not ConsensusMeeting.objects.exists()


def test_the_chair_moves_a_planned_meeting_and_the_attendees_are_told(api_for, item, meeting, people):
    client = api_for(people["chair"])
    response = client.patch(at(MEETINGS, meeting.pk), {"scheduled_for": "2026-12-11T14:00+09:00"}, format="json")
    assert response.status_code == 200 and response.json()["scheduled_for"] == "2026-12-11T14:00:00+09:00"
    told = Notification.objects.filter(kind=NotificationKind.MEETING_AGENDA, params__when="2026-12-11 14:00 (Asia/Seoul)")
    assert set(told.values_list("user", flat=True)) == {people["chair"].pk, people["attending"].pk, people["kam"].pk}
    # Changing nothing tells nobody.
    before = Notification.objects.count()
    assert client.patch(at(MEETINGS, meeting.pk), {"title": "H2 consensus"}, format="json").status_code == 200
    assert Notification.objects.count() == before


def test_only_the_chair_changes_a_meeting_and_only_while_planned(api_for, meeting, people):
    for role in ("attending", "absent"):
        assert api_for(people[role]).patch(at(MEETINGS, meeting.pk), {"title": "Mine"}, format="json").status_code == 403
    assert api_for(people["kam"]).patch(at(MEETINGS, meeting.pk), {"title": "Mine"}, format="json").status_code == 403
    response = api_for(people["chair"]).patch(at(MEETINGS, meeting.pk), {"title": " "}, format="json")
    assert response.status_code == 400 and "title" in response.json()
    started(meeting, people)
    response = api_for(people["chair"]).patch(at(MEETINGS, meeting.pk), {"title": "Later"}, format="json")
    assert response.status_code == 400 and "In session" in response.json()["non_field_errors"][0]
    meeting.refresh_from_db()
    assert meeting.title == "H2 consensus"


# --- Attendees ---------------------------------------------------------------------------------


def test_the_chair_invites_and_removes_attendees(api_for, meeting, people):
    client = api_for(people["chair"])
    response = client.post(ATTENDEES, {"meeting": meeting.pk, "user": people["sales"].pk}, format="json")
    assert response.status_code == 201 and response.json()["role"] == "guest"
    assert Notification.objects.filter(user=people["sales"], kind=NotificationKind.MEETING_INVITATION).exists()
    again = client.post(ATTENDEES, {"meeting": meeting.pk, "user": people["sales"].pk}, format="json")
    assert again.status_code == 400 and "attends already" in again.json()["non_field_errors"][0]
    assert client.delete(at(ATTENDEES, response.json()["id"])).status_code == 204
    chair_row = MeetingAttendee.objects.get(meeting=meeting, user=people["chair"])
    refused = client.delete(at(ATTENDEES, chair_row.pk))
    assert refused.status_code == 400 and refused.json() == {"non_field_errors": ["The chair attends the meeting."]}


@pytest.mark.parametrize("role, code", [("attending", 403), ("absent", 403), ("kam", 403), ("admin", 403), ("am2", 403)])
def test_only_the_chair_changes_the_attendees(api_for, meeting, people, role, code):
    response = api_for(people[role]).post(ATTENDEES, {"meeting": meeting.pk, "user": people["absent"].pk}, format="json")
    assert response.status_code == code
    row = MeetingAttendee.objects.get(meeting=meeting, user=people["attending"])
    assert api_for(people[role]).delete(at(ATTENDEES, row.pk)).status_code == code
    assert MeetingAttendee.objects.filter(meeting=meeting).count() == 2


# --- The agenda --------------------------------------------------------------------------------


def test_executives_put_a_waiting_plan_on_the_agenda_take_it_off_and_move_it(api_for, meeting, version, people, other_account,
                                                                            other_account_manager):
    client = api_for(people["absent"])
    response = client.post(ITEMS, {"meeting": meeting.pk, "version": version.pk}, format="json")
    assert response.status_code == 201 and response.json()["position"] == 1
    other = services.plan_submit(plan=make_complete_plan(account=other_account, user=other_account_manager),
                                 acting_user=other_account_manager)
    second = client.post(ITEMS, {"meeting": meeting.pk, "version": other.pk}, format="json").json()
    moved = client.post(at(ITEMS, second["id"], "move"), {"direction": "up"}, format="json")
    assert moved.status_code == 200 and moved.json()["position"] == 1
    assert client.post(at(ITEMS, second["id"], "move"), {"direction": "sideways"}, format="json").status_code == 400
    assert client.delete(at(ITEMS, second["id"])).status_code == 204
    assert list(AgendaItem.objects.values_list("version", flat=True)) == [version.pk]


def test_a_version_is_on_one_agenda_and_must_be_waiting(api_for, item, meeting, version, people):
    client = api_for(people["chair"])
    again = client.post(ITEMS, {"meeting": meeting.pk, "version": version.pk}, format="json")
    assert again.status_code == 400 and again.json() == {"non_field_errors": ["This plan is already on an agenda."]}
    draft = make_complete_plan(account=version.plan.account, user=people["kam"], fiscal_year=version.plan.fiscal_year + 1)
    assert draft.status == PlanStatus.DRAFT
    unknown = client.post(ITEMS, {"meeting": meeting.pk, "version": 999_999}, format="json")
    assert unknown.status_code == 400 and "version" in unknown.json()
    assert AgendaItem.objects.count() == 1


@pytest.mark.parametrize("role", NOT_EXECUTIVES)
def test_who_is_not_an_executive_changes_no_agenda(api_for, item, meeting, version, people, role):
    client = api_for(people[role])
    assert client.delete(at(ITEMS, item.pk)).status_code == 403
    assert client.post(at(ITEMS, item.pk, "move"), {"direction": "up"}, format="json").status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# --- Opinions ----------------------------------------------------------------------------------


def test_attending_executives_give_opinions_and_change_them(api_for, item, people):
    client = api_for(people["attending"])
    response = client.post(at(ITEMS, item.pk, "opinion"), {
        "outcome": "changes_requested", "step_comments": {"4": "Targets too low"}}, format="json")
    assert response.status_code == 200
    assert [(o["author"], o["outcome"], o["step_comments"]) for o in response.json()["opinions"]] == [
        (people["attending"].pk, "changes_requested", {"4": "Targets too low"})]
    assert client.post(at(ITEMS, item.pk, "opinion"), {"outcome": "approved"}, format="json").status_code == 200
    assert list(Opinion.objects.values_list("outcome", flat=True)) == ["approved"]


@pytest.mark.parametrize("role, code", [("absent", 403), ("kam", 403), ("sales", 403), ("admin", 403), ("am2", 403)])
def test_executives_not_attending_and_other_roles_give_no_opinion(api_for, item, people, role, code):
    response = api_for(people[role]).post(at(ITEMS, item.pk, "opinion"), {"outcome": "approved"}, format="json")
    assert response.status_code == code and not Opinion.objects.exists()


@pytest.mark.parametrize("payload, field", [
    ({}, "outcome"),
    ({"outcome": "maybe"}, "outcome"),
    ({"outcome": "rejected"}, "non_field_errors"),  # a reason is needed
    ({"outcome": "approved", "step_comments": {"9": "x"}}, "step_comments"),
    ({"outcome": "approved", "comment": 5}, "comment"),
])
def test_bad_opinions_are_refused_and_nothing_is_recorded(api_for, item, people, payload, field):
    response = api_for(people["attending"]).post(at(ITEMS, item.pk, "opinion"), payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Opinion.objects.exists()


def test_who_edited_the_version_gives_no_opinion_and_does_not_decide(api_for, account, account_manager, people):
    """An executive who is also an admin edited the plan (separation of duties, as in the web)."""
    editor = make_executive(username="editing-exec")
    editor.groups.add(*make_admin(username="admin-groups").groups.all())
    plan = make_complete_plan(account=account, user=account_manager)
    services.plan_step_save(plan=plan, step=4, acting_user=editor, expected_lock_version=plan.lock_version,
                            fields={"strategy_summary": "Edited by an executive"})
    plan.refresh_from_db()
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    meeting = services.meeting_create(title="SoD", scheduled_for=timezone.now(), acting_user=editor)
    item = services.agenda_item_add(meeting=meeting, version=version, acting_user=editor)
    client = api_for(editor)
    assert "give_opinion" not in client.get(at(ITEMS, item.pk)).json()["allowed_actions"]
    refused = client.post(at(ITEMS, item.pk, "opinion"), {"outcome": "approved"}, format="json")
    assert refused.status_code == 403 and "submitted or edited" in refused.json()["detail"]
    meetings.meeting_start(meeting=meeting, acting_user=editor)
    refused = client.post(at(ITEMS, item.pk, "decide"), {"decision": "approve"}, format="json")
    assert refused.status_code == 403
    assert not Opinion.objects.exists() and not Decision.objects.exists()


# --- Decisions and grants ----------------------------------------------------------------------


def test_the_chair_decides_in_session_with_a_partial_budget_grant(api_for, item, meeting, people, version):
    client = api_for(people["chair"])
    ids = requests_of(version)
    payload = {"decision": "approve", "comment": "Go", "grants": [
        {"support_request": ids["budget"], "status": "partly", "amount": 30_000_000, "reason": "Half the seminars"}]}
    early = client.post(at(ITEMS, item.pk, "decide"), payload, format="json")
    assert early.status_code == 400 and "Planned" in early.json()["non_field_errors"][0]
    started(meeting, people)
    assert api_for(people["attending"]).post(at(ITEMS, item.pk, "decide"), payload, format="json").status_code == 403
    response = client.post(at(ITEMS, item.pk, "decide"), payload, format="json")
    assert response.status_code == 200, response.json()
    decision = response.json()["decision_detail"]
    assert decision["outcome"] == "approved" and decision["meeting"] == meeting.pk
    grants = {g["kind"]: (g["status"], g["granted_amount"]) for g in decision["grants"]}
    assert grants == {"budget": ("partly", 30_000_000), "people": ("granted", 100_000_000)}  # left out: in full
    version.plan.refresh_from_db()
    assert version.plan.status == PlanStatus.APPROVED
    assert "decide" not in response.json()["allowed_actions"]
    again = client.post(at(ITEMS, item.pk, "decide"), payload, format="json")
    assert again.status_code == 400 and Decision.objects.count() == 1


@pytest.mark.parametrize("payload, field", [
    ({}, "decision"),
    ({"decision": "approve", "grants": [{"support_request": 0, "status": "granted"}]}, "grants"),
    ({"decision": "approve", "grants": "all"}, "grants"),
    ({"decision": "approve", "grants": [{"support_request": "BUDGET", "status": "partly", "amount": 1}]}, "grants"),
    ({"decision": "request_changes"}, "non_field_errors"),  # a reason is needed
    ({"decision": "reject", "comment": "No", "grants": [{"support_request": 1, "status": "refused", "reason": "No"}]}, "grants"),
])
def test_bad_decisions_are_refused_and_nothing_is_decided(api_for, item, meeting, people, payload, field):
    started(meeting, people)
    response = api_for(people["chair"]).post(at(ITEMS, item.pk, "decide"), payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Decision.objects.exists() and not ResourceGrant.objects.exists()


@pytest.mark.parametrize("grant, message", [
    ({"status": "partly", "amount": 10}, "say why"),
    ({"status": "partly", "amount": 50_000_000, "reason": "x"}, "less than"),
    ({"status": "refused", "amount": 5, "reason": "x"}, "granted nothing"),
])
def test_bad_grants_are_refused_with_the_services_message(api_for, item, meeting, people, version, grant, message):
    started(meeting, people)
    grant = {"support_request": requests_of(version)["budget"], **grant}
    response = api_for(people["chair"]).post(at(ITEMS, item.pk, "decide"), {"decision": "approve", "grants": [grant]},
                                             format="json")
    assert response.status_code == 400 and message in " ".join(response.json()["non_field_errors"])
    version.plan.refresh_from_db()
    assert version.plan.status == PlanStatus.SUBMITTED and not Decision.objects.exists()


# --- Minutes, start and close --------------------------------------------------------------------


def test_minutes_are_written_in_session_and_read_only_after_closing(api_for, item, meeting, people):
    chair, attending = api_for(people["chair"]), api_for(people["attending"])
    early = chair.post(at(MEETINGS, meeting.pk, "minutes"), {"text": "too early"}, format="json")
    assert early.status_code == 400
    assert api_for(people["attending"]).post(at(MEETINGS, meeting.pk, "start")).status_code == 403
    assert chair.post(at(MEETINGS, meeting.pk, "start")).json()["status"] == "in_session"
    assert attending.post(at(ITEMS, item.pk, "minutes"), {"text": "Budget cut to 60%"}, format="json").json()["minutes"] \
        == "Budget cut to 60%"
    assert api_for(people["absent"]).post(at(ITEMS, item.pk, "minutes"), {"text": "x"}, format="json").status_code == 403
    assert chair.post(at(MEETINGS, meeting.pk, "minutes"), {"text": "Next in Q1."}, format="json").json()["minutes"] \
        == "Next in Q1."
    undecided = chair.post(at(MEETINGS, meeting.pk, "close"))
    assert undecided.status_code == 400 and "Decide every plan" in undecided.json()["non_field_errors"][0]
    assert chair.post(at(ITEMS, item.pk, "decide"), {"decision": "approve"}, format="json").status_code == 200
    assert attending.post(at(MEETINGS, meeting.pk, "close")).status_code == 403
    closed = chair.post(at(MEETINGS, meeting.pk, "close"))
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["allowed_actions"] == []
    assert Notification.objects.filter(kind=NotificationKind.MEETING_MINUTES, user=people["kam"]).exists()
    for url, text in ((at(MEETINGS, meeting.pk, "minutes"), "changed"), (at(ITEMS, item.pk, "minutes"), "changed")):
        response = chair.post(url, {"text": text}, format="json")
        assert response.status_code == 400 and "Closed" in response.json()["non_field_errors"][0]
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert (meeting.minutes, item.minutes, meeting.status) == ("Next in Q1.", "Budget cut to 60%", MeetingStatus.CLOSED)


def test_minutes_too_long_are_refused(api_for, item, meeting, people):
    started(meeting, people)
    response = api_for(people["chair"]).post(at(MEETINGS, meeting.pk, "minutes"), {"text": "x" * 50_001}, format="json")
    assert response.status_code == 400 and "text" in response.json()
    meeting.refresh_from_db()
    assert meeting.minutes == ""


# --- Resource grants and spending ----------------------------------------------------------------


@pytest.fixture
def budget_grant(item, meeting, people, version):
    started(meeting, people)
    ids = requests_of(version)
    services.plan_decide(version=version, outcome="approved", acting_user=people["chair"], meeting=meeting, grants=[
        GrantInput(ids["budget"], "partly", Decimal(30_000_000), "Half"),
        GrantInput(ids["people"], "granted"),
    ])
    return ResourceGrant.objects.get(kind="budget")


def test_whoever_sees_the_plan_reads_its_grants_with_the_budget_spent(api_for, budget_grant, people):
    ResourceSpend.objects.create(grant=budget_grant, spent_on=budget_grant.decision.version.plan.period_start,
                                 amount=Decimal(1_000_000))
    for role in ("kam", "sales", "chair", "absent", "admin"):
        rows = api_for(people[role]).get(GRANTS, {"kind": "budget"}).json()["results"]
        assert [(r["id"], r["granted_amount"], r["spent"], r["status"]) for r in rows] == [
            (budget_grant.pk, 30_000_000, 1_000_000, "partly")], role
    assert api_for(people["am2"]).get(GRANTS).json()["results"] == []
    assert api_for(people["am2"]).get(at(GRANTS, budget_grant.pk)).status_code == 404
    assert api_for(None).get(GRANTS).status_code == 401


def test_the_account_team_records_budget_spent_against_a_grant(api_for, budget_grant, people):
    plan = budget_grant.decision.version.plan
    payload = {"grant": budget_grant.pk, "spent_on": str(plan.period_start), "amount": 2_000_000, "note": "Seminar 1"}
    for role in ("kam", "sales"):
        response = api_for(people[role]).post(SPENDS, payload, format="json")
        assert response.status_code == 201 and response.json()["recorded_by"] == people[role].pk
    for role in ("chair", "attending", "absent"):
        refused = api_for(people[role]).post(SPENDS, payload, format="json")
        assert refused.status_code == 403 and "account's team" in refused.json()["detail"]
    assert api_for(people["am2"]).post(SPENDS, payload, format="json").status_code == 400  # a grant it cannot see
    assert ResourceSpend.objects.count() == 2
    assert [r["amount"] for r in api_for(people["kam"]).get(SPENDS).json()["results"]] == [2_000_000, 2_000_000]
    assert api_for(people["am2"]).get(SPENDS).json()["results"] == []


@pytest.mark.parametrize("change, field", [
    ({"amount": 0}, "amount"),
    ({"amount": "5"}, "amount"),
    ({"spent_on": "yesterday"}, "spent_on"),
    ({"spent_on": "1999-01-01"}, "non_field_errors"),  # outside the plan's year
    ({"grant": None}, "grant"),
])
def test_bad_spending_is_refused_and_nothing_is_saved(api_for, budget_grant, people, change, field):
    plan = budget_grant.decision.version.plan
    payload = {"grant": budget_grant.pk, "spent_on": str(plan.period_start), "amount": 1, **change}
    response = api_for(people["kam"]).post(SPENDS, payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not ResourceSpend.objects.exists()


def test_spending_goes_against_a_granted_budget_only(api_for, budget_grant, people):
    people_grant = ResourceGrant.objects.get(kind="people")
    plan = budget_grant.decision.version.plan
    response = api_for(people["kam"]).post(
        SPENDS, {"grant": people_grant.pk, "spent_on": str(plan.period_start), "amount": 1}, format="json")
    assert response.status_code == 400 and "budget that was granted" in response.json()["non_field_errors"][0]
    assert not ResourceSpend.objects.exists()


@pytest.mark.parametrize("role, code", [(None, 401), ("admin", 403), ("kam", 403), ("am2", 403), ("sales", 403)])
def test_every_meeting_write_is_refused_to_whoever_is_not_an_executive(api_for, item, meeting, people, version, role, code):
    client = api_for(people[role] if role else None)
    attendee = MeetingAttendee.objects.get(meeting=meeting, user=people["attending"])
    writes = [
        ("post", MEETINGS, {"title": "x", "scheduled_for": "2027-01-14T10:00"}),
        ("patch", at(MEETINGS, meeting.pk), {"title": "Mine"}),
        ("put", at(MEETINGS, meeting.pk), {"title": "Mine", "scheduled_for": "2027-01-14T10:00"}),
        ("post", at(MEETINGS, meeting.pk, "start"), {}),
        ("post", at(MEETINGS, meeting.pk, "close"), {}),
        ("post", at(MEETINGS, meeting.pk, "minutes"), {"text": "x"}),
        ("post", ATTENDEES, {"meeting": meeting.pk, "user": people["absent"].pk}),
        ("delete", at(ATTENDEES, attendee.pk), None),
        ("post", ITEMS, {"meeting": meeting.pk, "version": version.pk}),
        ("delete", at(ITEMS, item.pk), None),
        ("post", at(ITEMS, item.pk, "move"), {"direction": "down"}),
        ("post", at(ITEMS, item.pk, "minutes"), {"text": "x"}),
        ("post", at(ITEMS, item.pk, "opinion"), {"outcome": "approved"}),
        ("post", at(ITEMS, item.pk, "decide"), {"decision": "approve"}),
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)
        assert response.status_code == code, (method, url, response.status_code)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status, meeting.minutes) == ("H2 consensus", MeetingStatus.PLANNED, "")
    assert ConsensusMeeting.objects.count() == 1 and MeetingAttendee.objects.filter(meeting=meeting).count() == 3
    assert AgendaItem.objects.filter(pk=item.pk).exists() and not Opinion.objects.exists() and not Decision.objects.exists()
