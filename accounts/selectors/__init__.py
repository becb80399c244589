"""Reads of accounts, by concern: `visibility` (`accounts_visible_to` is the one door through which any view
reaches accounts), `lists` (the account lists and the Pareto ranking), `account360` (the account page's
summary, risks and customer experience), `org` (org chart, relationship map) and `commerce` (opportunities,
whitespace, pricing). Callers in other apps import from here."""

from .visibility import accounts_visible_to, visible_q, visible_rows, account_get_for_user, account_kam_id
from .lists import (
    account_list_for_user,
    open_pipeline_attach,
    PARETO_PAGE_SIZE,
    PARETO_CHART_ROWS,
    pareto_rows_for_user,
)
from .account360 import (
    STALE_AFTER_DAYS,
    KEY_CONTACT,
    MONEY,
    account_team,
    open_pipeline_by_tier,
    account_risks,
    account_summary,
    HEALTH_WEIGHTS,
    ENGAGEMENT_WINDOW_DAYS,
    ENGAGEMENT_TARGET,
    OPEN_INCIDENTS_LIMIT,
    key_contacts_on,
    retention_health,
    retention_health_on,
    customer_activities,
    open_risks,
    open_risks_and_closed_since,
    recently_closed_risks,
    lifecycle_changes,
)
from .org import (
    OrgNode,
    org_units_in_tree_order,
    org_chart,
    org_changes_since,
    counterpart_level,
    is_level_matched,
    relationship_map,
)
from .commerce import opportunity_board, offerings_for_filter, whitespace_grid, pricing_overview

# The write rules are written in accounts.permissions; importable from here too, next to the read rules.
from accounts.permissions import accounts_editable_by, accounts_not_editable_by, user_can_edit_account  # noqa: E402

__all__ = [
    "accounts_visible_to",
    "visible_q",
    "visible_rows",
    "account_get_for_user",
    "account_kam_id",
    "account_list_for_user",
    "open_pipeline_attach",
    "PARETO_PAGE_SIZE",
    "PARETO_CHART_ROWS",
    "pareto_rows_for_user",
    "STALE_AFTER_DAYS",
    "KEY_CONTACT",
    "MONEY",
    "account_team",
    "open_pipeline_by_tier",
    "account_risks",
    "account_summary",
    "HEALTH_WEIGHTS",
    "ENGAGEMENT_WINDOW_DAYS",
    "ENGAGEMENT_TARGET",
    "OPEN_INCIDENTS_LIMIT",
    "key_contacts_on",
    "retention_health",
    "retention_health_on",
    "customer_activities",
    "open_risks",
    "open_risks_and_closed_since",
    "recently_closed_risks",
    "lifecycle_changes",
    "OrgNode",
    "org_units_in_tree_order",
    "org_chart",
    "org_changes_since",
    "counterpart_level",
    "is_level_matched",
    "relationship_map",
    "opportunity_board",
    "offerings_for_filter",
    "whitespace_grid",
    "pricing_overview",
    "accounts_editable_by",
    "accounts_not_editable_by",
    "user_can_edit_account",
]
