"""Count tiles a higher app adds to the weekly dashboard, registered from its AppConfig.ready().

performance knows nothing of the apps above it: planning registers its "Account plans" tile (plans
by status) with `register_dashboard_panel`; the dashboard shows every registered panel that counts
something for the accounts in scope, each cached until a write to what it reads (`depends`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class DashboardPanel:
    key: str  # unique; part of the cache key
    title: str  # shown above the counts (a lazy translation)
    counts: Callable[..., dict[str, int]]  # counts(accounts=QuerySet[Account]) -> {label: count}, empty ones left out
    depends: tuple[str, ...] = ()  # the portfolio stamps (accounts.portfolio_cache) whose writes change the counts


_PANELS: dict[str, DashboardPanel] = {}


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _PANELS[panel.key] = panel


def dashboard_panels() -> list[DashboardPanel]:
    return list(_PANELS.values())


def panel_counts(panel: DashboardPanel, *, accounts: QuerySet) -> dict[str, int]:
    return panel.counts(accounts=accounts)
