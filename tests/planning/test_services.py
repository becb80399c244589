import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Contact, OrgChange
from accounts.services import contact_save
from performance.models import KpiDefinition, KpiTarget
from planning import services
from planning.models import AccountPlan, ActionItem, Decision, PlanKpi, PlanStatus, PlanVersion
from planning.selectors import plan_states
from planning.snapshot import plan_snapshot, snapshot_diff
from planning.targets import TargetInput
from tests.factories import (
    AccountFactory,
    AccountPlanFactory,
    ActionItemFactory,
    ContactFactory,
    OpportunityFactory,
    OrgUnitFactory,
    TeamMemberFactory,
    make_complete_plan,
)

pytestmark = pytest.mark.django_db


def save(plan, user, step, **kwargs):
    return services.plan_step_save(plan=plan, step=step, acting_user=user, expected_lock_version=plan.lock_version, **kwargs)


def action_row(plan, **values):
    row = {"id": None, "delete": False, "title": "Kick-off", "kind": "task", "owner": None,
           "start_on": plan.period_start, "due_on": plan.period_start + datetime.timedelta(days=10),
           "status": "not_started", "percent_done": 0, "parent": None}
    row.update(values)
    return row


# --- Creating ---------------------------------------------------------------------------


def test_plan_create_uses_the_accounts_fiscal_year(account_manager):
    account = AccountFactory(fiscal_year_start_month=4)
    TeamMemberFactory(account=account, user=account_manager)
    plan = services.plan_create(account=account, fiscal_year=2026, acting_user=account_manager)
    assert (plan.period_start, plan.period_end) == (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
    assert plan.status == PlanStatus.DRAFT and plan.revision == 1 and plan.owner == account_manager


def test_second_plan_for_the_same_account_and_year_is_refused_with_a_message(account, account_manager):
    services.plan_create(account=account, fiscal_year=2026, acting_user=account_manager)
    with pytest.raises(ValidationError, match="already has a plan for FY 2026"):
        services.plan_create(account=account, fiscal_year=2026, acting_user=account_manager)
    assert AccountPlan.objects.filter(account=account).count() == 1


def test_database_refuses_two_plans_for_one_account_and_year(account):
    AccountPlanFactory(account=account, fiscal_year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountPlanFactory(account=account, fiscal_year=2026)


def test_account_manager_of_another_account_cannot_start_its_plan(account, other_account_manager):
    with pytest.raises(PermissionDenied):
        services.plan_create(account=account, fiscal_year=2026, acting_user=other_account_manager)


# --- Steps: drafts, locking, bad input --------------------------------------------------


def test_a_draft_step_saves_while_incomplete(account, account_manager):
    plan = AccountPlanFactory(account=account)
    plan = save(plan, account_manager, 3, fields={"cbp_summary": "Only this so far"})
    plan.refresh_from_db()
    assert plan.cbp_summary == "Only this so far"
    assert not plan_states(plan=plan)[3].complete


def test_second_concurrent_save_is_refused_and_nothing_is_written(account, account_manager, kam_admin):
    plan = AccountPlanFactory(account=account)
    opened_with = plan.lock_version
    services.plan_step_save(plan=plan, step=3, acting_user=kam_admin, expected_lock_version=opened_with,
                            fields={"cbp_summary": "First"})
    with pytest.raises(services.PlanConflict) as conflict:
        services.plan_step_save(plan=plan, step=3, acting_user=account_manager, expected_lock_version=opened_with,
                                fields={"cbp_summary": "Second"})
    assert conflict.value.saved_by == kam_admin
    plan.refresh_from_db()
    assert plan.cbp_summary == "First"
    assert plan.lock_version == opened_with + 1


def test_executive_cannot_write_a_plan(account, executive):
    plan = AccountPlanFactory(account=account)
    with pytest.raises(PermissionDenied):
        save(plan, executive, 3, fields={"cbp_summary": "x"})


def test_confirming_the_org_review_records_who_and_when_and_a_later_change_reopens_step_1(account, account_manager):
    ContactFactory(account=account, is_decision_maker=True)
    plan = AccountPlanFactory(account=account)
    plan = save(plan, account_manager, 1, confirm_org_review=True, fields={"org_review_notes": ""})
    assert plan.org_reviewed_by == account_manager and plan.org_reviewed_at is not None
    assert plan_states(plan=plan)[1].complete
    contact_save(contact=Contact(account=account, name="New CIO", is_decision_maker=True), acting_user=account_manager)
    assert OrgChange.objects.filter(account=account).exists()
    assert not plan_states(plan=plan)[1].complete


def test_step_2_maps_opportunities_to_units_of_the_same_account_only(account, account_manager, other_account):
    plan = AccountPlanFactory(account=account)
    opportunity = OpportunityFactory(account=account)
    foreign_unit = OrgUnitFactory(account=other_account)
    with pytest.raises(ValidationError, match="another account"):
        save(plan, account_manager, 2, fields={"mapping_notes": ""}, mappings=[(opportunity, foreign_unit)])
    opportunity.refresh_from_db()
    assert opportunity.sponsor_unit is None
    unit = OrgUnitFactory(account=account)
    save(plan, account_manager, 2, fields={"mapping_notes": ""}, mappings=[(opportunity, unit)])
    opportunity.refresh_from_db()
    assert opportunity.sponsor_unit == unit
    assert plan_states(plan=plan)[2].complete


def test_targets_whose_quarters_do_not_sum_to_the_year_are_refused_and_nothing_is_saved(account, account_manager):
    plan = AccountPlanFactory(account=account)
    revenue = KpiDefinition.objects.get(code="revenue")
    bad = TargetInput(chosen=True, year=Decimal(1000), quarters=[Decimal(100)] * 4)
    with pytest.raises(ValidationError, match="quarters add up to 400, not to the year's 1,000"):
        save(plan, account_manager, 4, fields={"strategy_summary": "New strategy"}, targets={revenue: bad})
    plan.refresh_from_db()
    assert plan.strategy_summary == ""
    assert not KpiTarget.objects.filter(account=account).exists()
    assert not PlanKpi.objects.filter(plan=plan).exists()


def test_months_must_add_up_to_their_quarter(account, account_manager):
    plan = AccountPlanFactory(account=account)
    revenue = KpiDefinition.objects.get(code="revenue")
    target = TargetInput(chosen=True, year=Decimal(400), quarters=[Decimal(100)] * 4,
                         months=[Decimal(30), Decimal(30), Decimal(30)] + [None] * 9)
    with pytest.raises(ValidationError, match="Q1: the months add up to 90"):
        save(plan, account_manager, 4, targets={revenue: target})
    target.months = [Decimal(30), None, None] + [None] * 9
    with pytest.raises(ValidationError, match="all three months or none"):
        save(plan, account_manager, 4, targets={revenue: target})


def test_targets_are_written_as_the_accounts_kpi_targets_with_halves_derived(account, account_manager):
    plan = AccountPlanFactory(account=account, fiscal_year=2026)
    revenue = KpiDefinition.objects.get(code="revenue")
    nps = KpiDefinition.objects.get(code="nps")
    quarters = [Decimal(100), Decimal(200), Decimal(300), Decimal(400)]
    save(plan, account_manager, 4, targets={
        revenue: TargetInput(chosen=True, year=Decimal(1000), quarters=quarters),
        nps: TargetInput(chosen=True, year=Decimal(40), quarters=[Decimal(30), Decimal(40), None, None]),
    })
    values = {(t.kpi.code, t.period_kind, t.period_index): t.value for t in KpiTarget.objects.filter(account=account, fiscal_year=2026)}
    assert values[("revenue", "year", 1)] == 1000
    assert values[("revenue", "half", 1)] == 300 and values[("revenue", "half", 2)] == 700
    assert values[("nps", "half", 1)] == 35 and ("nps", "half", 2) not in values
    assert set(PlanKpi.objects.filter(plan=plan).values_list("kpi__code", flat=True)) == {"revenue", "nps"}


def test_dropping_a_kpi_removes_its_targets_for_the_year(account, account_manager):
    plan = AccountPlanFactory(account=account, fiscal_year=2026)
    revenue = KpiDefinition.objects.get(code="revenue")
    save(plan, account_manager, 4, targets={revenue: TargetInput(chosen=True, year=Decimal(4), quarters=[Decimal(1)] * 4)})
    plan.refresh_from_db()
    save(plan, account_manager, 4, targets={revenue: TargetInput(chosen=False)})
    assert not KpiTarget.objects.filter(account=account, fiscal_year=2026).exists()
    assert not PlanKpi.objects.filter(plan=plan).exists()


def test_action_dates_outside_the_fiscal_year_are_refused(account, account_manager):
    plan = AccountPlanFactory(account=account, fiscal_year=2026)
    row = action_row(plan, due_on=datetime.date(2027, 1, 15))
    with pytest.raises(ValidationError, match=r"within FY 2026 \(2026-01-01 – 2026-12-31\)"):
        save(plan, account_manager, 5, collections={"actions": [row]})
    assert not ActionItem.objects.filter(plan=plan).exists()


def test_a_task_cannot_be_its_own_ancestor(account, account_manager):
    plan = AccountPlanFactory(account=account)
    parent = ActionItemFactory(plan=plan, title="Phase 1")
    child = ActionItemFactory(plan=plan, title="Design", parent=parent)
    row = action_row(plan, id=parent.pk, title="Phase 1", start_on=parent.start_on, due_on=parent.due_on, parent=child)
    with pytest.raises(ValidationError, match="“Phase 1” cannot be its own ancestor"):
        save(plan, account_manager, 5, collections={"actions": [row]})
    parent.refresh_from_db()
    assert parent.parent is None
    own = action_row(plan, id=child.pk, title="Design", start_on=child.start_on, due_on=child.due_on, parent=child)
    with pytest.raises(ValidationError, match="own ancestor"):
        save(plan, account_manager, 5, collections={"actions": [own]})


def test_a_task_with_subtasks_is_not_deleted_alone(account, account_manager):
    plan = AccountPlanFactory(account=account)
    parent = ActionItemFactory(plan=plan, title="Phase 1")
    ActionItemFactory(plan=plan, title="Design", parent=parent)
    with pytest.raises(ValidationError, match="has subtasks \\(Design\\)"):
        save(plan, account_manager, 5, collections={"actions": [{"id": parent.pk, "delete": True}]})
    assert ActionItem.objects.filter(plan=plan).count() == 2


def test_a_milestone_has_one_date(account, account_manager):
    plan = AccountPlanFactory(account=account)
    save(plan, account_manager, 5, collections={"actions": [action_row(plan, kind="milestone", start_on=None)]})
    milestone = ActionItem.objects.get(plan=plan)
    assert milestone.start_on == milestone.due_on


# --- Submission, decision, revision -----------------------------------------------------


def test_an_incomplete_plan_cannot_be_submitted_and_the_message_lists_the_steps(account, account_manager):
    plan = AccountPlanFactory(account=account)
    with pytest.raises(ValidationError, match="1. Org chart review, 2. Org units"):
        services.plan_submit(plan=plan, acting_user=account_manager)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not PlanVersion.objects.exists()


def test_submission_freezes_a_version_with_everything_the_meeting_sees(account, account_manager):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager, note="Please decide")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and version.number == 1 and version.revision == 1
    snap = version.snapshot
    assert snap["account"]["name"] == "한빛전자"
    assert snap["strategy"]["strategy"] == "Land and expand"
    assert snap["strategy"]["targets"][0]["key"] == "revenue"
    assert [p["value"] for p in snap["strategy"]["targets"][0]["periods"]][-1] == "1000000000"
    assert snap["execution"]["actions"][0]["title"] == "Pilot"
    assert snap["org"]["key_people"] and snap["mapping"]["opportunities"]
    # A fresh snapshot of the unchanged plan equals the frozen one, so "what changed" starts empty.
    assert snapshot_diff(snap, plan_snapshot(plan)) == []


def test_submitted_plan_is_read_only(account, account_manager):
    plan = make_complete_plan(account=account, user=account_manager)
    services.plan_submit(plan=plan, acting_user=account_manager)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be changed"):
        save(plan, account_manager, 3, fields={"cbp_summary": "late edit"})


def test_approval_records_resources_and_marks_the_approved_version(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    decision = services.plan_decide(
        version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive, comment="Go",
        step_comments={4: "Watch the price"}, committed_budget=Decimal(300_000_000), committed_people="2 engineers",
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_version == version
    assert decision.decided_by == executive and decision.decided_at is not None
    assert list(decision.step_comments.values_list("step", "text")) == [(4, "Watch the price")]


def test_request_changes_needs_a_comment_and_takes_no_resources(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    with pytest.raises(ValidationError, match="Say why"):
        services.plan_decide(version=version, outcome=Decision.Outcome.CHANGES_REQUESTED, acting_user=executive)
    with pytest.raises(ValidationError, match="only with an approval"):
        services.plan_decide(version=version, outcome=Decision.Outcome.REJECTED, acting_user=executive, comment="No",
                             committed_budget=Decimal(1))
    services.plan_decide(version=version, outcome=Decision.Outcome.CHANGES_REQUESTED, acting_user=executive,
                         step_comments={4: "Targets too low"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CHANGES_REQUESTED
    save(plan, account_manager, 4, fields={"strategy_summary": "Raised targets"})
    version_2 = services.plan_submit(plan=plan, acting_user=account_manager)
    assert version_2.number == 2 and version_2.revision == 1


def test_account_manager_cannot_approve_their_own_plan(account, account_manager):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    with pytest.raises(PermissionDenied):
        services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=account_manager)


def test_edits_after_approval_make_a_new_revision_that_needs_approval_again(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        save(plan, account_manager, 4, fields={"strategy_summary": "Changed"})
    plan = services.plan_revise(plan=plan, acting_user=account_manager)
    assert plan.status == PlanStatus.DRAFT and plan.revision == 2 and plan.approved_version == version
    save(plan, account_manager, 4, fields={"strategy_summary": "Land, expand, and partner"})
    plan.refresh_from_db()
    changes = snapshot_diff(version.snapshot, plan_snapshot(plan))
    assert [section.key for section in changes] == ["strategy"]
    assert changes[0].changes[0].old == "Land and expand"
    assert changes[0].changes[0].new == "Land, expand, and partner"
    version_2 = services.plan_submit(plan=plan, acting_user=account_manager)
    assert version_2.revision == 2
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_a_superseded_version_cannot_be_decided(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager)
    first = services.plan_submit(plan=plan, acting_user=account_manager)
    services.plan_decide(version=first, outcome=Decision.Outcome.CHANGES_REQUESTED, acting_user=executive, comment="More")
    plan.refresh_from_db()
    services.plan_submit(plan=plan, acting_user=account_manager)
    with pytest.raises(ValidationError, match="already decided or superseded"):
        services.plan_decide(version=first, outcome=Decision.Outcome.APPROVED, acting_user=executive)


def test_progress_is_recorded_on_an_approved_plan_without_a_revision(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive)
    plan.refresh_from_db()
    task = ActionItem.objects.get(plan=plan, title="Pilot")
    services.action_progress_save(plan=plan, progress=[{"id": task.pk, "status": "done", "percent_done": 40}],
                                  expected_lock_version=plan.lock_version, acting_user=account_manager)
    task.refresh_from_db()
    plan.refresh_from_db()
    assert (task.status, task.percent_done) == ("done", 100)
    assert plan.status == PlanStatus.APPROVED and plan.revision == 1


def test_closing_needs_the_year_end_written(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="step 7"):
        services.plan_close(plan=plan, acting_user=account_manager)
    plan = save(plan, account_manager, 7, fields={"year_end_evaluation": "Met revenue", "wrap_up": "Keep the pilot model"})
    assert services.plan_close(plan=plan, acting_user=account_manager).status == PlanStatus.CLOSED


def test_text_from_a_browser_is_stored_with_plain_line_breaks(account, account_manager):
    plan = AccountPlanFactory(account=account)
    plan = save(plan, account_manager, 4, fields={"ambition_3y": "One\r\nTwo"})
    plan.refresh_from_db()
    assert plan.ambition_3y == "One\nTwo"


def test_demo_flush_also_removes_plans(account, account_manager):
    from demo.accounts_seed import demo_flush

    make_complete_plan(account=account, user=account_manager)
    demo_flush()
    assert not AccountPlan.objects.exists()
