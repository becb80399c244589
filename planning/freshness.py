"""Stale plans: the signals that a plan is no longer looked after, each with the fix in one line.

Signals (thresholds are settings, defaults in brackets, see README "Stale plans"):
- `org_review`: the org chart (step 1) not reviewed in KAM_STALE_ORG_REVIEW_DAYS [90], or changed since the review;
- `decision_maker`: no logged interaction with an active decision maker in KAM_STALE_DECISION_MAKER_DAYS [60];
- `action_idle`: an open action not updated in KAM_STALE_ACTION_DAYS [30];
- `kpi_off_track`: a chosen KPI off track in each of the last KAM_STALE_KPI_WEEKS [3] weekly snapshots;
- `review_overdue`: a quarterly review past its due date and not signed off;
- `approved_idle`: approved more than KAM_STALE_APPROVED_IDLE_DAYS [30] ago with no interaction, action
  update or signed-off review since.

`plan_signals(plans=…, today=…)` reads every plan's signals in a fixed number of queries (about ten),
whatever the number of plans, so the plan list, the sweep and the dashboards can all call it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateField, Exists, Max, OuterRef, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.interactions import contact_last_contact
from accounts.models import Account, Contact, Interaction, OrgChange
from performance.models import KpiSnapshot, KpiStatus
from planning.models import AccountPlan, ActionItem, PlanKpi, PlanStatus, QuarterlyReview

# The plans that can go stale: being written or running (not decided against, not closed).
LIVE_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.CHANGES_REQUESTED, PlanStatus.APPROVED)

SIGNAL_LABELS = {
    "org_review": gettext_lazy("Org chart review out of date"),
    "decision_maker": gettext_lazy("Decision maker out of touch"),
    "action_idle": gettext_lazy("Action not updated"),
    "kpi_off_track": gettext_lazy("KPI off track for weeks"),
    "review_overdue": gettext_lazy("Quarterly review overdue"),
    "approved_idle": gettext_lazy("No activity since approval"),
}


@dataclass(frozen=True)
class Signal:
    """One reason a plan is stale. `subject` tells signals of one kind apart (a contact, an action…)."""

    code: str
    plan_id: int
    subject: str
    fix: str
    url: str

    @property
    def label(self) -> str:
        return str(SIGNAL_LABELS[self.code])


def thresholds() -> dict[str, int]:
    return {
        "org_review_days": settings.KAM_STALE_ORG_REVIEW_DAYS,
        "decision_maker_days": settings.KAM_STALE_DECISION_MAKER_DAYS,
        "action_days": settings.KAM_STALE_ACTION_DAYS,
        "kpi_weeks": settings.KAM_STALE_KPI_WEEKS,
        "approved_idle_days": settings.KAM_STALE_APPROVED_IDLE_DAYS,
    }


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


_ID = 2147483646  # a placeholder id: each signal's URL is reversed once per call and the id put in its place


class _Urls:
    """`reverse(name, args=[id, *rest])` for many ids: reversed once per name and `rest`, the id then joined
    in (the tier board's cards do the same, `accounts.templatetags.opportunity_card`)."""

    def __init__(self):
        self._parts: dict[tuple, list[str]] = {}

    def __call__(self, name: str, first: int, *rest) -> str:
        parts = self._parts.get((name, rest))
        if parts is None:
            parts = self._parts[(name, rest)] = reverse(name, args=[_ID, *rest]).split(str(_ID))
        return str(first).join(parts)


def _roles(contact) -> str:
    roles = [str(label) for field, label in (("is_kingpin", "Kingpin"), ("is_fox", "Fox")) if getattr(contact, field)]
    return roles[0] if roles else _("decision maker")


def plan_signals(
    *, plans: list[AccountPlan], today: datetime.date, org_changes: dict[int, datetime.datetime | None] | None = None,
    key_contacts: dict[int, list[Contact]] | None = None, describe: bool = True,
) -> dict[int, list[Signal]]:
    """Each live plan's stale signals (an empty list: fresh), by plan id.

    With `describe` off the signals carry no fix and no link (both empty): the same signals, for a caller
    that only counts them, without a translated sentence and a URL for each of hundreds of plans.

    `org_changes` (each account's latest org change, by account id) and `key_contacts` (each account's active
    decision makers, Kingpins and Foxes by name, with `last_interaction`, by account id: the account page's risk
    card read them) save reading them when the caller has them."""
    limits = thresholds()
    url_of = _Urls()
    live = [plan for plan in plans if plan.status in LIVE_STATUSES]
    signals: dict[int, list[Signal]] = {plan.pk: [] for plan in plans}
    if not live:
        return signals

    def add(code: str, plan_id: int, subject: str, fix, url) -> None:
        # `fix` and `url` are callables, called only when the signals are described.
        signals[plan_id].append(Signal(code, plan_id, subject, fix() if describe else "", url() if describe else ""))

    account_ids = {plan.account_id for plan in live}

    # 1. The org chart: reviewed lately, and not changed since.
    changed = org_changes if org_changes is not None else dict(
        OrgChange.objects.filter(account_id__in=account_ids).order_by().values("account_id")
        .annotate(last=Max("recorded_at")).values_list("account_id", "last")
    )
    review_before = today - datetime.timedelta(days=limits["org_review_days"])
    for plan in live:
        def url(plan=plan):
            return url_of("planning:plan-step", plan.pk, 1)

        reviewed = _day(plan.org_reviewed_at)
        if reviewed is None or reviewed < review_before:
            add("org_review", plan.pk, "age", lambda reviewed=reviewed: (
                _("Review the org chart (step 1): last reviewed %(date)s") % {"date": reviewed.isoformat()}
                if reviewed else _("Review the org chart (step 1): never reviewed")
            ), url)
        elif changed.get(plan.account_id) and changed[plan.account_id] > plan.org_reviewed_at:
            add("org_review", plan.pk, "changed", lambda plan=plan: (
                _("Review the org chart (step 1): it changed on %(date)s, after the review") % {
                    "date": _day(changed[plan.account_id]).isoformat()
                }
            ), url)

    # 2. Decision makers in touch: the latest logged interaction each attended.
    contact_before = today - datetime.timedelta(days=limits["decision_maker_days"])
    silent_by_account = defaultdict(list)
    if key_contacts is None:
        key_contacts = defaultdict(list)
        # Rows, not model instances: on an executive's dashboard these are every live plan's decision makers.
        for contact in (
            Contact.objects.filter(account_id__in=account_ids, status=Contact.Status.ACTIVE)
            .filter(Q(is_decision_maker=True) | Q(is_kingpin=True))
            .annotate(last_interaction=contact_last_contact(today))
            .order_by("name")
            .values_list("pk", "account_id", "name", "is_decision_maker", "is_kingpin", "is_fox", "last_interaction",
                         named=True)
        ):
            key_contacts[contact.account_id].append(contact)
    for account_id in account_ids:
        for contact in key_contacts.get(account_id, ()):
            if not (contact.is_decision_maker or contact.is_kingpin):
                continue  # a Fox only
            if contact.last_interaction is None or contact.last_interaction < contact_before:
                silent_by_account[account_id].append(contact)
    for plan in live:
        for contact in silent_by_account.get(plan.account_id, ()):
            add("decision_maker", plan.pk, str(contact.pk), lambda contact=contact: _contact_fix(contact),
                lambda plan=plan, contact=contact: (
                    url_of("accounts:interaction-add", plan.account_id) + f"?contact={contact.pk}"
                ))

    running = [plan for plan in live if plan.status == PlanStatus.APPROVED]
    running_ids = [plan.pk for plan in running]

    # 3. Open actions of running plans not updated lately.
    action_before = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=limits["action_days"]), datetime.time.min)
    )
    for action in ActionItem.objects.filter(
        plan_id__in=running_ids, status__in=ActionItem.OPEN_STATUSES, updated_at__lt=action_before
    ).order_by("plan_id", "updated_at").only("pk", "plan_id", "title", "updated_at"):
        add("action_idle", action.plan_id, str(action.pk), lambda action=action: (
            _("Update the action “%(title)s”: last updated %(date)s") % {
                "title": action.title, "date": _day(action.updated_at).isoformat()
            }
        ), lambda action=action: url_of("planning:plan-step", action.plan_id, 5))

    # 4. A chosen KPI off track in each of the last N weekly snapshots.
    weeks = limits["kpi_weeks"]
    dates = list(
        KpiSnapshot.objects.filter(as_of__lte=today).order_by("-as_of").values_list("as_of", flat=True).distinct()[:weeks]
    ) if running_ids else []
    if len(dates) == weeks and running_ids:
        chosen = defaultdict(set)
        for plan_id, kpi_id in PlanKpi.objects.filter(plan_id__in=running_ids).values_list("plan_id", "kpi_id"):
            chosen[plan_id].add(kpi_id)
        off = defaultdict(int)
        names = {}
        for account_id, kpi_id, kpi_name in KpiSnapshot.objects.filter(
            account_id__in={plan.account_id for plan in running}, as_of__in=dates, status=KpiStatus.OFF_TRACK
        ).values_list("account_id", "kpi_id", "kpi__name"):
            off[(account_id, kpi_id)] += 1
            names[kpi_id] = kpi_name
        for plan in running:
            for kpi_id in sorted(chosen[plan.pk]):
                if off.get((plan.account_id, kpi_id), 0) >= weeks:
                    add("kpi_off_track", plan.pk, str(kpi_id), lambda kpi_id=kpi_id: (
                        _("Act on %(kpi)s: off track for %(weeks)s weeks") % {"kpi": names[kpi_id], "weeks": weeks}
                    ), lambda plan=plan: url_of("performance:account-kpis", plan.account_id))

    # 5. Quarterly reviews past due.
    for review in QuarterlyReview.objects.filter(
        plan_id__in=running_ids, status=QuarterlyReview.Status.OPEN, due_on__lt=today
    ).order_by("plan_id", "quarter").only("plan_id", "quarter", "due_on"):
        add("review_overdue", review.plan_id, str(review.quarter), lambda review=review: (
            _("Sign off the Q%(quarter)s review: due %(date)s") % {"quarter": review.quarter, "date": review.due_on.isoformat()}
        ), lambda review=review: url_of("planning:review-detail", review.plan_id, review.quarter))

    # 6. Approved, then nothing: no interaction, action update or review sign-off since the decision.
    decided = {plan.pk: _approved_on(plan) for plan in running}
    idle_before = today - datetime.timedelta(days=limits["approved_idle_days"])
    candidates = [plan for plan in running if decided[plan.pk] and decided[plan.pk] < idle_before]
    if candidates:
        last_interaction = dict(
            Interaction.objects.filter(account_id__in={plan.account_id for plan in candidates}, occurred_on__lte=today)
            .order_by().values("account_id").annotate(last=Max("occurred_on")).values_list("account_id", "last")
        )
        last_action = dict(
            ActionItem.objects.filter(plan_id__in=[plan.pk for plan in candidates]).order_by().values("plan_id")
            .annotate(last=Max("updated_at")).values_list("plan_id", "last")
        )
        last_review = dict(
            QuarterlyReview.objects.filter(plan_id__in=[plan.pk for plan in candidates], signed_off_at__isnull=False)
            .order_by().values("plan_id").annotate(last=Max("signed_off_at")).values_list("plan_id", "last")
        )
        for plan in candidates:
            since = decided[plan.pk]
            activity = [
                last_interaction.get(plan.account_id), _day(last_action.get(plan.pk)), _day(last_review.get(plan.pk))
            ]
            if not any(day is not None and day >= since for day in activity):
                add("approved_idle", plan.pk, "idle", lambda since=since: (
                    _("Log what happened since the approval on %(date)s") % {"date": since.isoformat()}
                ), lambda plan=plan: url_of("accounts:timeline", plan.account_id))
    return signals


def _contact_fix(contact) -> str:
    """The fix of a silent decision maker: `contact` is a Contact or a row with its name, roles and `last_interaction`."""
    params = {"name": contact.name, "role": _roles(contact)}
    if contact.last_interaction:
        return _("Log a meeting with %(name)s (%(role)s): last contact %(date)s") % {
            **params, "date": contact.last_interaction.isoformat()
        }
    return _("Log a meeting with %(name)s (%(role)s): no contact logged") % params


def _approved_on(plan) -> datetime.date | None:
    """The day the approved version was decided: `plan` is an AccountPlan with `approved_version__decision`
    selected, or a `_PlanRow` (read with its decision's day)."""
    if not isinstance(plan, AccountPlan):
        return plan.approved_on
    version = plan.approved_version
    decision = getattr(version, "decision", None) if version is not None else None
    return _day(decision.decided_at) if decision is not None else None


def with_approved_decision(plans):
    """Plans with their approved version and its decision in the same query, the version's frozen snapshot
    (some 20 KB of JSON that lists, cards and signals never read) left unread."""
    return plans.select_related("approved_version__decision").defer("approved_version__snapshot")


def live_plans(queryset=None):
    """Live plans with what `plan_signals` reads, in one query."""
    queryset = AccountPlan.objects.all() if queryset is None else queryset
    return with_approved_decision(queryset.filter(status__in=LIVE_STATUSES))


# --- Where the signals show besides the plan pages (registered in PlanningConfig.ready()) ----------

DASHBOARD_STALE_ITEMS = 8


class _PlanRow:
    """A live plan as the dashboard's tile reads it: what `plan_signals` and the tile's list need, from a row
    (an executive's tile reads every live plan: thousands of model instances at 20,000 accounts)."""

    __slots__ = ("pk", "account_id", "account_name", "fiscal_year", "status", "org_reviewed_at", "approved_on")

    def __init__(self, pk, account_id, account_name, fiscal_year, status, org_reviewed_at, decided_at):
        self.pk, self.account_id, self.account_name, self.fiscal_year = pk, account_id, account_name, fiscal_year
        self.status, self.org_reviewed_at, self.approved_on = status, org_reviewed_at, _day(decided_at)

    def __str__(self) -> str:
        return str(AccountPlan(account=Account(pk=self.account_id, name=self.account_name), fiscal_year=self.fiscal_year))


def _stale_plans(accounts) -> list[tuple[_PlanRow, list[Signal]]]:
    plans_in_scope = AccountPlan.objects.filter(account__in=accounts, status__in=LIVE_STATUSES)
    plans = [
        _PlanRow(*row) for row in plans_in_scope.order_by().values_list(
            "pk", "account_id", "account__name", "fiscal_year", "status", "org_reviewed_at",
            "approved_version__decision__decided_at",
        )
    ]
    if not plans:
        return []
    # What the signals read per account, for the accounts with live plans in scope as a subquery (not an IN
    # list of thousands of ids): the latest org change, and only the silent decision makers (the tile counts them),
    # found by the absence of a recent interaction. Their last contact is left unread (None, which the signals
    # count as silent): the tile does not describe the signals.
    today = timezone.localdate()
    with_plans = {"account_id__in": plans_in_scope.values("account_id")}
    org_changes = dict(
        OrgChange.objects.filter(**with_plans).order_by().values("account_id")
        .annotate(last=Max("recorded_at")).values_list("account_id", "last")
    )
    contact_before = today - datetime.timedelta(days=thresholds()["decision_maker_days"])
    silent = defaultdict(list)
    for contact in (
        Contact.objects.filter(**with_plans, status=Contact.Status.ACTIVE)
        .filter(Q(is_decision_maker=True) | Q(is_kingpin=True))
        .exclude(Exists(Interaction.objects.filter(
            their_attendees=OuterRef("pk"), occurred_on__gte=contact_before, occurred_on__lte=today
        )))
        .annotate(last_interaction=Value(None, output_field=DateField()))
        .order_by()
        .values_list("pk", "account_id", "is_decision_maker", "is_kingpin", "last_interaction", named=True)
    ):
        silent[contact.account_id].append(contact)
    # The tile shows counts and labels only: the signals undescribed (no sentence and link for each plan).
    signals = plan_signals(plans=plans, today=today, org_changes=org_changes, key_contacts=silent, describe=False)
    return [(plan, signals[plan.pk]) for plan in plans if signals[plan.pk]]


def stale_plan_panel(*, accounts) -> dict:
    """The executive dashboard's "Stale plans" tile, from one reading of the live plans' signals: its counts
    (how many live plans are stale, then how many show each signal) and its list of the stalest plans."""
    stale = _stale_plans(accounts)
    return {"counts": _stale_counts(stale), "items": _stale_items(stale)}


def _stale_counts(stale: list[tuple[_PlanRow, list[Signal]]]) -> dict[str, int]:
    if not stale:
        return {}
    counts = {str(gettext_lazy("Stale plans")): len(stale)}
    for code, label in SIGNAL_LABELS.items():
        number = sum(1 for _plan, found in stale if any(signal.code == code for signal in found))
        if number:
            counts[str(label)] = number
    return counts


def _stale_items(stale: list[tuple[_PlanRow, list[Signal]]]) -> list[dict]:
    """The stalest plans (most signals first), linked to their overview."""
    stale = sorted(stale, key=lambda pair: (-len(pair[1]), pair[0].account_name, pair[0].pk))
    return [
        {
            "label": str(plan),
            "url": reverse("planning:plan-detail", args=[plan.pk]),
            "note": ", ".join(dict.fromkeys(signal.label for signal in found)),
        }
        for plan, found in stale[:DASHBOARD_STALE_ITEMS]
    ]
