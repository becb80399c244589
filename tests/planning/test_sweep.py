"""The daily sweep: quarterly reviews in bulk, reminders, year-end, digest, and `run_sweep`."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from notifications.models import Notification, NotificationKind, NotificationPreference
from planning import services
from planning.models import ActionItem, Decision, PlanStatus, QuarterlyReview
from planning.sweep import executive_digest_create, sweep_run
from planning.tasks import daily_sweep
from tests.factories import ActionItemFactory, KpiTargetFactory, OrderFactory, kpi, make_executive, make_running_plans

pytestmark = pytest.mark.django_db

D = datetime.date


def test_sweep_creates_each_ended_quarters_review_once(account_manager):
    [plan] = make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    result = sweep_run(as_of=D(2025, 7, 2))
    assert result.reviews_created == 2
    reviews = list(QuarterlyReview.objects.filter(plan=plan).order_by("quarter"))
    assert [r.quarter for r in reviews] == [1, 2]
    q2 = reviews[1]
    assert (q2.period_start, q2.period_end, q2.due_on) == (D(2025, 4, 1), D(2025, 6, 30), D(2025, 7, 15))
    assert q2.owner == account_manager and q2.status == QuarterlyReview.Status.OPEN
    assert [row["key"] for row in q2.kpi_snapshot] == ["revenue"]
    assert q2.history.count() == 1

    assert sweep_run(as_of=D(2025, 7, 2)).reviews_created == 0
    assert QuarterlyReview.objects.filter(plan=plan).count() == 2


def test_sweep_snapshot_equals_the_one_quarterly_review_create_takes(account_manager):
    [plan] = make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    KpiTargetFactory(account=plan.account, kpi=kpi("revenue"), fiscal_year=2025, period_kind="quarter", period_index=1,
                     value=Decimal(1000))
    OrderFactory(account=plan.account, ordered_on=D(2025, 2, 10), amount=Decimal(900), cost=Decimal(100))
    sweep_run(as_of=D(2025, 4, 5))
    swept = QuarterlyReview.objects.get(plan=plan, quarter=1)
    swept_rows = swept.kpi_snapshot
    swept.delete()
    made, created = services.quarterly_review_create(plan=plan, quarter=1)
    assert created and made.kpi_snapshot == swept_rows
    assert Decimal(swept_rows[0]["target"]) == 1000 and Decimal(swept_rows[0]["actual"]) == 900


def test_sweep_ignores_plans_that_are_not_approved_and_quarters_not_ended(account_manager):
    draft, running = make_running_plans(owner=account_manager, count=2, fiscal_year=2025)
    draft.status = PlanStatus.DRAFT
    draft.save(update_fields=["status"])
    assert sweep_run(as_of=D(2025, 3, 31)).reviews_created == 0
    assert sweep_run(as_of=D(2025, 4, 1)).reviews_created == 1
    assert QuarterlyReview.objects.filter(plan=running, quarter=1).exists()
    assert not QuarterlyReview.objects.filter(plan=draft).exists()


def test_sweep_keeps_a_review_the_kam_started_and_adds_the_missing_ones(account_manager):
    [plan] = make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    mine, _created = services.quarterly_review_create(plan=plan, quarter=1, acting_user=account_manager)
    assert sweep_run(as_of=D(2025, 10, 1)).reviews_created == 2
    assert QuarterlyReview.objects.get(plan=plan, quarter=1).pk == mine.pk
    assert sorted(QuarterlyReview.objects.filter(plan=plan).values_list("quarter", flat=True)) == [1, 2, 3]


def test_sweep_catches_up_missed_quarters_across_fiscal_calendars(account_manager):
    january = make_running_plans(owner=account_manager, count=2, fiscal_year=2025, start_month=1)
    april = make_running_plans(owner=account_manager, count=2, fiscal_year=2025, start_month=4)
    assert sweep_run(as_of=D(2026, 4, 2)).reviews_created == 16
    assert {QuarterlyReview.objects.filter(plan=plan).count() for plan in january + april} == {4}


@pytest.mark.parametrize("count", [3, 60])
def test_sweep_query_count_does_not_grow_with_plans(account_manager, django_assert_max_num_queries, count):
    make_running_plans(owner=account_manager, count=count, fiscal_year=2025)
    for plan in make_running_plans(owner=account_manager, count=count, fiscal_year=2025, start_month=4):
        ActionItemFactory(plan=plan, owner=account_manager, start_on=D(2025, 12, 1), due_on=D(2025, 12, 20))
    with django_assert_max_num_queries(40):
        result = sweep_run(as_of=D(2025, 12, 16))
    assert result.reviews_created == count * 3 + count * 2


def test_sweep_notifies_review_due_then_overdue_once(account_manager):
    make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    sweep_run(as_of=D(2025, 4, 2))
    assert list(Notification.objects.filter(user=account_manager).values_list("kind", flat=True)) == [NotificationKind.REVIEW_DUE]
    sweep_run(as_of=D(2025, 4, 3))
    assert Notification.objects.filter(user=account_manager).count() == 1
    sweep_run(as_of=D(2025, 4, 16))
    sweep_run(as_of=D(2025, 4, 17))
    overdue = Notification.objects.get(user=account_manager, kind=NotificationKind.REVIEW_OVERDUE)
    assert "was due on 2025-04-15" in overdue.message
    assert overdue.url.endswith("/reviews/q1/")


def test_signed_off_review_is_not_reported_overdue(account_manager, executive):
    [plan] = make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    sweep_run(as_of=D(2025, 4, 2))
    services.quarterly_review_sign_off(review=QuarterlyReview.objects.get(plan=plan), acting_user=executive)
    sweep_run(as_of=D(2025, 5, 1))
    assert not Notification.objects.filter(kind=NotificationKind.REVIEW_OVERDUE).exists()


def test_sweep_notifies_actions_due_within_7_days_or_overdue(account_manager):
    [plan] = make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    soon = ActionItemFactory(plan=plan, owner=account_manager, title="Soon", start_on=D(2025, 2, 1), due_on=D(2025, 2, 8))
    ActionItemFactory(plan=plan, owner=account_manager, title="Later", start_on=D(2025, 2, 1), due_on=D(2025, 3, 8))
    ActionItemFactory(plan=plan, owner=account_manager, title="Done", start_on=D(2025, 1, 1), due_on=D(2025, 1, 5),
                      status=ActionItem.Status.DONE, percent_done=100)
    sweep_run(as_of=D(2025, 2, 1))
    notes = Notification.objects.filter(kind=NotificationKind.ACTION_DUE)
    assert ["Soon"] == [n.params["title"] for n in notes]
    soon.due_on = D(2025, 2, 20)
    soon.save()
    sweep_run(as_of=D(2025, 2, 15))
    assert notes.all().count() == 2, "a new due date is a new reminder"


def test_turning_a_kind_off_stops_it(account_manager):
    make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    NotificationPreference.objects.create(user=account_manager, kind=NotificationKind.REVIEW_DUE, enabled=False)
    sweep_run(as_of=D(2025, 4, 2))
    assert not Notification.objects.filter(user=account_manager).exists()


def test_year_end_opens_step_7_and_reminds_the_kam_once(account_manager):
    [plan] = make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    sweep_run(as_of=D(2025, 12, 31))
    assert not Notification.objects.filter(kind=NotificationKind.YEAR_END).exists()
    sweep_run(as_of=D(2026, 1, 1))
    sweep_run(as_of=D(2026, 1, 2))
    [note] = Notification.objects.filter(kind=NotificationKind.YEAR_END)
    assert note.user == account_manager and note.url.endswith(f"/plans/{plan.pk}/step/7/")
    assert "start next year's plan" in note.message
    assert services.step_is_editable(plan=plan, step=7)


def test_plan_decision_notifies_the_team_without_the_broker(approved_plan, account_manager):
    [note] = Notification.objects.filter(kind=NotificationKind.PLAN_DECISION)
    assert note.user == account_manager and note.params["outcome"] == Decision.Outcome.APPROVED
    assert "decided “Approved”" in note.message


def test_weekly_digest_is_written_once_per_executive_and_week(account_manager):
    boss = make_executive()
    make_running_plans(owner=account_manager, count=2, fiscal_year=2025)
    sweep_run(as_of=D(2025, 4, 2))
    assert executive_digest_create(as_of=D(2025, 5, 5)) == 1
    assert executive_digest_create(as_of=D(2025, 5, 6)) == 0
    [digest] = Notification.objects.filter(kind=NotificationKind.WEEKLY_DIGEST)
    assert digest.user == boss and digest.params["overdue"] == 2
    assert executive_digest_create(as_of=D(2025, 5, 12)) == 1


def test_daily_sweep_task_runs_the_sweep_as_of_a_date(account_manager):
    make_running_plans(owner=account_manager, count=2, fiscal_year=2025)
    assert daily_sweep.delay("2025-04-02").get() == {"reviews_created": 2, "notifications_created": 2}
    assert daily_sweep.delay("2025-04-02").get()["reviews_created"] == 0


def test_run_sweep_command_sweeps_as_of_the_date(account_manager, capsys):
    make_running_plans(owner=account_manager, count=3, fiscal_year=2025)
    call_command("run_sweep", "--date", "2025-07-01", "--digest", "--send")
    out = capsys.readouterr().out
    assert "Sweep as of 2025-07-01: 6 reviews created" in out
    call_command("run_sweep", "--date", "2025-07-01")
    assert "0 reviews created" in capsys.readouterr().out


def test_run_sweep_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_sweep", "--date", "01/07/2025")


def test_open_reviews_are_on_the_next_meetings_agenda_only(client_for, executive, account_manager):
    from tests.factories import ConsensusMeetingFactory

    [plan] = make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    sweep_run(as_of=D(2025, 4, 2))
    now = datetime.datetime.now(datetime.UTC)
    following = ConsensusMeetingFactory(scheduled_for=now + datetime.timedelta(days=30))
    upcoming = ConsensusMeetingFactory(scheduled_for=now + datetime.timedelta(days=3))
    client = client_for(executive)
    html = client.get(f"/meetings/{upcoming.pk}/").content.decode()
    assert "Open quarterly reviews" in html and f"{plan.account.name} · FY 2025 Q1" in html
    assert "Open quarterly reviews" not in client.get(f"/meetings/{following.pk}/").content.decode()


def test_seed_running_plans_gives_accounts_approved_plans_once(account, capsys):
    call_command("seed_running_plans", "--year", "2025")
    call_command("seed_running_plans", "--year", "2025")
    plan = account.plans.get(fiscal_year=2025)
    assert plan.status == PlanStatus.APPROVED and plan.approved_version is not None
    assert "made for FY 2025: 0" in capsys.readouterr().out
    assert sweep_run(as_of=D(2026, 1, 2)).reviews_created == 4


def test_review_snapshot_holds_the_quarter_and_the_fiscal_year_to_date(account_manager, client_for):
    [plan] = make_running_plans(owner=account_manager, count=1, fiscal_year=2025)
    revenue = kpi("revenue")
    for kind, index, value in (("quarter", 1, 1000), ("quarter", 2, 1000), ("year", 1, 4000)):
        KpiTargetFactory(account=plan.account, kpi=revenue, fiscal_year=2025, period_kind=kind, period_index=index,
                         value=Decimal(value))
    OrderFactory(account=plan.account, ordered_on=D(2025, 2, 10), amount=Decimal(900), cost=Decimal(100))
    OrderFactory(account=plan.account, ordered_on=D(2025, 5, 10), amount=Decimal(1200), cost=Decimal(100))
    OrderFactory(account=plan.account, ordered_on=D(2025, 7, 1), amount=Decimal(5000), cost=Decimal(100))  # after Q2
    sweep_run(as_of=D(2025, 7, 2))
    [row] = QuarterlyReview.objects.get(plan=plan, quarter=2).kpi_snapshot
    assert Decimal(row["target"]) == 1000 and Decimal(row["actual"]) == 1200
    ytd = row["ytd"]
    assert Decimal(ytd["target"]) == 4000 and Decimal(ytd["actual"]) == 2100
    assert Decimal(ytd["expected"]) < 4000  # the year's target pro-rated to the end of Q2
    response = client_for(account_manager).get(f"/plans/{plan.pk}/reviews/q2/")
    assert "Fiscal year to date" in response.text
