"""Resources granted against the support requests of step 5, and their use in the quarterly reviews."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from planning import grants, services
from planning.grants import GrantInput
from planning.models import Decision, ResourceGrant, ResourceSpend, ReviewComment, SupportRequest
from tests.factories import TimeEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget_plan(plan, account_manager):
    """The complete plan with a budget request of 50M next to its people request, submitted."""
    services.plan_step_save(
        plan=plan, step=5, acting_user=account_manager, expected_lock_version=plan.lock_version,
        collections={"support_requests": [{"id": None, "delete": False, "kind": "budget", "description": "Seminar budget",
                                           "offering": None, "amount": Decimal(50_000_000), "status": "requested"}]},
    )
    plan.refresh_from_db()
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    plan.refresh_from_db()
    return plan, version


def _requests(version):
    return {row["kind"]: row["id"] for row in version.snapshot["execution"]["support_requests"]}


def _approve(version, executive, **budget):
    ids = _requests(version)
    return services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive, grants=[
        GrantInput(ids["people"], "granted"),
        GrantInput(ids["budget"], budget.get("status", "partly"), budget.get("amount", Decimal(30_000_000)),
                   budget.get("reason", "Half the seminars")),
    ])


def test_an_approval_grants_each_request_with_its_reason(budget_plan, executive):
    plan, version = budget_plan
    decision = _approve(version, executive)
    rows = {g.kind: g for g in decision.grants.all()}
    assert (rows["people"].status, rows["people"].granted_amount) == ("granted", 100_000_000)
    assert (rows["budget"].status, rows["budget"].granted_amount, rows["budget"].reason) == ("partly", 30_000_000, "Half the seminars")
    assert rows["budget"].support_request == SupportRequest.objects.get(plan=plan, kind="budget")


@pytest.mark.parametrize("status, amount, reason", [
    ("partly", Decimal(50_000_000), "x"), ("partly", Decimal(0), "x"), ("partly", Decimal(10), ""),
    ("refused", Decimal(10), "No"), ("refused", None, ""), ("maybe", None, "x"), ("granted", Decimal(-1), ""),
])
def test_bad_grants_are_refused_and_nothing_is_decided(budget_plan, executive, status, amount, reason):
    _plan, version = budget_plan
    with pytest.raises(ValidationError):
        _approve(version, executive, status=status, amount=amount, reason=reason)
    assert not Decision.objects.exists() and not ResourceGrant.objects.exists()


def test_grants_only_come_with_an_approval_and_for_the_versions_requests(budget_plan, executive):
    _plan, version = budget_plan
    with pytest.raises(ValidationError):
        services.plan_decide(version=version, outcome="rejected", comment="No", acting_user=executive,
                             grants=[GrantInput(_requests(version)["budget"], "refused", reason="No")])
    with pytest.raises(ValidationError):
        services.plan_decide(version=version, outcome="approved", acting_user=executive, grants=[GrantInput(999_999, "granted")])
    assert not Decision.objects.exists()


def test_resources_given_the_old_way_become_grants(approved_plan):
    rows = sorted(ResourceGrant.objects.filter(decision__version__plan=approved_plan).values_list("kind", "description", "granted_amount"))
    assert rows == [("budget", "Budget committed", 100), ("people", "One engineer", 0)]


def test_the_review_sets_budget_spent_and_people_days_against_the_grants(budget_plan, executive, account_manager, client_for):
    plan, version = budget_plan
    _approve(version, executive)
    plan.refresh_from_db()
    review, _created = services.quarterly_review_create(plan=plan, quarter=1, acting_user=account_manager)
    budget = ResourceGrant.objects.get(kind="budget")
    grants.resource_spend_add(grant=budget, spent_on=review.period_start, amount=Decimal(6_000_000), acting_user=account_manager)
    grants.resource_spend_add(grant=budget, spent_on=review.period_end + datetime.timedelta(days=1), amount=Decimal(1),
                              acting_user=account_manager)  # next quarter: not in this review
    TimeEntryFactory(account=plan.account, worked_on=review.period_start, hours=Decimal(16))
    TimeEntryFactory(account=plan.account, worked_on=review.period_start, hours=Decimal(8), kind="available")
    use = {row.grant.kind: row for row in grants.grant_use(plan, until=review.period_end)}
    assert (use["budget"].used, use["budget"].percent) == (6_000_000, 20)
    assert use["people"].used == Decimal("2.0")
    page = client_for(account_manager).get(reverse("planning:review-detail", args=[plan.pk, 1]))
    assert 'data-testid="grant-use"' in page.text and "Half the seminars" in page.text and "2.0" in page.text


def test_recording_spend_is_for_the_team_within_the_year(budget_plan, executive, account_manager, other_account_manager, client_for):
    plan, version = budget_plan
    _approve(version, executive)
    plan.refresh_from_db()
    services.quarterly_review_create(plan=plan, quarter=1, acting_user=account_manager)
    budget = ResourceGrant.objects.get(kind="budget")
    url = reverse("planning:review-spend", args=[plan.pk, 1])
    data = {"grant": budget.pk, "spent_on": plan.period_start.isoformat(), "amount": "1000"}
    assert client_for(executive).post(url, data).status_code == 403
    assert client_for(other_account_manager).post(url, data).status_code == 404
    client = client_for(account_manager)
    assert client.post(url, {**data, "amount": "-5"}).status_code == 302
    assert client.post(url, {**data, "grant": "x"}).status_code == 302
    assert client.post(url, {**data, "spent_on": "2001-01-01"}).status_code == 302
    assert not ResourceSpend.objects.exists()
    client.post(url, data)
    assert ResourceSpend.objects.get().amount == 1000
    with pytest.raises(ValidationError):
        grants.resource_spend_add(grant=ResourceGrant.objects.get(kind="people"), spent_on=plan.period_start,
                                  amount=Decimal(1), acting_user=account_manager)
    with pytest.raises(PermissionDenied):
        grants.resource_spend_add(grant=budget, spent_on=plan.period_start, amount=Decimal(1), acting_user=executive)


def test_the_executive_signs_off_with_a_comment_on_the_resources(approved_plan, account_manager, executive, client_for):
    services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    client_for(executive).post(reverse("planning:review-sign-off", args=[approved_plan.pk, 1]),
                               {"comment": "Budget use on track; keep the engineer."})
    assert ReviewComment.objects.get().text == "Budget use on track; keep the engineer."
