"""`make run`'s embedded Celery: a worker with beat on Kombu's filesystem transport runs the schedule.

Runs the real processes against a throw-away SQLite file, as `make run` does, with no server.
"""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)


def test_embedded_beat_and_worker_refresh_revenue_without_any_server(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kam.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        KAM_VAR_DIR=str(tmp_path),
        KAM_REVENUE_REFRESH_SECONDS="5",
    )
    manage(env, "migrate", "--noinput")
    manage(
        env,
        "shell",
        "-c",
        "from tests.factories import AccountFactory, OrderFactory; OrderFactory(account=AccountFactory(), amount=5000, cost=1000)",
    )
    (tmp_path / "celery" / "broker").mkdir(parents=True)
    (tmp_path / "celery" / "processed").mkdir(parents=True)
    (tmp_path / "celery" / "control").mkdir(parents=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kam", "worker", "-B", "--concurrency=1", "--loglevel=INFO",
         f"--schedule={tmp_path / 'celery' / 'beat-schedule'}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        revenue = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            with sqlite3.connect(database) as db:
                revenue = db.execute(
                    "SELECT revenue_ttm, pareto_class FROM accounts_account WHERE revenue_refreshed_at IS NOT NULL"
                ).fetchone()
            if revenue:
                break
            time.sleep(1)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert revenue is not None, output[-3000:]
    assert int(revenue[0]) == 5000 and revenue[1] == "A"
    assert "Sending due task refresh-account-revenue" in output
