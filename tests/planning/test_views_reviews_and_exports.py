import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from planning import services
from planning.models import AccountPlan, QuarterlyReview, ReviewComment
from tests.factories import AccountPlanFactory, TeamMemberFactory
from tests.planning.conftest import grow

pytestmark = pytest.mark.django_db


# --- Quarterly reviews ------------------------------------------------------------------


def test_kam_creates_this_quarters_review_from_step_6(client_for, approved_plan, account_manager):
    client = client_for(account_manager)
    response = client.get(reverse("planning:plan-step", args=[approved_plan.pk, 6]))
    assert "Create this quarter's review" in response.text
    response = client.post(reverse("planning:review-create", args=[approved_plan.pk]), {"quarter": "2"}, follow=True)
    assert "The review of Q2 was created." in response.text
    again = client.post(reverse("planning:review-create", args=[approved_plan.pk]), {"quarter": "2"}, follow=True)
    assert "Q2 already had a review" in again.text
    assert QuarterlyReview.objects.filter(plan=approved_plan).count() == 1


def test_reviews_are_not_created_for_a_draft(client_for, plan, account_manager):
    response = client_for(account_manager).post(reverse("planning:review-create", args=[plan.pk]), {"quarter": "1"}, follow=True)
    assert "start once the plan has been approved" in response.text
    assert not QuarterlyReview.objects.exists()


def test_executive_cannot_create_a_review_but_comments_and_signs_off(client_for, approved_plan, account_manager, executive):
    client = client_for(executive)
    client.post(reverse("planning:review-create", args=[approved_plan.pk]), {"quarter": "1"})
    assert not QuarterlyReview.objects.exists()
    review, _created = services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    url = reverse("planning:review-detail", args=[approved_plan.pk, 1])
    client.post(url, {"text": "Why is Q1 behind?"})
    client.post(reverse("planning:review-sign-off", args=[approved_plan.pk, 1]))
    review.refresh_from_db()
    assert review.status == "signed_off" and review.signed_off_by == executive
    assert ReviewComment.objects.get().author == executive


def test_executive_reads_the_versions_authors_only_while_the_review_is_open(
    client_for, approved_plan, account_manager, executive, django_assert_max_num_queries
):
    services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    client, url = client_for(executive), reverse("planning:review-detail", args=[approved_plan.pk, 1])
    sign_off = reverse("planning:review-sign-off", args=[approved_plan.pk, 1])
    response = client.get(url)
    assert response.context["may_sign_off"] and sign_off in response.text
    client.post(sign_off)
    with django_assert_max_num_queries(30) as signed_off:
        response = client.get(url)
    assert not response.context["may_sign_off"] and sign_off not in response.text
    assert not [query["sql"] for query in signed_off.captured_queries if "historical" in query["sql"]]


def test_account_manager_cannot_sign_off(client_for, approved_plan, account_manager):
    services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    response = client_for(account_manager).post(reverse("planning:review-sign-off", args=[approved_plan.pk, 1]))
    assert response.status_code == 403
    assert QuarterlyReview.objects.get().status == "open"


def test_an_empty_comment_is_refused_with_a_message(client_for, approved_plan, account_manager):
    services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    response = client_for(account_manager).post(reverse("planning:review-detail", args=[approved_plan.pk, 1]), {"text": " "})
    assert response.status_code == 400 and "Write a comment first" in response.text
    assert not ReviewComment.objects.exists()


def test_reviews_of_other_accounts_are_404(client_for, approved_plan, account_manager, other_account_manager):
    services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    assert client_for(other_account_manager).get(reverse("planning:review-detail", args=[approved_plan.pk, 1])).status_code == 404


@pytest.mark.parametrize("size", [3, 60])
def test_review_page_query_count_is_fixed(client_for, approved_plan, account_manager, django_assert_max_num_queries, size):
    grow(approved_plan, size)
    review, _created = services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    for number in range(size):
        services.review_comment_add(review=review, text=f"Comment {number}", acting_user=account_manager)
    client = client_for(account_manager)
    with django_assert_max_num_queries(16):  # 3 for the grants against their use
        assert client.get(reverse("planning:review-detail", args=[approved_plan.pk, 1])).status_code == 200


# --- Exports ----------------------------------------------------------------------------


def test_excel_export_holds_targets_actions_and_opportunities(client_for, plan, executive):
    response = client_for(executive).get(reverse("planning:plan-xlsx", args=[plan.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Targets", "Actions", "Opportunities", "Support requests"]
    targets = list(workbook["Targets"].values)
    assert targets[0] == ("KPI", "Unit", "Period", "Target")
    assert ("Revenue", "KRW", "FY " + str(plan.fiscal_year), 1_000_000_000) in targets
    actions = list(workbook["Actions"].values)
    assert [row[1] for row in actions[1:]] == ["Pilot", "Pilot accepted"]
    assert workbook["Opportunities"].max_row == 2


def test_excel_keeps_formula_like_text_as_text(client_for, account, account_manager):
    plan = AccountPlanFactory(account=account)
    services.plan_step_save(plan=plan, step=5, acting_user=account_manager, expected_lock_version=plan.lock_version,
                            collections={"actions": [{"id": None, "delete": False, "title": "=HYPERLINK(\"http://x\")",
                                                      "kind": "task", "owner": None, "start_on": plan.period_start,
                                                      "due_on": plan.period_start, "status": "not_started",
                                                      "percent_done": 0, "parent": None}]})
    response = client_for(account_manager).get(reverse("planning:plan-xlsx", args=[plan.pk]))
    cell = load_workbook(io.BytesIO(response.content))["Actions"]["B2"]
    assert cell.data_type == "s"


@pytest.mark.parametrize("size", [3, 60])
def test_export_query_count_is_fixed(client_for, plan, account_manager, django_assert_max_num_queries, size):
    grow(plan, size)
    client = client_for(account_manager)
    with django_assert_max_num_queries(22):
        assert client.get(reverse("planning:plan-xlsx", args=[plan.pk])).status_code == 200


def test_admin_downloads_exports_of_any_account(client_for, kam_admin, account):
    plan = AccountPlanFactory(account=account)
    TeamMemberFactory(account=account, role="sales_rep")
    assert client_for(kam_admin).get(reverse("planning:plan-xlsx", args=[plan.pk])).status_code == 200
    assert AccountPlan.objects.count() == 1
