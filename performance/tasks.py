"""Thin Celery tasks over performance services: they take ids or nothing, and are safe to run twice."""

import logging

from celery import shared_task
from django.db import DatabaseError

from performance.services import dashboard_warm, kpi_snapshot_refresh

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def refresh_kpi_snapshots(account_ids: list[int] | None = None) -> int:
    """Recompute today's KPI snapshots (actual, target, status) of every account, or of the given ones."""
    count = kpi_snapshot_refresh(account_ids=account_ids)
    logger.info("Wrote %d KPI snapshot rows", count)
    dashboard_warm()
    return count
