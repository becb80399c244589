"""Count tiles and small tables a higher app adds to the weekly dashboard, registered from its AppConfig.ready().

performance knows nothing of the apps above it: planning registers its "Account plans" tile (plans
by status) with `register_dashboard_panel`; the dashboard shows every registered panel that counts
something for the accounts in scope, each cached until a write to what it reads (`depends`). A panel
with a `table` is shown as a table card (its `empty` text when it has no rows) instead of a tile.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class PanelColumn:
    label: str
    format: str = "text"  # how the dashboard shows the column's values: text, money, percent, number or days


@dataclass(frozen=True)
class PanelTable:
    """A panel's table: rows whose first cell names the row, an optional totals row, and what to say with no rows."""

    columns: tuple[PanelColumn, ...]
    rows: list[tuple]
    totals: tuple | None = None
    empty: str = ""
    note: str = ""

    def cells(self) -> list[list[dict]]:
        return [[{"value": value, "format": column.format} for column, value in zip(self.columns, row, strict=True)]
                for row in self.rows]

    def total_cells(self) -> list[dict]:
        if self.totals is None:
            return []
        return [{"value": value, "format": column.format} for column, value in zip(self.columns, self.totals, strict=True)]


@dataclass(frozen=True)
class DashboardPanel:
    key: str  # unique; part of the cache key
    title: str  # shown above the counts (a lazy translation)
    # counts(accounts=QuerySet[Account]) -> {label: count}, empty ones left out
    counts: Callable[..., dict[str, int]] | None = None
    depends: tuple[str, ...] = ()  # the portfolio stamps (accounts.portfolio_cache) whose writes change the counts
    # items(accounts=QuerySet[Account]) -> [{"label", "url", "note"}]: a short list under the counts (optional)
    items: Callable[..., list[dict]] | None = None
    # table(accounts=QuerySet[Account]) -> PanelTable: the panel as a table card (optional)
    table: Callable[..., PanelTable] | None = None
    # content(accounts=QuerySet[Account]) -> {"counts": …, "items": …}: both from one reading of the data, for a
    # panel whose counts and list come from the same rows (instead of `counts` and `items`, optional)
    content: Callable[..., dict] | None = None


_PANELS: dict[str, DashboardPanel] = {}


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _PANELS[panel.key] = panel


def dashboard_panels() -> list[DashboardPanel]:
    return list(_PANELS.values())


def panel_counts(panel: DashboardPanel, *, accounts: QuerySet) -> dict[str, int]:
    if panel.content is not None:
        return panel.content(accounts=accounts).get("counts", {})
    return panel.counts(accounts=accounts) if panel.counts is not None else {}


def panel_content(panel: DashboardPanel, *, accounts: QuerySet) -> dict:
    """The panel's counts and, if it has them, its list and its table."""
    if panel.content is not None:
        return {"counts": {}, "items": [], "table": None, **panel.content(accounts=accounts)}
    return {
        "counts": panel_counts(panel, accounts=accounts),
        "items": panel.items(accounts=accounts) if panel.items is not None else [],
        "table": panel.table(accounts=accounts) if panel.table is not None else None,
    }
