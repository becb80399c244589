"""Thin Celery tasks over accounts services: they take ids or nothing, and are safe to run twice."""

import logging

from celery import shared_task
from django.db import DatabaseError

from accounts.services import account_revenue_refresh

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def refresh_account_revenue() -> int:
    """Recompute trailing-12-month revenue, profit and Pareto class of every account."""
    count = account_revenue_refresh()
    logger.info("Refreshed revenue and Pareto class of %d accounts", count)
    from performance.services import dashboard_warm  # the dashboard sums revenue; performance imports accounts

    dashboard_warm()
    return count
