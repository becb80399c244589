"""Step 4's KPIs and targets grid comes after the page (htmx): a step saved before it came keeps every target."""

import pytest
from django.urls import reverse

from performance.models import KpiDefinition, KpiTarget
from planning.models import PlanKpi
from tests.factories import AccountPlanFactory, make_account_manager
from tests.planning.conftest import grow
from tests.planning.test_views_steps import form_data, step_4_with_targets, step_url

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def targets_url(plan):
    return reverse("planning:plan-step-targets", args=[plan.pk])


@pytest.fixture
def draft(account):
    return AccountPlanFactory(account=account, fiscal_year=2026)


def _stored(plan):
    return (
        sorted(KpiTarget.objects.filter(account=plan.account).values_list("kpi__code", "fiscal_year", "period_kind", "period_index", "value")),
        sorted(PlanKpi.objects.filter(plan=plan).values_list("kpi__code", flat=True)),
    )


def _save_revenue_targets(client, plan):
    revenue = KpiDefinition.objects.get(code="revenue")
    data = form_data(step_4_with_targets(client, plan)) | {
        f"targets-chosen_{revenue.pk}": "on", f"targets-year_{revenue.pk}": "400",
        **{f"targets-q{q}_{revenue.pk}": "100" for q in range(1, 5)},
        f"targets-m1_{revenue.pk}": "40", f"targets-m2_{revenue.pk}": "30", f"targets-m3_{revenue.pk}": "30",
        f"targets-later1_{revenue.pk}": "480",
    }
    assert client.post(step_url(plan, 4), data).status_code == 302


def test_step_4_page_asks_for_its_targets_grid_after_it_is_shown(client_for, draft, account_manager):
    response = client_for(account_manager).get(step_url(draft, 4))
    assert "targets" not in response.context["forms"]
    assert 'name="targets-' not in response.text
    assert f'hx-get="{targets_url(draft)}" hx-trigger="load"' in response.text
    # Without JavaScript: a link to the step with the grid in place.
    assert f'<noscript><a href="{targets_url(draft)}">Open the KPIs and targets</a></noscript>' in response.text


def test_the_grid_comes_with_its_marker_and_the_page_without_javascript_posts_to_the_step(client_for, draft, account_manager):
    client = client_for(account_manager)
    fragment = client.get(targets_url(draft), headers=HTMX)
    assert fragment.status_code == 200
    assert 'name="targets-loaded"' in fragment.text and 'aria-label="Use Revenue"' in fragment.text
    assert "<html" not in fragment.text and 'name="tasks-TOTAL_FORMS"' not in fragment.text
    page = step_4_with_targets(client, draft)
    assert page.status_code == 200 and 'name="targets-loaded"' in page.text and 'name="tasks-TOTAL_FORMS"' in page.text
    assert f'<form method="post" action="{step_url(draft, 4)}"' in page.text
    assert 'data-testid="targets-loading"' not in page.text


def test_saving_step_4_before_the_grid_came_keeps_every_stored_target(client_for, draft, account_manager):
    client = client_for(account_manager)
    _save_revenue_targets(client, draft)
    before = _stored(draft)
    assert before[1] == ["revenue"] and len(before[0]) == 7 + 3 + 1  # year, quarters, halves; 3 months; FY 2027
    data = form_data(client.get(step_url(draft, 4))) | {"swot_strengths": "Installed base"}
    assert "targets-loaded" not in data
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.swot_strengths == "Installed base"
    assert _stored(draft) == before


def test_saving_step_4_with_the_grid_still_checks_the_targets_and_saves_nothing_of_a_bad_one(client_for, draft, account_manager):
    client = client_for(account_manager)
    _save_revenue_targets(client, draft)
    before = _stored(draft)
    revenue = KpiDefinition.objects.get(code="revenue")
    data = form_data(step_4_with_targets(client, draft)) | {
        "swot_strengths": "Installed base", f"targets-q4_{revenue.pk}": "lots", "tasks-0-title": "Total solution",
    }
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 400
    assert "Please correct the errors below. Nothing was saved." in response.text
    # The grid is shown again in place, with what the user typed and the marker, not asked for again.
    assert 'value="lots"' in response.text and 'name="targets-loaded"' in response.text
    assert 'data-testid="targets-loading"' not in response.text
    draft.refresh_from_db()
    assert draft.swot_strengths == "" and _stored(draft) == before and not draft.strategic_tasks.exists()


def test_a_step_4_refused_before_the_grid_came_asks_for_the_grid_again(client_for, draft, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 4))) | {"tam": "-1"}
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 400
    assert f'hx-get="{targets_url(draft)}"' in response.text and 'name="targets-' not in response.text


def test_only_the_plans_editors_get_the_grid(client_for, draft, account_manager, executive):
    assert client_for(account_manager).get(targets_url(draft), headers=HTMX).status_code == 200
    assert client_for(executive).get(targets_url(draft), headers=HTMX).status_code == 403
    stranger = make_account_manager(username="stranger")
    assert client_for(stranger).get(targets_url(draft), headers=HTMX).status_code == 404
    assert client_for(stranger).get(targets_url(draft)).status_code == 404
    # Without JavaScript the executive reads step 4 as from its own link, no form.
    page = client_for(executive).get(targets_url(draft))
    assert page.status_code == 200 and not page.context["page"].has_form and 'name="targets-' not in page.text
    assert client_for(account_manager).post(targets_url(draft)).status_code == 405


def test_no_grid_of_a_plan_whose_step_4_cannot_change(client_for, approved_plan, account_manager):
    assert client_for(account_manager).get(targets_url(approved_plan), headers=HTMX).status_code == 404
    page = client_for(account_manager).get(targets_url(approved_plan))
    assert page.status_code == 200 and not page.context["page"].has_form


@pytest.mark.parametrize("size", [3, 60])
def test_grid_query_count_is_fixed(client_for, plan, account_manager, django_assert_max_num_queries, size):
    grow(plan, size)
    client = client_for(account_manager)
    with django_assert_max_num_queries(8):
        assert client.get(targets_url(plan), headers=HTMX).status_code == 200
