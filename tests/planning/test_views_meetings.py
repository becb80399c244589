import pytest
from django.urls import reverse

from planning import services
from planning.models import AgendaItem, ConsensusMeeting, Decision, PlanStatus
from tests.factories import AccountFactory, ConsensusMeetingFactory, TeamMemberFactory, make_account_manager, make_complete_plan
from tests.planning.conftest import freeze_version, grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(executive):
    """A meeting chaired by `executive`, in session (decisions are taken in session)."""
    return ConsensusMeetingFactory(title="H2 consensus", created_by=executive, status="in_session")


@pytest.fixture
def item(meeting, submitted, executive):
    _plan, version = submitted
    return services.agenda_item_add(meeting=meeting, version=version, acting_user=executive)


def decide_url(item):
    return reverse("planning:meeting-item", args=[item.meeting_id, item.pk])


@pytest.mark.parametrize("name", ["meeting-list", "meeting-create"])
def test_meetings_are_for_executives(client_for, account_manager, executive, name):
    assert client_for(account_manager).get(reverse(f"planning:{name}")).status_code == 403
    assert client_for(executive).get(reverse(f"planning:{name}")).status_code == 200


def test_account_manager_cannot_open_the_meeting_view_or_decide(client_for, item, account_manager):
    client = client_for(account_manager)
    assert client.get(decide_url(item)).status_code == 403
    assert client.post(decide_url(item), {"outcome": "approved"}).status_code == 403
    assert not Decision.objects.exists()


def test_executive_schedules_a_meeting(client_for, executive):
    response = client_for(executive).post(
        reverse("planning:meeting-create"), {"title": "Q4 consensus", "scheduled_for": "2026-12-10T09:00", "location": "HQ"}
    )
    meeting = ConsensusMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("planning:meeting-detail", args=[meeting.pk])
    assert meeting.created_by == executive


def test_a_meeting_without_date_is_refused_with_a_message(client_for, executive):
    response = client_for(executive).post(reverse("planning:meeting-create"), {"title": "Q4", "scheduled_for": "soon"})
    assert response.status_code == 400 and "Enter a valid date/time." in response.text
    assert not ConsensusMeeting.objects.exists()


def test_the_agenda_lists_submitted_plans_and_plans_waiting(client_for, meeting, submitted, executive):
    client = client_for(executive)
    response = client.get(reverse("planning:meeting-detail", args=[meeting.pk]))
    assert "The agenda is empty" in response.text and "한빛전자 · FY" in response.text
    _plan, version = submitted
    client.post(reverse("planning:agenda-add", args=[meeting.pk]), {"version": version.pk})
    item = AgendaItem.objects.get()
    assert item.meeting == meeting and item.added_by == executive
    response = client.get(reverse("planning:meeting-detail", args=[meeting.pk]))
    assert decide_url(item) in response.text


def test_submitting_with_a_meeting_puts_the_plan_on_its_agenda(client_for, plan, meeting, account_manager):
    client_for(account_manager).post(reverse("planning:plan-submit", args=[plan.pk]), {"meeting": meeting.pk})
    assert AgendaItem.objects.get().meeting == meeting


def test_meeting_view_shows_the_frozen_version(client_for, item, executive, account_manager):
    plan = item.version.plan
    services.plan_decide(version=item.version, outcome="changes_requested", acting_user=executive, comment="More")
    plan.refresh_from_db()
    services.plan_step_save(plan=plan, step=4, acting_user=account_manager, expected_lock_version=plan.lock_version,
                            fields={"strategy_summary": "Changed after submission"})
    response = client_for(executive).get(decide_url(item))
    assert response.status_code == 200
    assert "Land and expand" in response.text and "Changed after submission" not in response.text
    assert 'data-print' in response.text


def test_the_chair_approves_granting_part_of_a_request_with_step_comments(client_for, item, executive):
    request_id = item.version.snapshot["execution"]["support_requests"][0]["id"]
    response = client_for(executive).post(decide_url(item), {
        "outcome": "approved", "comment": "Go ahead", "step_4": "Watch the price",
        f"grant_{request_id}_status": "partly", f"grant_{request_id}_amount": "70000000",
        f"grant_{request_id}_reason": "One engineer from Q2",
    })
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.outcome == "approved" and decision.meeting == item.meeting and decision.decided_by == executive
    grant = decision.grants.get()
    assert (grant.support_request_id, grant.requested_amount, grant.granted_amount, grant.status, grant.reason) == (
        request_id, 100_000_000, 70_000_000, "partly", "One engineer from Q2")
    assert list(decision.step_comments.values_list("step", "text")) == [(4, "Watch the price")]
    plan = item.version.plan
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    page = client_for(executive).get(decide_url(item))
    assert "One engineer from Q2" in page.text and 'data-testid="decision-grants"' in page.text


def test_requests_are_granted_in_full_unless_the_chair_says_otherwise(client_for, item, executive):
    client_for(executive).post(decide_url(item), {"outcome": "approved"})
    grant = Decision.objects.get().grants.get()
    assert (grant.status, grant.granted_amount) == ("granted", 100_000_000)


@pytest.mark.parametrize("status, amount, reason, message", [
    ("partly", "100000000", "x", "a partial grant is more than 0"),
    ("partly", "5", "", "say why"),
    ("refused", "5", "No budget", "a refused request is granted nothing"),
    ("maybe", "5", "x", "Select a valid choice"),
    ("granted", "-1", "", "greater than or equal to 0"),
])
def test_bad_grants_are_refused_with_a_message(client_for, item, executive, status, amount, reason, message):
    request_id = item.version.snapshot["execution"]["support_requests"][0]["id"]
    response = client_for(executive).post(decide_url(item), {
        "outcome": "approved", f"grant_{request_id}_status": status, f"grant_{request_id}_amount": amount,
        f"grant_{request_id}_reason": reason,
    })
    assert response.status_code == 400 and message in response.text
    assert not Decision.objects.exists()


def test_sending_back_without_a_reason_is_refused_with_a_message(client_for, item, executive):
    response = client_for(executive).post(decide_url(item), {"outcome": "changes_requested"})
    assert response.status_code == 400 and "Say why" in response.text
    assert not Decision.objects.exists()


def test_a_rejection_grants_nothing(client_for, item, executive):
    request_id = item.version.snapshot["execution"]["support_requests"][0]["id"]
    response = client_for(executive).post(decide_url(item), {"outcome": "rejected", "comment": "No",
                                                             f"grant_{request_id}_amount": "5"})
    assert response.status_code == 302
    assert Decision.objects.get().outcome == "rejected" and not Decision.objects.get().grants.exists()


def test_a_decided_plan_cannot_be_decided_twice(client_for, item, executive):
    client = client_for(executive)
    client.post(decide_url(item), {"outcome": "rejected", "comment": "No"})
    client.post(decide_url(item), {"outcome": "approved"})
    assert Decision.objects.get().outcome == "rejected"


def test_the_account_manager_sees_the_decision_on_the_plan(client_for, item, executive, account_manager):
    client_for(executive).post(decide_url(item), {"outcome": "changes_requested", "step_4": "Targets too low"})
    response = client_for(account_manager).get(reverse("planning:plan-detail", args=[item.version.plan_id]))
    assert "Targets too low" in response.text and "Changes requested" in response.text


@pytest.mark.parametrize("size", [3, 30])
def test_meeting_pages_query_count_is_fixed(client_for, executive, meeting, django_assert_max_num_queries, size):
    am = make_account_manager()
    items = []
    for _ in range(size // 3 + 1):
        account = AccountFactory()
        TeamMemberFactory(account=account, user=am)
        plan = make_complete_plan(account=account, user=am)
        grow(plan, size)
        version = freeze_version(plan, am)
        items.append(services.agenda_item_add(meeting=meeting, version=version, acting_user=executive))
    services.plan_decide(version=items[0].version, outcome=Decision.Outcome.APPROVED, acting_user=executive)
    client = client_for(executive)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("planning:meeting-list")).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("planning:meeting-create")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("planning:meeting-detail", args=[meeting.pk])).status_code == 200
    with django_assert_max_num_queries(38):  # 20 for the frozen version, the rest for the "Now" panel (planning.live)
        assert client.get(decide_url(items[-1])).status_code == 200
