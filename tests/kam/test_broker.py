"""A task sent through the real broker is executed by a real worker writing to the real database.

Runs in the PostgreSQL + Redis leg of CI (.ci/run sets CELERY_BROKER_URL and DATABASE_URL).
"""

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import AccountFactory, OrderFactory

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

QUEUE = f"kam-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("KAM_REQUIRE_BROKER") == "1":
        pytest.fail(reason + "; KAM_REQUIRE_BROKER=1 makes this a failure")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker or broker.startswith("filesystem"):
        _skip_or_fail("needs CELERY_BROKER_URL pointing at a real broker such as Redis")
    if connection.vendor != "postgresql":
        _skip_or_fail("needs DATABASE_URL pointing at PostgreSQL, which a worker process can share")
    # The worker writes to the database this test session created, not the configured one.
    parts = urlsplit(os.environ["DATABASE_URL"])
    test_db_url = urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))
    env = {**os.environ, "DATABASE_URL": test_db_url, "DJANGO_SETTINGS_MODULE": "kam.settings.test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kam", "worker", "--pool=solo", "-Q", QUEUE,
         "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output[-3000:])


def test_task_goes_through_redis_into_worker_and_writes_to_postgresql(worker):
    from performance.tasks import refresh_account_revenue
    from kam.celery import app

    account = AccountFactory()
    OrderFactory(account=account, amount=Decimal(4200), cost=Decimal(1000))
    assert app.conf.broker_url.startswith("redis://")

    app.conf.task_always_eager = False
    try:
        refresh_account_revenue.apply_async(queue=QUEUE)
    finally:
        app.conf.task_always_eager = True

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        account.refresh_from_db()
        if account.revenue_refreshed_at is not None:
            break
        assert worker.poll() is None, "the Celery worker exited"
        time.sleep(0.5)
    assert account.revenue_refreshed_at is not None, "the worker did not run the task within 60 s"
    assert account.revenue_ttm == Decimal(4200)
    assert account.profit_ttm == Decimal(3200)
