"""Views that belong to the site rather than to one app."""

import os
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from kam.celery import app as celery_app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable", reported as text
        return False, exc.__class__.__name__
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    """Connect to the broker with a short timeout and one try, so the page never waits long."""
    conf = celery_app.conf
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


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status: 200 when both answer, 503 otherwise."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=200 if healthy else 503,
    )
