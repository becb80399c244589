"""The completeness facts in one query (the counts, the latest org change, the chosen KPIs' targets): the same facts as
counting row by row, whatever the plan's size; the account page reads the account's plans once."""

import datetime

import pytest
from django.db import connection
from django.db.models import F, Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact, Opportunity, OrgChange
from performance.periods import PeriodKind
from planning.models import ActionItem, MarketingAction, QuarterlyReview, StrategicTask
from planning.selectors.completeness import plan_facts
from planning.selectors.kpis import plan_targets
from tests.planning.conftest import grow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [3, 30])
def test_plan_facts_count_what_the_rows_say_in_one_query(plan, size, django_assert_max_num_queries):
    grow(plan, size)
    ActionItem.objects.filter(plan=plan, title="Step 1").update(owner=None, kind=ActionItem.Kind.MILESTONE, start_on=F("due_on"))
    for quarter, status in ((1, QuarterlyReview.Status.SIGNED_OFF), (2, QuarterlyReview.Status.OPEN)):
        period = plan.period(PeriodKind.QUARTER, quarter)
        QuarterlyReview.objects.create(
            plan=plan, quarter=quarter, period_start=period.start, period_end=period.end, due_on=period.end, status=status,
            signed_off_at=timezone.now() if status == QuarterlyReview.Status.SIGNED_OFF else None,
        )
    today = plan.period_start + datetime.timedelta(days=200)  # two quarters ended
    with django_assert_max_num_queries(1):
        facts = plan_facts(plan=plan, today=today)
    account = plan.account_id
    open_opportunities = Opportunity.objects.filter(account_id=account, stage__in=Opportunity.OPEN_STAGES)
    assert facts.latest_org_change_at == OrgChange.objects.filter(account_id=account).aggregate(m=Max("recorded_at"))["m"]
    assert facts.decision_makers == Contact.objects.filter(
        account_id=account, status=Contact.Status.ACTIVE, is_decision_maker=True).count()
    assert facts.open_opportunities == open_opportunities.count()
    assert facts.unmapped_opportunities == open_opportunities.filter(sponsor_unit__isnull=True).count() > 0
    assert facts.strategic_tasks == StrategicTask.objects.filter(plan=plan).count()
    assert facts.marketing_actions_with_fox_or_kingpin == MarketingAction.objects.filter(plan=plan, contact__is_fox=True).count()
    assert facts.tasks == ActionItem.objects.filter(plan=plan, kind=ActionItem.Kind.TASK).count()
    assert facts.milestones == ActionItem.objects.filter(plan=plan, kind=ActionItem.Kind.MILESTONE).count() > 0
    assert facts.actions_without_owner == ActionItem.objects.filter(plan=plan, owner__isnull=True).count() > 0
    assert (facts.ended_quarters, facts.reviews_of_ended_quarters, facts.signed_off_reviews_of_ended_quarters) == (2, 2, 1)
    targets = plan_targets(plan=plan)
    assert targets.kpis and targets.inputs
    with django_assert_max_num_queries(1):
        assert plan_facts(plan=plan, today=today, targets=targets) == facts


def test_plan_facts_of_a_plan_with_nothing_yet(account, account_manager):
    from tests.factories import AccountPlanFactory

    empty = AccountPlanFactory(account=account)
    facts = plan_facts(plan=empty, today=empty.period_start)
    assert (facts.latest_org_change_at, facts.decision_makers, facts.open_opportunities, facts.tasks, facts.kpis) == (
        None, 0, 0, 0, 0)


def test_the_account_page_reads_the_account_s_plans_once(client_for, approved_plan, account_manager):
    with CaptureQueriesContext(connection) as captured:
        response = client_for(account_manager).get(reverse("accounts:detail", args=[approved_plan.account_id]))
    assert response.status_code == 200 and 'data-testid="account-plan-card"' in response.text
    sql = [query["sql"] for query in captured.captured_queries]
    assert sum(1 for text in sql if text.startswith('SELECT "planning_accountplan"."id"')) == 1
    assert sum(1 for text in sql if 'FROM "accounts_orgchange"' in text) == 1
