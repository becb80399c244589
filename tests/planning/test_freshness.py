"""Stale plans: the signals, where they show, and the weekly notice the sweep sends the KAM."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact
from notifications.models import Notification, NotificationKind
from planning.freshness import plan_signals
from planning.models import ActionItem, AccountPlan, QuarterlyReview
from planning.sweep import executive_digest_create, stale_plan_notices_create
from tests.factories import AccountPlanFactory, ActionItemFactory, ContactFactory, interaction_log

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def signals_of(plan, today=TODAY):
    plan = AccountPlan.objects.select_related("approved_version__decision").get(pk=plan.pk)
    return plan_signals(plans=[plan], today=today)[plan.pk]


def codes(plan, today=TODAY):
    return sorted({signal.code for signal in signals_of(plan, today)})


def test_a_fresh_approved_plan_has_no_signal(approved_plan, account_manager):
    for contact in Contact.objects.filter(account=approved_plan.account, is_decision_maker=True):
        interaction_log(user=account_manager, contact=contact, on=days_ago(1))
    assert signals_of(approved_plan) == []


def test_decision_maker_out_of_touch_says_whom_to_meet_and_logging_clears_it(approved_plan, account_manager):
    kingpin = ContactFactory(account=approved_plan.account, name="이우진", is_kingpin=True)
    interaction_log(user=account_manager, contact=kingpin, on=datetime.date(2026, 8, 14))
    today = datetime.date(2026, 11, 20)
    fixes = [signal.fix for signal in signals_of(approved_plan, today) if signal.code == "decision_maker"]
    assert "Log a meeting with 이우진 (Kingpin): last contact 2026-08-14" in fixes
    interaction_log(user=account_manager, contact=kingpin, on=datetime.date(2026, 11, 19))
    fixes = [signal.fix for signal in signals_of(approved_plan, today) if signal.code == "decision_maker"]
    assert not any("이우진" in fix for fix in fixes)


@override_settings(KAM_STALE_ORG_REVIEW_DAYS=10)
def test_org_chart_review_old_or_changed_since(approved_plan):
    approved_plan.org_reviewed_at = timezone.now() - datetime.timedelta(days=20)
    approved_plan.save(update_fields=["org_reviewed_at"])
    assert "org_review" in codes(approved_plan)
    with override_settings(KAM_STALE_ORG_REVIEW_DAYS=90):
        before = [s.subject for s in signals_of(approved_plan) if s.code == "org_review"]
        approved_plan.account.org_changes.create(kind="joined", description="New CIO", happened_on=TODAY)
        after = [s.subject for s in signals_of(approved_plan) if s.code == "org_review"]
    assert after == ["changed"] and "changed" not in before


def test_idle_action_and_overdue_review(approved_plan):
    action = approved_plan.actions.filter(status__in=ActionItem.OPEN_STATUSES).first() or ActionItemFactory(plan=approved_plan)
    ActionItem.objects.filter(pk=action.pk).update(updated_at=timezone.now() - datetime.timedelta(days=45))
    QuarterlyReview.objects.create(
        plan=approved_plan, quarter=1, period_start=approved_plan.period_start,
        period_end=approved_plan.period_start + datetime.timedelta(days=89), due_on=days_ago(3),
    )
    found = {signal.code: signal for signal in signals_of(approved_plan)}
    assert "action_idle" in found and "review_overdue" in found
    assert found["review_overdue"].fix == f"Sign off the Q1 review: due {days_ago(3).isoformat()}"


def test_a_draft_is_not_flagged_for_running_plan_signals(plan):
    ActionItem.objects.filter(plan=plan).update(updated_at=timezone.now() - datetime.timedelta(days=400))
    assert "action_idle" not in codes(plan)


def test_plan_list_shows_freshness_and_filters(client_for, approved_plan, account_manager):
    ContactFactory(account=approved_plan.account, name="이우진", is_kingpin=True)
    fresh = AccountPlanFactory(account=approved_plan.account, fiscal_year=approved_plan.fiscal_year + 1, status="closed")
    client = client_for(account_manager)
    response = client.get(reverse("planning:plan-list"))
    assert 'data-testid="freshness"' in response.text and "Log a meeting with 이우진" in response.text
    stale_ids = [plan.pk for plan in client.get(reverse("planning:plan-list"), {"freshness": "stale"}).context["page"].object_list]
    assert stale_ids == [approved_plan.pk]
    fresh_ids = [plan.pk for plan in client.get(reverse("planning:plan-list"), {"freshness": "fresh"}).context["page"].object_list]
    assert fresh_ids == [fresh.pk]
    assert client.get(reverse("planning:plan-list"), {"freshness": "<script>"}).status_code == 200


def test_plan_overview_lists_the_signals(client_for, approved_plan, executive):
    ContactFactory(account=approved_plan.account, name="이우진", is_kingpin=True)
    response = client_for(executive).get(reverse("planning:plan-detail", args=[approved_plan.pk]))
    assert 'data-testid="plan-freshness"' in response.text and "Log a meeting with 이우진 (Kingpin)" in response.text


def test_the_sweep_notifies_the_kam_once_a_week_per_signal_and_resolves(approved_plan, account_manager):
    kingpin = ContactFactory(account=approved_plan.account, name="이우진", is_kingpin=True)
    interaction_log(user=account_manager, contact=kingpin, on=datetime.date(2026, 8, 14))
    monday = datetime.date(2026, 11, 16)
    stale_plan_notices_create(as_of=monday)
    notice = Notification.objects.get(key__startswith=f"stale:{approved_plan.pk}:decision_maker:{kingpin.pk}:")
    assert notice.kind == NotificationKind.STALE_PLAN and notice.user == approved_plan.owner
    assert "Log a meeting with 이우진 (Kingpin): last contact 2026-08-14" in notice.message
    count = Notification.objects.filter(kind=NotificationKind.STALE_PLAN).count()
    stale_plan_notices_create(as_of=monday + datetime.timedelta(days=2))  # same week: nothing new
    assert Notification.objects.filter(kind=NotificationKind.STALE_PLAN).count() == count
    interaction_log(user=account_manager, contact=kingpin, on=monday + datetime.timedelta(days=2))
    stale_plan_notices_create(as_of=monday + datetime.timedelta(days=3))
    notice.refresh_from_db()
    assert notice.read_at is not None  # fixed: the notice is cleared


def test_the_notice_is_in_the_kam_s_language(approved_plan, account_manager):
    account_manager.language = "ko"
    account_manager.save(update_fields=["language"])
    approved_plan.owner = account_manager
    approved_plan.save(update_fields=["owner"])
    kingpin = ContactFactory(account=approved_plan.account, name="이우진", is_kingpin=True)
    stale_plan_notices_create(as_of=TODAY)
    notice = Notification.objects.get(key__startswith=f"stale:{approved_plan.pk}:decision_maker:{kingpin.pk}:")
    assert "접촉" in notice.params["fix"]


@pytest.mark.parametrize("size", [3, 30])
def test_signals_take_a_fixed_number_of_queries(approved_plan, django_assert_max_num_queries, size):
    from tests.factories import make_running_plans

    plans = make_running_plans(owner=approved_plan.owner, count=size)
    for plan in plans:
        ContactFactory(account=plan.account, is_decision_maker=True)
    loaded = list(AccountPlan.objects.select_related("approved_version__decision"))
    with django_assert_max_num_queries(12):
        signals = plan_signals(plans=loaded, today=TODAY)
    assert all(signals[plan.pk] for plan in plans)


@pytest.mark.parametrize("size", [3, 30])
def test_plan_list_and_overview_budgets_with_running_plans(client_for, approved_plan, account_manager,
                                                           django_assert_max_num_queries, size):
    from tests.factories import make_running_plans

    for plan in make_running_plans(owner=account_manager, count=size):
        ContactFactory(account=plan.account, is_decision_maker=True)
        ActionItemFactory(plan=plan)
    client = client_for(account_manager)
    # the list, and "My work" above it (the user's live plans, their checklists in bulk, overdue actions, reviews)
    with django_assert_max_num_queries(34):
        assert client.get(reverse("planning:plan-list"), {"freshness": "stale"}).status_code == 200
    with django_assert_max_num_queries(20):  # its "Now" panel comes after (planning:plan-now)
        assert client.get(reverse("planning:plan-detail", args=[approved_plan.pk])).status_code == 200
    # The stale plans show on the account summary and the executive dashboard in a fixed number of queries too.
    with django_assert_max_num_queries(25):
        assert client.get(reverse("accounts:detail", args=[approved_plan.account.pk])).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(reverse("performance:dashboard")).status_code == 200


def test_checklists_never_tick_vacuously(plan, approved_plan):
    from planning.rules import plan_step_states
    from planning.selectors import plan_facts

    ActionItem.objects.filter(plan=approved_plan).delete()
    states = plan_step_states(approved_plan, plan_facts(plan=approved_plan, today=approved_plan.period_start))
    owner_rule = next(rule for rule in states[5].rules if str(rule.text) == "Every action has an owner.")
    assert not owner_rule.ok and owner_rule.detail == "No action yet."
    assert not states[6].complete and states[6].nothing_due  # no quarter of this year has ended yet


def _idle_action(plan):
    action = plan.actions.filter(status__in=ActionItem.OPEN_STATUSES).first() or ActionItemFactory(plan=plan)
    ActionItem.objects.filter(pk=action.pk).update(updated_at=timezone.now() - datetime.timedelta(days=45))
    return action


def test_the_account_summary_risk_card_shows_the_plan_s_signals(client_for, approved_plan, account_manager):
    action = _idle_action(approved_plan)
    response = client_for(account_manager).get(reverse("accounts:detail", args=[approved_plan.account.pk]))
    stale = [risk for risk in response.context["risks"] if risk["kind"] == "stale_plan"]
    assert any(risk["signal"].code == "action_idle" for risk in stale)
    assert f"Update the action “{action.title}”" in response.content.decode()
    assert reverse("planning:plan-step", args=[approved_plan.pk, 5]) in response.content.decode()


def test_the_executive_dashboard_counts_and_lists_stale_plans(client_for, approved_plan, executive):
    _idle_action(approved_plan)
    response = client_for(executive).get(reverse("performance:dashboard"))
    panel = next(p for p in response.context["panels"] if p["key"] == "stale_plans")
    assert panel["counts"]["Stale plans"] == 1
    assert panel["counts"]["Action not updated"] == 1
    assert panel["items"][0]["url"] == reverse("planning:plan-detail", args=[approved_plan.pk])
    assert "Action not updated" in panel["items"][0]["note"]
    assert 'data-testid="panel-stale_plans-items"' in response.content.decode()


def test_the_dashboard_tile_reads_the_stale_signals_once_after_a_write(client_for, approved_plan, executive, monkeypatch):
    """Its counts and its list come from one reading of every live plan's signals, not one each."""
    from accounts import portfolio_cache
    from planning import freshness

    _idle_action(approved_plan)
    calls = []
    real = freshness.plan_signals
    monkeypatch.setattr(freshness, "plan_signals", lambda **kwargs: calls.append(1) or real(**kwargs))
    portfolio_cache.bump()
    response = client_for(executive).get(reverse("performance:dashboard"))
    panel = next(p for p in response.context["panels"] if p["key"] == "stale_plans")
    assert len(calls) == 1
    assert panel["counts"]["Stale plans"] == 1 and len(panel["items"]) == 1


def test_the_dashboard_tile_counts_as_the_plans_own_signals(approved_plan, account_manager, executive):
    """The tile reads plans as rows and only the silent decision makers: the same counts and list as every live
    plan's signals read from model instances."""
    from accounts.models import Account
    from planning.freshness import _stale_counts, _stale_items, live_plans, stale_plan_panel
    from tests.factories import make_running_plans

    _idle_action(approved_plan)
    plans = make_running_plans(owner=account_manager, count=4)
    for number, plan in enumerate(plans):
        recent, silent = (ContactFactory(account=plan.account, is_decision_maker=True) for _ in range(2))
        interaction_log(user=account_manager, contact=recent, on=days_ago(number))
        interaction_log(user=account_manager, contact=silent, on=days_ago(100 + number))
    kingpin = ContactFactory(account=plans[0].account, is_kingpin=True, is_decision_maker=False)
    interaction_log(user=account_manager, contact=kingpin, on=days_ago(59))
    AccountPlan.objects.filter(pk=plans[1].pk).update(org_reviewed_at=timezone.now())

    loaded = list(live_plans().select_related("account"))
    signals = plan_signals(plans=loaded, today=TODAY, describe=False)
    for plan in loaded:
        plan.account_name = plan.account.name
    stale = [(plan, signals[plan.pk]) for plan in loaded if signals[plan.pk]]
    tile = stale_plan_panel(accounts=Account.objects.all())
    assert tile == {"counts": _stale_counts(stale), "items": _stale_items(stale)}
    assert tile["counts"]["Decision maker out of touch"] >= 4 and tile["counts"]["Action not updated"] == 1


def test_the_monday_digest_counts_the_plans_going_stale(approved_plan, executive):
    for contact in Contact.objects.filter(account=approved_plan.account, is_decision_maker=True):
        interaction_log(user=executive, contact=contact, on=TODAY)
    fresh = signals_of(approved_plan) == []
    _idle_action(approved_plan)
    assert executive_digest_create(as_of=TODAY) == 1
    [digest] = Notification.objects.filter(kind=NotificationKind.WEEKLY_DIGEST, user=executive)
    assert fresh and digest.params["stale"] == 1
    assert "1 plans are going stale" in digest.message


def test_the_risk_card_shows_the_plans_signals_from_the_contacts_it_read_itself(approved_plan, account_manager):
    from accounts.selectors.account360 import account_risks, open_pipeline_by_tier

    kingpin = ContactFactory(account=approved_plan.account, name="이우진", is_kingpin=True)
    ContactFactory(account=approved_plan.account, name="Silent Fox", is_fox=True)  # the card's risk, not the plan's
    interaction_log(user=account_manager, contact=kingpin, on=days_ago(120))
    account = approved_plan.account
    risks = account_risks(account=account, pipeline=open_pipeline_by_tier(opportunities=account.opportunities.all()), today=TODAY)
    on_card = [risk["signal"] for risk in risks if risk["kind"] == "stale_plan"]
    assert [(s.code, s.subject, s.fix) for s in on_card] == [(s.code, s.subject, s.fix) for s in signals_of(approved_plan)]
    assert any("이우진" in signal.fix for signal in on_card) and not any("Silent Fox" in signal.fix for signal in on_card)
    assert any(risk["kind"] == "kingpin_fox_silent" and risk["contact"].name == "Silent Fox" for risk in risks)
