"""Plan texts have limits, so no single field can make a page or a PDF huge: a message, and nothing saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from planning import services
from planning.models import COMMENT_MAX, LONG_TEXT_MAX, ROW_TEXT_MAX, Decision, ReviewComment, StrategicTask
from tests.factories import AccountPlanFactory
from tests.planning.test_views_steps import form_data, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(account):
    return AccountPlanFactory(account=account, fiscal_year=2026)


def test_a_step_text_over_20000_characters_is_refused_with_a_message(client_for, draft, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 4))) | {
        "swot_strengths": "가" * (LONG_TEXT_MAX + 1), "strategy_summary": "Land and expand"}
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 400
    assert "Ensure this value has at most 20000 characters (it has 20001)." in response.text
    assert "Nothing was saved" in response.text
    draft.refresh_from_db()
    assert draft.swot_strengths == "" and draft.strategy_summary == ""


def test_a_step_text_of_exactly_the_limit_is_saved(client_for, draft, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 3))) | {"cbp_summary": "a" * LONG_TEXT_MAX}
    assert client.post(step_url(draft, 3), data).status_code == 302
    draft.refresh_from_db()
    assert len(draft.cbp_summary) == LONG_TEXT_MAX


def test_a_strategic_tasks_long_description_is_refused(client_for, draft, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 4))) | {
        "tasks-0-title": "Total solution", "tasks-0-target_year": "2028", "tasks-0-description": "x" * (ROW_TEXT_MAX + 1)}
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 400 and "at most 2000 characters" in response.text
    assert not StrategicTask.objects.exists()


def test_the_service_refuses_long_text_whatever_path_calls_it(draft, account_manager):
    with pytest.raises(ValidationError) as error:
        services.plan_step_save(plan=draft, step=1, acting_user=account_manager,
                                expected_lock_version=draft.lock_version,
                                fields={"org_review_notes": "n" * (LONG_TEXT_MAX + 1)})
    assert "Review notes may be at most 20,000 characters long (it has 20,001)." in error.value.messages
    draft.refresh_from_db()
    assert draft.org_review_notes == ""


def test_a_review_comment_over_the_limit_is_refused(client_for, approved_plan, account_manager):
    services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    response = client_for(account_manager).post(
        reverse("planning:review-detail", args=[approved_plan.pk, 1]), {"text": "c" * (COMMENT_MAX + 1)})
    assert response.status_code == 400 and "at most 10000 characters" in response.text
    assert not ReviewComment.objects.exists()


def test_the_api_refuses_a_decision_with_too_long_texts(submitted, executive):
    from rest_framework.test import APIClient

    plan, _version = submitted
    api = APIClient()
    api.force_authenticate(executive)
    url = f"/api/v1/plans/{plan.pk}/decide/"
    response = api.post(url, {"decision": "reject", "comment": "r" * (COMMENT_MAX + 1)}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = api.post(url, {"decision": "approve", "committed_people": "p" * 301}, format="json")
    assert response.status_code == 400 and "committed_people" in response.json()
    assert not Decision.objects.exists()
