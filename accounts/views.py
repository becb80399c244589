"""Account pages: thin views that parse, call a selector or service, and render."""

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Opportunity
from accounts.selectors import account_get_for_user, account_list_for_user, user_can_edit_account

PAGE_SIZE = 25


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The accounts the signed-in user may see, key accounts and the largest first."""
    accounts = account_list_for_user(user=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(Q(name__icontains=query) | Q(english_name__icontains=query))
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/home.html", {"page": page, "query": query})


@require_GET
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    """One account's summary: team, org chart size, pipeline by tier and revenue."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    team = account.team.select_related("user").order_by("role", "user__last_name")
    open_opportunities = account.opportunities.filter(stage__in=Opportunity.OPEN_STAGES)
    tiers = {
        row["tier"]: row
        for row in open_opportunities.order_by().values("tier").annotate(count=Count("id"), amount=Sum("amount"))
    }
    pipeline = [tiers.get(tier, {"tier": tier, "count": 0, "amount": 0}) for tier in (1, 2, 3, 4)]
    contacts = account.contacts.aggregate(
        active=Count("id", filter=Q(status="active")),
        decision_makers=Count("id", filter=Q(status="active", is_decision_maker=True)),
    )
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "team": team,
            "pipeline": pipeline,
            "contacts": contacts,
            "org_unit_count": account.org_units.count(),
            "top_opportunities": open_opportunities.select_related("sponsor_unit").order_by("tier", "-amount")[:8],
            "can_edit": user_can_edit_account(user=request.user, account=account),
        },
    )
