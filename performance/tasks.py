"""Thin Celery tasks over performance services: they take ids or nothing, and are safe to run twice."""

import logging

from celery import shared_task
from django.db import DatabaseError

from accounts.services import account_revenue_refresh
from performance.services import dashboard_warm, kpi_snapshot_refresh

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def refresh_kpi_snapshots(account_ids: list[int] | None = None) -> int:
    """Recompute today's KPI snapshots (actual, target, status) of every account, or of the given ones."""
    count = kpi_snapshot_refresh(account_ids=account_ids)
    logger.info("Wrote %d KPI snapshot rows", count)
    dashboard_warm()
    return count


# Here, beside the dashboard it warms, so no task import circle crosses an app (it was accounts/tasks.py).
# The registered name stays the old one: the beat schedule and messages already queued keep working.
@shared_task(
    name="accounts.tasks.refresh_account_revenue",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def refresh_account_revenue() -> int:
    """Recompute trailing-12-month revenue, profit and Pareto class of every account, then warm the dashboard."""
    count = account_revenue_refresh()
    logger.info("Refreshed revenue and Pareto class of %d accounts", count)
    dashboard_warm()
    return count
