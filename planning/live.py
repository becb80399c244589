"""The "Now" panel: the account's live state for the plan's fiscal year to date, beside the frozen version.

Read at view time (or when a PDF is made) from the same sources the dashboards use: the KPI
engine (`performance.selectors.kpi_values`, so the statuses are the dashboards' on track / at risk
/ off track), the account's retention health and open risks (`accounts.selectors`) and the
interaction log (`accounts.interactions`). Each figure carries its value at a reference moment
(the submission, or the decision once there is one), read from the frozen snapshot where the
snapshot holds it (pipeline by tier, actions) and otherwise from the data as of that day, so the
page can say what moved "since submission".

The number of queries is fixed: it depends on which KPIs the plan chose (one query per source
of data), never on the size of the plan, the account or the portfolio.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Window
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.interactions import contact_last_contact
from accounts.models import AccountRisk, Contact, GradeChange, Opportunity, OpportunityMove, Relationship
from accounts.revenue import add_months, last_12_months, revenue_by_month
from accounts.selectors import (
    key_contacts_on,
    open_pipeline_by_tier,
    open_risks_and_closed_since,
    retention_health_on,
)
from performance.kpis import KpiValue
from performance.models import KpiDefinition, KpiStatus
from performance.periods import Period, PeriodKind, month_periods
from performance.selectors import SlotPlan, kpi_values
from planning.freshness import thresholds
from planning.models import AccountPlan, ActionItem, PlanKpi, PlanVersion, QuarterlyReview
from planning.timeline import timeline

# The figures every panel shows whether or not the plan chose them as KPIs.
REVENUE, PROFIT, NPS, REPURCHASE_AMOUNT, REPURCHASE_COUNT = "revenue", "profit", "nps", "repurchase_amount", "repurchase_count"
ALWAYS = (REVENUE, PROFIT, NPS, REPURCHASE_AMOUNT, REPURCHASE_COUNT)
LIST_LIMIT = 5
PEOPLE_LIMIT = 6
OPEN_ACTION = [status.value for status in (ActionItem.Status.NOT_STARTED, ActionItem.Status.IN_PROGRESS, ActionItem.Status.BLOCKED)]


@dataclass(frozen=True)
class Figure:
    """One figure of the panel: its value now and, when known, at the reference moment."""

    now: Any
    then: Any = None

    @property
    def moved(self) -> bool:
        return self.then is not None and self.now is not None and self.now != self.then

    @property
    def delta(self):
        """now − then for numbers that moved (None otherwise)."""
        if not self.moved or isinstance(self.now, str) or isinstance(self.then, str):
            return None
        return self.now - self.then


@dataclass(frozen=True)
class Reference:
    """What "since" means on the panel: the version's submission, or its decision once decided."""

    version: PlanVersion
    kind: str  # "submission" or "decision"
    moment: datetime.datetime

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.moment)

    @property
    def since_label(self) -> str:
        return str(_("since the decision") if self.kind == "decision" else _("since submission"))


@dataclass
class KpiLine:
    kpi: KpiDefinition
    now: KpiValue
    then: KpiValue | None
    previous_year: KpiValue | None

    @property
    def actual(self) -> Figure:
        return Figure(self.now.actual, self.then.actual if self.then else None)

    @property
    def status_moved(self) -> bool:
        """The status changed since the reference (both days had a status to compare)."""
        rated = (KpiStatus.ON_TRACK, KpiStatus.AT_RISK, KpiStatus.OFF_TRACK)
        return self.then is not None and self.then.status in rated and self.then.status != self.now.status


@dataclass
class MonthPoint:
    period: Period
    revenue: Decimal | None
    profit: Decimal | None


@dataclass
class NowPanel:
    """Everything the panel shows; built by `plan_now`."""

    plan: AccountPlan
    taken_at: datetime.datetime
    today: datetime.date
    year: Period
    plan_year_started: bool
    reference: Reference | None
    revenue_ttm: Figure | None = None
    kpis: list[KpiLine] = field(default_factory=list)
    headline: dict[str, KpiLine] = field(default_factory=dict)
    months: list[MonthPoint] = field(default_factory=list)
    retention: dict = field(default_factory=dict)
    retention_score: Figure | None = None
    risks: list[AccountRisk] = field(default_factory=list)
    risk_count: Figure | None = None
    new_risks: int = 0
    pipeline: list[dict] = field(default_factory=list)
    pipeline_total: Figure | None = None
    pipeline_count: Figure | None = None
    pipeline_weighted: Decimal = Decimal(0)
    moves: list[OpportunityMove] = field(default_factory=list)
    moves_up: int = 0
    moves_down: int = 0
    grade_changes: list[GradeChange] = field(default_factory=list)
    people: list[Contact] = field(default_factory=list)
    key_people: list[dict] = field(default_factory=list)
    people_total: int = 0
    people_in_touch: Figure | None = None
    touch_days: int = 60
    overdue_actions: list[ActionItem] = field(default_factory=list)
    overdue_count: Figure | None = None
    open_actions: int = 0
    done_actions: Figure | None = None
    reviews: list[dict] | None = None
    timeline: dict | None = None

    @property
    def since_label(self) -> str:
        return self.reference.since_label if self.reference else ""

    @property
    def year_elapsed_percent(self) -> int:
        return int(self.year.elapsed_fraction(self.today) * 100)

    @cached_property
    def shown_months(self) -> list[MonthPoint]:
        """The months that have figures (the elapsed ones), for the sparkline and the month table."""
        return [month for month in self.months if month.revenue is not None]

    @cached_property
    def sparkline(self) -> dict:
        """Revenue (bars) and profit (line) of the elapsed months, scaled to a 120 × 32 box (SVG, no script);
        `rects` is the bars' markup, built here rather than by a loop in the template."""
        points = self.shown_months
        top = max([abs(m.revenue or 0) for m in points] + [abs(m.profit or 0) for m in points] + [Decimal(1)])
        width, height, step = 120, 32, Decimal(120) / 12
        bars, line = [], []
        for index, month in enumerate(points):
            bar = float((month.revenue or 0) / top * (height - 2))
            bars.append({"x": round(float(step * index) + 1, 1), "y": round(height - bar, 1), "h": round(bar, 1),
                         "w": round(float(step) - 2, 1), "label": month.period.label})
            profit = float((month.profit or 0) / top * (height - 2))
            line.append(f"{round(float(step * index + step / 2), 1)},{round(height - max(profit, 0), 1)}")
        rects = format_html_join(
            "", '<rect x="{}" y="{}" width="{}" height="{}" fill="#9fc3e7"><title>{}</title></rect>',
            ((localize(bar["x"]), localize(bar["y"]), localize(bar["w"]), localize(bar["h"]), bar["label"]) for bar in bars),
        )
        return {"width": width, "height": height, "bars": bars, "rects": rects, "line": " ".join(line)}


def plan_reference(*, version: PlanVersion | None) -> Reference | None:
    """The moment the panel compares with: the version's decision if it was decided, else its submission."""
    if version is None:
        return None
    if hasattr(version, "decision"):
        return Reference(version=version, kind="decision", moment=version.decision.decided_at)
    return Reference(version=version, kind="submission", moment=version.submitted_at)


def panel_year(*, plan: AccountPlan, today: datetime.date) -> tuple[Period, bool]:
    """The plan's fiscal year; before it starts, the fiscal year running today (what there is to read)."""
    year = plan.period(PeriodKind.YEAR)
    if today >= year.start:
        return year, True
    running = Period(PeriodKind.YEAR, year.fiscal_year - 1, 1, year.start_month)
    while today < running.start and running.fiscal_year > year.fiscal_year - 3:
        running = running.previous()
    return running, False


def _kpis(plan: AccountPlan) -> tuple[list[KpiDefinition], dict[str, KpiDefinition]]:
    """The plan's chosen KPIs and the always-shown ones, in one query."""
    chosen = PlanKpi.objects.filter(plan=plan, kpi_id=OuterRef("pk"))
    rows = list(
        KpiDefinition.objects.annotate(chosen=Exists(chosen))
        .filter(Q(code__in=ALWAYS) | Q(chosen=True)).order_by("sort_order", "code")
    )
    return [kpi for kpi in rows if kpi.chosen], {kpi.code: kpi for kpi in rows}


def _year_table(*, plan: AccountPlan, kpis: list[KpiDefinition], year: Period, as_of: datetime.date, previous: bool):
    slots = SlotPlan.for_periods(start_month=year.start_month, periods=[year.previous(), year], as_of=min(as_of, year.end))
    return kpi_values(kpis=kpis, plan=slots, account_months={plan.account_id: year.start_month},
                      slots=[0, 1] if previous else [1])


def _months(
    *, plan: AccountPlan, by_code: dict[str, KpiDefinition], year: Period, today: datetime.date, by_month: dict
) -> list[MonthPoint]:
    """Revenue and profit of each month of the year (the panel shows no monthly target: none is read).

    Summed from the revenue lines (`by_month`: `revenue_by_month` over the year to `today`), as the KPI engine
    computes revenue and profit; a revenue or profit KPI set to manual actuals is read through the engine."""
    kpis = [by_code[code] for code in (REVENUE, PROFIT) if code in by_code]
    if not kpis:
        return []
    months = month_periods(year)
    as_of = min(today, year.end)
    if all(kpi.is_computed for kpi in kpis):
        sums: dict[tuple[int, int], list[Decimal]] = {}
        for day, (amount, cost) in by_month.items():
            if year.start <= day <= as_of:
                total = sums.setdefault((day.year, day.month), [Decimal(0), Decimal(0)])
                total[0] += amount or 0
                total[1] += cost or 0
        actuals = []
        for month in months:
            revenue, cost = sums.get((month.start.year, month.start.month), (Decimal(0), Decimal(0)))
            values = {REVENUE: revenue, PROFIT: revenue - cost}
            actuals.append({kpi.code: values[kpi.code] if month.start <= as_of else None for kpi in kpis})
    else:
        slots = SlotPlan.for_periods(start_month=year.start_month, periods=months, as_of=as_of)
        table = kpi_values(kpis=kpis, plan=slots, account_months={plan.account_id: year.start_month}, with_targets=False)
        actuals = [{kpi.code: getattr(table.get(plan.account_id, kpi.code, slot), "actual", None) for kpi in kpis}
                   for slot in range(len(months))]
    return [
        MonthPoint(period=month, revenue=actual.get(REVENUE), profit=actual.get(PROFIT))
        for month, actual in zip(months, actuals)
    ]


def _snapshot(reference: Reference | None) -> dict:
    """The reference version's frozen snapshot (read once; `plan_versions` defers it)."""
    if reference is None:
        return {}
    return reference.version.snapshot or {}


def plan_now(
    *, plan: AccountPlan, version: PlanVersion | None = None, now: datetime.datetime | None = None
) -> NowPanel:
    """The "Now" panel of `plan`, as of `now` (default: this moment), compared with `version` when given."""
    taken_at = now or timezone.now()
    today = timezone.localdate(taken_at)
    account = plan.account
    year, started = panel_year(plan=plan, today=today)
    reference = plan_reference(version=version)
    then_day = reference.day if reference else None
    panel = NowPanel(plan=plan, taken_at=taken_at, today=today, year=year, plan_year_started=started, reference=reference)
    snap = _snapshot(reference)
    panel.revenue_ttm = Figure(int(account.revenue_ttm), snap.get("account", {}).get("revenue_ttm"))

    # KPIs: the plan's chosen ones and the headline figures, FYTD now and as of the reference day.
    chosen, by_code = _kpis(plan)
    wanted = list({kpi.code: kpi for kpi in [*chosen, *by_code.values()]}.values())
    table = _year_table(plan=plan, kpis=wanted, year=year, as_of=today, previous=True)
    before = _year_table(plan=plan, kpis=wanted, year=year, as_of=then_day, previous=False) if then_day else None

    def line(kpi: KpiDefinition) -> KpiLine:
        then = before.get(plan.account_id, kpi.code, 1) if before else None
        if then_day is not None and then_day < year.start and then is not None and kpi.is_cumulative:
            then = KpiValue(actual=Decimal(0), target=then.target, expected=Decimal(0), status=then.status)
        return KpiLine(kpi=kpi, now=table.get(plan.account_id, kpi.code, 1), then=then,
                       previous_year=table.get(plan.account_id, kpi.code, 0))

    panel.kpis = [line(kpi) for kpi in chosen]
    panel.headline = {code: line(by_code[code]) for code in ALWAYS if code in by_code}
    # The revenue lines by month, read once for the year's months and the retention health's revenue trend
    # (the 12 months to each day against the 12 before).
    days = [today, then_day] if then_day else [today]
    by_month = revenue_by_month(account_id=account.pk, first=min(year.start, add_months(last_12_months(min(days))[0], -12)),
                                last=max(today, *days))
    panel.months = _months(plan=plan, by_code=by_code, year=year, today=today, by_month=by_month)

    # Retention health now and as of the reference day, from one reading of the key contacts (the
    # decision makers and Kingpins below are among them), the activities and the revenue.
    key_contacts = key_contacts_on(account=account, days=days)
    health = retention_health_on(account=account, days=days, key_contacts=key_contacts, revenue_months=by_month)
    panel.retention = health[0]
    panel.retention_score = Figure(health[0]["score"], health[1]["score"] if then_day else None)

    # Open risks: the register now (the panel names no owner), and how many were open on the reference day.
    panel.risks, closed_since = open_risks_and_closed_since(account=account, day=then_day)
    if then_day:
        panel.new_risks = sum(1 for risk in panel.risks if risk.raised_on > then_day)
        panel.risk_count = Figure(len(panel.risks), len(panel.risks) - panel.new_risks + closed_since)
    else:
        panel.risk_count = Figure(len(panel.risks))

    # Pipeline by tier, against the frozen snapshot's.
    frozen_tiers = {row["tier"]: row for row in snap.get("mapping", {}).get("tiers", [])}
    for row in open_pipeline_by_tier(opportunities=Opportunity.objects.filter(account_id=account.pk)):
        frozen = frozen_tiers.get(row["tier"])
        panel.pipeline_weighted += row["weighted"]
        panel.pipeline.append({
            "tier": row["tier"],
            "count": Figure(row["count"], frozen["count"] if frozen else None),
            "amount": Figure(int(row["amount"]), frozen["amount"] if frozen else None),
        })
    panel.pipeline_total = Figure(
        sum(row["amount"].now for row in panel.pipeline),
        sum(row["amount"].then for row in panel.pipeline) if frozen_tiers else None,
    )
    panel.pipeline_count = Figure(
        sum(row["count"].now for row in panel.pipeline),
        sum(row["count"].then for row in panel.pipeline) if frozen_tiers else None,
    )

    # Tier moves of opportunities and changes of the customer grade since the reference (or the year's start):
    # the newest moves with how many went up and down in all (window counts, one query).
    since = reference.moment if reference else timezone.make_aware(datetime.datetime.combine(year.start, datetime.time.min))
    moves = list(
        OpportunityMove.objects.filter(opportunity__account_id=account.pk, moved_at__gt=since, from_tier__isnull=False)
        .exclude(from_tier=F("to_tier"))
        .annotate(
            moves_up=Window(Count("id", filter=Q(to_tier__lt=F("from_tier")))),
            moves_down=Window(Count("id", filter=Q(to_tier__gt=F("from_tier")))),
        )
        .select_related("opportunity").only("from_tier", "to_tier", "moved_at", "opportunity__name")
        .order_by("-moved_at", "-id")[:LIST_LIMIT]
    )
    panel.moves_up, panel.moves_down = (moves[0].moves_up, moves[0].moves_down) if moves else (0, 0)
    panel.moves = moves
    panel.grade_changes = list(
        GradeChange.objects.filter(account=account, changed_on__gt=reference.day if reference else year.start - datetime.timedelta(days=1))
        .select_related("from_grade", "to_grade").order_by("-changed_on", "-recorded_at")[:LIST_LIMIT]
    )

    # Decision makers and Kingpins (of the key contacts read above): in touch (an interaction within the
    # freshness threshold), now and then.
    panel.touch_days = thresholds()["decision_maker_days"]
    people = [contact for contact in key_contacts if contact.is_decision_maker or contact.is_kingpin]
    window = datetime.timedelta(days=panel.touch_days)
    for person in people:
        person.last_contact = person.last_interactions[0]
        person.days_since = (today - person.last_contact).days if person.last_contact else None
        person.in_touch = person.last_contact is not None and person.last_contact >= today - window
    in_touch_then = None
    if then_day:
        in_touch_then = sum(1 for p in people if p.last_interactions[1] and p.last_interactions[1] >= then_day - window)
    panel.people_total = len(people)
    panel.people_in_touch = Figure(sum(1 for p in people if p.in_touch), in_touch_then)
    panel.people = sorted(people, key=lambda p: (p.days_since is not None, -(p.days_since or 0), p.name))[:PEOPLE_LIMIT]

    # The frozen key people as they are now: roles, attitude, our coverage and the last contact from the log.
    panel.key_people = live_key_people(frozen=snap.get("org", {}).get("key_people", []), today=today)

    # Actions, read once: overdue now against those overdue in the frozen plan on the reference day,
    # and the frozen action plan's bars with each action's status and progress as they are now.
    actions = list(
        ActionItem.objects.filter(plan=plan).select_related("owner")
        .only("title", "status", "due_on", "percent_done", "owner__username", "owner__first_name", "owner__last_name")
        .order_by("due_on", "id")
    )
    overdue = [action for action in actions if action.status in OPEN_ACTION and action.due_on < today]
    panel.open_actions = sum(1 for action in actions if action.status in OPEN_ACTION)
    panel.overdue_actions = overdue[:LIST_LIMIT]
    frozen_actions = snap.get("execution", {}).get("actions") if snap else None
    overdue_then = done_then = None
    if frozen_actions is not None and then_day:
        overdue_then = sum(1 for a in frozen_actions if a["status"] in OPEN_ACTION and a["due_on"] < then_day.isoformat())
        done_then = sum(1 for a in frozen_actions if a["status"] == ActionItem.Status.DONE)
    panel.overdue_count = Figure(len(overdue), overdue_then)
    panel.done_actions = Figure(sum(1 for action in actions if action.status == ActionItem.Status.DONE), done_then)
    if frozen_actions:
        progress = {action.pk: action for action in actions}
        bars = [
            {**frozen, "status": progress[frozen["id"]].status, "percent_done": progress[frozen["id"]].percent_done, "live": True}
            if frozen["id"] in progress else frozen
            for frozen in frozen_actions
        ]
        frozen_plan = snap["plan"]
        panel.timeline = timeline(bars, period_start=frozen_plan["period_start"], period_end=frozen_plan["period_end"],
                                  today=today)

    # Quarterly reviews run once a plan is approved (step 6).
    panel.reviews = plan_review_states(plan=plan, today=today) if plan.approved_version_id else None
    return panel


def live_key_people(*, frozen: list[dict], today: datetime.date) -> list[dict]:
    """The snapshot's key people read again (two queries): what changed since is flagged per field."""
    if not frozen:
        return []
    contacts = Contact.objects.filter(pk__in=[person["id"] for person in frozen]).annotate(
        last=contact_last_contact(today)
    ).prefetch_related(Prefetch("relationships", queryset=Relationship.objects.select_related("user").order_by("-strength", "pk")))
    current = {contact.pk: contact for contact in contacts}
    people = []
    for person in frozen:
        contact = current.get(person["id"])
        if contact is None:  # deleted since: shown as it was, marked gone
            people.append({**person, "live": True, "left": True, "last_contact": None, "days_since": None})
            continue
        now = {
            "roles": [name for name in Contact.BUYING_ROLE_FIELDS if getattr(contact, name)],
            "attitude": contact.attitude,
            "influence": contact.influence,
            "coverage": [{"user": str(rel.user), "strength": rel.strength} for rel in contact.relationships.all()],
        }
        people.append({
            **person, **now, "live": True,
            "left": contact.status != Contact.Status.ACTIVE,
            "last_contact": contact.last,
            "days_since": (today - contact.last).days if contact.last else None,
            "was": {key: person.get(key) for key in now if _comparable(key, person.get(key)) != _comparable(key, now[key])},
        })
    return people


def _comparable(key: str, value):
    """Coverage lists compare whatever the order of people with equal strength."""
    if key == "coverage" and value is not None:
        return sorted((row["user"], row["strength"]) for row in value)
    return value


def meeting_context(*, plan: AccountPlan, version: PlanVersion) -> dict:
    """What the meeting view adds to the frozen version: the panel, and the action plan with live progress."""
    panel = plan_now(plan=plan, version=version)
    context = {"now": panel}
    if panel.timeline is not None:
        context["timeline"] = panel.timeline
    return context


def plan_review_states(*, plan: AccountPlan, today: datetime.date) -> list[dict]:
    """Each ended quarter of the plan's year: its review signed off, due, or overdue (one query)."""
    from planning.services.reviews import REVIEW_DUE_DAYS  # the services import the PDFs, which import this module

    reviews = {review.quarter: review for review in QuarterlyReview.objects.filter(plan=plan).only(
        "plan_id", "quarter", "status", "due_on", "signed_off_at")}
    states = []
    for quarter in range(1, 5):
        period = plan.period(PeriodKind.QUARTER, quarter)
        if period.end >= today:
            break
        review = reviews.get(quarter)
        due_on = review.due_on if review else period.end + datetime.timedelta(days=REVIEW_DUE_DAYS)
        if review and review.status == QuarterlyReview.Status.SIGNED_OFF:
            state = "signed_off"
        elif today > due_on:
            state = "overdue"
        else:
            state = "due"
        states.append({"quarter": quarter, "due_on": due_on, "state": state, "exists": review is not None})
    return states


def kpi_status_counts(lines: list[KpiLine]) -> dict[str, int]:
    """How many chosen KPIs are on track, at risk and off track now."""
    counts = {KpiStatus.ON_TRACK: 0, KpiStatus.AT_RISK: 0, KpiStatus.OFF_TRACK: 0}
    for line in lines:
        if line.now.status in counts:
            counts[line.now.status] += 1
    return counts
