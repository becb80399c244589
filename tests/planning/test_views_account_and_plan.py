"""The account and the plan point at each other: the account page's plan card, "My work" on home and
the plan list, and a new plan carried over from the approved plan of the year before (issue #15)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import portfolio_cache
from accounts.models import AccountTeamMember
from performance.periods import fiscal_year_of
from planning.models import AccountPlan, ActionItem, PlanStatus, QuarterlyReview, StrategicTask
from planning.selectors.completeness import plan_states, plans_step_states
from tests.factories import (
    AccountFactory,
    ActionItemFactory,
    AccountPlanFactory,
    TeamMemberFactory,
    make_account_manager,
    make_running_plans,
)
from tests.planning.conftest import grow

pytestmark = pytest.mark.django_db


def this_year(account) -> int:
    return fiscal_year_of(timezone.localdate(), account.fiscal_year_start_month)


@pytest.fixture
def sales(account):
    user = make_account_manager(username="sales-user")
    TeamMemberFactory(account=account, user=user, role=AccountTeamMember.Role.SALES_REP)
    return user


# --- The account page's plan card -------------------------------------------------------------


def test_account_page_shows_current_plan_with_progress_and_next_action(client_for, account_manager, plan):
    # the earliest open action by due date (the plan's own actions are due later), already past
    late = ActionItemFactory(plan=plan, title="Send the pilot proposal", owner=account_manager,
                             due_on=plan.period_start + datetime.timedelta(days=5), start_on=plan.period_start)
    complete = sum(1 for state in plan_states(plan=plan).values() if state.complete)
    response = client_for(account_manager).get(reverse("accounts:detail", args=[plan.account_id]))
    card = response.text[response.text.index('data-testid="account-plan-card"'):]
    assert f"FY {plan.fiscal_year}" in card and "Draft" in card
    assert f"{complete} of 7 steps complete" in card
    assert late.title in card and "overdue since" in card
    assert reverse("planning:plan-detail", args=[plan.pk]) in card
    assert reverse("planning:plan-step", args=[plan.pk, 5]) in card


def test_account_page_offers_next_step_when_no_action_is_open(client_for, account_manager, account):
    plan = AccountPlanFactory(account=account, fiscal_year=this_year(account))
    response = client_for(account_manager).get(reverse("accounts:detail", args=[account.pk]))
    assert "0 of 7 steps complete" in response.text
    assert "Complete step 1: Org chart review" in response.text
    assert reverse("planning:plan-step", args=[plan.pk, 1]) in response.text


def test_account_without_plan_shows_empty_state_with_new_plan_for_the_team(client_for, account_manager, sales, kam_admin, account):
    year = this_year(account)
    new_plan = reverse("planning:plan-create") + f"?account={account.pk}&amp;fiscal_year={year}"
    for user in (account_manager, sales, kam_admin):
        response = client_for(user).get(reverse("accounts:detail", args=[account.pk]))
        assert f"This account has no plan for FY {year} yet." in response.text
        assert new_plan in response.text, user


def test_executive_reads_the_empty_state_without_new_plan(client_for, executive, account):
    response = client_for(executive).get(reverse("accounts:detail", args=[account.pk]))
    assert "This account has no plan for FY" in response.text
    assert 'data-testid="account-new-plan"' not in response.text
    assert "The account team starts the plan." in response.text


def test_other_account_manager_cannot_open_the_account(client_for, other_account_manager, plan):
    assert client_for(other_account_manager).get(reverse("accounts:detail", args=[plan.account_id])).status_code == 404


def test_account_page_does_not_offer_carry_over_from_a_plan_never_approved(client_for, account_manager, account):
    AccountPlanFactory(account=account, fiscal_year=this_year(account) - 1, status=PlanStatus.APPROVED)
    AccountPlan.objects.filter(account=account).update(approved_version=None)
    response = client_for(account_manager).get(reverse("accounts:detail", args=[account.pk]))
    assert "a new plan can start from it" not in response.text  # not approved: no version was decided


def test_account_page_mentions_approved_previous_plan(client_for, account_manager, approved_plan):
    AccountPlan.objects.filter(pk=approved_plan.pk).update(fiscal_year=approved_plan.fiscal_year - 1)
    response = client_for(account_manager).get(reverse("accounts:detail", args=[approved_plan.account_id]))
    assert f"The FY {approved_plan.fiscal_year - 1} plan was approved: a new plan can start from it." in response.text


@pytest.mark.parametrize("size", [3, 150])
def test_account_page_query_budget_does_not_grow_with_the_plan(client_for, account_manager, plan, size, django_assert_max_num_queries):
    grow(plan, size)
    ActionItem.objects.bulk_create([
        ActionItem(plan=plan, title=f"Grown {n}", start_on=plan.period_start, due_on=plan.period_start + datetime.timedelta(days=n))
        for n in range(size)
    ])
    client = client_for(account_manager)
    # the summary as before, then one read of the account's plans (live, and last, this and next year's) and the current plan's facts shared by the risk card and the plan card, the next action; the risk register's recently closed risks;
    # the stale-plan signals reuse the risk card's key contacts and read no snapshot dates without a running plan
    with django_assert_max_num_queries(20):
        response = client.get(reverse("accounts:detail", args=[plan.account_id]))
    assert response.status_code == 200 and 'data-testid="account-plan-card"' in response.text


# --- My work ----------------------------------------------------------------------------------


@pytest.fixture
def busy(account_manager, account, approved_plan):
    """am's work: last year's approved plan with ended quarters and an overdue action, a draft, and a plan sent back."""
    today = timezone.localdate()
    ActionItemFactory(plan=approved_plan, title="Overdue demo", owner=account_manager,
                      start_on=approved_plan.period_start, due_on=today - datetime.timedelta(days=2))
    draft_account = AccountFactory(name="Draft Co")
    TeamMemberFactory(account=draft_account, user=account_manager)
    draft = AccountPlanFactory(account=draft_account, fiscal_year=this_year(draft_account) + 1, owner=account_manager)
    sent_back_account = AccountFactory(name="Sent Back Co")
    TeamMemberFactory(account=sent_back_account, user=account_manager)
    sent_back = AccountPlanFactory(account=sent_back_account, status=PlanStatus.CHANGES_REQUESTED, owner=account_manager)
    return {"approved": approved_plan, "draft": draft, "sent_back": sent_back}


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index("</section>", start)] if testid == "my-work" else html[start:]


@pytest.mark.parametrize("page", ["accounts:home", "planning:plan-list"])
def test_my_work_lists_each_kind_linked_to_the_page_to_act_on(client_for, account_manager, busy, page):
    html = client_for(account_manager).get(reverse(page)).text
    work = _section(html, "my-work")
    approved, draft, sent_back = busy["approved"], busy["draft"], busy["sent_back"]
    assert reverse("planning:plan-step", args=[draft.pk, 1]) in work
    assert "Overdue demo" in work and reverse("planning:plan-step", args=[approved.pk, 5]) in work
    ended = [q for q in (1, 2, 3, 4) if approved.period(kind="quarter", index=q).end < timezone.localdate()]
    signed = set(QuarterlyReview.objects.filter(plan=approved, status="signed_off").values_list("quarter", flat=True))
    due = [q for q in ended if q not in signed]
    if due:
        assert f"· Q{due[0]}" in work
    assert reverse("planning:plan-detail", args=[sent_back.pk]) in work and "revise and submit again" in work


def test_my_work_follows_an_action_written_after_it_was_shown(client_for, account_manager, busy):
    client = client_for(account_manager)
    assert "Overdue demo" in _section(client.get(reverse("accounts:home")).text, "my-work")  # now in the cache
    action = ActionItem.objects.get(title="Overdue demo")
    action.status = ActionItem.Status.DONE
    action.save()
    assert "Overdue demo" not in _section(client.get(reverse("accounts:home")).text, "my-work")
    ActionItemFactory(plan=busy["approved"], title="Late again", owner=account_manager,
                      start_on=busy["approved"].period_start, due_on=timezone.localdate() - datetime.timedelta(days=1))
    assert "Late again" in _section(client.get(reverse("accounts:home")).text, "my-work")


def test_my_work_shows_only_the_users_own_plans(client_for, busy, other_account_manager, other_account):
    html = client_for(other_account_manager).get(reverse("accounts:home")).text
    work = _section(html, "my-work")
    assert "Overdue demo" not in work and "Draft Co" not in work and "Sent Back Co" not in work
    assert "Nothing waiting for you" in work


def test_sales_rep_on_the_team_sees_the_teams_work(client_for, busy, sales):
    work = _section(client_for(sales).get(reverse("accounts:home")).text, "my-work")
    assert "Overdue demo" in work


@pytest.mark.parametrize("role", ["executive", "kam_admin"])
def test_executives_and_admins_off_every_team_have_no_my_work(request, client_for, busy, role):
    html = client_for(request.getfixturevalue(role)).get(reverse("accounts:home")).text
    assert 'data-testid="my-work"' not in html


def test_my_work_empty_state_is_helpful(client_for, account_manager, account):
    work = _section(client_for(account_manager).get(reverse("accounts:home")).text, "my-work")
    assert "Nothing waiting for you" in work


@pytest.mark.parametrize("count", [3, 60])
def test_my_work_query_budget_does_not_grow_with_the_portfolio(client_for, django_assert_max_num_queries, count):
    user = make_account_manager(username="portfolio-am")
    plans = make_running_plans(owner=user, count=count, fiscal_year=timezone.localdate().year - 1)
    ActionItem.objects.bulk_create([
        ActionItem(plan=plan, title=f"Late {plan.pk}", start_on=plan.period_start, due_on=plan.period_end)
        for plan in plans
    ])
    drafts = AccountPlan.objects.bulk_create([
        AccountPlan(account=plan.account, fiscal_year=plan.fiscal_year + 1, status=PlanStatus.DRAFT, owner=user,
                    period_start=plan.period_end + datetime.timedelta(days=1),
                    period_end=plan.period_end.replace(year=plan.period_end.year + 1))
        for plan in plans
    ])
    client = client_for(user)
    # session, user, roles, the portfolio stamp, the list's ids, accounts, KAMs, pipeline, the stamp and the filters'
    # choices (home's own), then My work: the plans stamp, its counts, the ids of the plans it lists, the overdue
    # actions listed and their count and the approved plans (cold: kept in the portfolio cache after), the plans
    # listed with the change requests and four for their steps, the approved plans' reviews. The first request
    # fills the cache (23); a later one reads only the plans listed, their steps and the reviews (20).
    with django_assert_max_num_queries(23):
        response = client.get(reverse("accounts:home"))
    work = _section(response.text, "my-work")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("planning:plan-list"))
    assert _section(response.text, "my-work") == work
    assert f'{len(plans) + len(drafts)}</span>' in work  # year-end steps of last year's plans, and the drafts
    assert f"and {count * 4 - 5} more" in work  # four reviews due per plan, five shown


def _drafts_of_a_portfolio(user, count: int) -> list[AccountPlan]:
    year = timezone.localdate().year
    accounts = AccountFactory.create_batch(count)
    AccountTeamMember.objects.bulk_create([AccountTeamMember(account=a, user=user, role=AccountTeamMember.Role.KAM) for a in accounts])
    drafts = AccountPlan.objects.bulk_create([
        AccountPlan(account=a, fiscal_year=year, period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
                    owner=user)
        for a in accounts
    ])
    portfolio_cache.bump(portfolio_cache.PLANS)  # a bulk write: the signals do not see it
    return drafts


@pytest.mark.parametrize("page", ["accounts:home", "planning:plan-list"])
def test_my_work_reads_the_same_and_checks_only_the_shown_drafts_whatever_their_number(client_for, monkeypatch, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from planning.selectors import work

    checked = []
    real = work.plans_step_states

    def counting(*, plans, today=None):
        checked.append(len(plans))
        return real(plans=plans, today=today)

    monkeypatch.setattr(work, "plans_step_states", counting)
    user = make_account_manager(username="drafting-am")
    client = client_for(user)
    _drafts_of_a_portfolio(user, 6)
    client.get(reverse(page))  # the portfolio cache is filled once, as after any write
    with CaptureQueriesContext(connection) as few:
        html = client.get(reverse(page)).text
    assert '6</span>' in _section(html, "my-work") and "and 1 more" in _section(html, "my-work")
    _drafts_of_a_portfolio(user, 60)
    client.get(reverse(page))
    checked.clear()
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse(page)).text
    assert '66</span>' in _section(html, "my-work") and "and 61 more" in _section(html, "my-work")
    assert len(many) == len(few)
    assert checked == [work.MY_WORK_SHOWN]  # the step states of the five drafts listed, not of the other 61


def test_my_work_follows_a_plan_written_after_it_was_shown(client_for, account_manager, busy):
    client = client_for(account_manager)

    def steps():
        work = _section(client.get(reverse("accounts:home")).text, "my-work-steps")
        return work[:work.index('data-testid="my-work-actions"')]

    before = steps()
    AccountPlanFactory(account=busy["sent_back"].account, fiscal_year=busy["sent_back"].fiscal_year + 1, owner=account_manager)
    AccountPlan.objects.get(pk=busy["draft"].pk).delete()
    after = steps()
    assert "Draft Co" in before and "Draft Co" not in after and "Sent Back Co" in after


def test_my_work_lists_drafts_by_account_then_the_year_ends_due(client_for, account_manager):
    year_ends = make_running_plans(owner=account_manager, count=3, fiscal_year=timezone.localdate().year - 2)
    AccountPlan.objects.filter(pk=year_ends[0].pk).update(year_end_evaluation="Met", wrap_up="Done")  # step 7 complete
    drafts = _drafts_of_a_portfolio(account_manager, 2)
    work = _section(client_for(account_manager).get(reverse("accounts:home")).text, "my-work-steps")
    work = work[:work.index('data-testid="my-work-actions"')]
    order = [*sorted(drafts, key=lambda p: p.account.name), *year_ends[1:]]
    assert re.findall(r'<a href="/plans/(\d+)/step/', work) == [str(plan.pk) for plan in order]
    assert "Step 7 · Year-end" in work and '4</span>' in work


@pytest.mark.parametrize("text, filled", [
    ("", False), ("   ", False), ("\n\t \u3000\xa0\u2028", False), ("done", True), (" \u3000done\n", True),
])
def test_year_end_open_in_sql_agrees_with_step_7s_rule(account_manager, text, filled):
    import sys

    from planning.rules import plan_step_states, PlanFacts
    from planning.selectors.work import WHITESPACE, year_end_open

    assert set(WHITESPACE) == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()}
    plan = make_running_plans(owner=account_manager, count=1)[0]
    AccountPlan.objects.filter(pk=plan.pk).update(year_end_evaluation=text, wrap_up="Lessons")
    plan.refresh_from_db()
    assert plan_step_states(plan, PlanFacts())[7].complete is filled
    assert AccountPlan.objects.filter(year_end_open(), pk=plan.pk).exists() is not filled


def test_bulk_step_states_match_the_plans_own_checklist(plan, approved_plan):
    other = AccountPlanFactory(account=plan.account, fiscal_year=plan.fiscal_year + 1)
    together = plans_step_states(plans=[approved_plan, other])
    for one in (approved_plan, other):
        alone = plan_states(plan=one)
        assert {n: s.complete for n, s in together[one.pk].items()} == {n: s.complete for n, s in alone.items()}
        assert [[r.ok for r in s.rules] for s in together[one.pk].values()] == [[r.ok for r in s.rules] for s in alone.values()]


# --- A new plan carried over from last year's approved plan ----------------------------------


def test_new_plan_form_says_which_dates_the_year_covers_and_offers_the_carry_over(client_for, account_manager, approved_plan):
    account = approved_plan.account
    year = approved_plan.fiscal_year + 1
    response = client_for(account_manager).get(reverse("planning:plan-create"), {"account": account.pk, "fiscal_year": year})
    info = _section(response.text, "plan-year-info")
    assert f"FY {year} for {account.name} covers {year}-01-01 – {year}-12-31" in info
    assert "starts in January" in info
    assert f"Carry over from the approved FY {year - 1} plan" in response.text
    assert re.search(r'value="carry"\s+id="id_start_from_1" checked', response.text)  # chosen unless the user unticks it


def test_new_plan_form_follows_the_accounts_fiscal_year_setting(client_for, account_manager):
    april = AccountFactory(name="April Co", fiscal_year_start_month=4)
    TeamMemberFactory(account=april, user=account_manager)
    response = client_for(account_manager).get(reverse("planning:plan-create"), {"account": april.pk, "fiscal_year": 2027})
    info = _section(response.text, "plan-year-info")
    assert "FY 2027 for April Co covers 2027-04-01 – 2028-03-31 (the account's fiscal year starts in April)" in info
    assert "There is no approved FY 2026 plan for this account" in info


def test_new_plan_carried_over_uses_step_7s_carry_over(client_for, account_manager, approved_plan):
    open_actions = ActionItem.objects.filter(plan=approved_plan, status__in=ActionItem.OPEN_STATUSES).count()
    open_tasks = StrategicTask.objects.filter(plan=approved_plan, status__in=StrategicTask.OPEN_STATUSES).count()
    response = client_for(account_manager).post(reverse("planning:plan-create"), {
        "account": approved_plan.account_id, "fiscal_year": approved_plan.fiscal_year + 1, "start_from": "carry"})
    new = AccountPlan.objects.get(account=approved_plan.account, fiscal_year=approved_plan.fiscal_year + 1)
    assert response.status_code == 302 and response["Location"] == reverse("planning:plan-detail", args=[new.pk])
    assert new.previous_plan_id == approved_plan.pk
    assert new.actions.count() == open_actions and new.strategic_tasks.count() == open_tasks
    assert new.ambition_3y == approved_plan.ambition_3y and new.org_baseline


def test_new_plan_started_empty_carries_nothing(client_for, account_manager, approved_plan):
    client_for(account_manager).post(reverse("planning:plan-create"), {
        "account": approved_plan.account_id, "fiscal_year": approved_plan.fiscal_year + 1, "start_from": "empty"})
    new = AccountPlan.objects.get(account=approved_plan.account, fiscal_year=approved_plan.fiscal_year + 1)
    assert new.previous_plan_id is None and not new.actions.exists()


def test_carry_over_without_an_approved_previous_plan_is_refused_and_nothing_saved(client_for, account_manager, plan):
    before = AccountPlan.objects.count(), ActionItem.objects.count()
    response = client_for(account_manager).post(reverse("planning:plan-create"), {
        "account": plan.account_id, "fiscal_year": plan.fiscal_year + 1, "start_from": "carry"})
    assert response.status_code == 200
    assert f"has no approved FY {plan.fiscal_year} plan to carry over" in response.text
    assert (AccountPlan.objects.count(), ActionItem.objects.count()) == before


def test_carry_over_into_a_year_that_has_a_plan_saves_nothing(client_for, account_manager, approved_plan):
    AccountPlanFactory(account=approved_plan.account, fiscal_year=approved_plan.fiscal_year + 1)
    before = AccountPlan.objects.count(), ActionItem.objects.count(), StrategicTask.objects.count()
    response = client_for(account_manager).post(reverse("planning:plan-create"), {
        "account": approved_plan.account_id, "fiscal_year": approved_plan.fiscal_year + 1, "start_from": "carry"})
    assert "already has a plan for FY" in response.text
    assert (AccountPlan.objects.count(), ActionItem.objects.count(), StrategicTask.objects.count()) == before


def test_unknown_start_choice_is_a_form_error(client_for, account_manager, approved_plan):
    before = AccountPlan.objects.count()
    response = client_for(account_manager).post(reverse("planning:plan-create"), {
        "account": approved_plan.account_id, "fiscal_year": approved_plan.fiscal_year + 1, "start_from": "everything"})
    assert "Select a valid choice" in response.text and AccountPlan.objects.count() == before


def test_executive_cannot_start_a_plan_carried_over(client_for, executive, approved_plan):
    response = client_for(executive).post(reverse("planning:plan-create"), {
        "account": approved_plan.account_id, "fiscal_year": approved_plan.fiscal_year + 1, "start_from": "carry"})
    assert response.status_code == 403
    assert not AccountPlan.objects.filter(fiscal_year=approved_plan.fiscal_year + 1).exists()


def test_other_account_manager_cannot_carry_over_someone_elses_plan(client_for, other_account_manager, other_account, approved_plan):
    response = client_for(other_account_manager).post(reverse("planning:plan-create"), {
        "account": approved_plan.account_id, "fiscal_year": approved_plan.fiscal_year + 1, "start_from": "carry"})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not AccountPlan.objects.filter(fiscal_year=approved_plan.fiscal_year + 1).exists()
