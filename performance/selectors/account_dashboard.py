"""One account's KPI dashboard: target vs actual over the periods of a fiscal year, and orders by offering."""

import datetime
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import Account, Order
from performance.kpis import KpiValue
from performance.models import KpiDefinition
from performance.periods import PERIODS_PER_YEAR, Period, PeriodKind

from performance.selectors.catalogue import kpis_for_team
from performance.selectors.kpi_engine import KpiTable, SlotPlan, kpi_values


# How many periods of each kind the account dashboard shows, ending with the chosen fiscal year.
SHOWN_PERIODS = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 8, PeriodKind.HALF: 4, PeriodKind.YEAR: 3}


@dataclass
class AccountDashboard:
    account: Account
    kind: str
    fiscal_year: int
    as_of: datetime.date
    periods: list[Period]
    kpis: list[KpiDefinition]
    table: KpiTable
    offerings: list[dict]

    def value(self, code: str, index: int) -> KpiValue | None:
        """The value of a KPI in the `index`-th shown period."""
        return self.table.get(self.account.pk, code, index + 1)

    def rows(self) -> list[tuple[KpiDefinition, list[KpiValue | None]]]:
        return [(kpi, [self.value(kpi.code, i) for i in range(len(self.periods))]) for kpi in self.kpis]

    @cached_property
    def current_index(self) -> int | None:
        """The shown period that contains `as_of`, if any (the template asks in every cell)."""
        return next((i for i, period in enumerate(self.periods) if period.contains(self.as_of)), None)


def account_dashboard(
    *, account: Account, kind: str, fiscal_year: int, as_of: datetime.date | None = None
) -> AccountDashboard:
    """KPIs of one account over the periods of `kind` that end with fiscal year `fiscal_year`.

    Months show that fiscal year; quarters and halves that year and the one before; years the
    last three. One query per data source, one for targets, one for manual actuals (when the
    catalogue has manual KPIs), one for the KPI list and one for orders by offering.
    """
    as_of = as_of or timezone.localdate()
    month = account.fiscal_year_start_month
    last = Period(kind, fiscal_year, PERIODS_PER_YEAR[kind], month)
    periods = [last.shifted(-steps) for steps in range(SHOWN_PERIODS[kind], -1, -1)]  # plus one before, as a base
    plan = SlotPlan.for_periods(start_month=month, periods=periods, as_of=as_of)
    kpis = kpis_for_team(account.team_type)
    table = kpi_values(
        kpis=kpis, plan=plan, account_months={account.pk: month}, slots=range(1, len(periods))
    )
    year = Period(PeriodKind.YEAR, fiscal_year, 1, month)
    offerings = list(
        Order.objects.filter(account=account, ordered_on__gte=year.start, ordered_on__lte=min(year.end, as_of))
        .values("offering_id", "offering__name")
        .annotate(orders=Count("id"), amount=Sum("amount"))
        .order_by("-amount", "offering__name")
    )
    total = sum((row["amount"] for row in offerings), Decimal(0))
    for row in offerings:
        row["share"] = row["amount"] / total * 100 if total else None
    return AccountDashboard(
        account=account,
        kind=kind,
        fiscal_year=fiscal_year,
        as_of=as_of,
        periods=periods[1:],
        kpis=kpis,
        table=table,
        offerings=offerings,
    )
