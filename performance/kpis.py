"""How each computed KPI is derived from the aggregated facts of one account and period, and status rules.

`performance.selectors.kpi_engine` aggregates orders (order intake), revenue lines (revenue and cost),
NPS responses, time entries and opportunities in the database into one `Facts` per account and
period; the functions here turn those few
numbers into KPI values. Nothing here touches the database.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from performance.models import KpiDefinition, KpiStatus
from performance.periods import Period

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass
class Facts:
    """Everything the computed KPIs need about one account in one period, aggregated in the database."""

    # Order intake (수주): the orders signed in the period, their amount (수주액) and distinct offerings.
    orders: int = 0
    order_amount: Decimal = ZERO
    offerings: int = 0
    # Revenue (매출): the revenue lines recognised in the period's months, and their cost.
    revenue: Decimal = ZERO
    cost: Decimal = ZERO
    # Repurchase: this period's purchases (orders) and amount, and the part that repeats a purchase, an
    # order of an offering the account had already ordered on an earlier day.
    purchases: int = 0
    repeat_purchases: int = 0
    purchase_amount: Decimal = ZERO
    repeat_amount: Decimal = ZERO
    # NPS
    responses: int = 0
    promoters: int = 0
    detractors: int = 0
    # Time entries
    billable_hours: Decimal = ZERO
    non_billable_hours: Decimal = ZERO
    available_hours: Decimal = ZERO
    # Open opportunities expected to close in the period
    pipeline: Decimal = ZERO


@dataclass(frozen=True)
class Inputs:
    """What a calculator sees: this period's facts, the previous period's, and the revenue target."""

    period: Period
    as_of: datetime.date
    current: Facts
    previous: Facts | None
    revenue_target: Decimal | None


def _ratio(numerator: Decimal, denominator: Decimal, scale: Decimal = HUNDRED) -> Decimal | None:
    """numerator ÷ denominator × scale, or None when there is nothing to divide by (shown as '–')."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator) * scale


def _orders(i: Inputs) -> Decimal | None:
    return Decimal(i.current.orders)


def _order_intake(i: Inputs) -> Decimal | None:
    return Decimal(i.current.order_amount)


def _revenue(i: Inputs) -> Decimal | None:
    return Decimal(i.current.revenue)


def _profit(i: Inputs) -> Decimal | None:
    return Decimal(i.current.revenue) - Decimal(i.current.cost)


def _margin(i: Inputs) -> Decimal | None:
    return _ratio(Decimal(i.current.revenue) - Decimal(i.current.cost), i.current.revenue)


def _nps(i: Inputs) -> Decimal | None:
    return _ratio(i.current.promoters - i.current.detractors, i.current.responses)


def _repurchase_count(i: Inputs) -> Decimal | None:
    # How often the customer buys again: repeat orders ÷ orders (재구매율, 구매 횟수 기준).
    return _ratio(i.current.repeat_purchases, i.current.purchases)


def _repurchase_amount(i: Inputs) -> Decimal | None:
    # The same by amount: the amount of repeat orders ÷ the amount of all orders (금액 비중 기준).
    return _ratio(i.current.repeat_amount, i.current.purchase_amount)


def _cross_sell(i: Inputs) -> Decimal | None:
    return Decimal(i.current.offerings)


def _up_sell(i: Inputs) -> Decimal | None:
    # Average order value against the previous period's: (amount ÷ orders) ÷ (previous amount ÷ previous
    # orders) − 1, in one division to stay exact. Order intake, not revenue: a bigger order is an up-sell
    # whenever its revenue is recognised.
    if i.previous is None or not i.current.orders or not i.previous.orders or not i.previous.order_amount:
        return None
    growth = Decimal(i.current.order_amount) * i.previous.orders / (Decimal(i.previous.order_amount) * i.current.orders)
    return (growth - 1) * HUNDRED


def _pipeline_coverage(i: Inputs) -> Decimal | None:
    if i.period.end < i.as_of or not i.revenue_target or i.revenue_target <= 0:
        return None
    return Decimal(i.current.pipeline) / i.revenue_target


def _utilisation(i: Inputs) -> Decimal | None:
    return _ratio(i.current.billable_hours, i.current.available_hours)


def _deployment(i: Inputs) -> Decimal | None:
    return _ratio(Decimal(i.current.billable_hours) + Decimal(i.current.non_billable_hours), i.current.available_hours)


@dataclass(frozen=True)
class Calculator:
    sources: frozenset[str]
    compute: Callable[[Inputs], Decimal | None]
    # KPIs that look at a period that has not started yet (open pipeline) are computed for it;
    # the others have no actual before their period starts.
    future_periods: bool = False


ORDERS, REVENUE_LINES, REPURCHASE, NPS, TIME, PIPELINE = "orders", "revenue_lines", "repurchase", "nps", "time", "pipeline"

CALCULATORS: dict[str, Calculator] = {
    "orders": Calculator(frozenset({ORDERS}), _orders),
    "order_intake": Calculator(frozenset({ORDERS}), _order_intake),
    "revenue": Calculator(frozenset({REVENUE_LINES}), _revenue),
    "profit": Calculator(frozenset({REVENUE_LINES}), _profit),
    "margin": Calculator(frozenset({REVENUE_LINES}), _margin),
    "nps": Calculator(frozenset({NPS}), _nps),
    "repurchase_count": Calculator(frozenset({REPURCHASE}), _repurchase_count),
    "repurchase_amount": Calculator(frozenset({REPURCHASE}), _repurchase_amount),
    "cross_sell": Calculator(frozenset({ORDERS}), _cross_sell),
    "up_sell": Calculator(frozenset({ORDERS}), _up_sell),
    "pipeline_coverage": Calculator(frozenset({PIPELINE}), _pipeline_coverage, future_periods=True),
    "utilisation": Calculator(frozenset({TIME}), _utilisation),
    "deployment": Calculator(frozenset({TIME}), _deployment),
}


@dataclass(frozen=True)
class KpiValue:
    """A KPI's actual, target and status for one account and period."""

    actual: Decimal | None
    target: Decimal | None
    expected: Decimal | None
    status: str
    achievement: Decimal | None = None

    @property
    def status_label(self) -> str:
        return KpiStatus(self.status).label


def target_to_date(*, kpi: KpiDefinition, target: Decimal | None, period: Period, as_of: datetime.date) -> Decimal | None:
    """The share of the target due by `as_of`: pro-rated by days for KPIs that add up over time."""
    if target is None:
        return None
    if kpi.is_cumulative:
        return target * period.elapsed_fraction(as_of)
    return target


def achievement_percent(*, kpi: KpiDefinition, actual: Decimal, goal: Decimal) -> Decimal | None:
    """How far the actual meets the goal, in percent (100 = exactly on target); None when not a ratio."""
    if kpi.higher_is_better:
        return actual / goal * HUNDRED if goal > 0 else None
    if actual <= 0:
        return None
    return goal / actual * HUNDRED if goal > 0 else None


def kpi_status_of(
    *, kpi: KpiDefinition, actual: Decimal | None, target: Decimal | None, expected: Decimal | None
) -> tuple[str, Decimal | None]:
    """On track / at risk / off track against the admin's thresholds, plus the achievement in percent.

    The goal is the target to date (`expected`). Higher-is-better KPIs compare actual ÷ goal;
    lower-is-better ones goal ÷ actual. A goal of zero or below (a negative profit target, an
    NPS target of −10) has no meaningful ratio: meeting it is on track, missing it off track.
    """
    if target is None:
        return KpiStatus.NO_TARGET, None
    if actual is None:
        return KpiStatus.NO_DATA, None
    goal = target if expected is None else expected
    achievement = achievement_percent(kpi=kpi, actual=actual, goal=goal)
    if achievement is not None:
        achievement = achievement.quantize(Decimal("0.1"))
    if achievement is None:
        met = actual >= goal if kpi.higher_is_better else actual <= goal
        return (KpiStatus.ON_TRACK if met else KpiStatus.OFF_TRACK), None
    if achievement >= kpi.on_track_percent:
        return KpiStatus.ON_TRACK, achievement
    if achievement >= kpi.at_risk_percent:
        return KpiStatus.AT_RISK, achievement
    return KpiStatus.OFF_TRACK, achievement


def kpi_value_of(
    *, kpi: KpiDefinition, actual: Decimal | None, target: Decimal | None, period: Period, as_of: datetime.date
) -> KpiValue:
    expected = target_to_date(kpi=kpi, target=target, period=period, as_of=as_of)
    status, achievement = kpi_status_of(kpi=kpi, actual=actual, target=target, expected=expected)
    return KpiValue(actual=actual, target=target, expected=expected, status=status, achievement=achievement)
