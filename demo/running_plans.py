"""Approved plans for demo, CI and benchmark data: written in bulk, never through the plan's steps."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AccountTeamMember
from accounts import portfolio_cache
from performance.models import KpiDefinition
from performance.periods import Period, PeriodKind
from planning.models import AccountPlan, PlanKpi, PlanStatus, PlanVersion

DEMO_KPI_CODES = ("revenue", "profit")


def running_plans_create(*, fiscal_year: int, accounts=None) -> int:
    """An approved plan (version 1, revenue and profit KPIs) for each account without a plan that year.

    The owner is the account's KAM (none while its team has no KAM). Returns how many plans were made.
    """
    accounts = (accounts if accounts is not None else Account.objects.all()).exclude(plans__fiscal_year=fiscal_year)
    owners: dict[int, int] = dict(
        AccountTeamMember.objects.filter(account__in=accounts, role=AccountTeamMember.Role.KAM).values_list(
            "account_id", "user_id"
        )
    )
    rows = list(accounts.values_list("pk", "fiscal_year_start_month"))
    if not rows:
        return 0
    now = timezone.now()
    kpis = list(KpiDefinition.objects.filter(code__in=DEMO_KPI_CODES))
    with transaction.atomic():
        plans = []
        for account_id, start_month in rows:
            year = Period(PeriodKind.YEAR, fiscal_year, 1, start_month)
            plans.append(AccountPlan(
                account_id=account_id, fiscal_year=fiscal_year, period_start=year.start, period_end=year.end,
                status=PlanStatus.APPROVED, owner_id=owners.get(account_id), created_by_id=owners.get(account_id),
            ))
        plans = AccountPlan.objects.bulk_create(plans, batch_size=1000)
        versions = PlanVersion.objects.bulk_create(
            [PlanVersion(plan=plan, number=1, revision=1, snapshot={}, submitted_by_id=plan.owner_id, submitted_at=now)
             for plan in plans],
            batch_size=1000,
        )
        for plan, version in zip(plans, versions, strict=True):
            plan.approved_version = version
        AccountPlan.objects.bulk_update(plans, ["approved_version"], batch_size=1000)
        PlanKpi.objects.bulk_create([PlanKpi(plan=plan, kpi=kpi) for plan in plans for kpi in kpis], batch_size=2000)
        portfolio_cache.bump(portfolio_cache.PLANS)
    return len(plans)


def default_demo_year() -> int:
    """Last calendar year: every quarter of it has ended, so a sweep has reviews to create."""
    return datetime.date.today().year - 1
