"""Submitting reads what it needs once: the edit right in the service, the plan's targets for both the
completeness rules and the frozen snapshot."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.models import AccountPlan, PlanStatus, PlanVersion
from planning.services.decisions import plan_submit

# Before the submit path was tidied: 51 queries in the service, 58 for the page's POST.
SERVICE_QUERIES = 48
PAGE_QUERIES = 55


def _count(queries, table: str, *, verb: str = "SELECT") -> int:
    return sum(1 for query in queries if query["sql"].startswith(verb) and f'FROM "{table}"' in query["sql"])


def test_plan_submit_checks_the_right_once_and_reads_the_targets_once(plan, account_manager, django_assert_max_num_queries):
    plan = AccountPlan.objects.select_related("account").get(pk=plan.pk)
    with django_assert_max_num_queries(SERVICE_QUERIES), CaptureQueriesContext(connection) as context:
        version = plan_submit(plan=plan, acting_user=account_manager)
    queries = context.captured_queries
    assert _count(queries, "accounts_accountteammember") == 2  # the right, and the team the snapshot names
    assert sum(1 for q in queries if q["sql"].startswith("SELECT 1 AS") and "accounts_accountteammember" in q["sql"]) == 1
    assert _count(queries, "planning_plankpi") == 1
    assert _count(queries, "performance_kpitarget") == 1
    # The snapshot still holds the targets the rules checked.
    assert version.snapshot["strategy"]["targets"]


def test_the_submit_page_costs_fewer_queries(client_for, plan, account_manager, django_assert_max_num_queries):
    client = client_for(account_manager)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.post(reverse("planning:plan-submit", args=[plan.pk]), {"note": "Ready"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("who", ["executive", "other_account_manager"])
def test_a_user_without_the_edit_right_is_refused_by_the_service(plan, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="Your role may not do this to the plan."):
        plan_submit(plan=plan, acting_user=user)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not PlanVersion.objects.filter(plan=plan).exists()


def test_a_user_without_the_edit_right_gets_403_from_the_submit_page(client_for, plan, executive):
    response = client_for(executive).post(reverse("planning:plan-submit", args=[plan.pk]), {"note": "Mine"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not PlanVersion.objects.filter(plan=plan).exists()


def test_the_submit_page_refuses_a_user_without_the_right_before_the_plans_status(client_for, submitted, executive):
    plan, _version = submitted
    response = client_for(executive).post(reverse("planning:plan-submit", args=[plan.pk]), {"meeting": "999999"})
    assert response.status_code == 403
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_an_account_manager_off_the_team_does_not_learn_the_plan_exists(client_for, plan, other_account_manager):
    response = client_for(other_account_manager).post(reverse("planning:plan-submit", args=[plan.pk]))
    assert response.status_code == 404
    assert not PlanVersion.objects.filter(plan=plan).exists()
