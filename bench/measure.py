"""The measuring side of `make bench` (bench/pages.py runs it in a child process, one database and one
size at a time, Django set up for that database only): seed the database, time every page and its
floor (`worker`), or the export endpoints and every page on the demo data (`exports_worker`), and
write the results as JSON under bench/results/.
"""

import json
import os
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
EXPORT_BUDGET_MS = 2000  # no web request over 2 s on the demo (--exports)


def seed(accounts: int) -> None:
    """seed_demo (with its performance and planning demo data), then seed_planning()."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("seed_demo", accounts=accounts, flush=True, verbosity=0)  # performance and planning demo included
    print(f"  seed_demo --accounts {accounts}: {time.monotonic() - started:.0f} s", flush=True)
    seed_planning(accounts)


def seed_planning(accounts: int) -> None:
    """Account plans (two complete ones for `am`, one of them submitted) and a consensus meeting."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from accounts.models import Account, User
    from accounts.selectors import accounts_visible_to
    from planning.models import AccountPlan, PlanStatus, PlanVersion
    from planning.services import agenda_item_add, meeting_create
    from planning.snapshot import plan_snapshot
    from tests.factories import make_complete_plan

    started = time.monotonic()
    am, executive = User.objects.get(username="am"), User.objects.get(username="exec")
    year = timezone.localdate().year
    planned = AccountPlan.objects.filter(fiscal_year=year).values("account")
    mine = list(accounts_visible_to(am).exclude(pk__in=planned).order_by("-revenue_ttm", "pk")[:2])
    make_complete_plan(account=mine[0], user=am, fiscal_year=year)
    submitted = make_complete_plan(account=mine[1], user=am, fiscal_year=year)
    version = PlanVersion.objects.create(
        plan=submitted, number=1, revision=submitted.revision, snapshot=plan_snapshot(submitted),
        submitted_at=timezone.now(), submitted_by=am,
    )
    AccountPlan.objects.filter(pk=submitted.pk).update(status=PlanStatus.SUBMITTED)
    meeting = meeting_create(title=BENCH_MEETING, scheduled_for=timezone.now() + datetime.timedelta(days=7),
                             acting_user=executive)
    agenda_item_add(meeting=meeting, version=version, acting_user=executive)
    # Draft plans for one account in five, so the plan list has the same proportions at every size.
    others = Account.objects.exclude(pk__in=planned).order_by("pk")
    AccountPlan.objects.bulk_create(
        [
            AccountPlan(account=account, fiscal_year=year, period_start=datetime.date(year, 1, 1),
                        period_end=datetime.date(year, 12, 31), owner=am, created_by=am, updated_by=am)
            for account in others[: max(0, accounts // 5 - 2)]
        ],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  plans and a meeting in {time.monotonic() - started:.0f} s", flush=True)


BENCH_MEETING = "Bench consensus meeting"
FLOOR_TEMPLATE = (
    "<!doctype html><html><body><table>{% for row in rows %}<tr>{% for value in row.values %}<td>{{ value }}</td>"
    "{% endfor %}</tr>{% endfor %}</table></body></html>"
)
FLOORS = {}  # key -> function(user, ids) -> queryset of value rows; filled by pages()


def floor_view(request, key):
    """One query for the page's rows, a minimal template: what any page showing those rows costs at least."""
    from django.http import HttpResponse
    from django.template import engines

    if not FLOORS:
        define_floors()
    ids = {name: int(value) for name, value in request.GET.items()}
    rows = list(FLOORS[key](request.user, ids))
    html = engines["django"].from_string(FLOOR_TEMPLATE).render({"rows": rows})
    return HttpResponse(html)


def urlpatterns_with_floor():
    from django.urls import path

    from kam.urls import urlpatterns

    return [*urlpatterns, path("bench-floor/<str:key>/", floor_view)]


def define_floors() -> None:
    from django.db.models import Sum

    from accounts.models import Account, Contact, CustomerActivity, Opportunity, PricingTier, Relationship, UnmetNeed
    from accounts.selectors import accounts_visible_to
    from notifications.models import Notification
    from performance.models import KpiDefinition, KpiSnapshot, KpiTarget, ManualActual, NpsResponse, PersonalGoal
    from accounts.models import Order, RevenueLine
    from planning.models import AccountPlan, AgendaItem, ConsensusMeeting, PlanVersion, QuarterlyReview
    from planning.selectors import plans_visible_to

    visible = accounts_visible_to
    FLOORS.update({
        "accounts": lambda u, i: visible(u).order_by("-is_key_account", "-revenue_ttm", "name").values(
            "pk", "name", "industry", "revenue_ttm", "pareto_class", "vertical_unit__name", "grade__name")[:25],
        "pareto": lambda u, i: visible(u).order_by("-revenue_ttm", "pk").values("pk", "name", "revenue_ttm", "pareto_class")[:100],
        "account": lambda u, i: Opportunity.objects.filter(account=i["a"]).order_by("tier", "-amount").values(
            "name", "tier", "amount", "account__name", "account__revenue_ttm")[:8],
        "contacts": lambda u, i: Contact.objects.filter(account=i["a"]).order_by("-influence", "name").values(
            "pk", "name", "title", "level", "org_unit__name"),
        "relationships": lambda u, i: Relationship.objects.filter(contact__account=i["a"]).values(
            "contact__name", "user__username", "strength"),
        "opportunities": lambda u, i: Opportunity.objects.filter(account=i["a"]).order_by("tier", "-amount").values(
            "pk", "name", "tier", "stage", "amount", "probability", "sponsor_unit__name"),
        "whitespace": lambda u, i: Order.objects.filter(account=i["a"]).order_by().values("offering__name").annotate(
            total=Sum("amount")),
        "pricing": lambda u, i: PricingTier.objects.order_by("rank").values(),
        "experience": lambda u, i: CustomerActivity.objects.filter(account=i["a"]).order_by("-starts_on").values(),
        "dashboard": lambda u, i: KpiSnapshot.objects.filter(account__in=visible(u).order_by("-revenue_ttm")[:25]).values(
            "account__name", "kpi__code", "actual", "target", "status")[:25 * 12],
        "account_kpis": lambda u, i: KpiSnapshot.objects.filter(account=i["a"]).values("kpi__code", "actual", "target", "status"),
        "nps": lambda u, i: NpsResponse.objects.filter(account=i["a"]).values()[:25],
        "actuals": lambda u, i: ManualActual.objects.filter(account=i["a"]).values()[:25],
        "revenue_lines": lambda u, i: RevenueLine.objects.filter(account=i["a"]).order_by("-month", "-id").values(
            "month", "reference", "amount", "cost", "source", "order__reference")[:25],
        "kpis": lambda u, i: KpiDefinition.objects.values(),
        "goals": lambda u, i: PersonalGoal.objects.filter(account=i["a"]).values(
            "user__username", "kpi__code", "fiscal_year", "month", "value"),
        "plans": lambda u, i: plans_visible_to(user=u).order_by("-fiscal_year", "account__name").values(
            "pk", "fiscal_year", "status", "account__name", "owner__username")[:25],
        "plan": lambda u, i: AccountPlan.objects.filter(pk=i["p"]).values(
            "fiscal_year", "status", "account__name", "ambition_3y", "plan_1y", "strategy_summary"),
        "plan_contacts": lambda u, i: Contact.objects.filter(account__plans=i["p"]).values("pk", "name", "title", "org_unit__name"),
        "meetings": lambda u, i: ConsensusMeeting.objects.order_by("-scheduled_for").values(),
        "meeting": lambda u, i: AgendaItem.objects.filter(meeting=i["m"]).values(
            "position", "version__number", "version__plan__account__name", "version__plan__fiscal_year"),
        "versions": lambda u, i: PlanVersion.objects.filter(plan=i["p"]).values("number", "submitted_at", "note"),
        "api_accounts": lambda u, i: visible(u).order_by("pk").values()[:50],
        "api_contacts": lambda u, i: Contact.objects.filter(account__in=visible(u)).order_by("pk").values()[:50],
        "api_orders": lambda u, i: Order.objects.filter(account__in=visible(u)).order_by("pk").values()[:50],
        "api_opportunities": lambda u, i: Opportunity.objects.filter(account__in=visible(u)).order_by("pk").values()[:50],
        "api_small": lambda u, i: PricingTier.objects.values(),
        "account_row": lambda u, i: Account.objects.filter(pk=i["a"]).values(),
        "inbox": lambda u, i: Notification.objects.filter(user=u).order_by("-created_at").values()[:25],
        "review": lambda u, i: QuarterlyReview.objects.filter(plan=i["p"]).values(),
        "api_plans": lambda u, i: plans_visible_to(user=u).order_by("pk").values()[:50],
        "api_reviews": lambda u, i: QuarterlyReview.objects.filter(plan__in=plans_visible_to(user=u)).order_by("pk").values()[:50],
        **{
            f"api_{model.__name__}": (lambda model: lambda u, i: model.objects.filter(account__in=visible(u))
                                      .order_by("pk").values()[:50])(model)
            for model in (UnmetNeed, CustomerActivity, KpiTarget, ManualActual, NpsResponse)
        },
    })


def pages(am, executive) -> list[dict]:
    """(user, label, url, kind, floor key, floor ids) for every page a user can reach."""
    from django.db.models import Count
    from django.urls import reverse

    from accounts.selectors import accounts_visible_to
    from planning.models import AccountPlan, ConsensusMeeting, PlanStatus, QuarterlyReview

    # The fullest draft plan `am` can edit, and its account (a big one: seed_planning picks the largest).
    plan = (
        AccountPlan.objects.filter(account__in=accounts_visible_to(am), status=PlanStatus.DRAFT)
        .annotate(items=Count("strategic_tasks", distinct=True) + Count("marketing_actions", distinct=True)
                   + Count("actions", distinct=True))
        .order_by("-items", "-fiscal_year", "pk").first()
    )
    account = plan.account
    meeting = ConsensusMeeting.objects.annotate(agenda=Count("items")).order_by("-agenda", "pk").first()
    # The plan seed_planning submitted: am's, on the bench meeting's agenda (the demo's submitted plans are on
    # accounts am does not see, and "Compare versions" as am would answer 404).
    submitted = AccountPlan.objects.filter(
        status=PlanStatus.SUBMITTED, owner=am, versions__agenda_item__meeting__title=BENCH_MEETING
    ).order_by("pk").first()
    a, p = {"a": account.pk}, {"p": plan.pk}
    listed = []

    def add(users, label, url, kind, floor, ids=None, headers=None):
        for user in users:
            listed.append({"user": user.username, "_user": user, "label": label, "url": url, "kind": kind,
                           "floor": floor, "ids": ids or {}, "headers": headers or {}})

    both = (executive, am)
    add(both, "Account list", reverse("accounts:home"), "list", "accounts")
    add(both, "Account list, sorted by name", reverse("accounts:home") + "?sort=name", "list", "accounts")
    add(both, "Account list, search + filter", reverse("accounts:home") + "?q=Han&key=yes", "list", "accounts")
    add((executive,), "Account list, page 20", reverse("accounts:home") + "?page=20", "list", "accounts")
    add(both, "Pareto", reverse("accounts:pareto"), "page", "pareto")
    add(both, "Account page", reverse("accounts:detail", args=[account.pk]), "list", "account", a)
    add(both, "Org chart", reverse("accounts:org-chart", args=[account.pk]), "page", "contacts", a)
    add(both, "Relationships", reverse("accounts:relationships", args=[account.pk]), "page", "relationships", a)
    add(both, "Tier board (opportunities)", reverse("accounts:opportunities", args=[account.pk]), "page", "opportunities", a)
    add(both, "Whitespace", reverse("accounts:whitespace", args=[account.pk]), "page", "whitespace", a)
    add(both, "Pricing", reverse("accounts:pricing", args=[account.pk]), "page", "pricing", a)
    add(both, "Customer experience", reverse("accounts:experience", args=[account.pk]), "page", "experience", a)
    add(both, "Dashboard", reverse("performance:dashboard"), "dashboard", "dashboard")
    add(both, "Dashboard, one team member", reverse("performance:dashboard") + f"?person={am.pk}", "dashboard",
        "dashboard")
    add(both, "Account KPI dashboard", reverse("performance:account-kpis", args=[account.pk]), "dashboard", "account_kpis", a)
    add(both, "NPS responses", reverse("performance:account-nps", args=[account.pk]), "page", "nps", a)
    add(both, "Manual actuals", reverse("performance:account-actuals", args=[account.pk]), "page", "actuals", a)
    add(both, "Revenue lines", reverse("performance:account-revenue", args=[account.pk]), "page", "revenue_lines", a)
    add(both, "Personal goals", reverse("performance:personal-goals", args=[account.pk]), "page", "goals", a)
    add(both, "KPI catalogue", reverse("performance:kpi-catalogue"), "page", "kpis")
    add(both, "Plan list", reverse("planning:plan-list"), "page", "plans")
    add(both, "Plan overview", reverse("planning:plan-detail", args=[plan.pk]), "page", "plan", p)
    # The panel as browsers load it: htmx asks for the fragment once the overview is shown (without the header
    # the view answers the whole overview with the panel in place, for a browser without JavaScript).
    add(both, "Plan overview's Now panel (htmx)", reverse("planning:plan-now", args=[plan.pk]), "page", "plan", p,
        headers={"HX-Request": "true"})
    for step in range(1, 8):
        floor = "plan_contacts" if step in (1, 2) else "plan"
        add(both, f"Plan step {step}", reverse("planning:plan-step", args=[plan.pk, step]), "page", floor, p)
    # Step 4's targets grid as browsers load it: htmx asks for it once the step is shown (its editors only).
    add((am,), "Plan step 4's targets grid (htmx)", reverse("planning:plan-step-targets", args=[plan.pk]), "page", "plan", p,
        headers={"HX-Request": "true"})
    add(both, "Plan history", reverse("planning:plan-history", args=[plan.pk]), "page", "versions", p)
    add((executive,), "Meeting list", reverse("planning:meeting-list"), "page", "meetings")
    add((executive,), "Meeting view", reverse("planning:meeting-detail", args=[meeting.pk]), "page", "meeting", {"m": meeting.pk})
    if submitted:
        add((executive,), "Submitted plan (version 1)", reverse("planning:version-detail", args=[submitted.pk, 1]),
            "page", "versions", {"p": submitted.pk})
    add(both, "Inbox", reverse("notifications:inbox"), "page", "inbox")
    add((am,), "New plan", reverse("planning:plan-create"), "page", "account_row", a)
    add((am,), "Import", reverse("performance:import"), "page", "kpis")
    add((executive,), "New meeting", reverse("planning:meeting-create"), "page", "meetings")
    if submitted:
        add(both, "Compare versions", reverse("planning:plan-compare", args=[submitted.pk]), "page", "versions",
            {"p": submitted.pk})
    review = QuarterlyReview.objects.filter(plan__account__in=accounts_visible_to(am)).order_by("pk").first()
    if review:
        add(both, "Quarterly review", reverse("planning:review-detail", args=[review.plan_id, review.quarter]),
            "page", "review", {"p": review.plan_id})
    for prefix, floor in (("unmet-needs", "api_UnmetNeed"), ("customer-activities", "api_CustomerActivity"),
                          ("kpi-targets", "api_KpiTarget"), ("manual-actuals", "api_ManualActual"),
                          ("nps-responses", "api_NpsResponse"), ("plans", "api_plans"),
                          ("quarterly-reviews", "api_reviews"), ("kpi-definitions", "kpis")):
        add(both, f"API {prefix}", f"/api/v1/{prefix}/", "page", floor)
    for prefix, floor in (("accounts", "api_accounts"), ("contacts", "api_contacts"), ("opportunities", "api_opportunities"),
                          ("orders", "api_orders"), ("org-units", "api_small"), ("relationships", "api_small"),
                          ("offerings", "api_small"), ("pricing-tiers", "api_small"), ("business-units", "api_small"),
                          ("users", "api_small")):
        add(both, f"API {prefix}", f"/api/v1/{prefix}/", "page", floor)
    return listed


def measure(client, url: str, runs: int, headers: dict | None = None) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            return [], 0, response.status_code
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
        queries = max(queries, len(captured.captured_queries))
    return timings, queries, response.status_code


def measure_cold(client, url: str, runs: int = 5, headers: dict | None = None) -> float:
    """The median of requests made each right after a write (a portfolio stamp bump): what the first
    visitor after a change waits for on the pages that keep sums in the portfolio cache."""
    from accounts import portfolio_cache

    timings = []
    for _ in range(runs):
        portfolio_cache.bump()
        started = time.perf_counter()
        client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def worker(database: str, accounts: int, *, runs: int, reseed: bool, seed_only: bool = False,
           only: Path | None = None, out: Path | None = None) -> int:
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import Account, User
    from accounts.models import Order
    from planning.models import ConsensusMeeting

    settings.ROOT_URLCONF = "bench.pages_urls"  # the site plus /bench-floor/<key>/
    call_command("migrate", verbosity=0)
    if reseed or Account.objects.count() != accounts or not User.objects.filter(username="am").exists():
        seed(accounts)
    elif not ConsensusMeeting.objects.filter(title=BENCH_MEETING).exists():
        seed_planning(accounts)
    if seed_only:
        return 0
    define_floors()
    am, executive = User.objects.get(username="am"), User.objects.get(username="exec")
    clients = {}
    for user in (am, executive):
        clients[user.username] = Client(HTTP_HOST="localhost")
        clients[user.username].force_login(user)

    wanted = {tuple(key) for key in json.loads(only.read_text(encoding="utf-8"))} if only else None
    rows = []
    for page in pages(am, executive):
        if wanted is not None and (page["user"], page["label"]) not in wanted:
            continue
        client = clients[page["user"]]
        timings, queries, status = measure(client, page["url"], runs, page["headers"])
        entry = {key: value for key, value in page.items() if not key.startswith("_")}
        if status != 200:
            entry["error"] = f"HTTP {status}"
            rows.append(entry)
            continue
        floor_url = f"/bench-floor/{page['floor']}/?{urlencode(page['ids'])}"
        floor_timings, floor_queries, _status = measure(client, floor_url, runs)
        median, floor = statistics.median(timings), statistics.median(floor_timings)
        entry.update(median_ms=round(median, 2), p95_ms=round(p95(timings), 2), queries=queries,
                     cold_ms=round(measure_cold(client, page["url"], headers=page["headers"]), 2),
                     floor_ms=round(floor, 2), floor_queries=floor_queries, ratio=round(median / floor, 2))
        rows.append(entry)
        print(f"  {entry['user']:<5} {entry['label']:<38} {median:>7.1f} ms {queries:>4} queries  floor {floor:.1f} ms",
              flush=True)
    result = {
        "database": f"{connection.vendor}",
        "accounts": accounts,
        "data": f"{Account.objects.count():,} accounts, {Order.objects.count():,} orders",
        "runs": runs,
        "load_average": os.getloadavg(),
        "pages": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "sqlite" if connection.vendor == "sqlite" else "postgres"
    (out or RESULTS / f"pages-{name}-{accounts}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------------------------
# Exports on the demo data: the 2 s rule
# ---------------------------------------------------------------------------------------------


def exports_worker(*, runs: int) -> int:
    """Every export endpoint and every page, timed on the demo data; exit 1 if a web request takes over 2 s."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Account, User
    from accounts.selectors import accounts_visible_to
    from planning.models import AccountPlan, PlanPdf, PlanVersion
    from planning.pdfs import plan_pdf_render

    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="am").exists():
        started = time.monotonic()
        call_command("seed_demo", verbosity=0)
        print(f"  seed_demo: {time.monotonic() - started:.0f} s", flush=True)
    am, executive = User.objects.get(username="am"), User.objects.get(username="exec")
    clients = {}
    for user in (am, executive):
        clients[user.username] = Client(HTTP_HOST="localhost")
        clients[user.username].force_login(user)
    rows: list[dict] = []

    def timed(label: str, user: str, url: str, *, n: int = runs, kind: str = "web") -> None:
        client = clients[user]
        timings, status, size = [], 0, 0
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            timings.append((time.perf_counter() - started) * 1000)
            status, size = response.status_code, len(body)
        rows.append({"label": label, "user": user, "url": url, "kind": kind, "status": status, "bytes": size,
                     "median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)})
        print(f"  {user:<5} {label:<58} {statistics.median(timings):>8.1f} ms  max {max(timings):>8.1f}  HTTP {status}",
              flush=True)

    plans = list(AccountPlan.objects.filter(account__in=accounts_visible_to(am)).select_related("account").order_by("pk"))
    PlanPdf.objects.all().delete()  # every run measures the PDFs from the start
    for plan in plans:
        name = f"plan {plan.pk} ({plan.get_status_display()})"
        pdf_url = reverse("planning:plan-pdf", args=[plan.pk])
        timed(f"PDF request, {name}: being prepared", "am", pdf_url, n=1)
        pdf = PlanPdf.objects.filter(plan=plan, version=None).latest("pk")
        timed(f"PDF status fragment, {name}", "am", reverse("planning:plan-pdf-status", args=[plan.pk, pdf.pk]))
        started = time.perf_counter()
        plan_pdf_render(pdf_id=pdf.pk)
        rows.append({"label": f"PDF rendering in the worker, {name}", "user": "worker", "kind": "worker",
                     "median_ms": round((time.perf_counter() - started) * 1000, 1)})
        print(f"  worker {rows[-1]['label']:<57} {rows[-1]['median_ms']:>8.1f} ms (not a web request)", flush=True)
        timed(f"PDF request, {name}: the stored file", "am", pdf_url)
        timed(f"Excel workbook, {name}", "am", reverse("planning:plan-xlsx", args=[plan.pk]))
    for version in PlanVersion.objects.filter(plan__in=plans).order_by("pk")[:3]:
        url = reverse("planning:plan-pdf", args=[version.plan_id]) + f"?version={version.number}"
        timed(f"PDF request, plan {version.plan_id} version {version.number}: being prepared", "exec", url, n=1)
    account = Account.objects.filter(pk__in=[plan.account_id for plan in plans]).order_by("-revenue_ttm", "pk").first()
    exports = [("performance:dashboard", [], ("kpis", "funnel", "status", "movers", "pareto")),
               ("performance:account-kpis", [account.pk], ("kpis", "offerings")),
               ("performance:account-actuals", [account.pk], ("actuals",)),
               ("performance:account-nps", [account.pk], ("responses",)),
               ("performance:account-revenue", [account.pk], ("revenue-lines",)),
               ("performance:kpi-catalogue", [], ("kpis",))]
    for name, args, tables in exports:
        for table in tables:
            for fmt in ("csv", "xlsx"):
                url = reverse(name, args=args) + f"?export={table}&format={fmt}"
                timed(f"{'CSV' if fmt == 'csv' else 'Excel'} export: {name.split(':')[1]} {table}", "exec", url)
    for page in pages(am, executive):
        timed(page["label"], page["user"], page["url"], n=3, kind="page")

    web = [row for row in rows if row["kind"] != "worker"]
    # The page list is made for the large data sets: on the demo a few of its pages name a plan the
    # user does not see (404); they are timed all the same, and only the exports must answer 200.
    over = [row for row in web if row["max_ms"] > EXPORT_BUDGET_MS
            or row["status"] not in ((200, 302, 404) if row["kind"] == "page" else (200,))]
    result = {"load_average": os.getloadavg(), "accounts": Account.objects.count(), "budget_ms": EXPORT_BUDGET_MS,
              "rows": rows, "over": over}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "exports-demo.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    slowest = max(web, key=lambda row: row["max_ms"])
    print(f"\nSlowest web request: {slowest['label']} ({slowest['user']}), {slowest['max_ms']:.0f} ms")
    if over:
        print("Over 2 s or not answered:")
        for row in over:
            print(f"  {row['user']} {row['label']}: {row['max_ms']:.0f} ms, HTTP {row['status']}")
        return 1
    print("No web request over 2 s.")
    return 0
