"""The daily sweep: quarterly reviews (step 6), year-end (step 7) and reminders, written in bulk.

`sweep_run(as_of=…)` is what the scheduled task and `manage.py run_sweep` call. It is safe to run
twice and from two workers at once: a review exists once per plan and quarter (database
constraint), a notification once per user and event. Its query count depends on the number of
fiscal calendars and quarters in play, not on the number of plans.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation

from accounts.models import Account, User
from accounts.roles import Role
from notifications.models import Notification, NotificationKind
from notifications.services import NotificationDraft, notifications_create
from performance.models import KpiDefinition, KpiSnapshot, KpiStatus
from performance.periods import PeriodKind
from planning.freshness import live_plans, plan_signals
from planning.models import AccountPlan, ActionItem, PlanKpi, PlanStatus, PlanVersion, QuarterlyReview
from planning.selectors.kpis import review_kpi_rows_bulk
from planning.services.decisions import plan_label
from planning.services.reviews import quarterly_review_new

logger = logging.getLogger(__name__)

ACTION_NOTICE_DAYS = 7
ANALYZE_AFTER = 1000


@dataclass(frozen=True)
class SweepResult:
    reviews_created: int
    notifications_created: int


def sweep_run(*, as_of: datetime.date) -> SweepResult:
    """Create the reviews of every quarter that ended before `as_of`, then notify owners of what is due."""
    created = quarterly_reviews_create_due(as_of=as_of)
    drafts = [*_review_drafts(as_of), *_action_drafts(as_of), *_year_end_drafts(as_of)]
    notified = notifications_create(drafts=drafts)
    logger.info("Sweep as of %s: %d reviews created, %d notifications", as_of, created, notified)
    return SweepResult(reviews_created=created, notifications_created=notified)


WITHDRAWN = Account.Lifecycle.WITHDRAWN


def _running_plans():
    """Approved plans of accounts not withdrawn: a withdrawn account's plans get no reviews and no reminders."""
    return AccountPlan.objects.filter(status=PlanStatus.APPROVED, approved_version__isnull=False).exclude(
        account__lifecycle=WITHDRAWN
    )


def quarterly_reviews_create_due(*, as_of: datetime.date) -> int:
    """Each approved plan's review of every fiscal quarter that ended before `as_of` and has none yet.

    Returns how many reviews this call created (0 when run again).
    """
    candidates = (
        _running_plans()
        .filter(period_start__lte=as_of - datetime.timedelta(days=89))
        .annotate(review_count=Count("reviews"))
        .filter(review_count__lt=4)
        .only("id", "account_id", "fiscal_year", "period_start", "period_end", "owner_id")
    )
    plans = {plan.pk: plan for plan in candidates}
    if not plans:
        return 0
    have = set(QuarterlyReview.objects.filter(plan_id__in=list(plans)).values_list("plan_id", "quarter"))
    groups: dict[tuple[int, int, int], list[AccountPlan]] = defaultdict(list)
    for plan in plans.values():
        for quarter in (1, 2, 3, 4):
            if (plan.pk, quarter) not in have and plan.period(PeriodKind.QUARTER, quarter).end < as_of:
                groups[(plan.start_month, plan.fiscal_year, quarter)].append(plan)
    if not groups:
        return 0
    wanted_plans = {plan.pk for group in groups.values() for plan in group}
    kpis = KpiDefinition.objects.in_bulk()
    kpis_by_plan: dict[int, list[KpiDefinition]] = defaultdict(list)
    for plan_id, kpi_id in PlanKpi.objects.filter(plan_id__in=wanted_plans).values_list("plan_id", "kpi_id"):
        kpis_by_plan[plan_id].append(kpis[kpi_id])
    for chosen in kpis_by_plan.values():
        chosen.sort(key=lambda kpi: (kpi.sort_order, kpi.code))

    taken_at = timezone.now()
    reviews = []
    for (_month, _year, quarter), group in groups.items():
        period = group[0].period(PeriodKind.QUARTER, quarter)
        rows = review_kpi_rows_bulk(plans=group, period=period, kpis_by_plan=kpis_by_plan, as_of=as_of)
        reviews.extend(
            quarterly_review_new(plan=plan, quarter=quarter, kpi_snapshot=rows[plan.pk], taken_at=taken_at) for plan in group
        )
    with transaction.atomic():
        # Another sweep may insert the same (plan, quarter) meanwhile: the constraint keeps the first.
        QuarterlyReview.objects.bulk_create(reviews, batch_size=1000, ignore_conflicts=True)
        mine = list(QuarterlyReview.objects.filter(plan_id__in=wanted_plans, snapshot_taken_at=taken_at))
        QuarterlyReview.history.bulk_history_create(mine, batch_size=1000, default_date=taken_at)
    if len(mine) >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # After a bulk load PostgreSQL's statistics are stale; without them the reminder
        # queries below pick nested loops that grow with the square of the reviews.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {QuarterlyReview._meta.db_table}")
    return len(mine)


def _not_notified(prefix: str, *parts) -> Exists:
    """No notification with the key `prefix` + parts exists for the row's owner yet (dedup in SQL, by index)."""
    key = Concat(Value(prefix), *[Cast(part, CharField()) if not isinstance(part, Value) else part for part in parts],
                 output_field=CharField())
    return ~Exists(Notification.objects.filter(user_id=OuterRef("owner_id"), key=key))


def _review_drafts(as_of: datetime.date) -> list[NotificationDraft]:
    """'Review due' for every open review of a running plan; 'review overdue' once its due date passed."""
    open_reviews = QuarterlyReview.objects.filter(
        status=QuarterlyReview.Status.OPEN, owner__isnull=False, plan__status=PlanStatus.APPROVED
    ).exclude(plan__account__lifecycle=WITHDRAWN)
    fields = ("pk", "plan_id", "quarter", "due_on", "owner_id", "plan__account__name", "plan__fiscal_year")
    drafts = []
    for kind, prefix, rows in (
        (NotificationKind.REVIEW_DUE, "review-due:", open_reviews.filter(_not_notified("review-due:", OuterRef("pk")))),
        (NotificationKind.REVIEW_OVERDUE, "review-overdue:",
         open_reviews.filter(_not_notified("review-overdue:", OuterRef("pk")), due_on__lt=as_of)),
    ):
        for pk, plan_id, quarter, due_on, owner_id, account_name, year in rows.values_list(*fields).iterator(chunk_size=2000):
            drafts.append(NotificationDraft(
                owner_id, kind, f"{prefix}{pk}",
                {"quarter": quarter, "plan": plan_label(account_name, year), "due": due_on.isoformat()},
                "planning:review-detail", {"plan_id": plan_id, "quarter": quarter},
            ))
    return drafts


def _action_drafts(as_of: datetime.date) -> list[NotificationDraft]:
    """Open actions of running plans due within 7 days or overdue; a new due date notifies again."""
    rows = ActionItem.objects.filter(
        _not_notified("action-due:", OuterRef("pk"), Value(":"), OuterRef("due_on")),
        plan__status=PlanStatus.APPROVED, status__in=ActionItem.OPEN_STATUSES, owner__isnull=False,
        due_on__lte=as_of + datetime.timedelta(days=ACTION_NOTICE_DAYS),
    ).exclude(plan__account__lifecycle=WITHDRAWN).values_list("pk", "plan_id", "title", "due_on", "owner_id", "plan__account__name", "plan__fiscal_year")
    return [
        NotificationDraft(
            owner_id, NotificationKind.ACTION_DUE, f"action-due:{pk}:{due_on.isoformat()}",
            {"title": title, "plan": plan_label(account_name, year), "due": due_on.isoformat()},
            "planning:plan-step", {"plan_id": plan_id, "step": 5},
        )
        for pk, plan_id, title, due_on, owner_id, account_name, year in rows.iterator(chunk_size=2000)
    ]


def _year_end_drafts(as_of: datetime.date) -> list[NotificationDraft]:
    """Step 7 opens when the plan's fiscal year has ended: remind the KAM to evaluate and start next year."""
    rows = _running_plans().filter(
        _not_notified("year-end:", OuterRef("pk")), period_end__lt=as_of, owner__isnull=False
    ).values_list("pk", "owner_id", "fiscal_year", "account__name")
    return [
        NotificationDraft(
            owner_id, NotificationKind.YEAR_END, f"year-end:{pk}", {"year": year, "account": account_name},
            "planning:plan-step", {"plan_id": pk, "step": 7},
        )
        for pk, owner_id, year, account_name in rows.iterator(chunk_size=2000)
    ]


@dataclass(frozen=True)
class _LinkedDraft(NotificationDraft):
    """A draft whose link is already a path (a stale signal's fix may carry a query string)."""

    link: str = ""

    def url(self) -> str:
        return self.link


def stale_plan_notices_create(*, as_of: datetime.date) -> int:
    """The daily sweep's stale-plan part (`planning.freshness`): new notices this week; see `_stale_drafts`."""
    return notifications_create(drafts=_stale_drafts(as_of))


def _stale_drafts(as_of: datetime.date) -> list[NotificationDraft]:
    """The owner of each live plan hears of each stale signal once a week, with the fix in one line, in their
    language; a stale-plan notice whose signal has gone is marked read (the KAM fixed it)."""
    plans = list(
        live_plans().filter(owner__isnull=False).exclude(account__lifecycle=WITHDRAWN).select_related("account", "owner")
    )
    year, week, _day = as_of.isocalendar()
    drafts: list[NotificationDraft] = []
    current: set[tuple[int, str]] = set()
    by_language: dict[str, list[AccountPlan]] = defaultdict(list)
    for plan in plans:
        by_language[plan.owner.language or settings.LANGUAGE_CODE].append(plan)
    for language, group in by_language.items():
        with translation.override(language):
            signals = plan_signals(plans=group, today=as_of)
        for plan in group:
            for signal in signals[plan.pk]:
                stem = f"stale:{plan.pk}:{signal.code}:{signal.subject}:"
                current.add((plan.owner_id, stem))
                drafts.append(_LinkedDraft(
                    plan.owner_id, NotificationKind.STALE_PLAN, f"{stem}{year}-W{week:02d}",
                    {"plan": plan_label(plan.account.name, plan.fiscal_year), "fix": signal.fix, "signal": signal.code},
                    link=signal.url,
                ))
    resolved = [
        pk for pk, user_id, key in Notification.objects.filter(
            kind=NotificationKind.STALE_PLAN, read_at__isnull=True
        ).values_list("pk", "user_id", "key")
        if (user_id, key.rsplit(":", 1)[0] + ":") not in current
    ]
    if resolved:
        Notification.objects.filter(pk__in=resolved).update(read_at=timezone.now())
    return drafts


def executive_digest_create(*, as_of: datetime.date) -> int:
    """This week's digest for each active executive: plans waiting for a decision, off-track accounts, overdue
    reviews, and live plans going stale (any signal of `planning.freshness` as of that day).

    One per executive and ISO week, however often it runs.
    """
    waiting = PlanVersion.objects.filter(decision__isnull=True, plan__status=PlanStatus.SUBMITTED).count()
    latest = KpiSnapshot.objects.filter(as_of__lte=as_of).order_by("-as_of").values_list("as_of", flat=True).first()
    off_track = (
        KpiSnapshot.objects.filter(as_of=latest, status=KpiStatus.OFF_TRACK).values("account_id").distinct().count()
        if latest else 0
    )
    overdue = QuarterlyReview.objects.filter(status=QuarterlyReview.Status.OPEN, due_on__lt=as_of).count()
    plans = list(live_plans().exclude(account__lifecycle=WITHDRAWN).select_related("account"))
    signals = plan_signals(plans=plans, today=as_of) if plans else {}
    stale = sum(1 for plan in plans if signals.get(plan.pk))
    year, week, _day = as_of.isocalendar()
    executives = User.objects.filter(groups__name=Role.EXECUTIVE, is_active=True).values_list("pk", flat=True).distinct()
    params = {"waiting": waiting, "off_track": off_track, "overdue": overdue, "stale": stale}
    return notifications_create(
        drafts=[NotificationDraft(pk, NotificationKind.WEEKLY_DIGEST, f"digest:{year}-W{week:02d}", params, "performance:dashboard")
                for pk in executives]
    )
