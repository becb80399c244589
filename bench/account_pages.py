"""Time the account pages (issue 19, "Speed, next") on the demo data, then with 200 contacts and 100
opportunities added to the same account: median CPU and wall time, query count and the ratio to the
page's one-query floor (bench/measure.py's floors), as `am`, in-process.

    .venv/bin/python bench/account_pages.py                 # seeds var/bench/account-pages.sqlite3 once
    .venv/bin/python bench/account_pages.py --runs 30 --reseed
    .venv/bin/python bench/account_pages.py --profile /accounts/1/   # a pyinstrument profile of one page

The data lives in its own SQLite file (DATABASE_URL is set here, before Django starts); the rows added
for the second pass are rolled back at the end, so each run starts from the demo. CPU time
(`time.process_time()`) is what to compare on a shared machine: wall time also counts other processes.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench" / "account-pages.sqlite3"
BUDGET_MS = 40  # the budget for the account KPI dashboard, the org chart and the tier board


def setup(reseed: bool, database: Path = DATABASE) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kam.settings.dev"
    os.environ["DEBUG"] = "false"
    import django

    database.parent.mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from accounts.models import User

    settings.ROOT_URLCONF = "bench.pages_urls"  # the site plus /bench-floor/<key>/
    call_command("migrate", verbosity=0)
    if reseed or not User.objects.filter(username="am").exists():
        started = time.monotonic()
        call_command("seed_demo", flush=True, verbosity=0)
        print(f"seed_demo: {time.monotonic() - started:.0f} s", flush=True)


def largest_account(user):
    from accounts.selectors import accounts_visible_to

    return accounts_visible_to(user).order_by("-revenue_ttm", "pk").first()


def extend(account, *, contacts: int, opportunities: int) -> None:
    """Contacts spread over the account's org units (each reporting to an earlier one, a third with a
    relationship to one of our people) and opportunities over the four tiers and every stage."""
    import datetime
    import itertools

    from accounts.models import Contact, Opportunity, OrgUnit, Relationship, User

    units = list(OrgUnit.objects.filter(account=account).order_by("pk")) or [None]
    people = list(User.objects.filter(account_memberships__account=account).distinct().order_by("pk")) or [
        User.objects.get(username="am")
    ]
    levels = [choice for choice, _label in Contact.Level.choices]
    managers = list(Contact.objects.filter(account=account).order_by("pk")[:20])
    added = []
    for n in range(contacts):
        contact = Contact.objects.create(
            account=account, org_unit=units[n % len(units)], name=f"Bench contact {n:03d}", title="Manager",
            level=levels[n % len(levels)], influence=1 + n % 5, is_decision_maker=n % 7 == 0,
            is_technical=n % 5 == 0, reports_to=(managers + added)[n % max(1, len(managers) + len(added))]
            if managers or added else None,
        )
        added.append(contact)
    Relationship.objects.bulk_create(
        [Relationship(user=user, contact=contact, strength=1 + n % 5)
         for n, (contact, user) in enumerate(zip(added[::3], itertools.cycle(people)))],
        ignore_conflicts=True,
    )
    stages = [choice for choice, _label in Opportunity.Stage.choices]
    today = datetime.date.today()
    for n in range(opportunities):
        Opportunity.objects.create(
            account=account, name=f"Bench opportunity {n:03d}", tier=1 + n % 4, stage=stages[n % len(stages)],
            amount=1_000_000 * (n + 1), probability=10 * (n % 10), sponsor_unit=units[n % len(units)],
            expected_close_date=today + datetime.timedelta(days=n * 3), owner=people[n % len(people)],
        )


def pages(account) -> list[tuple[str, str, str]]:
    """(label, url, floor key) of the pages the issue names, the home page and a near-empty page."""
    from django.urls import reverse

    a = [account.pk]
    return [
        ("Account page", reverse("accounts:detail", args=a), "account"),
        ("Account KPI dashboard", reverse("performance:account-kpis", args=a), "account_kpis"),
        ("Tier board", reverse("accounts:opportunities", args=a), "opportunities"),
        ("Org chart", reverse("accounts:org-chart", args=a), "contacts"),
        ("Relationships", reverse("accounts:relationships", args=a), "relationships"),
        ("Home", reverse("accounts:home"), "accounts"),
        ("KPI catalogue (the layout)", reverse("performance:kpi-catalogue"), "kpis"),
    ]


def measure(client, url: str, runs: int) -> tuple[float, float, float, int]:
    """Median CPU ms, median wall ms, least CPU ms and the query count of `runs` warm requests (after two
    warm-ups). On a busy machine the least CPU time is the steadiest figure: contention only adds to it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    cpu, wall = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started_cpu, started = time.process_time(), time.perf_counter()
            client.get(url)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(cpu), statistics.median(wall), min(cpu), len(captured.captured_queries)


def report(client, account, runs: int, title: str) -> list[str]:
    from bench.measure import define_floors

    define_floors()
    print(f"\n{title}", flush=True)
    print(f"  {'page':<28} {'cpu ms':>7} {'wall ms':>8} {'min cpu':>8} {'queries':>8} {'floor ms':>9} {'x floor':>8}")
    misses = []
    for label, url, floor in pages(account):
        cpu, wall, least, queries = measure(client, url, runs)
        floor_cpu, _floor_wall, _least, _q = measure(client, f"/bench-floor/{floor}/?a={account.pk}", runs)
        print(f"  {label:<28} {cpu:>7.1f} {wall:>8.1f} {least:>8.1f} {queries:>8} {floor_cpu:>9.1f} "
              f"{cpu / floor_cpu:>8.1f}", flush=True)
        if label in ("Account KPI dashboard", "Tier board", "Org chart") and cpu >= BUDGET_MS:
            misses.append(f"{title}: {label} {cpu:.1f} ms CPU")
    return misses


def profile(client, url: str) -> None:
    from pyinstrument import Profiler

    for _ in range(3):
        client.get(url)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(20):
        client.get(url)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--opportunities", type=int, default=100)
    parser.add_argument("--profile", metavar="URL", help="profile one page (20 requests) instead of timing")
    parser.add_argument("--extended", action="store_true", help="with --profile: after adding the rows")
    parser.add_argument("--database", type=Path, default=DATABASE, help="the SQLite file (seeded when empty)")
    args = parser.parse_args()
    setup(args.reseed, args.database)
    from django.db import transaction
    from django.test import Client

    from accounts.models import User

    am = User.objects.get(username="am")
    client = Client(HTTP_HOST="localhost")
    client.force_login(am)
    account = largest_account(am)
    if args.profile and not args.extended:
        profile(client, args.profile)
        return 0
    misses = [] if args.profile else report(client, account, args.runs, f"Demo data, account {account.pk} ({account.name})")
    with transaction.atomic():
        extend(account, contacts=args.contacts, opportunities=args.opportunities)
        if args.profile:
            profile(client, args.profile)
        else:
            misses += report(client, account, args.runs,
                             f"Plus {args.contacts} contacts and {args.opportunities} opportunities")
        transaction.set_rollback(True)
    for miss in misses:
        print(f"OVER {BUDGET_MS} ms: {miss}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
