"""Benchmark of the performance pages on a large data set: medians and query counts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kam_bench_perf \
        .venv/bin/python bench/performance_dashboards.py --accounts 2000

Seeds the database when it holds no accounts (or with --reseed): `seed_demo --accounts N`
(N accounts, three years of monthly orders; --dense-orders uses this script's generator,
about 490,000 orders at 2,000 accounts, then `seed_performance`); either way with targets, NPS
responses, time entries and today's and last week's KPI snapshots. Then requests each page in-process with
Django's test client and reports the server time (median, 90th percentile) and the number of
SQL queries. The budget from the issue: every dashboard under 300 ms and under 15 queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings.dev")
os.environ.setdefault("DEBUG", "0")

BUDGET_MS = 300
BUDGET_QUERIES = 15


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15, help="Timed requests per page (after two warm-ups).")
    parser.add_argument("--reseed", action="store_true", help="Replace the data even if accounts exist.")
    parser.add_argument("--output", help="Also write the report to this file.")
    parser.add_argument(
        "--dense-orders",
        action="store_true",
        help="Seed with this script's own generator (about 245 orders per account, ~490,000 at 2,000 accounts) "
        "instead of seed_demo.",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Account, AccountTeamMember, User
    from performance.models import KpiSnapshot, NpsResponse
    from accounts.models import Order
    from performance.services import kpi_snapshot_refresh

    call_command("migrate", verbosity=0)
    if args.reseed or not Account.objects.exists():
        started = time.monotonic()
        from django.core.management import get_commands

        if "seed_demo" in get_commands() and not args.dense_orders:
            call_command("seed_demo", accounts=args.accounts, flush=True)  # includes the performance demo
        else:
            seed_fallback(args.accounts)
            call_command("seed_performance")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give a live database
        print(f"Seeded in {time.monotonic() - started:.0f} s")
    elif not KpiSnapshot.objects.filter(as_of=timezone.localdate()).exists():
        call_command("seed_performance")

    lines = [
        f"Database: {connection.vendor} {connection.settings_dict.get('NAME')}",
        f"Data: {Account.objects.count():,} accounts, {Order.objects.count():,} orders, "
        f"{NpsResponse.objects.count():,} NPS responses, {KpiSnapshot.objects.count():,} KPI snapshot rows",
    ]

    executive = User.objects.filter(groups__name="Executive").order_by("pk").first()
    membership = (
        AccountTeamMember.objects.filter(role=AccountTeamMember.Role.KAM, user__groups__name="Account manager")
        .order_by("user_id").first()
    )
    manager = membership.user if membership else None
    largest = Account.objects.order_by("-revenue_ttm").first()
    vertical = largest.vertical_unit_id
    pages = [
        ("Weekly dashboard, executive (all accounts)", executive, reverse("performance:dashboard")),
        ("  … filtered by vertical unit", executive, reverse("performance:dashboard") + f"?vertical_unit={vertical}"),
        ("  … this fiscal year, sorted by revenue", executive, reverse("performance:dashboard") + "?period=year&sort=revenue"),
        ("  … page 40", executive, reverse("performance:dashboard") + "?page=40"),
        ("Weekly dashboard, account manager", manager, reverse("performance:dashboard")),
        ("Account dashboard, quarters (largest account)", executive, reverse("performance:account-kpis", args=[largest.pk])),
        ("  … months", executive, reverse("performance:account-kpis", args=[largest.pk]) + "?kind=month"),
        ("  … years", executive, reverse("performance:account-kpis", args=[largest.pk]) + "?kind=year"),
        ("NPS responses of the account", executive, reverse("performance:account-nps", args=[largest.pk])),
        ("KPI status export (CSV, all accounts)", executive, reverse("performance:dashboard") + "?export=status&format=csv"),
    ]
    lines.append("")
    lines.append(f"{'page':<50} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'queries':>8}  budget")
    failures = 0
    for label, user, url in pages:
        if user is None:
            lines.append(f"{label:<50} (no such user)")
            continue
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        timings, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
            queries = len(captured.captured_queries)
        timings.sort()
        median = statistics.median(timings)
        p90 = timings[int(len(timings) * 0.9) - 1] if len(timings) > 1 else timings[0]
        is_page = "export" not in url
        within = not is_page or (median < BUDGET_MS and queries < BUDGET_QUERIES)
        failures += 0 if within else 1
        verdict = "ok" if within else "OVER"
        if not is_page:
            verdict = "(download, no budget)"
        lines.append(f"{label:<50} {median:>10.1f} {p90:>8.1f} {timings[0]:>8.1f} {queries:>8}  {verdict}")

    # Last, so its writes (and the autovacuum they wake) do not disturb the page timings.
    started = time.perf_counter()
    rows = kpi_snapshot_refresh()
    lines.append("")
    lines.append(f"KPI snapshot refresh (hourly background task, all accounts): {time.perf_counter() - started:.1f} s, "
                 f"{rows:,} rows")
    report = "\n".join(lines)
    print(report)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(report + "\n", encoding="utf-8")
    return 1 if failures else 0


def seed_fallback(count: int, seed: int = 11) -> None:
    """Accounts, KAMs, opportunities and three years of monthly orders, for when `seed_demo` is not installed."""
    import datetime
    import random
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.db import transaction

    from accounts.models import (
        Account, AccountTeamMember, BusinessUnit, Contact, Offering, Opportunity, PricingTier, User,
    )
    from accounts.roles import Role
    from accounts.services import account_revenue_refresh
    from accounts.models import Order, RevenueLine

    def write(orders: list) -> None:
        """The orders, and each one's revenue in its own month (as accounts 0017 made for older orders)."""
        RevenueLine.objects.bulk_create(
            [RevenueLine(account_id=o.account_id, order=o, reference=o.reference, month=o.ordered_on.replace(day=1),
                         amount=o.amount, cost=o.cost) for o in Order.objects.bulk_create(orders, batch_size=5000)],
            batch_size=5000,
        )

    rng = random.Random(seed)
    today = datetime.date.today()
    with transaction.atomic():
        # Start from no accounts: everything about them (orders, targets, snapshots…) goes with them.
        Account.objects.update(parent=None)
        Account.objects.all().delete()
        groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
        users = {}
        for username, role in (("admin", Role.ADMIN), ("exec", Role.EXECUTIVE), *((f"am{n}", Role.ACCOUNT_MANAGER) for n in range(1, 41))):
            user, _created = User.objects.get_or_create(username=username, defaults={"first_name": username.title()})
            user.set_password("kamdemo")
            user.save()
            user.groups.add(groups[role])
            users[username] = user
        verticals = [BusinessUnit.objects.get_or_create(name=f"Vertical {n}", kind="vertical")[0] for n in range(6)]
        horizontal = BusinessUnit.objects.get_or_create(name="Products", kind="horizontal")[0]
        offerings = [Offering.objects.get_or_create(name=f"Offering {n}", defaults={"kind": "product", "owner_unit": horizontal})[0]
                     for n in range(15)]
        grades = [PricingTier.objects.get_or_create(name=name, defaults={"rank": rank})[0]
                  for rank, name in enumerate(("Premier", "Gold", "Silver"), start=1)]
        accounts = Account.objects.bulk_create([
            Account(name=f"Customer {n:05d}", industry="manufacturing", vertical_unit=rng.choice(verticals),
                    grade=rng.choice(grades), is_key_account=n % 5 == 0, fiscal_year_start_month=rng.choice((1, 1, 4, 7)),
                    team_type=rng.choice(("sales", "sales", "operations", "mixed")))
            for n in range(count)
        ])
        AccountTeamMember.objects.bulk_create([
            AccountTeamMember(account=account, user=users[f"am{n % 40 + 1}"], role="kam") for n, account in enumerate(accounts)
        ])
        Contact.objects.bulk_create([Contact(account=a, name=f"Contact {a.pk}-{k}") for a in accounts for k in range(4)])
        Opportunity.objects.bulk_create([
            Opportunity(account=a, name=f"Opportunity {k}", tier=rng.randint(1, 4), amount=Decimal(rng.randint(1, 50) * 10_000_000),
                        probability=rng.choice((10, 30, 50, 70)), expected_close_date=today + datetime.timedelta(days=rng.randint(-30, 300)))
            for a in accounts for k in range(5)
        ])
        batch = []
        for account in accounts:
            bought = rng.sample(offerings, rng.randint(4, 12))
            size = rng.lognormvariate(17, 1)
            number = 0
            for month in range(36):
                first = (today.replace(day=1) - datetime.timedelta(days=month * 30.44)).replace(day=1)
                for offering in bought:
                    if rng.random() < 0.85:
                        number += 1
                        day = first + datetime.timedelta(days=rng.randint(0, 27))
                        if day > today:
                            continue
                        amount = Decimal(int(size * rng.uniform(0.5, 1.5)))
                        batch.append(Order(account=account, offering=offering, ordered_on=day, amount=amount,
                                           cost=(amount * Decimal("0.7")).quantize(Decimal(1)), reference=f"SO-{number:06d}"))
            if len(batch) > 20_000:
                write(batch)
                batch = []
        write(batch)
    account_revenue_refresh()


if __name__ == "__main__":
    sys.exit(main())
