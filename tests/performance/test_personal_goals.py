"""Personal goals (개인 목표): the service that saves a grid all or nothing, the account's monthly targets
derived from any period kind, the even split, and the weekly check computed by hand."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account, person_name
from core.bulk import Outcome, RowErrors
from performance.goals import PersonalGoalRow, personal_goals_save, personal_goals_upsert
from performance.models import KpiStatus, PersonalGoal
from performance.selectors.personal_goals import (
    account_monthly_targets,
    even_split,
    goal_grid,
    personal_goal_check,
)
from tests.factories import AccountFactory, KpiTargetFactory, OrderFactory, TeamMemberFactory, UserFactory, kpi

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(account):
    person = UserFactory(username="rep-lee", first_name="Minho", last_name="Lee")
    TeamMemberFactory(account=account, user=person, role="sales_rep")
    return person


def stored():
    return sorted(PersonalGoal.objects.values_list("user_id", "month", "value"))


# The service -----------------------------------------------------------------------------------
def test_saving_a_grid_creates_changes_and_removes_goals(account, account_manager, rep):
    revenue = kpi("revenue")
    saved = personal_goals_save(
        account=account, kpi=revenue, fiscal_year=2026, acting_user=account_manager,
        values={(account_manager.pk, 1): "1,500,000", (rep.pk, 1): "1억", (rep.pk, 2): ""},
    )
    assert (saved.created, saved.updated, saved.removed) == (2, 0, 0)
    assert stored() == [(account_manager.pk, 1, Decimal(1_500_000)), (rep.pk, 1, Decimal(100_000_000))]
    saved = personal_goals_save(
        account=account, kpi=revenue, fiscal_year=2026, acting_user=account_manager,
        values={(account_manager.pk, 1): "1500000", (rep.pk, 1): "", (rep.pk, 3): "2.5"},
    )
    assert (saved.created, saved.updated, saved.unchanged, saved.removed) == (1, 0, 1, 1)
    assert stored() == [(account_manager.pk, 1, Decimal(1_500_000)), (rep.pk, 3, Decimal("2.5"))]
    assert PersonalGoal.objects.get(user=rep).set_by == account_manager


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-5", "A goal is 0 or more."),
        ("abc", "“abc” is not a number."),
        ("1" * 20, "A goal is at most"),
    ],
)
def test_a_bad_cell_saves_nothing_and_says_which_cell(account, account_manager, rep, cell, message):
    revenue = kpi("revenue")
    PersonalGoal.objects.create(account=account, user=rep, kpi=revenue, fiscal_year=2026, month=1, value=7)
    with pytest.raises(ValidationError) as error:
        personal_goals_save(
            account=account, kpi=revenue, fiscal_year=2026, acting_user=account_manager,
            values={(account_manager.pk, 1): "100", (rep.pk, 1): "9", (rep.pk, 2): cell},
        )
    assert any(text.startswith("Minho Lee, month 2:") and message in text for text in error.value.messages)
    assert stored() == [(rep.pk, 1, Decimal(7))]


def test_a_person_off_the_team_or_a_month_outside_the_year_saves_nothing(account, account_manager, other_account_manager):
    with pytest.raises(ValidationError) as error:
        personal_goals_save(
            account=account, kpi=kpi("orders"), fiscal_year=2026, acting_user=account_manager,
            values={(account_manager.pk, 13): "1", (other_account_manager.pk, 1): "3", (account_manager.pk, 2): "4"},
        )
    assert set(error.value.messages) == {
        f"{person_name(other_account_manager)} is not on this account's team.",
        f"{person_name(account_manager)}: month 13 is not a fiscal month (1–12).",
    }
    assert not PersonalGoal.objects.exists()


def test_only_kpis_that_add_up_per_person_take_goals(account, account_manager):
    with pytest.raises(ValidationError, match="personal goals are set for orders signed, order intake, revenue and profit"):
        personal_goals_save(account=account, kpi=kpi("nps"), fiscal_year=2026, values={(account_manager.pk, 1): "10"},
                            acting_user=account_manager)


def test_a_goal_of_someone_who_left_the_team_can_be_removed_not_given(account, account_manager):
    gone = UserFactory(username="gone")
    PersonalGoal.objects.create(account=account, user=gone, kpi=kpi("revenue"), fiscal_year=2026, month=4, value=5)
    with pytest.raises(ValidationError):
        personal_goals_save(account=account, kpi=kpi("revenue"), fiscal_year=2026, values={(gone.pk, 5): "1"},
                            acting_user=account_manager)
    saved = personal_goals_save(account=account, kpi=kpi("revenue"), fiscal_year=2026, values={(gone.pk, 4): ""},
                                acting_user=account_manager)
    assert saved.removed == 1 and not PersonalGoal.objects.exists()


def test_the_upsert_refuses_the_whole_batch_for_one_bad_row(account, account_manager, rep, other_account_manager):
    revenue = kpi("revenue")
    good = PersonalGoalRow(account=account, user=rep, kpi=revenue, fiscal_year=2026, month=1, value=Decimal(10))
    stranger = PersonalGoalRow(account=account, user=other_account_manager, kpi=revenue, fiscal_year=2026, month=1,
                               value=Decimal(10))
    nps = PersonalGoalRow(account=account, user=rep, kpi=kpi("nps"), fiscal_year=2026, month=1, value=Decimal(10))
    with pytest.raises(RowErrors) as error:
        personal_goals_upsert(rows=[good, stranger, nps], acting_user=account_manager)
    assert sorted(error.value.errors) == [1, 2]
    assert "user" in error.value.errors[1].message_dict and "kpi" in error.value.errors[2].message_dict
    assert not PersonalGoal.objects.exists()
    [(goal, outcome)] = personal_goals_upsert(rows=[good], acting_user=account_manager)
    assert outcome == Outcome.CREATED
    assert personal_goals_upsert(rows=[good], acting_user=account_manager) == [(goal, Outcome.UNCHANGED)]


# The account's monthly targets and the even split -----------------------------------------------
def test_monthly_targets_come_from_any_period_kind_the_finest_first(account):
    revenue = kpi("revenue")
    KpiTargetFactory(account=account, kpi=revenue, fiscal_year=2026, period_kind="year", period_index=1, value=1200)
    KpiTargetFactory(account=account, kpi=revenue, fiscal_year=2026, period_kind="quarter", period_index=1, value=300)
    KpiTargetFactory(account=account, kpi=revenue, fiscal_year=2026, period_kind="month", period_index=2, value=50)
    targets = account_monthly_targets(account=account, kpi=revenue, fiscal_year=2026)
    assert targets[:4] == [Decimal(100), Decimal(50), Decimal(100), Decimal(100)]
    assert targets[11] == Decimal(100)
    assert account_monthly_targets(account=account, kpi=kpi("orders"), fiscal_year=2026) == [None] * 12


def test_the_even_split_shares_each_months_target_among_kam_and_sales_reps_exactly(account, account_manager, rep):
    engineer = UserFactory()
    TeamMemberFactory(account=account, user=engineer, role="engineer")
    second = UserFactory(username="rep-park")
    TeamMemberFactory(account=account, user=second, role="sales_rep")
    revenue = kpi("revenue")
    KpiTargetFactory(account=account, kpi=revenue, fiscal_year=2026, period_kind="month", period_index=1, value=100)
    grid = goal_grid(account=account, kpi=revenue, fiscal_year=2026)
    assert grid.rows[0].user == account_manager  # the KAM first
    split = even_split(grid)
    assert split == {(account_manager.pk, 1): Decimal(34), (rep.pk, 1): Decimal(33), (second.pk, 1): Decimal(33)}
    personal_goals_save(account=account, kpi=revenue, fiscal_year=2026, values=split, acting_user=account_manager)
    grid = goal_grid(account=account, kpi=revenue, fiscal_year=2026)
    assert grid.sums[0] == Decimal(100) and grid.differences[0] == 0 and grid.differences[1] is None


# The weekly check, computed by hand --------------------------------------------------------------
THURSDAY = datetime.date(2026, 11, 12)  # week from Monday 9 November; 12 of November's 30 days gone


def test_the_weekly_check_by_hand(account, account_manager, rep):
    # `account`'s fiscal year starts in April: November 2026 is FY2026 month 8. A second account starts in
    # January: November is its month 11.
    account.fiscal_year_start_month = 4
    account.save()
    other = AccountFactory(name="Daehan Steel", fiscal_year_start_month=1)
    TeamMemberFactory(account=other, user=rep, role="sales_rep")
    orders, revenue = kpi("orders"), kpi("revenue")
    for kpi_def, value in ((orders, 6), (revenue, 20_000_000)):
        PersonalGoal.objects.create(account=account, user=rep, kpi=kpi_def, fiscal_year=2026, month=8, value=value)
    PersonalGoal.objects.create(account=other, user=rep, kpi=orders, fiscal_year=2026, month=11, value=4)
    # Another month's goal and someone else's do not count.
    PersonalGoal.objects.create(account=account, user=rep, kpi=orders, fiscal_year=2026, month=7, value=99)
    PersonalGoal.objects.create(account=account, user=account_manager, kpi=orders, fiscal_year=2026, month=8, value=99)
    OrderFactory(account=account, sales_rep=rep, ordered_on=datetime.date(2026, 11, 3), amount=10_000_000, cost=6_000_000)
    OrderFactory(account=account, sales_rep=rep, ordered_on=datetime.date(2026, 11, 10), amount=5_000_000, cost=3_000_000)
    OrderFactory(account=account, sales_rep=rep, ordered_on=datetime.date(2026, 10, 30))  # last month
    OrderFactory(account=account, sales_rep=rep, ordered_on=datetime.date(2026, 11, 13), with_revenue=False)  # after today
    OrderFactory(account=account, sales_rep=account_manager, ordered_on=datetime.date(2026, 11, 4))  # the KAM's

    check = personal_goal_check(person=rep, accounts=Account.objects.all(), today=THURSDAY)

    assert check.week_start == datetime.date(2026, 11, 9)
    [month] = check.months
    assert month.period.start == datetime.date(2026, 11, 1) and month.elapsed == Decimal("0.4")
    totals = {line.kpi.code: line for line in month.totals}
    # Orders: goal 6 + 4 = 10, two orders to date (one this week), expected 10 × 0.4 = 4, 2 ÷ 4 = 50 % → off track.
    assert (totals["orders"].goal, totals["orders"].actual, totals["orders"].week) == (10, 2, 1)
    assert totals["orders"].expected == 4 and totals["orders"].status == KpiStatus.OFF_TRACK
    # Revenue: the revenue lines of the rep's orders, 15,000,000; expected 8,000,000; 187.5 % → on track.
    assert (totals["revenue"].goal, totals["revenue"].actual, totals["revenue"].expected) == (
        20_000_000, 15_000_000, 8_000_000
    )
    assert totals["revenue"].status == KpiStatus.ON_TRACK and totals["revenue"].achievement == Decimal("187.5")
    assert totals["revenue"].week is None
    # Profit: 15,000,000 − 9,000,000 with no goal.
    assert (totals["profit"].actual, totals["profit"].status) == (6_000_000, KpiStatus.NO_TARGET)
    by_account = {(line.account_name, line.kpi.code): line for line in month.accounts}
    # 한빛전자: 2 orders against 6 × 0.4 = 2.4 expected, 83.3 % → at risk (at risk from 80 %, on track from 95 %).
    hanbit = by_account[(account.name, "orders")]
    assert (hanbit.goal, hanbit.actual, hanbit.expected, hanbit.achievement) == (6, 2, Decimal("2.4"), Decimal("83.3"))
    assert hanbit.status == KpiStatus.AT_RISK
    daehan = by_account[("Daehan Steel", "orders")]
    assert (daehan.goal, daehan.actual, daehan.expected, daehan.status) == (4, 0, Decimal("1.6"), KpiStatus.OFF_TRACK)
    # The dashboard's first view sums in SQL, without the lines per account: the same totals.
    summed = personal_goal_check(person=rep, accounts=Account.objects.all(), today=THURSDAY, per_account=False)
    assert summed.months[0].totals == month.totals and summed.months[0].accounts == []


def test_the_lines_shown_first_are_the_furthest_behind():
    from performance.selectors.personal_goals import GoalLine, _furthest_behind

    revenue = kpi("revenue")
    lines = [GoalLine(kpi=revenue, status=status, account_name=name) for name, status in (
        ("A", KpiStatus.ON_TRACK), ("B", KpiStatus.AT_RISK), ("C", KpiStatus.NO_TARGET), ("D", KpiStatus.OFF_TRACK),
        ("E", KpiStatus.AT_RISK),
    )]
    assert [line.account_name for line in _furthest_behind(lines, 4)] == ["D", "B", "E", "A"]


def test_a_week_that_started_last_month_also_closes_last_month(account, rep):
    PersonalGoal.objects.create(account=account, user=rep, kpi=kpi("orders"), fiscal_year=2026, month=11, value=2)
    OrderFactory(account=account, sales_rep=rep, ordered_on=datetime.date(2026, 11, 30), with_revenue=False)
    check = personal_goal_check(person=rep, accounts=Account.objects.all(), today=datetime.date(2026, 12, 2))
    november, december = check.months
    assert (november.period.label, december.period.label) == ("2026-11", "2026-12")
    line = next(line for line in november.totals if line.kpi.code == "orders")
    # The month is over: expected is the whole goal; one order of two → 50 % → off track; it came this week.
    assert (line.goal, line.actual, line.week, line.expected, line.status) == (2, 1, 1, 2, KpiStatus.OFF_TRACK)
    assert december.totals == []


def test_the_weekly_check_counts_only_the_accounts_in_scope(account, other_account, rep):
    TeamMemberFactory(account=other_account, user=rep, role="sales_rep")
    OrderFactory(account=other_account, sales_rep=rep, ordered_on=datetime.date(2026, 11, 3))
    check = personal_goal_check(person=rep, accounts=Account.objects.filter(pk=account.pk), today=THURSDAY)
    assert check.months[0].totals == [] and not check.has_goals


def test_the_weekly_check_of_order_intake_by_hand(account, account_manager, rep):
    """November 2026 (the account's fiscal year starts in January: month 11), today Thursday the 12th: 0.4 of
    the month gone. Goal 50,000,000. The rep's orders: 3 November 12,000,000, 10 November 4,000,000 (this
    week); 30 October 9,000,000 (last month), 13 November 7,000,000 (after today) and the KAM's 20,000,000
    do not count. Actual 16,000,000, 4,000,000 of it this week; expected 50,000,000 × 0.4 = 20,000,000;
    16 ÷ 20 = 80 % → at risk (at risk from 80 %, on track from 95 %)."""
    PersonalGoal.objects.create(account=account, user=rep, kpi=kpi("order_intake"), fiscal_year=2026, month=11,
                                value=50_000_000)
    for day, amount, seller in ((3, 12_000_000, rep), (10, 4_000_000, rep), (13, 7_000_000, rep),
                                (4, 20_000_000, account_manager)):
        OrderFactory(account=account, sales_rep=seller, ordered_on=datetime.date(2026, 11, day), amount=amount,
                     with_revenue=False)
    OrderFactory(account=account, sales_rep=rep, ordered_on=datetime.date(2026, 10, 30), amount=9_000_000,
                 with_revenue=False)

    check = personal_goal_check(person=rep, accounts=Account.objects.all(), today=THURSDAY)

    [month] = check.months
    totals = {line.kpi.code: line for line in month.totals}
    intake = totals["order_intake"]
    assert (intake.goal, intake.actual, intake.week, intake.expected) == (50_000_000, 16_000_000, 4_000_000, 20_000_000)
    assert (intake.status, intake.achievement) == (KpiStatus.AT_RISK, Decimal("80.0"))
    # The same orders counted: 2, with no goal.
    assert (totals["orders"].actual, totals["orders"].week, totals["orders"].status) == (2, 1, KpiStatus.NO_TARGET)
    [line] = [line for line in month.accounts if line.kpi.code == "order_intake"]
    assert (line.account_id, line.actual) == (account.pk, 16_000_000)


def test_an_order_intake_goal_is_saved_like_any_other(account, account_manager, rep):
    saved = personal_goals_save(account=account, kpi=kpi("order_intake"), fiscal_year=2026, acting_user=account_manager,
                                values={(rep.pk, 1): "30,000,000"})
    assert saved.created == 1 and stored() == [(rep.pk, 1, Decimal(30_000_000))]
