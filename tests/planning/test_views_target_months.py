"""Step 4's folded months: empty ones are fetched (htmx) when opened, months holding anything are in the page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from performance.models import KpiDefinition
from planning.models import PlanKpi
from tests.factories import AccountPlanFactory, make_account_manager
from tests.planning.conftest import grow
from tests.planning.test_views_steps import form_data, step_4_with_targets, step_url

pytestmark = pytest.mark.django_db


def months_url(plan, kpi):
    return reverse("planning:plan-target-months", args=[plan.pk, kpi.pk])


@pytest.fixture
def draft(account):
    return AccountPlanFactory(account=account, fiscal_year=2026)


def test_folded_empty_months_are_fetched_when_opened_with_the_same_cells(client_for, draft, account_manager):
    client = client_for(account_manager)
    page = step_4_with_targets(client, draft)
    revenue = KpiDefinition.objects.get(code="revenue")
    assert f'hx-get="{months_url(draft, revenue)}" hx-trigger="toggle once"' in page.text
    assert f'name="targets-m1_{revenue.pk}"' not in page.text
    # What the page would have drawn inline: the form's own month cells.
    expected = [page.context["forms"]["targets"][f"m{month}_{revenue.pk}"].auto_id for month in range(1, 13)]
    fragment = client.get(months_url(draft, revenue), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert re.findall(r'id="(id_targets-m\d+_\d+)"', fragment.text) == expected
    assert "value=" not in fragment.text
    assert 'aria-label="Revenue, Jan"' in fragment.text


def test_months_holding_a_value_or_a_zero_stay_in_the_page(client_for, draft, account_manager):
    client = client_for(account_manager)
    revenue, orders = KpiDefinition.objects.get(code="revenue"), KpiDefinition.objects.get(code="orders")
    data = form_data(step_4_with_targets(client, draft))
    for kpi, quarters, months in ((revenue, ("7", "0", "0", "0"), ("1", "6", "0")), (orders, ("0", "0", "0", "0"), ("0", "0", "0"))):
        data |= {f"targets-chosen_{kpi.pk}": "on", f"targets-year_{kpi.pk}": str(sum(map(int, quarters)))}
        data |= {f"targets-q{q}_{kpi.pk}": value for q, value in enumerate(quarters, start=1)}
        data |= {f"targets-m{m}_{kpi.pk}": value for m, value in enumerate(months, start=1)}
    assert client.post(step_url(draft, 4), data).status_code == 302
    page = step_4_with_targets(client, draft).text
    for kpi in (revenue, orders):
        assert months_url(draft, kpi) not in page
        assert f'name="targets-m1_{kpi.pk}"' in page
    assert re.search(rf'name="targets-m2_{orders.pk}" value="0"', page)


def test_a_step_posted_without_the_unopened_months_saves_them_empty(client_for, draft, account_manager):
    client = client_for(account_manager)
    revenue = KpiDefinition.objects.get(code="revenue")
    data = form_data(step_4_with_targets(client, draft))
    data = {name: value for name, value in data.items() if not re.match(r"targets-m\d+_", name)}
    data |= {f"targets-chosen_{revenue.pk}": "on", f"targets-year_{revenue.pk}": "1200"}
    data |= {f"targets-q{q}_{revenue.pk}": "300" for q in range(1, 5)}
    assert client.post(step_url(draft, 4), data).status_code == 302
    assert PlanKpi.objects.filter(plan=draft, kpi=revenue).exists()
    page = step_4_with_targets(client, draft)
    assert page.context["forms"]["targets"][f"year_{revenue.pk}"].value() == Decimal(1200)
    assert all(page.context["forms"]["targets"][f"m{m}_{revenue.pk}"].value() is None for m in range(1, 13))


def test_only_the_plans_editors_fetch_months(client_for, draft, account_manager, executive):
    revenue = KpiDefinition.objects.get(code="revenue")
    assert client_for(executive).get(months_url(draft, revenue)).status_code == 403
    stranger = make_account_manager(username="stranger")
    assert client_for(stranger).get(months_url(draft, revenue)).status_code == 404


def test_no_months_of_a_plan_that_cannot_change(client_for, approved_plan, account_manager):
    assert client_for(account_manager).get(months_url(approved_plan, KpiDefinition.objects.get(code="revenue"))).status_code == 404


def test_no_months_of_a_kpi_the_plan_does_not_offer_nor_by_post(client_for, draft, account_manager):
    client = client_for(account_manager)
    assert client.get(reverse("planning:plan-target-months", args=[draft.pk, 999_999])).status_code == 404
    assert client.post(months_url(draft, KpiDefinition.objects.get(code="revenue"))).status_code == 405


@pytest.mark.parametrize("size", [3, 60])
def test_months_query_count_is_fixed(client_for, plan, account_manager, django_assert_max_num_queries, size):
    grow(plan, size)
    client = client_for(account_manager)
    with django_assert_max_num_queries(9):
        assert client.get(months_url(plan, KpiDefinition.objects.get(code="revenue"))).status_code == 200
