"""The account lists: accounts with what the lists show, and the Pareto ranking by revenue."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import (
    Account,
    AccountTeamMember,
    Opportunity,
    User,
)
from accounts import portfolio_cache
from accounts.pareto import pareto_class
from accounts.roles import sees_all_accounts

from .visibility import accounts_visible_to


def _open_pipeline_subquery() -> Subquery:
    pipeline = (
        Opportunity.objects.filter(account=OuterRef("pk"), stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(pipeline, output_field=DecimalField(max_digits=18, decimal_places=0)),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=18, decimal_places=0),
    )


# What the account list shows of an account (templates/accounts/home.html).
LIST_COLUMNS = (
    "name", "english_name", "industry", "vertical_unit__name", "is_key_account", "grade__name", "revenue_ttm",
    "pareto_class", "lifecycle",
)


def account_list_for_user(*, user: User, with_open_pipeline: bool = True) -> QuerySet[Account]:
    """The accounts a user sees, with what the lists show (only those columns): unit, grade, KAMs and open pipeline.

    The open pipeline is a correlated subquery that the database computes for every account
    before it sorts; a list not sorted by it passes `with_open_pipeline=False` and calls
    `open_pipeline_attach` on the page's accounts (one grouped query for 25 accounts).
    """
    # Only the columns the list shows (an account has some twenty, a user as many): a row is built from what it reads.
    kams = (
        AccountTeamMember.objects.filter(role=AccountTeamMember.Role.KAM)
        .select_related("user")
        .only("account_id", "user__first_name", "user__last_name", "user__username")
    )
    accounts = accounts_visible_to(user).select_related("vertical_unit", "grade").only(*LIST_COLUMNS)
    if with_open_pipeline:
        accounts = accounts.annotate(open_pipeline=_open_pipeline_subquery())
    return accounts.prefetch_related(Prefetch("team", queryset=kams, to_attr="kam_members")).order_by(
        "-is_key_account", "-revenue_ttm", "name"
    )


def open_pipeline_attach(accounts: list[Account]) -> list[Account]:
    """Set `open_pipeline` (sum of open opportunities) on each account, in one query."""
    totals = dict(
        Opportunity.objects.filter(account__in=[account.pk for account in accounts], stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    )
    for account in accounts:
        account.open_pipeline = totals.get(account.pk) or Decimal(0)
    return accounts
PARETO_PAGE_SIZE = 100
PARETO_CHART_ROWS = 40


def pareto_rows_for_user(*, user: User, page_number=None) -> dict:
    """Accounts by trailing-12-month revenue with cumulative share and class, company-wide (withdrawn accounts left out).

    Key accounts are chosen over the whole company's revenue, so shares, cumulative shares and
    classes are computed over every account (one light query of three columns) with the rule of
    `accounts.pareto`; the counts cover every account the user may see. That pass is kept in the
    portfolio cache until the next write to accounts (`portfolio_cache`), and full rows are read
    only for the page shown and the chart (the 40 largest).
    """
    ranking = portfolio_cache.cached(
        ("pareto", portfolio_cache.scope(user), str(page_number)), lambda: _pareto_ranking(user, page_number)
    )
    page = Paginator(range(ranking["count"]), PARETO_PAGE_SIZE).get_page(ranking["number"])
    wanted = [pk for pk, _rank in ranking["page"]] + [pk for pk, _rank in ranking["chart"]]
    # Only what the rows and the chart show: the page reads up to 140 accounts.
    shown = ("name", "revenue_ttm", "is_key_account", "vertical_unit__name")
    accounts = Account.objects.select_related("vertical_unit").only(*shown).in_bulk(wanted)
    total = ranking["total"]

    def row(pk: int, rank: tuple) -> dict:
        position, revenue, running, label = rank
        return {
            "account": accounts[pk],
            "rank": position,
            "share": revenue * 100 / total if total else Decimal(0),
            "cumulative": running * 100 / total if total else Decimal(0),
            "pareto_class": label,
            "is_candidate": label == "A",
        }

    return {
        "rows": [row(pk, rank) for pk, rank in ranking["page"] if pk in accounts],
        "chart_rows": [row(pk, rank) for pk, rank in ranking["chart"] if pk in accounts],
        "page": page,
        "total": total,
        "candidates": ranking["candidates"],
        "flagged": ranking["flagged"],
        "mismatched": ranking["mismatched"],
    }


def _pareto_ranking(user: User, page_number) -> dict:
    """The ranks of one page's accounts and the chart's, and the counts: one pass over every account."""
    ranked = list(
        Account.objects.in_service().order_by("-revenue_ttm", "pk").values_list("pk", "revenue_ttm", "is_key_account")
    )
    total = sum((revenue for _pk, revenue, _key in ranked), Decimal(0))
    if sees_all_accounts(user):
        visible = None
    else:
        visible = set(accounts_visible_to(user).values_list("pk", flat=True))
    order: list[int] = []
    ranks: dict[int, tuple] = {}
    candidates = flagged = mismatched = 0
    running = Decimal(0)
    for position, (pk, revenue, is_key) in enumerate(ranked, start=1):
        share_before = running / total if total else Decimal(1)
        running += revenue
        if visible is not None and pk not in visible:
            continue
        label = pareto_class(revenue=revenue, share_before=share_before)
        is_candidate = label == "A"
        candidates += is_candidate
        flagged += is_key
        mismatched += is_candidate != is_key
        order.append(pk)
        ranks[pk] = (position, revenue, running, label)
    page = Paginator(order, PARETO_PAGE_SIZE).get_page(page_number)
    return {
        "page": [(pk, ranks[pk]) for pk in page.object_list],
        "chart": [(pk, ranks[pk]) for pk in order[:PARETO_CHART_ROWS]],
        "count": len(order),
        "number": page.number,
        "total": total,
        "candidates": candidates,
        "flagged": flagged,
        "mismatched": mismatched,
    }
