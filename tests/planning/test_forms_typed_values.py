"""Amounts and dates of the planning forms typed the way people type them (core.money, core.dates)."""

import datetime
from decimal import Decimal

import pytest

from core.dates import DateInput
from core.money import MoneyInput
from performance.models import KpiDefinition
from planning.forms import ActionRow, DecisionForm, MarketingActionRow, MeetingForm, SpendForm, TargetsForm
from planning.targets import TargetInput

pytestmark = pytest.mark.django_db

STEP_TITLES = {step: f"Step {step}" for step in range(1, 6)}


def _decision(data=None):
    return DecisionForm(
        None if data is None else {"outcome": "approved", **data}, step_titles=STEP_TITLES,
        support_requests=[{"id": 7, "amount": Decimal(300_000_000)}],
    )


@pytest.mark.parametrize(("typed", "amount"), [("2억", 200_000_000), ("1억 5,000만", 150_000_000), ("120,000,000", 120_000_000)])
def test_a_grant_amount_is_typed_in_eok_and_man(typed, amount):
    form = _decision({"grant_7_status": "partly", "grant_7_amount": typed, "grant_7_reason": "Half now"})
    assert form.is_valid(), form.errors
    assert form.grants()[0].amount == Decimal(amount)


def test_a_grant_amount_shows_separators_and_refuses_nonsense():
    form = _decision()
    html = form.grant_rows()[0][2].as_widget()
    assert isinstance(form.fields["grant_7_amount"].widget, MoneyInput)
    assert 'value="300,000,000"' in html and "data-money" in html and 'type="text"' in html
    bad = _decision({"grant_7_amount": "lots"})
    assert not bad.is_valid() and "Enter an amount" in bad.errors["grant_7_amount"][0]


def test_a_spend_is_typed_with_units_and_a_korean_date():
    form = SpendForm({"spent_on": "2026년 12월 7일", "amount": "1,500만", "note": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["spent_on"] == datetime.date(2026, 12, 7)
    assert form.cleaned_data["amount"] == Decimal(15_000_000)
    assert isinstance(form.fields["amount"].widget, MoneyInput) and isinstance(form.fields["spent_on"].widget, DateInput)


@pytest.mark.parametrize(("data", "field"), [
    ({"spent_on": "12/07/2026", "amount": "100"}, "spent_on"),
    ({"spent_on": "2026-12-07", "amount": "0"}, "amount"),
    ({"spent_on": "2026-12-07", "amount": "백만"}, "amount"),
])
def test_a_bad_spend_says_which_field_is_wrong(data, field):
    form = SpendForm(data)
    assert not form.is_valid() and list(form.errors) == [field]


def test_money_kpi_targets_are_amounts_and_other_kpis_plain_numbers():
    revenue = KpiDefinition.objects.get(code="revenue")
    other = KpiDefinition.objects.exclude(unit=KpiDefinition.Unit.MONEY).first()
    inputs = {revenue.pk: TargetInput(chosen=True, year=Decimal("4200000000.0000"))}
    form = TargetsForm(
        {f"chosen_{revenue.pk}": "on", f"year_{revenue.pk}": "42억", f"q1_{revenue.pk}": "10억 5,000만"},
        kpis=[revenue, other], inputs=inputs, month_labels=[str(m) for m in range(1, 13)], fiscal_year=2026,
    )
    assert isinstance(form.fields[f"year_{revenue.pk}"].widget, MoneyInput)
    assert not isinstance(form.fields[f"year_{other.pk}"].widget, MoneyInput)
    assert form.is_valid(), form.errors
    assert form.cleaned_data[f"year_{revenue.pk}"] == Decimal(4_200_000_000)
    assert form.cleaned_data[f"q1_{revenue.pk}"] == Decimal(1_050_000_000)
    unbound = TargetsForm(kpis=[revenue], inputs=inputs, month_labels=[str(m) for m in range(1, 13)], fiscal_year=2026)
    assert 'value="4,200,000,000"' in unbound[f"year_{revenue.pk}"].as_widget()


def test_target_cells_copied_from_one_field_keep_their_own_label_value_and_error():
    revenue = KpiDefinition.objects.get(code="revenue")
    other = KpiDefinition.objects.exclude(unit=KpiDefinition.Unit.MONEY).first()
    inputs = {revenue.pk: TargetInput(chosen=True, year=Decimal(5), quarters=[Decimal(1), None, None, None])}
    form = TargetsForm(
        {f"chosen_{revenue.pk}": "on", f"q1_{revenue.pk}": "lots", f"q2_{revenue.pk}": "3억",
         f"chosen_{other.pk}": "on", f"q1_{other.pk}": "1e", f"q2_{other.pk}": "7"},
        kpis=[revenue, other], inputs=inputs, month_labels=[str(m) for m in range(1, 13)], fiscal_year=2026,
    )
    assert not form.is_valid()
    assert sorted(form.errors) == sorted([f"q1_{revenue.pk}", f"q1_{other.pk}"])
    assert "Enter an amount" in form.errors[f"q1_{revenue.pk}"][0]
    assert "Enter an amount" not in form.errors[f"q1_{other.pk}"][0]
    assert form.cleaned_data[f"q2_{revenue.pk}"] == Decimal(300_000_000) and form.cleaned_data[f"q2_{other.pk}"] == 7
    labels = [form.fields[f"q{i}_{kpi.pk}"].label for kpi in (revenue, other) for i in (1, 2)]
    assert len(set(labels)) == 4 and labels[0] == f"{revenue.display_name}, Q1"
    unbound = TargetsForm(kpis=[revenue], inputs=inputs, month_labels=[str(m) for m in range(1, 13)], fiscal_year=2026)
    assert unbound[f"q1_{revenue.pk}"].value() == Decimal(1) and unbound[f"q2_{revenue.pk}"].value() is None
    assert unbound[f"year_{revenue.pk}"].value() == Decimal(5)


@pytest.mark.parametrize("form_class", [ActionRow, MarketingActionRow, SpendForm, MeetingForm])
def test_every_planning_date_is_the_sites_text_input(form_class):
    form = form_class()
    dates = [field for field in form.fields.values() if "data-date" in field.widget.attrs]
    assert dates and all(field.widget.input_type == "text" for field in dates)


def test_the_committed_budget_grant_reads_in_the_readers_language():
    from django.utils import translation

    from planning.models import ResourceGrant

    for stored in ("Budget committed", "확정 예산"):
        grant = ResourceGrant(kind="budget", description=stored, support_request=None)
        with translation.override("ko"):
            assert grant.label == "확정 예산"
        with translation.override("en"):
            assert grant.label == "Budget committed"
    own = ResourceGrant(kind="budget", description="Budget committed", support_request_id=3)
    with translation.override("ko"):
        assert own.label == "Budget committed"  # a support request's own words stay as written
