import datetime
import html

import pytest
from django import forms as django_forms
from django.urls import reverse

from accounts.models import Opportunity
from performance.models import KpiTarget
from planning.models import AccountPlan, ActionItem, PlanStatus, StrategicTask
from tests.factories import AccountPlanFactory, ActionItemFactory, OpportunityFactory, OrgUnitFactory
from tests.planning.conftest import grow

pytestmark = pytest.mark.django_db


def step_url(plan, step):
    return reverse("planning:plan-step", args=[plan.pk, step])


def step_4_with_targets(client, plan):
    """Step 4 with its KPIs and targets grid in the page, as a browser holds it once the grid has come
    (the page a browser without JavaScript opens from the grid's placeholder)."""
    return client.get(reverse("planning:plan-step-targets", args=[plan.pk]))


def _field_data(bound_field) -> list[tuple[str, str]]:
    value = bound_field.value()
    if isinstance(bound_field.field.widget, django_forms.CheckboxInput):
        return [(bound_field.html_name, "on")] if value else []
    if hasattr(bound_field.field, "prepare_value"):
        value = bound_field.field.prepare_value(value)
    return [(bound_field.html_name, "" if value is None else str(value))]


def form_data(response) -> dict:
    """The POST data a browser would send for the step's forms as rendered (plus the lock version)."""
    data = {"lock_version": str(response.context["lock_version"])}
    for form in response.context["forms"].values():
        if hasattr(form, "management_form"):
            for field in form.management_form:
                data.update(_field_data(field))
            for row in form.forms:
                for field in row:
                    data.update(_field_data(field))
        else:
            for field in form:
                data.update(_field_data(field))
    return data


@pytest.fixture
def draft(account):
    return AccountPlanFactory(account=account, fiscal_year=2026)


# --- Who may see and write --------------------------------------------------------------


@pytest.mark.parametrize("step", range(1, 8))
def test_team_member_opens_every_step(client_for, draft, account_manager, step):
    response = client_for(account_manager).get(step_url(draft, step))
    assert response.status_code == 200
    assert response.context["step"].number == step


@pytest.mark.parametrize("step", range(1, 8))
def test_executive_reads_every_step_and_cannot_post(client_for, plan, executive, step):
    client = client_for(executive)
    response = client.get(step_url(plan, step))
    assert response.status_code == 200 and not response.context["page"].has_form
    assert client.post(step_url(plan, step), {"lock_version": plan.lock_version}).status_code == 403


@pytest.mark.parametrize("step", [1, 4, 5])
def test_account_manager_of_other_accounts_gets_404_on_post(client_for, plan, other_account_manager, step):
    assert client_for(other_account_manager).post(step_url(plan, step), {}).status_code == 404


def test_unknown_step_is_404(client_for, draft, account_manager):
    assert client_for(account_manager).get(step_url(draft, 8)).status_code == 404


# --- Saving, drafts, continue -----------------------------------------------------------


def test_saving_step_1_confirms_the_review_and_continues_to_step_2(client_for, draft, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 1))) | {"confirm": "on", "org_review_notes": "All current", "continue": "1"}
    response = client.post(step_url(draft, 1), data)
    assert response.status_code == 302 and response["Location"] == step_url(draft, 2)
    draft.refresh_from_db()
    assert draft.org_reviewed_by == account_manager and draft.org_review_notes == "All current"


def test_step_2_maps_an_opportunity(client_for, draft, account_manager, account):
    unit = OrgUnitFactory(account=account, name="구매본부")
    opportunity = OpportunityFactory(account=account)
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 2))) | {f"unit_{opportunity.pk}": str(unit.pk)}
    assert client.post(step_url(draft, 2), data).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.sponsor_unit == unit


def test_step_2_refuses_a_unit_that_is_not_offered(client_for, draft, account_manager, account, other_account):
    foreign = OrgUnitFactory(account=other_account)
    opportunity = OpportunityFactory(account=account)
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 2))) | {f"unit_{opportunity.pk}": str(foreign.pk)}
    response = client.post(step_url(draft, 2), data)
    assert response.status_code == 400 and "Select a valid choice" in response.text
    assert Opportunity.objects.get(pk=opportunity.pk).sponsor_unit is None


def test_step_3_refuses_a_negative_budget_and_keeps_the_input(client_for, draft, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 3))) | {"cbp_summary": "Capex plan", "cbp_budget": "-5"}
    response = client.post(step_url(draft, 3), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.text and "Capex plan" in response.text
    draft.refresh_from_db()
    assert draft.cbp_summary == "" and draft.cbp_budget is None


def test_step_4_refuses_targets_that_do_not_sum_and_keeps_every_input(client_for, draft, account_manager):
    client = client_for(account_manager)
    response = step_4_with_targets(client, draft)
    revenue = next(kpi for kpi in response.context["forms"]["targets"].kpis if kpi.code == "revenue")
    data = form_data(response) | {
        "strategy_summary": "Land and expand",
        f"targets-chosen_{revenue.pk}": "on",
        f"targets-year_{revenue.pk}": "1000",
        **{f"targets-q{q}_{revenue.pk}": "100" for q in range(1, 5)},
        "tasks-0-title": "Total solution",
    }
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 400
    assert "Revenue: the quarters add up to 400, not to the year&#x27;s 1,000." in response.text
    assert "Land and expand" in response.text and "Total solution" in response.text
    draft.refresh_from_db()
    assert draft.strategy_summary == ""
    assert not KpiTarget.objects.exists() and not StrategicTask.objects.exists()


def test_step_4_asks_to_tick_a_kpi_before_its_targets_count(client_for, draft, account_manager):
    client = client_for(account_manager)
    response = step_4_with_targets(client, draft)
    revenue = next(kpi for kpi in response.context["forms"]["targets"].kpis if kpi.code == "revenue")
    response = client.post(step_url(draft, 4), form_data(response) | {f"targets-year_{revenue.pk}": "1000"})
    assert response.status_code == 400 and "Tick Revenue to use it, or clear its targets." in response.text
    assert not KpiTarget.objects.exists()


def _foreign_revenue_targets(account, year=2026):
    """Revenue targets of the account set outside the plan (an import, the API, the performance pages)."""
    from tests.factories import KpiTargetFactory

    KpiTargetFactory(account=account, fiscal_year=year, period_kind="year", period_index=1, value=1000)
    for quarter in range(1, 5):
        KpiTargetFactory(account=account, fiscal_year=year, period_kind="quarter", period_index=quarter, value=250)


def test_step_4_saves_a_swot_box_while_the_account_has_targets_the_plan_did_not_tick(client_for, draft, account_manager):
    _foreign_revenue_targets(draft.account)
    client = client_for(account_manager)
    response = step_4_with_targets(client, draft)
    revenue = next(kpi for kpi in response.context["forms"]["targets"].kpis if kpi.code == "revenue")
    # The account's targets are shown apart, labelled, and the plan's cells stay empty.
    assert "Account's targets, not this plan's" in response.text and 'data-testid="account-targets"' in response.text
    assert response.context["forms"]["targets"][f"year_{revenue.pk}"].value() is None
    data = form_data(response) | {"swot_strengths": "Installed base in every plant"}
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.swot_strengths == "Installed base in every plant"
    # The account's targets are untouched, and still not the plan's.
    assert KpiTarget.objects.filter(account=draft.account, fiscal_year=2026).count() == 5
    assert not draft.plan_kpis.exists()


def test_step_4_still_refuses_targets_the_user_typed_into_an_unticked_kpi(client_for, draft, account_manager):
    _foreign_revenue_targets(draft.account)
    client = client_for(account_manager)
    response = step_4_with_targets(client, draft)
    revenue = next(kpi for kpi in response.context["forms"]["targets"].kpis if kpi.code == "revenue")
    data = form_data(response) | {"swot_strengths": "Installed base", f"targets-year_{revenue.pk}": "2000"}
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 400 and "Tick Revenue to use it, or clear its targets." in response.text
    draft.refresh_from_db()
    assert draft.swot_strengths == ""
    assert sorted(KpiTarget.objects.values_list("value", flat=True)) == [250] * 4 + [1000]


def test_step_4_ticking_a_kpi_with_empty_cells_takes_the_accounts_targets(client_for, draft, account_manager):
    _foreign_revenue_targets(draft.account)
    client = client_for(account_manager)
    response = step_4_with_targets(client, draft)
    revenue = next(kpi for kpi in response.context["forms"]["targets"].kpis if kpi.code == "revenue")
    assert client.post(step_url(draft, 4), form_data(response) | {f"targets-chosen_{revenue.pk}": "on"}).status_code == 302
    assert list(draft.plan_kpis.values_list("kpi__code", flat=True)) == ["revenue"]
    response = step_4_with_targets(client, draft)
    assert response.context["forms"]["targets"][f"year_{revenue.pk}"].value() == 1000
    assert 'data-testid="account-targets"' not in response.text


def test_step_4_saves_targets_and_a_strategic_task(client_for, draft, account_manager):
    client = client_for(account_manager)
    response = step_4_with_targets(client, draft)
    revenue = next(kpi for kpi in response.context["forms"]["targets"].kpis if kpi.code == "revenue")
    data = form_data(response) | {
        f"targets-chosen_{revenue.pk}": "on", f"targets-year_{revenue.pk}": "400",
        **{f"targets-q{q}_{revenue.pk}": "100" for q in range(1, 5)},
        "tasks-0-title": "Total solution", "tasks-0-target_year": "2028",
    }
    assert client.post(step_url(draft, 4), data).status_code == 302
    assert KpiTarget.objects.filter(account=draft.account, fiscal_year=2026).count() == 7  # year, 4 quarters, 2 halves
    assert StrategicTask.objects.get(plan=draft).target_year == 2028


def test_step_5_refuses_a_date_outside_the_fiscal_year(client_for, draft, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 5))) | {
        "actions-0-title": "Kick-off", "actions-0-start_on": "2026-12-01", "actions-0-due_on": "2027-01-31",
    }
    response = client.post(step_url(draft, 5), data)
    assert response.status_code == 400
    assert "Action “Kick-off”: its dates must be within FY 2026 (2026-01-01 – 2026-12-31)." in response.text
    assert not ActionItem.objects.exists()


def test_step_5_refuses_a_task_as_its_own_ancestor(client_for, draft, account_manager):
    parent = ActionItemFactory(plan=draft, title="Phase 1")
    child = ActionItemFactory(plan=draft, title="Design", parent=parent)
    client = client_for(account_manager)
    response = client.get(step_url(draft, 5))
    index = next(i for i, form in enumerate(response.context["forms"]["actions"].forms) if form.initial.get("id") == parent.pk)
    data = form_data(response) | {f"actions-{index}-parent": str(child.pk)}
    response = client.post(step_url(draft, 5), data)
    assert response.status_code == 400 and "“Phase 1” cannot be its own ancestor" in response.text
    parent.refresh_from_db()
    assert parent.parent_id is None


def test_step_5_needs_a_start_for_a_task(client_for, draft, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(draft, 5))) | {"actions-0-title": "Kick-off", "actions-0-due_on": "2026-03-01"}
    response = client.post(step_url(draft, 5), data)
    assert response.status_code == 400 and "A task needs a start date." in response.text


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_the_users_input(client_for, draft, account_manager, kam_admin):
    first, second = client_for(kam_admin), None
    opened = form_data(first.get(step_url(draft, 3)))
    first.post(step_url(draft, 3), opened | {"cbp_summary": "Admin's version"})
    from django.test import Client

    second = Client()
    second.force_login(account_manager)
    response = second.post(step_url(draft, 3), opened | {"cbp_summary": "AM's version"})
    assert response.status_code == 409
    assert "saved this plan at" in response.text and "Your changes were NOT saved" in response.text
    assert "AM's version" in html.unescape(response.text)  # kept in the form (widgets escape ' as &#39;)
    draft.refresh_from_db()
    assert draft.cbp_summary == "Admin's version"
    # The page now carries the current lock: saving again, deliberately, replaces the other version.
    assert response.context["lock_version"] == draft.lock_version


def test_a_submitted_plan_refuses_step_posts_with_a_message(client_for, submitted, account_manager):
    plan, _version = submitted
    response = client_for(account_manager).post(step_url(plan, 3), {"lock_version": plan.lock_version}, follow=True)
    assert "cannot be changed while the plan is “Submitted”" in response.text


def test_approved_plan_step_5_records_progress(client_for, approved_plan, account_manager):
    client = client_for(account_manager)
    response = client.get(step_url(approved_plan, 5))
    assert response.context["page"].tracks_progress
    task = ActionItem.objects.get(plan=approved_plan, title="Pilot")
    data = form_data(response) | {f"status_{task.pk}": "in_progress", f"percent_{task.pk}": "70"}
    assert client.post(step_url(approved_plan, 5), data).status_code == 302
    task.refresh_from_db()
    assert task.percent_done == 70
    approved_plan.refresh_from_db()
    assert approved_plan.status == PlanStatus.APPROVED


def test_year_end_is_written_on_an_approved_plan(client_for, approved_plan, account_manager):
    client = client_for(account_manager)
    data = form_data(client.get(step_url(approved_plan, 7))) | {"year_end_evaluation": "Revenue met", "wrap_up": "Keep pilots"}
    assert client.post(step_url(approved_plan, 7), data).status_code == 302
    approved_plan.refresh_from_db()
    assert approved_plan.year_end_evaluation == "Revenue met"


def test_year_end_cannot_be_written_before_approval(client_for, draft, account_manager):
    response = client_for(account_manager).get(step_url(draft, 7))
    assert not response.context["page"].has_form
    assert "written once the plan has been approved" in response.text


# --- Query budgets ----------------------------------------------------------------------

BUDGETS = {1: 16, 2: 13, 3: 12, 4: 15, 5: 12, 6: 11, 7: 15}


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize("step", range(1, 8))
def test_step_page_query_count_is_fixed(client_for, plan, account_manager, django_assert_max_num_queries, size, step):
    grow(plan, size)
    client = client_for(account_manager)
    with django_assert_max_num_queries(BUDGETS[step]):
        assert client.get(step_url(plan, step)).status_code == 200


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize("step", [4, 5])
def test_read_only_step_query_count_is_fixed(client_for, approved_plan, executive, django_assert_max_num_queries, size, step):
    grow(approved_plan, size)
    client = client_for(executive)
    with django_assert_max_num_queries(BUDGETS[step]):
        assert client.get(step_url(approved_plan, step)).status_code == 200


def test_dates_in_the_form_are_inside_the_plans_year(client_for, draft, account_manager):
    response = client_for(account_manager).get(step_url(draft, 5))
    assert "Dates between 2026-01-01 and 2026-12-31" in response.text
    assert AccountPlan.objects.get(pk=draft.pk).period_end == datetime.date(2026, 12, 31)


def test_step_4_saves_three_year_targets_beside_the_years_and_shows_them_again(client_for, draft, account_manager):
    client = client_for(account_manager)
    response = step_4_with_targets(client, draft)
    assert f"FY {draft.fiscal_year + 1}" in response.text and f"FY {draft.fiscal_year + 2}" in response.text
    revenue = next(kpi for kpi in response.context["forms"]["targets"].kpis if kpi.code == "revenue")
    data = form_data(response) | {
        f"targets-chosen_{revenue.pk}": "on", f"targets-year_{revenue.pk}": "400",
        **{f"targets-q{q}_{revenue.pk}": "100" for q in range(1, 5)},
        f"targets-later1_{revenue.pk}": "480", f"targets-later2_{revenue.pk}": "560",
    }
    assert client.post(step_url(draft, 4), data).status_code == 302
    years = dict(
        KpiTarget.objects.filter(account=draft.account, kpi=revenue, period_kind="year").values_list("fiscal_year", "value")
    )
    assert years == {draft.fiscal_year: 400, draft.fiscal_year + 1: 480, draft.fiscal_year + 2: 560}
    form = step_4_with_targets(client, draft).context["forms"]["targets"]
    assert [form[f"later{i}_{revenue.pk}"].value() for i in (1, 2)] == [480, 560]
    # Dropping the KPI drops its 3-year targets with it.
    data = form_data(step_4_with_targets(client, draft))
    data.pop(f"targets-chosen_{revenue.pk}")
    for name in [name for name in data if name.startswith("targets-") and name.endswith(f"_{revenue.pk}")]:
        data[name] = ""
    assert client.post(step_url(draft, 4), data).status_code == 302
    assert not KpiTarget.objects.filter(account=draft.account, kpi=revenue).exists()


def test_step_4_three_year_targets_need_the_kpi_ticked_and_counts_cannot_be_negative(client_for, draft, account_manager):
    client = client_for(account_manager)
    response = step_4_with_targets(client, draft)
    kpis = {kpi.code: kpi for kpi in response.context["forms"]["targets"].kpis}
    response = client.post(step_url(draft, 4), form_data(response) | {f"targets-later2_{kpis['revenue'].pk}": "900"})
    assert response.status_code == 400 and "Tick Revenue to use it, or clear its targets." in response.text
    orders = kpis["orders"]
    data = form_data(step_4_with_targets(client, draft)) | {
        f"targets-chosen_{orders.pk}": "on", f"targets-year_{orders.pk}": "4",
        **{f"targets-q{q}_{orders.pk}": "1" for q in range(1, 5)}, f"targets-later1_{orders.pk}": "-2",
    }
    response = client.post(step_url(draft, 4), data)
    assert response.status_code == 400 and "a count cannot be negative" in response.text
    assert not KpiTarget.objects.exists()
