"""Account plans (read, and the transitions the caller's role allows) and quarterly reviews."""

import pytest

from planning.models import Decision, PlanStatus, QuarterlyReview
from planning.services import plan_submit
from tests.factories import AccountFactory, AccountPlanFactory, ensure_kpi_catalogue, make_complete_plan

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"
REVIEWS = "/api/v1/quarterly-reviews/"


def detail(plan, action=""):
    return f"{PLANS}{plan.pk}/{action + '/' if action else ''}"


@pytest.fixture(autouse=True)
def kpi_catalogue(db):
    ensure_kpi_catalogue()


@pytest.fixture
def plan(account, account_manager):
    """A draft plan whose steps 1–5 are complete, ready to submit."""
    return make_complete_plan(account=account, user=account_manager)


@pytest.fixture
def submitted(plan, account_manager):
    plan_submit(plan=plan, acting_user=account_manager)
    plan.refresh_from_db()
    return plan


# --- Reading -----------------------------------------------------------------------------------


def test_account_manager_lists_plans_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = AccountPlanFactory(account=account)
    AccountPlanFactory(account=other_account)
    rows = api_for(account_manager).get(PLANS).json()["results"]
    assert [(r["id"], r["status"], r["revision"]) for r in rows] == [(mine.pk, "draft", 1)]


def test_other_manager_gets_404_for_a_plan(api_for, account, other_account, other_account_manager):
    plan = AccountPlanFactory(account=account)
    client = api_for(other_account_manager)
    assert client.get(detail(plan)).status_code == 404
    assert client.post(detail(plan, "submit"), {}, format="json").status_code == 404


def test_anonymous_caller_cannot_read_plans(api_for, account):
    plan = AccountPlanFactory(account=account)
    assert api_for(None).get(PLANS).status_code == 401
    assert api_for(None).post(detail(plan, "submit"), {}, format="json").status_code == 401


def test_plan_detail_has_the_steps_data_and_the_callers_allowed_actions(api_for, plan, account_manager, executive):
    body = api_for(account_manager).get(detail(plan)).json()
    assert body["fiscal_year"] == plan.fiscal_year and body["status"] == "draft"
    assert body["strategic_tasks"] and body["marketing_actions"] and body["actions"] and body["kpis"]
    assert body["strategy_summary"] == plan.strategy_summary
    assert body["allowed_actions"] == ["submit"]
    assert api_for(executive).get(detail(plan)).json()["allowed_actions"] == []


def test_filters_plans_by_account_year_and_status(api_for, account, other_account, executive):
    wanted = AccountPlanFactory(account=account, fiscal_year=2026, status=PlanStatus.SUBMITTED)
    AccountPlanFactory(account=account, fiscal_year=2025)
    AccountPlanFactory(account=other_account, fiscal_year=2026, status=PlanStatus.SUBMITTED)
    query = {"account": account.pk, "fiscal_year": 2026, "status": "submitted"}
    assert [r["id"] for r in api_for(executive).get(PLANS, query).json()["results"]] == [wanted.pk]
    assert api_for(executive).get(PLANS, {"status": "lost"}).status_code == 400


def test_plans_are_written_in_the_web_app(api_for, plan, account_manager):
    client = api_for(account_manager)
    assert client.patch(detail(plan), {"status": "approved"}, format="json").status_code == 405
    assert client.post(PLANS, {"account": plan.account_id}, format="json").status_code == 405


@pytest.mark.parametrize("size", [3, 50])
def test_plan_list_query_count_is_fixed(api_for, executive, django_assert_max_num_queries, size):
    for year in range(size):
        AccountPlanFactory(account=AccountFactory(), fiscal_year=2026 - year % 20)
    client = api_for(executive)
    with django_assert_max_num_queries(4):
        assert len(client.get(PLANS, {"page_size": 100}).json()["results"]) == size


def test_plan_detail_query_count_does_not_grow_with_the_plan(api_for, account, account_manager, django_assert_max_num_queries):
    from tests.factories import ActionItemFactory, StrategicTaskFactory

    small = make_complete_plan(account=account, user=account_manager, fiscal_year=2030)
    big = make_complete_plan(account=account, user=account_manager, fiscal_year=2031)
    for _ in range(30):
        StrategicTaskFactory(plan=big)
        ActionItemFactory(plan=big)
    client = api_for(account_manager)
    with django_assert_max_num_queries(14) as small_queries:
        client.get(detail(small))
    with django_assert_max_num_queries(len(small_queries)):
        assert len(client.get(detail(big)).json()["actions"]) > 30


# --- Transitions -------------------------------------------------------------------------------


def test_team_member_submits_a_complete_plan(api_for, plan, account_manager):
    response = api_for(account_manager).post(detail(plan, "submit"), {"note": "Ready for Q1"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert plan.versions.get().note == "Ready for Q1"


def test_an_incomplete_plan_cannot_be_submitted(api_for, account, account_manager):
    plan = AccountPlanFactory(account=account)
    response = api_for(account_manager).post(detail(plan, "submit"), {}, format="json")
    assert response.status_code == 400
    assert "Complete these steps" in response.json()["non_field_errors"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_executive_cannot_submit_a_plan(api_for, plan, executive):
    assert api_for(executive).post(detail(plan, "submit"), {}, format="json").status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_executive_approves_a_submitted_plan(api_for, submitted, executive):
    payload = {"decision": "approve", "comment": "Go", "committed_budget": 50_000_000, "committed_people": "Two engineers"}
    response = api_for(executive).post(detail(submitted, "decide"), payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved" and response.json()["approved_version_number"] == 1
    decision = Decision.objects.get()
    assert (decision.outcome, decision.committed_budget, decision.decided_by) == ("approved", 50_000_000, executive)


def test_executive_requests_changes_with_step_comments(api_for, submitted, executive):
    payload = {"decision": "request_changes", "step_comments": {"4": "Targets look low."}}
    response = api_for(executive).post(detail(submitted, "decide"), payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "changes_requested"
    assert Decision.objects.get().step_comments.get().step == 4


def test_rejecting_without_a_reason_is_a_400(api_for, submitted, executive):
    response = api_for(executive).post(detail(submitted, "decide"), {"decision": "reject"}, format="json")
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED and not Decision.objects.exists()


def test_account_manager_cannot_decide_on_their_plan(api_for, submitted, account_manager):
    assert api_for(account_manager).post(detail(submitted, "decide"), {"decision": "approve"}, format="json").status_code == 403
    assert not Decision.objects.exists()


def test_deciding_on_a_plan_that_is_not_submitted_is_a_400(api_for, plan, executive):
    assert api_for(executive).post(detail(plan, "decide"), {"decision": "approve"}, format="json").status_code == 400


@pytest.mark.parametrize(
    "payload",
    [{}, {"decision": "maybe"}, {"decision": "approve", "committed_budget": -1}, {"decision": "approve", "committed_budget": "lots"},
     {"decision": "reject", "step_comments": {"9": "x"}}, {"decision": "reject", "step_comments": ["x"]},
     {"decision": "reject", "comment": 5}, {"decision": "request_changes", "comment": "x" * 10_001}],
)
def test_a_bad_decision_is_a_400_and_nothing_changes(api_for, submitted, executive, payload):
    assert api_for(executive).post(detail(submitted, "decide"), payload, format="json").status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED and not Decision.objects.exists()


def test_team_member_revises_an_approved_plan_and_the_executive_cannot(api_for, submitted, executive, account_manager):
    api_for(executive).post(detail(submitted, "decide"), {"decision": "approve"}, format="json")
    assert api_for(executive).post(detail(submitted, "revise")).status_code == 403
    response = api_for(account_manager).post(detail(submitted, "revise"))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["revision"]) == ("draft", 2)


def test_revising_a_draft_is_a_400(api_for, plan, account_manager):
    assert api_for(account_manager).post(detail(plan, "revise")).status_code == 400


def test_closing_needs_the_year_end_evaluation(api_for, submitted, executive, account_manager):
    api_for(executive).post(detail(submitted, "decide"), {"decision": "approve"}, format="json")
    response = api_for(account_manager).post(detail(submitted, "close"))
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.APPROVED


# --- Quarterly reviews -------------------------------------------------------------------------


def review(plan, quarter=1):
    """A review row as the quarterly task writes it (the service needs an approved plan)."""
    period = plan.period("quarter", quarter)
    return QuarterlyReview.objects.create(plan=plan, quarter=quarter, period_start=period.start, period_end=period.end,
                                          due_on=period.end)


def test_account_manager_reads_reviews_of_their_plans_only(api_for, account, other_account, account_manager):
    mine = review(AccountPlanFactory(account=account))
    other = review(AccountPlanFactory(account=other_account))
    client = api_for(account_manager)
    rows = client.get(REVIEWS).json()["results"]
    assert [(r["id"], r["quarter"], r["account"]) for r in rows] == [(mine.pk, 1, account.pk)]
    assert client.get(f"{REVIEWS}{other.pk}/").status_code == 404


def test_executive_reads_every_review_and_filters_them(api_for, account, other_account, executive):
    plan = AccountPlanFactory(account=account)
    review(plan, 1)
    wanted = review(plan, 2)
    review(AccountPlanFactory(account=other_account), 2)
    client = api_for(executive)
    assert len(client.get(REVIEWS).json()["results"]) == 3
    assert [r["id"] for r in client.get(REVIEWS, {"account": account.pk, "quarter": 2}).json()["results"]] == [wanted.pk]


def test_anonymous_caller_cannot_read_reviews_and_nobody_writes_them(api_for, account, account_manager):
    assert api_for(None).get(REVIEWS).status_code == 401
    assert api_for(account_manager).post(REVIEWS, {}, format="json").status_code == 405


@pytest.mark.parametrize("size", [3, 50])
def test_review_list_query_count_is_fixed(api_for, executive, django_assert_max_num_queries, size):
    for _ in range(size):
        review(AccountPlanFactory(account=AccountFactory()))
    client = api_for(executive)
    with django_assert_max_num_queries(4):
        assert len(client.get(REVIEWS, {"page_size": 100}).json()["results"]) == size
