"""Deterministic demo performance data on top of the accounts' demo: targets, NPS, time, snapshots.

`performance_demo_seed` gives every account KPI targets for last and this fiscal year (the
quarters add up to the year), two years of NPS survey answers, weekly time entries for
accounts with an operations or mixed team, and the KPI snapshots of today and a week ago, so
the weekly dashboard shows movers from the first visit. All rows are written with bulk
inserts in a fixed number of statements; it is called by `seed_demo` and `seed_performance`.

Comments and survey names are demo content in the customer's language, not interface text.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AccountTeamMember, Contact
from performance.models import (
    AccountAttention,
    KpiDefinition,
    KpiSnapshot,
    KpiTarget,
    ManualActual,
    NpsResponse,
    PersonalGoal,
    TimeEntry,
)
from performance.periods import Period, PeriodKind, fiscal_year_of, periods_in_year
from performance.services import SNAPSHOT_COLUMNS, kpi_snapshot_refresh

from demo.bulk import insert_rows, sqlite_indexes_deferred

BATCH_SIZE = 2000
# The key accounts' targets the demo splits among their sellers as personal goals.
GOAL_KPI_CODES = ("order_intake", "revenue")

# The columns of the tuples the builders below return, for `demo.bulk.insert_rows`.
TARGET_COLUMNS = ("account_id", "kpi_id", "fiscal_year", "period_kind", "period_index", "value")
RESPONSE_COLUMNS = ("account_id", "contact_id", "respondent_name", "score", "responded_on", "comment", "survey")
TIME_COLUMNS = ("account_id", "user_id", "worked_on", "kind", "hours")

# (Korean, English); empty ones: most people leave the comment box empty.
NPS_COMMENTS = (
    ("지원팀 대응이 빠릅니다.", "Quick response from the support team."),
    ("이번 분기 납기가 두 번 지연되었습니다.", "Delivery slipped twice this quarter."),
    ("새 대시보드 덕분에 매주 몇 시간씩 절약합니다.", "The new dashboard saves us hours every week."),
    ("가격을 재무팀에 설명하기 어렵습니다.", "Pricing is hard to justify to our finance team."),
    ("엔지니어와 함께한 워크숍이 좋았습니다.", "Great workshop with your engineers."),
    ("담당자가 자주 바뀌어 아쉽습니다.", "The account team changes too often."),
    ("", ""),
    ("", ""),
    ("", ""),
)


@dataclass
class PerformanceDemoSummary:
    targets: int = 0
    nps_responses: int = 0
    time_entries: int = 0
    snapshots: int = 0


def performance_demo_flush() -> None:
    """Delete every target, actual, NPS answer, time entry and snapshot (their accounts stay)."""
    KpiSnapshot.objects.all().delete()
    AccountAttention.objects.all().delete()
    PersonalGoal.objects.all().delete()
    TimeEntry.objects.all().delete()
    NpsResponse.objects.all().delete()
    ManualActual.objects.all().delete()
    KpiTarget.objects.all().delete()
    history = getattr(KpiTarget, "history", None)  # targets' audit trail (kept by the planning app)
    if history is not None:
        history.all().delete()


def performance_demo_seed(*, seed: int, today: datetime.date | None = None) -> PerformanceDemoSummary:
    """Add targets, NPS answers and time entries to every account, then take today's and last week's snapshots.

    Deterministic for the same accounts, seed and day. Rows that already exist (same natural
    key) are left as they are, so running it twice adds nothing.
    """
    today = today or timezone.localdate()
    rng = random.Random(seed)
    kpis = {kpi.code: kpi for kpi in KpiDefinition.objects.filter(is_active=True)}
    accounts = list(
        Account.objects.order_by("pk").values("pk", "fiscal_year_start_month", "team_type", "revenue_ttm", "english_name")
    )
    contacts: dict[int, list[tuple[int, str]]] = {}
    active = Contact.objects.filter(status=Contact.Status.ACTIVE).order_by("account_id", "pk")
    for pk, account_id, name in active.values_list("pk", "account_id", "name"):
        contacts.setdefault(account_id, []).append((pk, name))
    engineers = dict(
        AccountTeamMember.objects.filter(role=AccountTeamMember.Role.ENGINEER)
        .order_by("account_id", "-pk")
        .values_list("account_id", "user_id")
    )

    targets: list[tuple] = []  # TARGET_COLUMNS
    responses: list[tuple] = []  # RESPONSE_COLUMNS
    entries: list[tuple] = []  # TIME_COLUMNS
    for account in accounts:
        targets += _targets(account, kpis, rng, today)
        responses += _responses(account, contacts.get(account["pk"], []), rng, today)
        if account["team_type"] != Account.TeamType.SALES and account["pk"] in engineers:
            entries += _time_entries(account, engineers[account["pk"]], rng, today)

    with transaction.atomic():
        with sqlite_indexes_deferred(KpiTarget, NpsResponse, TimeEntry):
            insert_rows(KpiTarget, TARGET_COLUMNS, targets, ignore_conflicts=True)
            insert_rows(NpsResponse, RESPONSE_COLUMNS, responses, ignore_conflicts=True)
            insert_rows(TimeEntry, TIME_COLUMNS, entries, ignore_conflicts=True)
        # The refresh reads the snapshots it links by their unique index, which stays; the others are
        # built once after both days are in.
        with sqlite_indexes_deferred(KpiSnapshot):
            snapshots = sum(
                kpi_snapshot_refresh(as_of=day, insert=partial(insert_rows, KpiSnapshot, SNAPSHOT_COLUMNS))
                for day in (today - datetime.timedelta(days=7), today)
            )
    return PerformanceDemoSummary(
        targets=len(targets), nps_responses=len(responses), time_entries=len(entries), snapshots=snapshots
    )


GOAL_COLUMNS = ("account_id", "user_id", "kpi_id", "fiscal_year", "month", "value", "created_at", "updated_at")


def personal_goals_demo_seed(*, today: datetime.date | None = None) -> int:
    """Split each key account's quarterly revenue and order intake targets of this fiscal year among its KAM and
    sales rep (개인 목표), month by month: a quarter's target a third a month, shared evenly, the KAM taking the rounding remainder. Run
    after the plans have set their targets; rows that exist are left alone. Returns the number of goals written."""
    today = today or timezone.localdate()
    sellers: dict[int, list[int]] = {}
    selling = AccountTeamMember.objects.filter(
        role__in=[AccountTeamMember.Role.KAM, AccountTeamMember.Role.SALES_REP], account__is_key_account=True
    )
    # "kam" sorts before "sales_rep": the KAM comes first.
    for account_id, user_id in selling.order_by("account_id", "role", "pk").values_list("account_id", "user_id"):
        sellers.setdefault(account_id, []).append(user_id)
    targets = KpiTarget.objects.filter(
        kpi__code__in=GOAL_KPI_CODES, period_kind=PeriodKind.QUARTER, account_id__in=list(sellers)
    ).values_list("account_id", "account__fiscal_year_start_month", "kpi_id", "fiscal_year", "period_index", "value")
    now = timezone.now()
    goals = []
    for account_id, start, kpi_id, fiscal_year, index, value in targets:
        if fiscal_year != fiscal_year_of(today, start):
            continue
        people = sellers[account_id]
        for month in Period(PeriodKind.QUARTER, fiscal_year, index, start).fiscal_months:
            monthly = (value / 3).quantize(Decimal(1))
            share = (monthly / len(people)).quantize(Decimal(1))
            for position, user_id in enumerate(people):
                goals.append((
                    account_id, user_id, kpi_id, fiscal_year, month,
                    monthly - share * (len(people) - 1) if position == 0 else share, now, now,
                ))
    with transaction.atomic():
        insert_rows(PersonalGoal, GOAL_COLUMNS, goals, ignore_conflicts=True)
    return len(goals)


def _targets(account: dict, kpis: dict, rng: random.Random, today: datetime.date) -> list[tuple]:
    month = account["fiscal_year_start_month"]
    current = fiscal_year_of(today, month)
    yearly = Decimal(account["revenue_ttm"] or 0) * Decimal(str(round(rng.uniform(0.9, 1.35), 3)))
    margin = Decimal(str(round(rng.uniform(22, 32), 1)))
    values = {
        "revenue": yearly,
        # Orders signed run ahead of the revenue recognised from them.
        "order_intake": yearly * Decimal("1.1"),
        "profit": yearly * margin / 100,
        "margin": margin,
        "nps": Decimal(rng.choice([20, 30, 40])),
        "repurchase_amount": Decimal(rng.choice([60, 70, 80])),
        "utilisation": Decimal(80),
        "deployment": Decimal(90),
    }
    targets = []
    for code, value in values.items():
        kpi = kpis.get(code)
        if kpi is None or not kpi.applies_to(account["team_type"]) or not value:
            continue
        for year in (current - 1, current):
            if kpi.is_cumulative:
                year_value = value.quantize(Decimal("1"))
                quarter = (year_value / 4).quantize(Decimal("1"))
                # The quarters add up to the year exactly, as step 4 of the plan requires.
                quarters = [quarter, quarter, quarter, year_value - 3 * quarter]
            else:
                year_value = value.quantize(Decimal("0.1"))
                quarters = [year_value] * 4
            rows = [(Period(PeriodKind.YEAR, year, 1, month), year_value)] + list(
                zip(periods_in_year(year, PeriodKind.QUARTER, month), quarters, strict=True)
            )
            for period, amount in rows:
                targets.append((account["pk"], kpi.pk, period.fiscal_year, period.kind, period.index, amount))
    return targets


def _responses(account: dict, people: list, rng: random.Random, today: datetime.date) -> list[tuple]:
    korean = bool(account["english_name"])  # the demo gives Korean companies an English name too
    lang = 0 if korean else 1
    loyalty = rng.uniform(6.5, 9.8)
    responses = []
    seen: set[tuple[str, datetime.date]] = set()
    for quarter in range(8):
        for _ in range(rng.randint(2, 5)):
            day = today - datetime.timedelta(days=quarter * 91 + rng.randint(0, 90))
            contact_id, name = rng.choice(people) if people else (None, f"Respondent {rng.randint(1, 40)}")
            score = max(0, min(10, round(rng.gauss(loyalty, 1.8))))
            comment = rng.choice(NPS_COMMENTS)[lang]
            if (name, day) in seen:
                continue
            seen.add((name, day))
            responses.append((
                account["pk"], contact_id, name, score, day, comment,
                f"{day.year} 고객 관계 설문" if korean else f"Relationship survey {day.year}",
            ))
    return responses


def _time_entries(account: dict, user_id: int, rng: random.Random, today: datetime.date) -> list[tuple]:
    entries = []
    monday = today - datetime.timedelta(days=today.weekday())
    busy = rng.uniform(0.6, 0.95)
    for week in range(1, 40):
        day = monday - datetime.timedelta(weeks=week)
        billable = Decimal(str(round(8 * busy + rng.uniform(-1, 1), 1)))
        for kind, hours in (
            (TimeEntry.Kind.BILLABLE, billable),
            (TimeEntry.Kind.NON_BILLABLE, Decimal(str(round(rng.uniform(0, 1.5), 1)))),
            (TimeEntry.Kind.AVAILABLE, Decimal(str(round(max(8 - float(billable), 0.5), 1)))),
        ):
            if hours > 0:
                entries.append((account["pk"], user_id, day, kind, hours))
    return entries
