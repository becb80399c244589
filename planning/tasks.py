"""Thin Celery tasks over the sweep and the plan's PDF: they take dates or ids, are safe to run twice, retry with backoff."""

import datetime
import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from planning.pdfs import plan_pdf_render
from planning.sweep import executive_digest_create, sweep_run

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (DatabaseError, BrokerError), "retry_backoff": True, "retry_backoff_max": 600, "max_retries": 5}


def _day(as_of: str | None) -> datetime.date:
    return datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()


@shared_task(**RETRY)
def daily_sweep(as_of: str | None = None) -> dict:
    """Quarterly reviews, year-end and reminders as of `as_of` (ISO date; default today)."""
    result = sweep_run(as_of=_day(as_of))
    logger.info("daily_sweep: %d reviews created, %d notifications", result.reviews_created, result.notifications_created)
    return {"reviews_created": result.reviews_created, "notifications_created": result.notifications_created}


@shared_task(**RETRY)
def weekly_executive_digest(as_of: str | None = None) -> int:
    """This week's digest for executives (once per executive and week)."""
    count = executive_digest_create(as_of=_day(as_of))
    logger.info("weekly_executive_digest: %d digests", count)
    return count


@shared_task(**RETRY)
def render_plan_pdf(pdf_id: int) -> str | None:
    """Render and store a plan's PDF (planning.pdfs); its status says ready or failed, for the page to show."""
    pdf = plan_pdf_render(pdf_id=pdf_id)
    return None if pdf is None else pdf.status
