"""Benchmark of the daily sweep: 10,000 approved plans on PostgreSQL, time and query count.

    .venv/bin/python bench/sweep.py [--plans 10000]

Creates a separate database (kam_bench_sweep), migrates it, writes N accounts with one KAM,
a few orders each and an approved plan with the revenue and profit KPIs, then runs the sweep
as of the day after the first fiscal quarter (N reviews to create) and again (0 to create),
and as of the day after the year (the catch-up of the three other quarters). Drops the
database afterwards. Target from the issue: under 10 s, queries not growing with the plans.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("KAM_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "kam_bench_sweep"
os.environ["DATABASE_URL"] = f"{SERVER}/{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings.dev")
os.environ.setdefault("DEBUG", "0")
TARGET_SECONDS = 10
YEAR = 2025


def _admin(sql: str) -> None:
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", sql], check=True)


def _seed(count: int) -> None:
    from accounts.models import Account, AccountTeamMember, BusinessUnit, Offering, User
    from accounts.models import Order, RevenueLine
    from demo.running_plans import running_plans_create

    unit = BusinessUnit.objects.create(name="Bench vertical", kind=BusinessUnit.Kind.VERTICAL)
    kam = User.objects.create_user(username="bench-kam", email="kam@example.com")
    product_unit = BusinessUnit.objects.create(name="Bench product line", kind=BusinessUnit.Kind.HORIZONTAL)
    offering = Offering.objects.create(name="Bench offering", kind=Offering.Kind.PRODUCT, owner_unit=product_unit)
    accounts = Account.objects.bulk_create(
        [Account(name=f"Bench account {n:05d}", vertical_unit=unit, fiscal_year_start_month=1) for n in range(count)],
        batch_size=2000,
    )
    AccountTeamMember.objects.bulk_create(
        [AccountTeamMember(account=a, user=kam, role=AccountTeamMember.Role.KAM) for a in accounts], batch_size=2000
    )
    orders = Order.objects.bulk_create(
        [Order(account=a, offering=offering, ordered_on=datetime.date(YEAR, month, 15), amount=Decimal(1_000_000 * month),
               cost=Decimal(600_000 * month), reference=f"B-{a.pk}-{month}")
         for a in accounts for month in (2, 5, 8, 11)],
        batch_size=5000,
    )
    # Each order's revenue in its own month, as accounts 0017 made for orders before revenue lines.
    RevenueLine.objects.bulk_create(
        [RevenueLine(account_id=o.account_id, order=o, reference=o.reference, month=o.ordered_on.replace(day=1),
                     amount=o.amount, cost=o.cost) for o in orders],
        batch_size=5000,
    )
    running_plans_create(fiscal_year=YEAR)


def _timed(as_of: datetime.date):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from planning.sweep import sweep_run

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if os.environ.get("KAM_BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            result = profile.runcall(sweep_run, as_of=as_of)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        else:
            result = sweep_run(as_of=as_of)
        elapsed = time.perf_counter() - started
    if os.environ.get("KAM_BENCH_SLOW"):
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"  {float(query['time']):6.2f} s  {query['sql'][:300]}")
    return result, elapsed, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=10_000)
    args = parser.parse_args()

    _admin(f"DROP DATABASE IF EXISTS {DB}")
    _admin(f"CREATE DATABASE {DB}")
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from django.urls import reverse

        reverse("accounts:home")  # load the URLconf once, as a running worker has it loaded
        started = time.perf_counter()
        _seed(args.plans)
        print(f"seeded {args.plans} accounts and approved plans in {time.perf_counter() - started:.1f} s")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have done on a database in use

        from planning.models import QuarterlyReview

        rows = []
        for label, as_of in (
            ("after Q1 (first run)", datetime.date(YEAR, 4, 2)),
            ("after Q1 (second run)", datetime.date(YEAR, 4, 2)),
            ("after the year (catch-up of Q2-Q4)", datetime.date(YEAR + 1, 1, 2)),
            ("after the year (second run)", datetime.date(YEAR + 1, 1, 2)),
        ):
            result, elapsed, queries = _timed(as_of)
            rows.append((label, result.reviews_created, result.notifications_created, elapsed, queries))
        print(f"\nsweep over {args.plans} approved plans (PostgreSQL)")
        print(f"{'run':38} {'reviews':>8} {'notices':>8} {'seconds':>8} {'queries':>8}")
        for label, reviews, notices, elapsed, queries in rows:
            print(f"{label:38} {reviews:>8} {notices:>8} {elapsed:>8.2f} {queries:>8}")
        total = QuarterlyReview.objects.count()
        print(f"reviews in the database: {total} (expected {4 * args.plans})")
        # The target is the daily case (one quarter's reviews for every plan); the catch-up of three
        # quarters at once is reported, not held to it.
        ok = total == 4 * args.plans and rows[1][1] == 0 and rows[3][1] == 0 and rows[0][3] < TARGET_SECONDS
        print("target (daily sweep < 10 s, second runs create 0):", "met" if ok else "NOT met")
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        _admin(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    sys.exit(main())
