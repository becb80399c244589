"""Thin Celery task that e-mails notifications: safe to run twice (rows are claimed), retries with backoff."""

import logging
import smtplib

from celery import shared_task
from django.db import DatabaseError

from notifications.services import notifications_deliver

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(DatabaseError, smtplib.SMTPException, OSError), retry_backoff=True, retry_backoff_max=600, max_retries=5
)
def deliver_notifications() -> int:
    """E-mail the notifications not e-mailed yet."""
    count = notifications_deliver()
    logger.info("deliver_notifications: %d e-mails", count)
    return count
