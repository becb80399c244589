"""Each KPI formula against numbers computed by hand, on an account whose fiscal year starts in April."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Opportunity
from performance.kpis import CALCULATORS
from performance.models import COMPUTED_KPI_CODES, KpiStatus, TimeEntry
from performance.periods import Period, PeriodKind
from performance.selectors.kpi_engine import kpi_actual, kpi_status, kpi_target
from tests.factories import (
    AccountFactory,
    KpiTargetFactory,
    ManualActualFactory,
    ManualKpiFactory,
    NpsResponseFactory,
    OfferingFactory,
    OpportunityFactory,
    OrderFactory,
    TimeEntryFactory,
    UserFactory,
    kpi,
)

pytestmark = pytest.mark.django_db

D = datetime.date
Q1 = Period(PeriodKind.QUARTER, 2025, 1, 4)  # April–June 2025
AFTER = D(2026, 5, 1)  # every period of FY2025 has ended


def amount(value) -> Decimal:
    return Decimal(str(value))


@pytest.fixture
def april_account():
    return AccountFactory(fiscal_year_start_month=4)


@pytest.fixture
def offerings():
    return {name: OfferingFactory(name=f"Offering {name}") for name in "ABCD"}


@pytest.fixture
def orders(april_account, offerings):
    """FY2024 Q4 (Jan–Mar 2025): A 100, B 300, C 600. FY2025 Q1 (Apr–Jun 2025): A 200, C 50, D 400, A 100."""
    rows = [
        ("A", D(2025, 1, 10), 100, 60),
        ("B", D(2025, 2, 5), 300, 200),
        ("C", D(2025, 3, 20), 600, 400),
        ("A", D(2025, 4, 15), 200, 150),
        ("C", D(2025, 5, 1), 50, 30),
        ("D", D(2025, 6, 30), 400, 300),
        ("A", D(2025, 6, 1), 100, 70),
    ]
    for name, day, value, cost in rows:
        OrderFactory(account=april_account, offering=offerings[name], ordered_on=day, amount=value, cost=cost)


def actual(account, code, period=Q1, as_of=AFTER):
    return kpi_actual(account=account, kpi=kpi(code), period=period, as_of=as_of)


def test_every_computed_kpi_code_has_a_calculator_and_a_catalogue_entry():
    from performance.models import KpiDefinition

    assert set(CALCULATORS) == set(COMPUTED_KPI_CODES)
    assert set(KpiDefinition.objects.filter(source="computed").values_list("code", flat=True)) == set(COMPUTED_KPI_CODES)


def test_orders_revenue_profit_and_margin(april_account, orders):
    assert actual(april_account, "orders") == 4
    assert actual(april_account, "revenue") == 750
    assert actual(april_account, "profit") == 200  # 750 − (150 + 30 + 300 + 70)
    assert actual(april_account, "margin").quantize(Decimal("0.01")) == amount("26.67")  # 200 ÷ 750


def test_order_intake_is_the_amount_of_the_orders_signed_in_the_period(april_account, orders):
    """FY2025 Q1 (Apr–Jun 2025): A 200 + C 50 + D 400 + A 100 = 750; FY2024 Q4: 100 + 300 + 600 = 1,000.
    April (month 1) alone: 200. On 1 June 2025 the orders of 30 June are not in yet: 200 + 50 + 100 = 350."""
    assert actual(april_account, "order_intake") == 750
    assert actual(april_account, "order_intake", Period(PeriodKind.QUARTER, 2024, 4, 4)) == 1000
    assert actual(april_account, "order_intake", Period(PeriodKind.MONTH, 2025, 1, 4)) == 200
    assert actual(april_account, "order_intake", as_of=D(2025, 6, 1)) == 350
    # A quarter's target of 1,000: 750 is 75 % → off track (at risk from 80 %).
    KpiTargetFactory(account=april_account, kpi=kpi("order_intake"), fiscal_year=2025, period_kind="quarter",
                     period_index=1, value=1000)
    value = kpi_status(account=april_account, kpi=kpi("order_intake"), period=Q1, as_of=AFTER)
    assert (value.actual, value.achievement, value.status) == (750, Decimal("75.0"), KpiStatus.OFF_TRACK)


def test_repurchase_rate_by_count_is_the_share_of_this_periods_orders_that_repeat_a_purchase(april_account, orders):
    # This quarter's four orders: A (Apr 15, A bought Jan 10), C (May 1, C bought Mar 20), D (new), A (Jun 1)
    # → 3 of 4 orders are repeat purchases.
    assert actual(april_account, "repurchase_count") == 75


def test_repurchase_rate_by_amount_is_the_share_of_this_periods_amount_spent_on_repeat_purchases(april_account, orders):
    # 200 (A) + 50 (C) + 100 (A) = 350 of 750 → 46.67 %.
    assert actual(april_account, "repurchase_amount").quantize(Decimal("0.01")) == amount("46.67")


def test_repurchase_rate_counts_a_second_order_in_the_same_period_and_purchases_long_ago(april_account, offerings):
    OrderFactory(account=april_account, offering=offerings["A"], ordered_on=D(2022, 6, 1), amount=999)
    OrderFactory(account=april_account, offering=offerings["A"], ordered_on=D(2025, 4, 10), amount=100)  # repeat (2022)
    OrderFactory(account=april_account, offering=offerings["B"], ordered_on=D(2025, 4, 20), amount=300)  # new
    OrderFactory(account=april_account, offering=offerings["B"], ordered_on=D(2025, 5, 20), amount=200)  # repeat
    OrderFactory(account=april_account, offering=offerings["C"], ordered_on=D(2025, 6, 5), amount=400)  # new
    OrderFactory(account=april_account, offering=offerings["C"], ordered_on=D(2025, 6, 5), amount=400)  # same day: new
    # 2 of the quarter's 5 orders; 100 + 200 = 300 of 1,400.
    assert actual(april_account, "repurchase_count") == 40
    assert actual(april_account, "repurchase_amount").quantize(Decimal("0.01")) == amount("21.43")


def test_repurchase_rate_is_zero_when_every_offering_is_new(april_account, offerings):
    OrderFactory(account=april_account, offering=offerings["B"], ordered_on=D(2025, 5, 1), amount=500)
    OrderFactory(account=april_account, offering=offerings["A"], ordered_on=D(2025, 6, 1), amount=500)
    assert actual(april_account, "repurchase_count") == 0
    assert actual(april_account, "repurchase_amount") == 0


def test_repurchase_does_not_look_at_another_accounts_purchases(april_account, offerings):
    OrderFactory(offering=offerings["A"], ordered_on=D(2024, 1, 1), amount=500)
    OrderFactory(account=april_account, offering=offerings["A"], ordered_on=D(2025, 5, 1), amount=500)
    assert actual(april_account, "repurchase_count") == 0


def test_repurchase_rate_by_year_counts_the_years_orders(april_account, orders):
    year = Period(PeriodKind.YEAR, 2025, 1, 4)
    # FY2025 (Apr 2025–Mar 2026) holds the same four orders as its first quarter.
    assert actual(april_account, "repurchase_count", year) == 75
    assert actual(april_account, "repurchase_amount", year).quantize(Decimal("0.01")) == amount("46.67")


def test_cross_sell_counts_distinct_offerings(april_account, orders):
    assert actual(april_account, "cross_sell") == 3  # A, C, D


def test_up_sell_is_the_growth_of_average_order_value(april_account, orders):
    # This quarter 750 ÷ 4 = 187.5; previous 1,000 ÷ 3 = 333.33 → 187.5 ÷ 333.33 − 1 = −43.75 %.
    assert actual(april_account, "up_sell") == amount("-43.75")


def test_year_rolls_up_the_fiscal_year_from_april_to_march(april_account, offerings, orders):
    OrderFactory(account=april_account, offering=offerings["B"], ordered_on=D(2026, 3, 31), amount=1000, cost=0)
    OrderFactory(account=april_account, offering=offerings["B"], ordered_on=D(2026, 4, 1), amount=5000, cost=0)
    year = Period(PeriodKind.YEAR, 2025, 1, 4)
    q4 = Period(PeriodKind.QUARTER, 2025, 4, 4)
    h2 = Period(PeriodKind.HALF, 2025, 2, 4)
    march = Period(PeriodKind.MONTH, 2025, 12, 4)
    assert actual(april_account, "revenue", year) == 1750  # 750 in Q1 + 1,000 on 31 March 2026
    assert actual(april_account, "revenue", q4) == 1000
    assert actual(april_account, "revenue", h2) == 1000
    assert actual(april_account, "revenue", march) == 1000
    quarters = [actual(april_account, "revenue", Period(PeriodKind.QUARTER, 2025, i, 4)) for i in range(1, 5)]
    assert sum(quarters) == 1750
    # January–March 2025 belongs to FY2024.
    assert actual(april_account, "revenue", Period(PeriodKind.YEAR, 2024, 1, 4)) == 1000


def test_empty_period_has_zero_revenue_and_no_ratios(april_account):
    assert actual(april_account, "revenue") == 0
    assert actual(april_account, "orders") == 0
    for code in ("margin", "nps", "repurchase_count", "repurchase_amount", "up_sell", "utilisation", "deployment",
                 "pipeline_coverage"):
        assert actual(april_account, code) is None, code


def test_future_period_has_no_actual(april_account, orders):
    assert actual(april_account, "revenue", as_of=D(2025, 3, 31)) is None


def test_orders_after_the_as_of_day_are_not_counted(april_account, orders):
    assert actual(april_account, "revenue", as_of=D(2025, 5, 31)) == 250  # 200 + 50


def test_nps_is_promoters_minus_detractors(april_account):
    for score in (10, 10, 7, 5):
        NpsResponseFactory(account=april_account, score=score, responded_on=D(2025, 5, 2))
    NpsResponseFactory(account=april_account, score=0, responded_on=D(2025, 7, 1))  # next quarter
    assert actual(april_account, "nps") == 25  # (2 − 1) ÷ 4


def test_nps_with_as_many_detractors_as_promoters_is_zero(april_account):
    for score in (10, 9, 8, 6, 3):
        NpsResponseFactory(account=april_account, score=score, responded_on=D(2025, 4, 20))
    assert actual(april_account, "nps") == 0


def test_utilisation_and_deployment_rate(april_account):
    engineer = UserFactory()
    day = D(2025, 5, 1)
    TimeEntryFactory(account=april_account, user=engineer, worked_on=day, kind=TimeEntry.Kind.BILLABLE, hours=8)
    TimeEntryFactory(account=april_account, user=engineer, worked_on=day + datetime.timedelta(days=1),
                     kind=TimeEntry.Kind.BILLABLE, hours=22)
    TimeEntryFactory(account=april_account, user=engineer, worked_on=day, kind=TimeEntry.Kind.NON_BILLABLE, hours=10)
    TimeEntryFactory(account=april_account, user=engineer, worked_on=day, kind=TimeEntry.Kind.AVAILABLE, hours=10)
    assert actual(april_account, "utilisation") == 60  # 30 ÷ 50
    assert actual(april_account, "deployment") == 80  # 40 ÷ 50


def test_pipeline_coverage_is_open_pipeline_closing_in_the_period_over_the_revenue_target(april_account):
    as_of = D(2025, 5, 1)
    KpiTargetFactory(account=april_account, kpi=kpi("revenue"), fiscal_year=2025, period_kind="quarter",
                     period_index=1, value=1000)
    OpportunityFactory(account=april_account, amount=1500, expected_close_date=D(2025, 6, 1))
    OpportunityFactory(account=april_account, amount=500, expected_close_date=D(2025, 6, 30), stage="rfq")
    OpportunityFactory(account=april_account, amount=9000, expected_close_date=D(2025, 6, 1),
                       stage=Opportunity.Stage.LOST)
    OpportunityFactory(account=april_account, amount=9000, expected_close_date=D(2025, 7, 1))
    assert actual(april_account, "pipeline_coverage", as_of=as_of) == 2  # 2,000 ÷ 1,000
    # A period that has ended has no coverage: the pipeline is today's, not the period's.
    assert actual(april_account, "pipeline_coverage", as_of=D(2025, 7, 2)) is None


def test_target_of_a_quarter_is_the_sum_of_its_months_when_all_are_set(april_account):
    for month, value in ((1, 100), (2, 200), (3, 300)):
        KpiTargetFactory(account=april_account, period_kind="month", period_index=month, value=value)
    assert kpi_target(account=april_account, kpi=kpi("revenue"), period=Q1) == 600


def test_target_of_a_quarter_is_missing_when_a_month_is_missing(april_account):
    for month in (1, 2):
        KpiTargetFactory(account=april_account, period_kind="month", period_index=month, value=100)
    assert kpi_target(account=april_account, kpi=kpi("revenue"), period=Q1) is None


def test_explicit_quarter_target_wins_over_its_months(april_account):
    KpiTargetFactory(account=april_account, period_kind="quarter", period_index=1, value=999)
    KpiTargetFactory(account=april_account, period_kind="month", period_index=1, value=1)
    assert kpi_target(account=april_account, kpi=kpi("revenue"), period=Q1) == 999


def test_rates_are_not_summed_from_months(april_account):
    for month in (1, 2, 3):
        KpiTargetFactory(account=april_account, kpi=kpi("margin"), period_kind="month", period_index=month, value=30)
    assert kpi_target(account=april_account, kpi=kpi("margin"), period=Q1) is None


@pytest.mark.parametrize(("target", "status"), [(780, "on_track"), (900, "at_risk"), (1000, "off_track")])
def test_status_against_target_uses_the_thresholds(april_account, orders, target, status):
    KpiTargetFactory(account=april_account, period_kind="quarter", period_index=1, value=target)
    value = kpi_status(account=april_account, kpi=kpi("revenue"), period=Q1, as_of=AFTER)
    assert value.actual == 750
    assert value.status == status  # 750 ÷ 780 = 96 %, ÷ 900 = 83 %, ÷ 1,000 = 75 %


def test_admin_thresholds_change_the_status(april_account, orders):
    revenue = kpi("revenue")
    revenue.on_track_percent, revenue.at_risk_percent = 70, 50
    revenue.save()
    KpiTargetFactory(account=april_account, period_kind="quarter", period_index=1, value=1000)
    assert kpi_status(account=april_account, kpi=revenue, period=Q1, as_of=AFTER).status == KpiStatus.ON_TRACK


def test_status_while_the_period_runs_compares_with_the_target_to_date(april_account, orders):
    KpiTargetFactory(account=april_account, period_kind="quarter", period_index=1, value=910)
    # 15 May is day 45 of 91: 450 is due; 250 booked by then → 55.6 % → off track.
    value = kpi_status(account=april_account, kpi=kpi("revenue"), period=Q1, as_of=D(2025, 5, 15))
    assert value.expected == 450
    assert value.actual == 250
    assert value.status == KpiStatus.OFF_TRACK


def test_rates_are_compared_with_the_full_target_while_the_period_runs(april_account, orders):
    KpiTargetFactory(account=april_account, kpi=kpi("margin"), period_kind="quarter", period_index=1, value=25)
    value = kpi_status(account=april_account, kpi=kpi("margin"), period=Q1, as_of=D(2025, 5, 15))
    assert value.expected == 25
    assert value.status == KpiStatus.ON_TRACK  # by 15 May: 70 profit on 250 revenue = 28 %


def test_status_without_target_or_without_data(april_account, orders):
    assert kpi_status(account=april_account, kpi=kpi("revenue"), period=Q1, as_of=AFTER).status == KpiStatus.NO_TARGET
    KpiTargetFactory(account=april_account, kpi=kpi("nps"), period_kind="quarter", period_index=1, value=30)
    assert kpi_status(account=april_account, kpi=kpi("nps"), period=Q1, as_of=AFTER).status == KpiStatus.NO_DATA


def test_lower_is_better_kpi_is_on_track_below_its_target(april_account):
    complaints = ManualKpiFactory(code="complaints", direction="lower", rollup="sum")
    KpiTargetFactory(account=april_account, kpi=complaints, period_kind="quarter", period_index=1, value=10)
    ManualActualFactory(account=april_account, kpi=complaints, period_kind="quarter", period_index=1, value=8)
    assert kpi_status(account=april_account, kpi=complaints, period=Q1, as_of=AFTER).status == KpiStatus.ON_TRACK
    ManualActualFactory(account=april_account, kpi=complaints, period_kind="quarter", period_index=2, value=12)
    q2 = Period(PeriodKind.QUARTER, 2025, 2, 4)
    KpiTargetFactory(account=april_account, kpi=complaints, period_kind="quarter", period_index=2, value=10)
    assert kpi_status(account=april_account, kpi=complaints, period=q2, as_of=AFTER).status == KpiStatus.AT_RISK


def test_negative_target_is_met_or_missed(april_account):
    KpiTargetFactory(account=april_account, kpi=kpi("nps"), period_kind="quarter", period_index=1, value=-10)
    NpsResponseFactory(account=april_account, score=8, responded_on=D(2025, 5, 1))
    assert kpi_status(account=april_account, kpi=kpi("nps"), period=Q1, as_of=AFTER).status == KpiStatus.ON_TRACK


def test_manual_kpi_rolls_up_its_months(april_account):
    visits = ManualKpiFactory(code="visits", rollup="sum")
    satisfaction = ManualKpiFactory(code="csat", rollup="average", unit="percent")
    for month, value in ((1, 4), (2, 6), (3, 11)):
        ManualActualFactory(account=april_account, kpi=visits, period_kind="month", period_index=month, value=value)
        ManualActualFactory(account=april_account, kpi=satisfaction, period_kind="month", period_index=month,
                            value=value * 10)
    assert actual(april_account, "visits") == 21
    assert actual(april_account, "csat") == 70


def test_manual_actual_of_the_period_itself_wins_over_its_months(april_account):
    visits = ManualKpiFactory(code="visits", rollup="sum")
    ManualActualFactory(account=april_account, kpi=visits, period_kind="month", period_index=1, value=4)
    ManualActualFactory(account=april_account, kpi=visits, period_kind="quarter", period_index=1, value=30)
    assert actual(april_account, "visits") == 30


def test_other_accounts_data_does_not_leak_in(april_account, orders, offerings):
    other = AccountFactory(fiscal_year_start_month=4)
    OrderFactory(account=other, offering=offerings["A"], ordered_on=D(2025, 5, 1), amount=10_000)
    NpsResponseFactory(account=other, score=0, responded_on=D(2025, 5, 1))
    assert actual(april_account, "revenue") == 750


def test_period_in_another_calendar_is_read_in_the_accounts_own(april_account, orders):
    calendar_q1 = Period(PeriodKind.QUARTER, 2025, 1, 1)  # Jan–Mar in a January calendar
    assert actual(april_account, "revenue", calendar_q1) == 750  # read as the account's Q1: April–June


def test_catalogue_defines_repurchase_by_repeat_orders_and_keeps_an_admins_wording():
    import importlib

    from django.apps import apps

    from performance.models import KpiDefinition

    migration = importlib.import_module("performance.migrations.0006_repurchase_rate_counts_repeat_orders")
    assert "share that are repeat purchases" in kpi("repurchase_count").formula
    assert "재구매" in kpi("repurchase_count").formula_ko
    KpiDefinition.objects.filter(code="repurchase_amount").update(formula="Our own wording")
    migration.backwards(apps, None)
    assert kpi("repurchase_count").formula == migration.OLD["repurchase_count"][0]
    assert kpi("repurchase_amount").formula == "Our own wording"
    migration.forwards(apps, None)
    assert kpi("repurchase_count").formula == migration.NEW["repurchase_count"][0]


def test_revenue_profit_and_margin_read_revenue_lines_while_orders_and_up_sell_read_order_intake(offerings):
    """FY2025 Q1 (Apr–Jun 2025), fiscal year from April. Orders signed: Feb 2025 one of 300 (FY2024 Q4);
    Apr 2025 two, 1,200 (A) and 600 (B). Revenue recognised: Apr, May, Jun 100 each (cost 60), Jul 500.
    Revenue 300, profit 300 − 180 = 120, margin 40 %; orders 2; up-sell (900 ÷ 300 − 1) × 100 = 200 %;
    cross-selling 2 offerings ordered."""
    from tests.factories import RevenueLineFactory

    account = AccountFactory(fiscal_year_start_month=4)
    for offering, day, value in (("C", D(2025, 2, 10), 300), ("A", D(2025, 4, 2), 1200), ("B", D(2025, 4, 30), 600)):
        OrderFactory(account=account, offering=offerings[offering], ordered_on=day, amount=value, cost=0,
                     with_revenue=False)
    for month, value in ((4, 100), (5, 100), (6, 100), (7, 500)):
        RevenueLineFactory(account=account, month=D(2025, month, 1), amount=value, cost=60)

    assert actual(account, "revenue") == 300
    assert actual(account, "profit") == 120
    assert actual(account, "margin") == 40
    assert actual(account, "orders") == 2
    assert actual(account, "order_intake") == 1800  # 1,200 + 600 signed, whatever revenue they make
    assert actual(account, "up_sell") == 200
    assert actual(account, "cross_sell") == 2
    # A month's revenue is its lines' sum, whenever the orders were signed.
    assert actual(account, "revenue", period=Period(PeriodKind.MONTH, 2025, 4, 4)) == 500  # July = month 4


def test_the_catalogue_says_revenue_and_profit_read_revenue_lines():
    """performance 0008 rewords the shipped definitions (an admin's own wording would stay)."""
    assert "revenue lines" in kpi("revenue").formula and "매출 내역" in kpi("revenue").formula_ko
    assert kpi("profit").formula == "Revenue less the cost of the same revenue lines."
    assert "수주" in kpi("orders").formula_ko


def test_the_catalogue_has_order_intake_as_an_amount_beside_the_orders_count():
    """performance 0010: 수주액 is a money KPI on the weekly dashboard; the count says what it is."""
    intake, orders = kpi("order_intake"), kpi("orders")
    assert (intake.name, intake.name_ko, intake.unit, intake.rollup, intake.direction, intake.source) == (
        "Order intake", "수주액", "money", "sum", "higher", "computed"
    )
    assert intake.show_on_dashboard and intake.applies_to_sales and not intake.applies_to_operations
    assert (orders.name, orders.name_ko, orders.unit) == ("Orders signed", "수주 건수", "count")
    assert orders.sort_order < intake.sort_order < kpi("revenue").sort_order
