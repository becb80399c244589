"""Which plans a user reaches (every plan through `accounts_visible_to` or `visible_q`), lists of plans, and who may write them."""


from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Account, User
from accounts.permissions import accounts_editable_by, user_can_decide_plans, user_can_edit_account
from accounts.selectors import visible_q
from planning.models import (
    AccountPlan,
    PlanStatus,
)


PLAN_RELATED = ("account", "account__vertical_unit", "approved_version")
# The approved version's frozen snapshot (some 20 KB of JSON): no plan page reads it from there.
PLAN_DEFERRED = ("approved_version__snapshot",)


# The plan's people, read in one query of their own: three more joins to the users would cost
# PostgreSQL more time to plan the plan's query (3 ms) than the query takes.
PLAN_PEOPLE = ("owner", "updated_by", "org_reviewed_by")


def plans_visible_to(*, user: User) -> QuerySet[AccountPlan]:
    """The plans of the accounts the user may see."""
    return AccountPlan.objects.filter(visible_q(user))


def plan_get_for_user(*, user: User, plan_id: int, with_people: bool = True) -> AccountPlan:
    """The plan if the user may see its account; otherwise 404, so its existence is not revealed. Its people
    (owner, last editor, org reviewer) come with it, read in a second query, unless `with_people` is off."""
    plan = (
        plans_visible_to(user=user).select_related(*PLAN_RELATED).defer(*PLAN_DEFERRED).filter(pk=plan_id).order_by().first()
    )
    if plan is None:
        raise Http404("No such plan.")
    if not with_people:
        return plan
    ids = {getattr(plan, f"{name}_id") for name in PLAN_PEOPLE} - {None}
    people = User.objects.in_bulk(ids) if ids else {}
    for name in PLAN_PEOPLE:
        if getattr(plan, f"{name}_id") is not None:
            setattr(plan, name, people.get(getattr(plan, f"{name}_id")))
    return plan


# What a row of the plan list shows and its stale signals read (`planning.freshness`): not the plan's texts.
PLAN_LIST_FIELDS = (
    "account__name", "account__is_key_account", "fiscal_year", "status", "revision", "approved_version_id",
    "org_reviewed_at", "updated_at", "owner__username", "owner__first_name", "owner__last_name",
    "approved_version__decision__decided_at",
)


def plan_list_for_user(*, user: User, fiscal_year: int | None = None, status: str = "", query: str = "") -> QuerySet[AccountPlan]:
    plans = plans_visible_to(user=user).select_related("account", "owner").order_by("-fiscal_year", "account__name")
    if fiscal_year:
        plans = plans.filter(fiscal_year=fiscal_year)
    if status:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(account__name__icontains=query) | Q(account__english_name__icontains=query))
    return plans


def editable_accounts(*, user: User) -> QuerySet[Account]:
    """The accounts for which the user may start plans: those whose plans they may write
    (`accounts.permissions.user_can_edit_account`), withdrawn accounts left out."""
    return accounts_editable_by(user).in_service().order_by("name")


def user_can_edit_plan(*, user: User, plan: AccountPlan) -> bool:
    """The account team (and admins) write the plan; executives read it and decide on it."""
    return user_can_edit_account(user=user, account=plan.account)


def user_can_decide(*, user: User) -> bool:
    return user_can_decide_plans(user)


def next_year_plan(*, plan: AccountPlan) -> AccountPlan | None:
    """The account's plan of the next fiscal year, if any: its id and year (what the pages link to), not its texts."""
    return (
        AccountPlan.objects.filter(account_id=plan.account_id, fiscal_year=plan.fiscal_year + 1)
        .only("pk", "account_id", "fiscal_year").first()
    )


# The weekly dashboard's "Account plans" tile (registered with performance in PlanningConfig.ready()).
def plan_status_counts(*, accounts: QuerySet[Account]) -> dict[str, int]:
    """How many of these accounts' running and upcoming plans (not yet ended) are in each status.

    One grouped query; statuses in the state machine's order, labels translated, empty ones left out.
    """
    counts = dict(
        AccountPlan.objects.filter(account__in=accounts, period_end__gte=timezone.localdate())
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
    )
    return {str(status.label): counts[status.value] for status in PlanStatus if counts.get(status.value)}
