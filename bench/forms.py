"""The forms of issue #19 timed as `am` on the demo data: plan steps 4 and 5, the opportunity form and the
contact form (new and edit, as a page of their own and as the modal htmx asks for).

    .venv/bin/python bench/forms.py                      # medians (CPU and wall) and query counts
    .venv/bin/python bench/forms.py --profile "Plan step 4"   # a pyinstrument profile of one form
    .venv/bin/python bench/forms.py --plan-pages         # the plan's other pages too (no budget, reported)

The database is var/bench/forms.sqlite3 (seeded with `seed_demo` when it has no demo users yet), or
DATABASE_URL when set. Requests go through Django's test client in-process (server time, no network),
with the development settings and DEBUG off. Each form: --warmups requests, then --runs timed ones;
reported are the medians of CPU time (time.process_time: what other processes on a shared machine do
not add) and of wall time, and the number of SQL queries. Budgets (the issue's, warm CPU median):
plan steps 4 and 5 under 30 ms, the opportunity and contact forms under 20 ms; the script exits 1
and names the forms that miss.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGETS_MS = {"plan": 30, "account": 20, "page": None}


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'forms.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kam.settings.dev"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="am").exists():
        call_command("seed_demo", verbosity=0)


def forms(am) -> list[tuple[str, str, str]]:
    """(label, kind, url) of each form: on the largest account `am` sees, the fullest plan `am` can edit."""
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import Contact, Opportunity
    from accounts.selectors import accounts_visible_to
    from planning.models import AccountPlan
    from planning.selectors.plans import editable_accounts
    from planning.services.workflow import EDITABLE_STATUSES

    plan = (
        AccountPlan.objects.filter(account__in=editable_accounts(user=am), status__in=EDITABLE_STATUSES)
        .annotate(items=Count("strategic_tasks", distinct=True) + Count("marketing_actions", distinct=True)
                  + Count("actions", distinct=True) + Count("support_requests", distinct=True))
        .order_by("-items", "-fiscal_year", "pk").first()
    )
    account = accounts_visible_to(am).annotate(people=Count("contacts")).order_by("-people", "pk").first()
    contact = Contact.objects.filter(account=account).annotate(team=Count("reports")).order_by("-team", "pk").first()
    opportunity = (
        Opportunity.objects.filter(account=account).annotate(moved=Count("moves")).order_by("-moved", "pk").first()
    )
    return [
        ("Plan step 4", "plan", reverse("planning:plan-step", args=[plan.pk, 4])),
        ("Plan step 5", "plan", reverse("planning:plan-step", args=[plan.pk, 5])),
        ("Opportunity, new", "account", reverse("accounts:opportunity-add", args=[account.pk])),
        ("Opportunity, edit", "account", reverse("accounts:opportunity-edit", args=[account.pk, opportunity.pk])),
        ("Contact, new", "account", reverse("accounts:contact-add", args=[account.pk])),
        ("Contact, edit", "account", reverse("accounts:contact-edit", args=[account.pk, contact.pk])),
    ]


def plan_pages(am) -> list[tuple[str, str, str]]:
    """(label, "page", url) of the plan's other pages, as bench/measure.py picks them: the same plan's overview
    and the "Now" panel it loads after the page, steps without a list and history; a plan with versions'
    version and comparison; a quarterly review."""
    from django.urls import reverse

    from accounts.selectors import accounts_visible_to
    from planning.models import AccountPlan, PlanVersion, QuarterlyReview

    plan_id = int(forms(am)[0][2].rstrip("/").split("/")[-3])
    pages = [("Plan overview", "page", reverse("planning:plan-detail", args=[plan_id])),
             ("Plan overview's Now panel", "page", reverse("planning:plan-now", args=[plan_id]))]
    pages += [(f"Plan step {step}", "page", reverse("planning:plan-step", args=[plan_id, step])) for step in (1, 2, 3, 6, 7)]
    pages.append(("Plan history", "page", reverse("planning:plan-history", args=[plan_id])))
    visible = AccountPlan.objects.filter(account__in=accounts_visible_to(am))
    version = PlanVersion.objects.filter(plan__in=visible).order_by("plan_id", "number").first()
    if version is not None:
        pages.append(("Submitted version", "page", reverse("planning:version-detail", args=[version.plan_id, version.number])))
        pages.append(("Compare versions", "page", reverse("planning:plan-compare", args=[version.plan_id])))
    review = QuarterlyReview.objects.filter(plan__in=visible).order_by("pk").first()
    if review is not None:
        pages.append(("Quarterly review", "page", reverse("planning:review-detail", args=[review.plan_id, review.quarter])))
    return pages


def measure(client, url: str, *, htmx: bool, warmups: int, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(warmups):
        assert client.get(url, headers=headers).status_code == 200, url
    cpu, wall = [], []
    for _ in range(runs):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        response = client.get(url, headers=headers)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url, headers=headers)
    return {"cpu": statistics.median(cpu), "wall": statistics.median(wall), "queries": len(queries),
            "kb": len(response.content) / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--profile", metavar="LABEL", help="print a pyinstrument profile of this form instead")
    parser.add_argument("--plan-pages", action="store_true", help="time the plan's other pages too")
    args = parser.parse_args()
    setup()
    from django.test import Client

    from accounts.models import User

    am = User.objects.get(username="am")
    client = Client()
    client.force_login(am)
    listed = forms(am) + (plan_pages(am) if args.plan_pages else [])
    if args.profile:
        from pyinstrument import Profiler

        url = next(url for label, _kind, url in listed if label == args.profile)
        for _ in range(args.warmups):
            client.get(url)
        with Profiler(interval=0.0005) as profiler:
            for _ in range(args.runs):
                client.get(url)
        profiler.print(show_all=False)
        return 0
    misses = []
    print(f"{'form':<28}{'CPU ms':>8}{'wall ms':>9}{'queries':>9}{'KB':>7}  budget")
    for label, kind, url in listed:
        for htmx in (False, True) if kind == "account" else (False,):
            result = measure(client, url, htmx=htmx, warmups=args.warmups, runs=args.runs)
            name = f"{label}{' (modal)' if htmx else ''}"
            budget = BUDGETS_MS[kind]
            ok = budget is None or result["cpu"] < budget
            if not ok:
                misses.append(name)
            print(f"{name:<28}{result['cpu']:>8.1f}{result['wall']:>9.1f}{result['queries']:>9}{result['kb']:>7.0f}"
                  + ("" if budget is None else f"  < {budget} {'ok' if ok else 'MISS'}"))
    if misses:
        print("Over budget: " + ", ".join(misses))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
