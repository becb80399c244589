import datetime
from decimal import Decimal

import pytest

from accounts.models import Contact, Opportunity, OrgChange, OrgUnit, Relationship
from performance.models import KpiDefinition, KpiTarget
from planning import services
from planning.models import ActionItem, Decision, MarketingAction, PlanKpi, StrategicTask, SupportRequest
from tests.factories import OfferingFactory, UserFactory, ensure_kpi_catalogue, make_complete_plan


@pytest.fixture(autouse=True)
def kpi_catalogue(db):
    """Browser tests flush the database, and with it the KPI catalogue a migration seeds: put it back."""
    ensure_kpi_catalogue()


@pytest.fixture
def plan(account, account_manager):
    """A draft plan of `account` (team: account_manager) whose steps 1–5 are complete."""
    return make_complete_plan(account=account, user=account_manager)


@pytest.fixture
def submitted(plan, account_manager):
    """The plan submitted: (plan, version 1)."""
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    plan.refresh_from_db()
    return plan, version


@pytest.fixture
def approved_plan(submitted, executive):
    plan, version = submitted
    services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive,
                         committed_budget=Decimal(100), committed_people="One engineer")
    plan.refresh_from_db()
    return plan


def grow(plan, size: int) -> None:
    """Give the plan and its account `size` of everything a page could list."""
    account = plan.account
    user = plan.owner
    units = OrgUnit.objects.bulk_create(
        [OrgUnit(account=account, name=f"Unit {plan.pk}-{n}") for n in range(size)]
    )
    contacts = Contact.objects.bulk_create(
        [
            Contact(account=account, org_unit=units[n], name=f"Person {n}", title="Director", is_decision_maker=n % 2 == 0,
                    is_purchasing=n % 3 == 0, is_fox=n % 5 == 0)
            for n in range(size)
        ]
    )
    Relationship.objects.bulk_create(
        [Relationship(user=UserFactory(), contact=contact, strength=3) for contact in contacts[: max(3, size // 3)]]
    )
    OrgChange.objects.bulk_create(
        [
            OrgChange(account=account, contact=contacts[n], kind="joined", description=f"Person {n} joined",
                      happened_on=plan.period_start - datetime.timedelta(days=30), recorded_by=user)
            for n in range(size)
        ]
    )
    Opportunity.objects.bulk_create(
        [Opportunity(account=account, name=f"Opportunity {n}", tier=n % 4 + 1, amount=Decimal(10_000_000 * (n + 1)),
                     sponsor_unit=units[n] if n % 2 else None) for n in range(size)]
    )
    offering = OfferingFactory()
    start = plan.period_start
    StrategicTask.objects.bulk_create(
        [StrategicTask(plan=plan, title=f"Task {n}", owner=user, target_year=plan.fiscal_year + 1) for n in range(size)]
    )
    MarketingAction.objects.bulk_create(
        [MarketingAction(plan=plan, kind="seminar", title=f"Seminar {n}", contact=contacts[n], planned_on=start)
         for n in range(size)]
    )
    SupportRequest.objects.bulk_create(
        [SupportRequest(plan=plan, kind="product", description=f"Request {n}", offering=offering, amount=Decimal(n))
         for n in range(size)]
    )
    parent = ActionItem.objects.create(plan=plan, title="Programme", start_on=start, due_on=start + datetime.timedelta(days=200))
    ActionItem.objects.bulk_create(
        [ActionItem(plan=plan, parent=parent, title=f"Step {n}", owner=user, start_on=start,
                    due_on=start + datetime.timedelta(days=n % 300)) for n in range(size)]
    )
    for kpi in KpiDefinition.objects.filter(code__in=["profit", "orders", "margin"]):
        PlanKpi.objects.get_or_create(plan=plan, kpi=kpi)
        KpiTarget.objects.bulk_create(
            [KpiTarget(account=account, kpi=kpi, fiscal_year=plan.fiscal_year, period_kind="month", period_index=m,
                       value=Decimal(10)) for m in range(1, 13)],
            ignore_conflicts=True,
        )


def freeze_version(plan, user):
    """A submitted version of the plan as it stands, without the completeness check (for page-size tests)."""
    from django.utils import timezone

    from planning.models import AccountPlan, PlanStatus, PlanVersion
    from planning.snapshot import plan_snapshot

    version = PlanVersion.objects.create(
        plan=plan, number=plan.versions.count() + 1, revision=plan.revision, snapshot=plan_snapshot(plan),
        submitted_at=timezone.now(), submitted_by=user,
    )
    AccountPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    plan.refresh_from_db()
    return version
