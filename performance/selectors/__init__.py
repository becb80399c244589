"""Reads of KPIs, by concern: the KPI engine (actuals computed in the database, targets, statuses),
the KPI catalogue, the weekly dashboard, one account's dashboard, and the records an account's team
enters by hand. Inside `performance` import from the concern module; other apps may import from here.
"""

from performance.selectors.account_dashboard import SHOWN_PERIODS, AccountDashboard, account_dashboard
from performance.selectors.catalogue import (
    KPI_NAMES_CACHE_KEY,
    kpi_catalogue_names,
    kpi_catalogue_names_clear,
    kpis_for_team,
)
from performance.selectors.kpi_engine import (
    ALL_START_MONTHS,
    FACT_QUERIES,
    REVENUE,
    KpiTable,
    SlotPlan,
    kpi_actual,
    kpi_status,
    kpi_target,
    kpi_values,
)
from performance.selectors.records import manual_actuals_for_account, nps_responses_for_account
from performance.selectors.weekly_dashboard import (
    DASHBOARD_PAGE_SIZE,
    STATUS_RANK,
    DashboardFilters,
    Mover,
    Pareto,
    ParetoRow,
    SnapshotDays,
    Sort,
    dashboard_accounts,
    dashboard_kpis,
    dashboard_portfolio,
    pareto,
    snapshot_days,
    status_grid,
    tier_funnel,
    week_movers,
)

__all__ = [
    "ALL_START_MONTHS",
    "DASHBOARD_PAGE_SIZE",
    "FACT_QUERIES",
    "KPI_NAMES_CACHE_KEY",
    "REVENUE",
    "SHOWN_PERIODS",
    "STATUS_RANK",
    "AccountDashboard",
    "DashboardFilters",
    "KpiTable",
    "Mover",
    "Pareto",
    "ParetoRow",
    "SlotPlan",
    "SnapshotDays",
    "Sort",
    "account_dashboard",
    "dashboard_accounts",
    "dashboard_kpis",
    "dashboard_portfolio",
    "kpi_actual",
    "kpi_catalogue_names",
    "kpi_catalogue_names_clear",
    "kpi_status",
    "kpi_target",
    "kpi_values",
    "kpis_for_team",
    "manual_actuals_for_account",
    "nps_responses_for_account",
    "pareto",
    "snapshot_days",
    "status_grid",
    "tier_funnel",
    "week_movers",
]
