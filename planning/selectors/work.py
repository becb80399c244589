"""The account and the plan point at each other: the account page's plan card, and an account manager's "My work".

Both are registered with accounts (`accounts.sections`) in PlanningConfig.ready(); the plan list shows
"My work" too. Each reads in a fixed number of queries, whatever the plan's or the portfolio's size.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Func, Max, Q, QuerySet, TextField, Value, When
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import portfolio_cache
from accounts.models import Account, AccountTeamMember, OrgChange, User
from accounts.permissions import WRITING_TEAM_ROLES, role_writes_account_data, user_can_edit_account
from accounts.roles import is_admin
from performance.periods import PeriodKind, fiscal_year_of
from planning.freshness import LIVE_STATUSES, plan_signals, with_approved_decision
from planning.models import PLAN_STEPS, AccountPlan, ActionItem, PlanStatus, QuarterlyReview

from planning.rules import PlanFacts, plan_step_states

from .completeness import plan_facts, plans_step_states

MY_WORK_SHOWN = 5  # items listed per kind of work; the count says how many there are


# --- The account page's plan card -------------------------------------------------------------


def approved_plan_of_year(*, account: Account, fiscal_year: int) -> AccountPlan | None:
    """The account's plan of that fiscal year if it was approved: what a new plan may carry over."""
    return AccountPlan.objects.filter(account=account, fiscal_year=fiscal_year, approved_version__isnull=False).first()


@dataclass(frozen=True)
class AccountPlans:
    """What the account page reads of the account's plans, once for its risk card and its plan card."""

    today: datetime.date
    fiscal_year: int
    by_year: dict[int, AccountPlan]  # last, this and next fiscal year's plans
    live: list[AccountPlan]  # the plans that can go stale (planning.freshness)
    current: AccountPlan | None  # this fiscal year's plan, else next year's
    facts: PlanFacts | None  # the current plan's completeness facts
    latest_org_change_at: datetime.datetime | None


def account_plans(*, account: Account, today: datetime.date) -> AccountPlans:
    """The account's live plans and those of last, this and next fiscal year in one query, the current plan's
    completeness facts (which bring the latest org change) in four; the org change alone when only older
    plans are live. Kept on the account object for the request: the risk card and the plan card both ask."""
    kept = getattr(account, "_planning_account_plans", None)
    if kept is not None and kept.today == today:
        return kept
    fiscal_year = fiscal_year_of(today, account.fiscal_year_start_month)
    years = (fiscal_year - 1, fiscal_year, fiscal_year + 1)
    plans = list(with_approved_decision(
        AccountPlan.objects.filter(account=account).filter(Q(status__in=LIVE_STATUSES) | Q(fiscal_year__in=years))
    ))
    for plan in plans:
        plan.account = account
    by_year = {plan.fiscal_year: plan for plan in plans if plan.fiscal_year in years}
    live = [plan for plan in plans if plan.status in LIVE_STATUSES]
    current = by_year.get(fiscal_year) or by_year.get(fiscal_year + 1)
    facts = plan_facts(plan=current, today=today) if current is not None else None
    if facts is not None:
        latest_change = facts.latest_org_change_at
    elif live:
        latest_change = OrgChange.objects.filter(account=account).aggregate(latest=Max("recorded_at"))["latest"]
    else:
        latest_change = None
    kept = AccountPlans(
        today=today, fiscal_year=fiscal_year, by_year=by_year, live=live, current=current, facts=facts,
        latest_org_change_at=latest_change,
    )
    account._planning_account_plans = kept
    return kept


def stale_plan_risks(*, account: Account, today: datetime.date, key_contacts: list | None = None) -> list[dict]:
    """The account summary's risk card: each live plan's stale signals (`accounts.risks`)."""
    plans = account_plans(account=account, today=today)
    if not plans.live:
        return []
    signals = plan_signals(
        plans=plans.live, today=today, org_changes={account.pk: plans.latest_org_change_at},
        key_contacts=None if key_contacts is None else {account.pk: key_contacts},
    )
    return [
        {"kind": "stale_plan", "plan": plan, "signal": signal}
        for plan in plans.live for signal in signals.get(plan.pk, [])
    ]


def account_plan_card(*, account: Account, user: User, today: datetime.date) -> dict:
    """The account's current plan (the one of this fiscal year, else next year's), its step progress and
    next action; or, with none, the year a new plan would cover and whether last year's can be carried over."""
    plans = account_plans(account=account, today=today)
    fiscal_year, plan = plans.fiscal_year, plans.current
    card = {"account": account, "fiscal_year": fiscal_year, "plan": plan, "may_create": False}
    if plan is None:
        previous = plans.by_year.get(fiscal_year - 1)
        card.update({
            "may_create": user_can_edit_account(user=user, account=account),
            "previous_approved": previous if previous is not None and previous.approved_version_id else None,
            "new_plan_url": reverse("planning:plan-create") + f"?account={account.pk}&fiscal_year={fiscal_year}",
        })
        return card
    states = plan_step_states(plan, plans.facts)
    action = (
        ActionItem.objects.filter(plan=plan, status__in=ActionItem.OPEN_STATUSES)
        .select_related("owner").order_by("due_on", "id").first()
    )
    step = next((state for state in states.values() if state.due and not state.complete and not state.nothing_due), None)
    card.update({
        "states": states,
        "complete": sum(1 for state in states.values() if state.complete),
        "steps": len(states),
        "next_action": action,
        "overdue": action is not None and action.due_on < today,
        "next_step": step if action is None else None,
    })
    return card


# --- My work ----------------------------------------------------------------------------------


@dataclass
class WorkItem:
    title: str
    detail: str
    url: str
    late: bool = False


@dataclass
class WorkGroup:
    key: str
    title: str
    icon: str
    count: int = 0
    items: list[WorkItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def my_plans(*, user: User) -> QuerySet[AccountPlan]:
    """The plans that are the user's own work: they are the plan's KAM or on its account's team (writing roles)."""
    teams = AccountTeamMember.objects.filter(user=user, role__in=WRITING_TEAM_ROLES).values("account_id")
    return AccountPlan.objects.filter(Q(owner=user) | Q(account_id__in=teams))


def shows_my_work(*, user: User) -> bool:
    """Account managers (and admins on a team) have work of their own; executives decide, they write nothing."""
    if not role_writes_account_data(user):
        return False
    return not is_admin(user) or AccountTeamMember.objects.filter(user=user, role__in=WRITING_TEAM_ROLES).exists()


# What str.strip() removes (str.isspace()): SQL's TRIM removes spaces only.
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


class _Strip(Func):
    """The text without leading and trailing whitespace, as Python's `str.strip()` has it."""

    function = "TRIM"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value(WHITESPACE))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="BTRIM", **extra)


def year_end_open() -> Q:
    """Step 7 of an approved plan is open: the rules' step 7 (`planning.rules`) in SQL, so the plans whose
    year-end waits are counted without reading them (not approved from a version: the step is not due yet)."""
    return (
        Q(approved_version__isnull=True)
        | Exact(_Strip(F("year_end_evaluation")), "") | Exact(_Strip(F("wrap_up")), "")
    )


PLAN_NAME = ("account__name", "fiscal_year", "period_start")  # what str(plan) and plan.period() read
LIST_ORDER = ("account__name", "fiscal_year", "pk")  # My work lists plans by account name, then fiscal year


def _counts_and_listed(live: QuerySet[AccountPlan], today: datetime.date) -> dict:
    """My work's counts in one query, the ids of the plans with open steps it lists (drafts, then the year-ends
    due) and of the change requests, in the list's order (account name, fiscal year); then the overdue actions'
    count and those listed (the oldest due first), and the approved plans (their quarterly reviews may be due),
    each as the few values the page writes of it."""
    writing = Q(status=PlanStatus.DRAFT)
    year_end = Q(status=PlanStatus.APPROVED, period_end__lt=today) & year_end_open()
    changes = Q(status=PlanStatus.CHANGES_REQUESTED)
    counts = live.aggregate(
        live=Count("pk"), writing=Count("pk", filter=writing), year_end=Count("pk", filter=year_end),
        changes=Count("pk", filter=changes),
    )
    listed = list(
        live.filter(writing | year_end)
        .order_by(Case(When(writing, then=0), default=1), *LIST_ORDER)
        .values_list("pk", flat=True)[:MY_WORK_SHOWN]
    ) if counts["writing"] + counts["year_end"] else []
    changes_listed = list(
        live.filter(changes).order_by(*LIST_ORDER).values_list("pk", flat=True)[:MY_WORK_SHOWN]
    ) if counts["changes"] else []
    overdue = ActionItem.objects.filter(plan__in=live.values("pk"), status__in=ActionItem.OPEN_STATUSES, due_on__lt=today)
    actions_listed = list(
        overdue.order_by("due_on", "id").values_list(
            "title", "due_on", "plan_id", "owner__first_name", "owner__last_name", "owner__username",
            *(f"plan__{name}" for name in PLAN_NAME),
        )[:MY_WORK_SHOWN]
    ) if counts["live"] else []
    counts["overdue"] = len(actions_listed) if len(actions_listed) < MY_WORK_SHOWN else overdue.count()
    approved = list(
        live.filter(status=PlanStatus.APPROVED).order_by(*LIST_ORDER).values_list("pk", *PLAN_NAME)
    ) if counts["live"] else []
    return {"counts": counts, "listed": listed, "changes_listed": changes_listed, "actions": actions_listed,
            "approved": approved}


def _plan_named(pk: int | None, account_name: str, fiscal_year: int, period_start: datetime.date) -> AccountPlan:
    """A plan with only what `str(plan)` and `plan.period()` read (PLAN_NAME), from My work's cached values."""
    return AccountPlan(pk=pk, fiscal_year=fiscal_year, period_start=period_start, account=Account(name=account_name))


def my_work(*, user: User, today: datetime.date) -> dict | None:
    """What waits for the user on their plans, by kind, each item linked to the page to act on; None for
    users with no work of their own (executives). The counts are counted in SQL and only the items shown
    are read (their step states too), so it costs the same for 10 plans or 10,000: about twenty queries."""
    if not shows_my_work(user=user):
        return None
    # The counts and what is listed read every plan of the portfolio (a count, a sort by account name) and every
    # open action of those plans: kept in the portfolio cache until the next write to plans, their actions,
    # accounts, teams or users (names), like the plan list's order (the key holds the day: "overdue" moves with it).
    # Only the listed plans' steps (they read the plans' contents, contacts, opportunities…) and the approved
    # plans' quarterly reviews are read on each request.
    work = portfolio_cache.cached(
        ("my-work-values", user.pk, today),
        lambda: _counts_and_listed(my_plans(user=user).filter(status__in=LIVE_STATUSES), today),
        depends=(portfolio_cache.PLANS,),
    )
    counts, listed, changes_listed = work["counts"], work["listed"], work["changes_listed"]

    # 1. Plans with open steps: drafts being written (each one is an item: its first open step, or "submit it"),
    # then approved plans whose year ended without the year-end.
    steps = WorkGroup("steps", _("Plans with open steps"), "list-check", count=counts["writing"] + counts["year_end"])
    # The plans listed here and those listed with change requests (4.) in one query.
    plans_by_id = (
        AccountPlan.objects.select_related("account").order_by().in_bulk([*listed, *changes_listed])
        if listed or changes_listed else {}
    )
    shown = [plans_by_id[pk] for pk in listed if pk in plans_by_id]
    states = plans_step_states(plans=shown, today=today)
    for plan in shown:
        numbers = PLAN_STEPS if plan.status == PlanStatus.DRAFT else (7,)
        open_steps = [states[plan.pk][n] for n in numbers if not states[plan.pk][n].complete]
        if not open_steps:
            steps.items.append(WorkItem(str(plan), _("Steps 1–5 are complete: submit it for the consensus meeting"),
                                        reverse("planning:plan-detail", args=[plan.pk])))
            continue
        first = open_steps[0]
        steps.items.append(WorkItem(
            str(plan),
            _("Step %(step)s · %(title)s (%(complete)s of %(steps)s steps complete)") % {
                "step": first.number, "title": first.title,
                "complete": sum(1 for state in states[plan.pk].values() if state.complete), "steps": len(states[plan.pk]),
            },
            reverse("planning:plan-step", args=[plan.pk, first.number]),
        ))

    # 2. Overdue actions of the plans being written, decided on or carried out.
    actions = WorkGroup("actions", _("Overdue actions"), "alarm", count=counts["overdue"])
    for title, due_on, plan_id, first_name, last_name, username, *plan_name in work["actions"]:
        owner = User(first_name=first_name, last_name=last_name, username=username) if username is not None else None
        actions.items.append(WorkItem(
            title,
            _("%(plan)s · due %(date)s · %(owner)s") % {
                "plan": _plan_named(plan_id, *plan_name), "date": due_on.isoformat(), "owner": owner or _("no owner")},
            reverse("planning:plan-step", args=[plan_id, 5]), late=True,
        ))

    # 3. Quarterly reviews due: each ended quarter of an approved plan without a signed-off review.
    approved = [_plan_named(*values) for values in work["approved"]]
    existing = {
        (review.plan_id, review.quarter): review
        for review in QuarterlyReview.objects.filter(plan_id__in=[plan.pk for plan in approved]).order_by().only(
            "plan_id", "quarter", "status", "due_on")
    } if approved else {}
    reviews = WorkGroup("reviews", _("Quarterly reviews due"), "calendar-check")
    for plan in approved:
        for quarter in (1, 2, 3, 4):
            ended = plan.period(PeriodKind.QUARTER, quarter).end
            review = existing.get((plan.pk, quarter))
            if ended >= today or (review is not None and review.status == QuarterlyReview.Status.SIGNED_OFF):
                continue
            reviews.count += 1
            if len(reviews.items) < MY_WORK_SHOWN:
                if review is None:
                    item = WorkItem(_("%(plan)s · Q%(quarter)s") % {"plan": plan, "quarter": quarter},
                                    _("Quarter ended %(date)s: create the review") % {"date": ended.isoformat()},
                                    reverse("planning:plan-step", args=[plan.pk, 6]), late=True)
                else:
                    item = WorkItem(_("%(plan)s · Q%(quarter)s") % {"plan": plan, "quarter": quarter},
                                    _("Due %(date)s: sign it off") % {"date": review.due_on.isoformat()},
                                    reverse("planning:review-detail", args=[plan.pk, quarter]), late=review.due_on < today)
                reviews.items.append(item)

    # 4. Change requests waiting: a decision asked for changes and the plan was not submitted again.
    changes = WorkGroup("changes", _("Change requests waiting"), "arrow-repeat", count=counts["changes"])
    if changes_listed:
        for plan in (plans_by_id[pk] for pk in changes_listed if pk in plans_by_id):
            changes.items.append(WorkItem(
                str(plan), _("The meeting asked for changes: revise and submit again"),
                reverse("planning:plan-detail", args=[plan.pk]),
            ))

    groups = [steps, actions, reviews, changes]
    return {"groups": groups, "total": sum(group.count for group in groups)}
