"""Step 4's targets: the rules a KPI's month, quarter, half-year and year targets obey.

Targets are performance.KpiTarget rows of the account and the plan's fiscal year. The year
and the four quarters are entered; for KPIs that add up over time the quarters must sum to
the year, and months (optional) to their quarter. Half-years follow from their quarters.
Pure functions: no database.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from performance.models import KpiDefinition
from performance.periods import PeriodKind


@dataclass
class TargetInput:
    """One KPI's targets for the year as entered (None where left empty)."""

    chosen: bool = False
    year: Decimal | None = None
    quarters: list[Decimal | None] = field(default_factory=lambda: [None] * 4)
    months: list[Decimal | None] = field(default_factory=lambda: [None] * 12)
    # The mid/long-term (3-year) targets: the year targets of the two fiscal years after the plan's.
    later_years: list[Decimal | None] = field(default_factory=lambda: [None] * 2)

    def halves(self, kpi: KpiDefinition) -> list[Decimal | None]:
        """H1 and H2 from their quarters: the sum for KPIs that add up, the mean for levels and rates."""
        result = []
        for first, second in ((0, 1), (2, 3)):
            a, b = self.quarters[first], self.quarters[second]
            if a is None or b is None:
                result.append(None)
            else:
                result.append(a + b if kpi.is_cumulative else (a + b) / 2)
        return result

    def values(self, kpi: KpiDefinition) -> dict[tuple[str, int], Decimal | None]:
        """Every period's value keyed by (period kind, index), the halves derived."""
        values: dict[tuple[str, int], Decimal | None] = {(PeriodKind.YEAR, 1): self.year}
        values.update({(PeriodKind.QUARTER, i + 1): v for i, v in enumerate(self.quarters)})
        values.update({(PeriodKind.HALF, i + 1): v for i, v in enumerate(self.halves(kpi))})
        values.update({(PeriodKind.MONTH, i + 1): v for i, v in enumerate(self.months)})
        return values


def number(value: Decimal | None) -> str:
    """A target as people write it: no trailing zeros, thousands separators."""
    if value is None:
        return "–"
    normal = value.normalize()
    return f"{normal:,f}" if normal == normal.to_integral() else f"{normal:,}"


def target_problems(kpi: KpiDefinition, target: TargetInput) -> list[str]:
    """What is wrong with a chosen KPI's targets, each problem a sentence naming the KPI."""
    name = kpi.display_name
    problems = []
    if target.year is None:
        problems.append(_("%(kpi)s: give the target for the year.") % {"kpi": name})
    if kpi.unit == KpiDefinition.Unit.COUNT:
        entered = [v for v in (target.year, *target.quarters, *target.months, *target.later_years) if v is not None]
        if any(v < 0 for v in entered):
            problems.append(_("%(kpi)s: a count cannot be negative.") % {"kpi": name})
    if not kpi.is_cumulative:
        return problems
    if any(q is None for q in target.quarters):
        problems.append(_("%(kpi)s: give a target for each quarter.") % {"kpi": name})
    elif target.year is not None and sum(target.quarters) != target.year:
        problems.append(
            _("%(kpi)s: the quarters add up to %(sum)s, not to the year's %(year)s.")
            % {"kpi": name, "sum": number(sum(target.quarters)), "year": number(target.year)}
        )
    for quarter in range(4):
        months = target.months[quarter * 3 : quarter * 3 + 3]
        given = [m for m in months if m is not None]
        if not given:
            continue
        if len(given) < 3:
            problems.append(_("%(kpi)s, Q%(q)s: give all three months or none.") % {"kpi": name, "q": quarter + 1})
        elif target.quarters[quarter] is not None and sum(given) != target.quarters[quarter]:
            problems.append(
                _("%(kpi)s, Q%(q)s: the months add up to %(sum)s, not to the quarter's %(quarter)s.")
                % {"kpi": name, "q": quarter + 1, "sum": number(sum(given)), "quarter": number(target.quarters[quarter])}
            )
    return problems


def inputs_from_rows(rows, fiscal_year: int | None = None) -> dict[int, TargetInput]:
    """Stored KpiTarget rows (of one account) as TargetInputs keyed by KPI id.

    With `fiscal_year`, rows of that year fill the year, quarters and months, and the year rows of
    the two years after it the 3-year targets; without it every row is taken as the plan year's.
    """
    inputs: dict[int, TargetInput] = {}
    for row in rows:
        target = inputs.setdefault(row.kpi_id, TargetInput(chosen=True))
        later = None if fiscal_year is None else row.fiscal_year - fiscal_year
        if later in (1, 2):
            if row.period_kind == PeriodKind.YEAR:
                target.later_years[later - 1] = row.value
            continue
        if row.period_kind == PeriodKind.YEAR:
            target.year = row.value
        elif row.period_kind == PeriodKind.QUARTER:
            target.quarters[row.period_index - 1] = row.value
        elif row.period_kind == PeriodKind.MONTH:
            target.months[row.period_index - 1] = row.value
    return inputs
