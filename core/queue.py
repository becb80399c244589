"""Talking to the broker from a web request: send a task with one try (`enqueue`), check the broker (`broker_status`)."""

import logging
import os
from pathlib import Path

from kombu import Connection

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


def broker_status(app) -> tuple[bool, str]:
    """Connect to the broker with a short timeout and one try, so the page never waits long."""
    conf = app.conf
    if conf.broker_url.startswith("filesystem://"):
        folder = Path(conf.broker_transport_options["data_folder_out"])
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            return False, f"broker folder {folder} is missing or not writable"
        return True, "ok (embedded filesystem broker)"
    try:
        with Connection(conf.broker_url, transport_options=conf.broker_transport_options, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable", reported as text
        return False, exc.__class__.__name__
    return True, "ok"
