"""The Celery application, configured from Django settings (namespace CELERY)."""

import logging
import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

# `filesystem://` (the embedded broker of `make run`) writes whole messages only: see kam/broker.py.
TRANSPORT_ALIASES["filesystem"] = "kam.broker:Transport"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings.dev")

app = Celery("kam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Send a task from a web request without waiting on the broker: one try, errors logged, never raised.

    The scheduled tasks recompute everything on their next run, so a message lost while the
    broker is down only delays the result; a page must not hang or fail because of it.
    """
    options = {**(task.app.conf.broker_transport_options or {}), "max_retries": 0}
    try:
        with task.app.connection_for_write(transport_options=options) as conn:
            task.apply_async(args=args, kwargs=kwargs, retry=False, connection=conn)
    except Exception:  # noqa: BLE001 - any broker failure: log it, the schedule catches up
        logger.warning("Broker unavailable: %s not sent, the schedule will catch up", task.name, exc_info=True)
        return False
    return True
