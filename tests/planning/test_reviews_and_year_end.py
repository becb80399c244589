import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Contact
from planning import services
from planning.models import AccountPlan, ActionItem, Decision, PlanStatus, QuarterlyReview, StrategicTask
from planning.selectors import plan_history, plan_states
from tests.factories import OrderFactory, make_complete_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_plan(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager, fiscal_year=datetime.date.today().year)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive)
    plan.refresh_from_db()
    return plan


def test_review_creation_is_idempotent(approved_plan, account_manager):
    first, created = services.quarterly_review_create(plan=approved_plan, quarter=2, acting_user=account_manager)
    again, created_again = services.quarterly_review_create(plan=approved_plan, quarter=2, acting_user=None)
    assert created and not created_again and first.pk == again.pk
    assert QuarterlyReview.objects.filter(plan=approved_plan).count() == 1
    assert (first.period_start, first.period_end) == (approved_plan.period(kind="quarter", index=2).start,
                                                       approved_plan.period(kind="quarter", index=2).end)
    assert first.due_on == first.period_end + datetime.timedelta(days=services.REVIEW_DUE_DAYS)
    assert first.owner == account_manager


def test_review_snapshot_holds_target_against_actual(approved_plan, account):
    period = approved_plan.period(kind="quarter", index=1)
    OrderFactory(account=account, ordered_on=period.start, amount=Decimal(200_000_000))
    review, _created = services.quarterly_review_create(plan=approved_plan, quarter=1)
    row = next(row for row in review.kpi_snapshot if row["key"] == "revenue")
    assert Decimal(row["target"]) == 250_000_000
    assert Decimal(row["actual"]) == 200_000_000
    assert row["percent"] == 80


def test_reviews_start_only_for_approved_plans(account, account_manager):
    plan = make_complete_plan(account=account, user=account_manager)
    with pytest.raises(ValidationError, match="approved"):
        services.quarterly_review_create(plan=plan, quarter=1, acting_user=account_manager)


def test_only_executives_sign_reviews_off_and_figures_then_stay(approved_plan, account_manager, executive):
    review, _created = services.quarterly_review_create(plan=approved_plan, quarter=1, acting_user=account_manager)
    services.review_comment_add(review=review, text="Revenue behind: pilot slipped", acting_user=account_manager)
    with pytest.raises(PermissionDenied):
        services.quarterly_review_sign_off(review=review, acting_user=account_manager)
    services.quarterly_review_sign_off(review=review, acting_user=executive)
    review.refresh_from_db()
    assert review.status == QuarterlyReview.Status.SIGNED_OFF and review.signed_off_by == executive
    with pytest.raises(ValidationError):
        services.quarterly_review_refresh(review=review, acting_user=account_manager)


def test_step_6_asks_for_signed_off_reviews_of_ended_quarters(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager, fiscal_year=datetime.date.today().year - 1)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive)
    plan.refresh_from_db()
    assert not plan_states(plan=plan)[6].complete
    for quarter in (1, 2, 3, 4):
        review, _created = services.quarterly_review_create(plan=plan, quarter=quarter)
        services.quarterly_review_sign_off(review=review, acting_user=executive)
    assert plan_states(plan=plan)[6].complete


def test_next_years_plan_carries_what_the_user_confirmed(approved_plan, account_manager, account):
    pilot = ActionItem.objects.get(plan=approved_plan, title="Pilot")
    milestone = ActionItem.objects.get(plan=approved_plan, title="Pilot accepted")
    task = StrategicTask.objects.get(plan=approved_plan)
    next_plan = services.plan_start_next_year(
        plan=approved_plan, acting_user=account_manager, action_ids=[pilot.pk], task_ids=[task.pk],
        carry_org_chart=True, carry_unmet_targets=True, carry_ambition=False,
    )
    assert next_plan.fiscal_year == approved_plan.fiscal_year + 1 and next_plan.status == PlanStatus.DRAFT
    assert next_plan.previous_plan == approved_plan
    carried = ActionItem.objects.get(plan=next_plan)
    assert carried.title == "Pilot" and carried.carried_from == pilot and carried.percent_done == 20
    assert next_plan.period_start <= carried.start_on <= carried.due_on <= next_plan.period_end
    assert not ActionItem.objects.filter(plan=next_plan, carried_from=milestone).exists()
    assert StrategicTask.objects.get(plan=next_plan).carried_from == task
    names = {row["name"] for row in next_plan.org_baseline}
    assert set(Contact.objects.filter(account=account, status="active").values_list("name", flat=True)) == names
    assert next_plan.ambition_3y == ""
    assert next_plan.carried_context["from_fiscal_year"] == approved_plan.fiscal_year
    assert [row["key"] for row in next_plan.carried_context["unmet_targets"]] == ["revenue"]
    with pytest.raises(ValidationError, match="already has a plan"):
        services.plan_start_next_year(plan=approved_plan, acting_user=account_manager)
    assert AccountPlan.objects.filter(account=account).count() == 2


def test_next_years_step_1_compares_with_the_carried_org_chart(approved_plan, account_manager, account):
    from planning.selectors import active_contacts, org_baseline_changes

    next_plan = services.plan_start_next_year(plan=approved_plan, acting_user=account_manager)
    leaving = Contact.objects.filter(account=account, status="active").first()
    leaving.status = Contact.Status.LEFT
    leaving.left_on = datetime.date.today()
    leaving.save()
    changes = org_baseline_changes(plan=next_plan, contacts=active_contacts(plan=next_plan))
    assert changes["left"] == [leaving.name]


def test_history_shows_who_changed_which_field(account, account_manager):
    plan = make_complete_plan(account=account, user=account_manager)
    services.plan_step_save(plan=plan, step=4, acting_user=account_manager, expected_lock_version=plan.lock_version,
                            fields={"strategy_summary": "Partner first"})
    entries = plan_history(plan=plan)
    change = next(entry for entry in entries if entry["model"] == "account plan" and entry["changes"])
    assert change["who"] == account_manager
    assert {"field": "strategy", "old": "Land and expand", "new": "Partner first"} in change["changes"]
    models = {entry["model"] for entry in entries}
    assert {"KPI target", "action", "strategic task", "plan KPI"} <= models


def test_history_shows_dates_amounts_people_and_kpi_targets_as_the_records_hold_them(account, account_manager, executive):
    from planning.models import SupportRequest

    plan = make_complete_plan(account=account, user=account_manager)
    action = ActionItem.objects.filter(plan=plan).order_by("pk").first()
    old_due = action.due_on
    action.due_on = old_due + datetime.timedelta(days=7)
    action.owner = executive
    action.save()
    support = SupportRequest.objects.get(plan=plan)
    support.amount = Decimal(123_456_789)
    support.save()
    entries = plan_history(plan=plan)
    moved = next(entry for entry in entries if entry["model"] == "action" and entry["changes"])
    assert moved["label"] == action.title
    assert {"field": "due", "old": old_due.isoformat(), "new": action.due_on.isoformat()} in moved["changes"]
    assert {"field": "owner", "old": str(account_manager), "new": str(executive)} in moved["changes"]
    assert moved["when"].tzinfo is not None and moved["who"] is None  # saved outside a request: the system
    [raised] = [entry for entry in entries if entry["model"] == "support request" and entry["changes"]]
    assert raised["changes"] == [{"field": "amount", "old": "100000000", "new": "123456789"}]
    targets = [entry["label"] for entry in entries if entry["model"] == "KPI target"]
    assert targets and all(" · " in label and ": " in label for label in targets)


def test_next_years_plan_starts_from_the_three_year_targets(approved_plan, account_manager, account):
    from performance.models import KpiTarget
    from planning.models import PlanKpi
    from planning.selectors import target_grid

    kpi = PlanKpi.objects.filter(plan=approved_plan).first().kpi
    year = approved_plan.fiscal_year
    for offset, value in ((1, 480), (2, 560)):
        KpiTarget.objects.create(account=account, kpi=kpi, fiscal_year=year + offset, period_kind="year", period_index=1, value=value)
    next_plan = services.plan_start_next_year(plan=approved_plan, acting_user=account_manager)
    _kpis, inputs, _others, _targets = target_grid(plan=next_plan)
    assert inputs[kpi.pk].chosen
    assert inputs[kpi.pk].year == 480
    assert inputs[kpi.pk].later_years == [560, None]
