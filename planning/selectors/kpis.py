"""The plan's KPIs and targets, and target against actual for reviews and the year's results."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone

from performance.models import KpiDefinition, KpiStatus, KpiTarget
from performance.periods import Period, PeriodKind
from performance.selectors import SlotPlan, kpi_values
from planning.models import (
    AccountPlan,
    PlanKpi,
)
from planning.targets import TargetInput, inputs_from_rows, target_problems


def plan_kpis(*, plan: AccountPlan) -> list[KpiDefinition]:
    """The KPIs the plan chose, in catalogue order."""
    return [row.kpi for row in PlanKpi.objects.filter(plan=plan).select_related("kpi").order_by("kpi__sort_order", "kpi__code")]


def plan_target_inputs(*, plan: AccountPlan, kpis: list[KpiDefinition]) -> dict[int, TargetInput]:
    """The account's targets for the plan's year for these KPIs, and the year targets of the two years
    after it (the 3-year targets), as entered values keyed by KPI id."""
    year = plan.fiscal_year
    rows = KpiTarget.objects.filter(account_id=plan.account_id, kpi__in=kpis).filter(
        Q(fiscal_year=year) | Q(fiscal_year__in=[year + 1, year + 2], period_kind=PeriodKind.YEAR)
    ).values_list(*TARGET_INPUT_FIELDS, named=True)
    return inputs_from_rows(rows, fiscal_year=year)


# What inputs_from_rows reads of a target row (step 4 reads some 200 rows: these values, not model instances).
TARGET_INPUT_FIELDS = ("kpi_id", "fiscal_year", "period_kind", "period_index", "value")


@dataclass(frozen=True)
class PlanTargets:
    """The KPIs the plan chose (catalogue order) and their entered targets, keyed by KPI id."""

    kpis: list[KpiDefinition]
    inputs: dict[int, TargetInput]


def plan_targets(*, plan: AccountPlan) -> PlanTargets:
    """The plan's chosen KPIs and targets in two queries: what the completeness rules and the snapshot read.

    Read once where both need them (submitting), so they see the same targets.
    """
    kpis = plan_kpis(plan=plan)
    return PlanTargets(kpis=kpis, inputs=plan_target_inputs(plan=plan, kpis=kpis))


def plan_target_facts(*, plan: AccountPlan, targets: PlanTargets | None = None) -> tuple[int, list[str]]:
    """How many KPIs the plan chose, and what is wrong with their targets."""
    targets = targets or plan_targets(plan=plan)
    problems = []
    for kpi in targets.kpis:
        problems += target_problems(kpi, targets.inputs.get(kpi.pk, TargetInput(chosen=True)))
    return len(targets.kpis), problems


def target_candidates(*, plan: AccountPlan, chosen: set[int] | None = None) -> list[KpiDefinition]:
    """The KPIs step 4 offers: the active ones for the account's team type, plus any already chosen (`chosen`,
    the chosen KPIs' ids, saves reading them when the caller has them)."""
    if chosen is None:
        chosen = set(PlanKpi.objects.filter(plan=plan).values_list("kpi_id", flat=True))
    team = f"applies_to_{plan.account.team_type}"
    return list(
        KpiDefinition.objects.filter(Q(is_active=True, **{team: True}) | Q(pk__in=chosen)).order_by("sort_order", "code")
    )


def target_grid(
    *, plan: AccountPlan
) -> tuple[list[KpiDefinition], dict[int, TargetInput], dict[int, TargetInput], PlanTargets]:
    """Step 4's targets form: the candidate KPIs, what the plan chose and entered, the account's other targets,
    and the plan's targets as `plan_targets` reads them (for the completeness checks of the same page).

    Targets of a KPI the plan has not chosen (set by imports, the API or the performance pages)
    are not the plan's: they come back apart, as context, and the form's cells stay empty.
    """
    # The candidates and which of them the plan chose, in one query.
    team = f"applies_to_{plan.account.team_type}"
    candidates = list(
        KpiDefinition.objects.annotate(chosen=Exists(PlanKpi.objects.filter(plan=plan, kpi_id=OuterRef("pk"))))
        .filter(Q(is_active=True, **{team: True}) | Q(chosen=True)).order_by("sort_order", "code")
    )
    chosen = {kpi.pk for kpi in candidates if kpi.chosen}
    stored = plan_target_inputs(plan=plan, kpis=candidates)
    inputs, others = {}, {}
    for kpi in candidates:
        if kpi.pk in chosen:
            inputs[kpi.pk] = stored.get(kpi.pk, TargetInput())
            inputs[kpi.pk].chosen = True
        else:
            inputs[kpi.pk] = TargetInput()
            if kpi.pk in stored:
                others[kpi.pk] = stored[kpi.pk]
    plan_kpis = [kpi for kpi in candidates if kpi.pk in chosen]
    targets = PlanTargets(kpis=plan_kpis, inputs={kpi.pk: stored[kpi.pk] for kpi in plan_kpis if kpi.pk in stored})
    return candidates, inputs, others, targets


def _json_number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def plan_target_rows(*, plan: AccountPlan, targets: PlanTargets | None = None) -> list[dict]:
    """The plan's targets per chosen KPI, as the snapshot, the meeting view and the exports show them: the plan
    year's by quarter, half, year and month, and the 3-year targets (`later_years`)."""
    targets = targets or plan_targets(plan=plan)
    kpis, inputs = targets.kpis, targets.inputs
    month_labels = [formats.date_format(plan.period(PeriodKind.MONTH, i).start, "M") for i in range(1, 13)]
    rows = []
    for kpi in kpis:
        target = inputs.get(kpi.pk, TargetInput(chosen=True))
        halves = target.halves(kpi)
        is_money = kpi.unit == KpiDefinition.Unit.MONEY
        share = None
        if is_money and plan.tam and target.year is not None:
            share = f"{target.year / plan.tam * 100:.1f}%"
        rows.append(
            {
                "key": kpi.code,
                "kpi": kpi.display_name,
                "unit": kpi.get_unit_display() if not is_money else plan.account.currency,
                "is_money": is_money,
                "periods": [
                    *({"label": f"Q{i + 1}", "value": _json_number(v)} for i, v in enumerate(target.quarters)),
                    *({"label": f"H{i + 1}", "value": _json_number(v)} for i, v in enumerate(halves)),
                    {"label": f"FY {plan.fiscal_year}", "value": _json_number(target.year)},
                ],
                "months": [
                    {"month": index, "label": label, "value": _json_number(v)}
                    for index, (label, v) in enumerate(zip(month_labels, target.months, strict=True), start=1)
                ],
                "tam_share": share,
                # The 3-year targets: the year targets of the two fiscal years after the plan's.
                "later_years": [
                    {"label": f"FY {plan.fiscal_year + offset}", "value": _json_number(v)}
                    for offset, v in enumerate(target.later_years, start=1)
                ],
            }
        )
    return rows


def review_kpi_rows(
    *, plan: AccountPlan, period: Period, as_of: datetime.date | None = None, year_to_date: bool = False
) -> list[dict]:
    """Target against actual for each KPI the plan chose, over one period of its year (as of today).

    With `year_to_date`, each row also holds the fiscal year to the period's end (`row["ytd"]`).
    """
    kpis = plan_kpis(plan=plan)
    if not kpis:
        return []
    today = as_of or timezone.localdate()
    slots = SlotPlan.for_periods(start_month=plan.start_month, periods=[period.previous(), period], as_of=today)
    table = kpi_values(kpis=kpis, plan=slots, account_months={plan.account_id: plan.start_month}, slots=[1])
    rows = [review_kpi_row(kpi=kpi, value=table.get(plan.account_id, kpi.code, 1)) for kpi in kpis]
    if year_to_date:
        ytd = _year_to_date_table(kpis, period, {plan.account_id: plan.start_month}, as_of=today)
        for row, kpi in zip(rows, kpis, strict=True):
            row["ytd"] = _ytd_part(review_kpi_row(kpi=kpi, value=ytd.get(plan.account_id, kpi.code, 1)))
    return rows


def _year_to_date_table(kpis: list[KpiDefinition], period: Period, account_months: dict[int, int], *, as_of: datetime.date):
    """KPI values over the fiscal year of `period`, counted up to the end of `period` (or `as_of` if earlier)."""
    year = Period(PeriodKind.YEAR, period.fiscal_year, 1, period.start_month)
    slots = SlotPlan.for_periods(start_month=period.start_month, periods=[year.previous(), year], as_of=min(as_of, period.end))
    return kpi_values(kpis=kpis, plan=slots, account_months=account_months, slots=[1])


def _ytd_part(row: dict) -> dict:
    return {key: row[key] for key in ("target", "expected", "actual", "status", "percent", "met")}


def review_year_to_date_rows(*, snapshot: list[dict]) -> list[dict]:
    """A review snapshot's year-to-date lines, shaped like its quarter lines (empty for older reviews)."""
    return [{"key": row.get("key"), "kpi": row["kpi"], "is_money": row["is_money"], **row["ytd"]} for row in snapshot if row.get("ytd")]


def review_kpi_rows_bulk(
    *, plans: list[AccountPlan], period: Period, kpis_by_plan: dict[int, list[KpiDefinition]], as_of: datetime.date
) -> dict[int, list[dict]]:
    """`review_kpi_rows(..., year_to_date=True)` for many plans sharing one fiscal calendar and period.

    Plans of the same account and year share the calendar by construction (the caller groups by
    start month, fiscal year and quarter), so the query count does not grow with the plans.
    """
    wanted = {kpi.pk: kpi for plan in plans for kpi in kpis_by_plan.get(plan.pk, ())}
    if not wanted:
        return {plan.pk: [] for plan in plans}
    slots = SlotPlan.for_periods(start_month=period.start_month, periods=[period.previous(), period], as_of=as_of)
    account_months = {plan.account_id: period.start_month for plan in plans}
    table = kpi_values(kpis=list(wanted.values()), plan=slots, account_months=account_months, slots=[1])
    ytd = _year_to_date_table(list(wanted.values()), period, account_months, as_of=as_of)
    rows = {}
    for plan in plans:
        rows[plan.pk] = []
        for kpi in kpis_by_plan.get(plan.pk, ()):
            row = review_kpi_row(kpi=kpi, value=table.get(plan.account_id, kpi.code, 1))
            row["ytd"] = _ytd_part(review_kpi_row(kpi=kpi, value=ytd.get(plan.account_id, kpi.code, 1)))
            rows[plan.pk].append(row)
    return rows


def review_kpi_row(*, kpi: KpiDefinition, value) -> dict:
    """One KPI's line of a review's snapshot, as JSON."""
    return {
        "key": kpi.code,
        "kpi": kpi.display_name,
        "is_money": kpi.unit == KpiDefinition.Unit.MONEY,
        "target": _json_number(value.target),
        "expected": _json_number(value.expected.quantize(Decimal("0.01")) if value.expected is not None else None),
        "actual": _json_number(value.actual.quantize(Decimal("0.01")) if value.actual is not None else None),
        "status": value.status,
        "percent": None if value.achievement is None else int(value.achievement.to_integral_value()),
        "met": None if value.target is None or value.actual is None else value.status == KpiStatus.ON_TRACK,
    }


def year_results(*, plan: AccountPlan) -> list[dict]:
    """The fiscal year's targets against actuals, KPI by KPI."""
    return review_kpi_rows(plan=plan, period=plan.period())


def unmet_targets(*, plan: AccountPlan) -> list[dict]:
    """The KPIs whose actual for the year fell short of the target."""
    return [row for row in year_results(plan=plan) if row.get("met") is False]
