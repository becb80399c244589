"""The consensus meeting in Chromium: the chair invites two executives, each gives an opinion, the chair
sends the plan back on step 4, the KAM reads the comment on step 4 and resubmits, the next meeting
approves with part of the budget, the minutes reach the attendees, and the review shows the grant."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import User
from notifications.models import Notification, NotificationKind
from planning import services
from planning.models import AccountPlan, Decision, PlanStatus, ResourceGrant
from tests.e2e.conftest import login
from tests.factories import (
    AccountFactory,
    TeamMemberFactory,
    TimeEntryFactory,
    ensure_kpi_catalogue,
    make_account_manager,
    make_complete_plan,
    make_executive,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    ensure_kpi_catalogue()
    am = make_account_manager(username="am")
    chair = make_executive(username="ceo")
    make_executive(username="cfo")
    make_executive(username="cso")
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics", is_key_account=True)
    TeamMemberFactory(account=account, user=am)
    plan = make_complete_plan(account=account, user=am)
    services.plan_step_save(
        plan=plan, step=5, acting_user=am, expected_lock_version=plan.lock_version,
        collections={"support_requests": [{"id": None, "delete": False, "kind": "budget", "description": "Seminar budget",
                                           "offering": None, "amount": Decimal(50_000_000), "status": "requested"}]},
    )
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    first = services.meeting_create(title="H2 consensus", scheduled_for=soon, acting_user=chair)
    second = services.meeting_create(title="Year-end consensus", scheduled_for=soon + datetime.timedelta(days=7), acting_user=chair)
    plan.refresh_from_db()
    services.plan_submit(plan=plan, acting_user=am, meeting=first)
    return {"plan": plan, "first": first, "second": second, "am": am}


def as_user(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, username)
    return context, page


def test_the_meeting_journey(browser, live_server, world):
    plan, first, second = world["plan"], world["first"], world["second"]
    ceo_context, ceo = as_user(browser, live_server, "ceo")
    ceo.goto(f"/meetings/{first.pk}/")
    for name in ("cfo", "cso"):
        user = User.objects.get(username=name)
        ceo.get_by_label("Invite").select_option(value=str(user.pk))
        ceo.get_by_test_id("add-attendee").click()
        expect(ceo.get_by_test_id("attendees")).to_contain_text(user.get_full_name() or name)

    for name, outcome in (("cfo", "Approve"), ("cso", "Request changes")):
        context, page = as_user(browser, live_server, name)
        page.goto(f"/meetings/{first.pk}/")
        page.get_by_test_id("agenda-item").click()
        expect(page.get_by_test_id("opinion-form")).to_be_visible()
        page.get_by_test_id("opinion-form").get_by_label(outcome).check()
        page.get_by_test_id("opinion-form").get_by_label("Comment on the whole plan").fill(f"{name}: my view")
        page.get_by_test_id("record-opinion").click()
        expect(page.get_by_text("Your opinion was recorded.")).to_be_visible()
        context.close()

    ceo.goto(f"/meetings/{first.pk}/")
    ceo.get_by_test_id("meeting-start").click()
    expect(ceo.get_by_test_id("meeting-status")).to_have_text("In session")
    ceo.get_by_test_id("agenda-item").click()
    expect(ceo.get_by_test_id("opinions")).to_contain_text("cfo: my view")
    form = ceo.get_by_test_id("decision-form")
    form.get_by_label("Request changes", exact=True).check()
    form.get_by_text("Comments per step").click()
    form.get_by_label("4. Account strategy").fill("Raise the Q3 revenue target")
    ceo.get_by_test_id("record-decision").click()
    expect(ceo.get_by_text("Changes requested.")).to_be_visible()

    am_context, am = as_user(browser, live_server, "am")
    am.goto(f"/plans/{plan.pk}/step/4/")
    expect(am.get_by_test_id("step-decision-comments")).to_contain_text("Raise the Q3 revenue target")
    am.goto(f"/plans/{plan.pk}/")
    am.get_by_label("Consensus meeting").select_option(value=str(second.pk))
    am.get_by_test_id("submit-plan").click()
    expect(am.get_by_test_id("plan-status")).to_have_text("Submitted")

    ceo.goto(f"/meetings/{second.pk}/")
    ceo.get_by_test_id("meeting-start").click()
    expect(ceo.get_by_test_id("meeting-status")).to_have_text("In session")
    ceo.get_by_test_id("agenda-item").click()
    expect(ceo.get_by_test_id("what-changed")).to_be_visible()
    form = ceo.get_by_test_id("decision-form")
    form.get_by_label("Approve", exact=True).check()
    budget = next(row for row in AccountPlan.objects.get(pk=plan.pk).versions.first().snapshot["execution"]["support_requests"]
                  if row["kind"] == "budget")
    form.locator(f"select[name=grant_{budget['id']}_status]").select_option("partly")
    form.locator(f"input[name=grant_{budget['id']}_amount]").fill("30000000")
    form.locator(f"input[name=grant_{budget['id']}_reason]").fill("Half the seminars this year")
    ceo.get_by_test_id("record-decision").click()
    expect(ceo.get_by_text("Approved.")).to_be_visible()
    ceo.get_by_label("Minutes").fill("Approved with 30M of the 50M seminar budget.")
    ceo.get_by_test_id("save-meeting-minutes").click()
    expect(ceo.get_by_text("The minutes were saved.")).to_be_visible()
    ceo.get_by_test_id("meeting-close").click()
    expect(ceo.get_by_test_id("meeting-status")).to_have_text("Closed")
    ceo_context.close()

    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert Decision.objects.filter(version__plan=plan).count() == 2
    assert Notification.objects.filter(user=world["am"], kind=NotificationKind.MEETING_MINUTES).count() == 1
    grant = ResourceGrant.objects.get(kind="budget")
    assert (grant.status, grant.granted_amount) == ("partly", 30_000_000)

    review, _created = services.quarterly_review_create(plan=plan, quarter=1, acting_user=world["am"])
    TimeEntryFactory(account=plan.account, worked_on=review.period_start, hours=Decimal(16))
    am.goto(f"/plans/{plan.pk}/reviews/q1/")
    am.get_by_label("Spent on").fill(review.period_start.isoformat())
    am.get_by_label("Amount").fill("6000000")
    am.get_by_test_id("record-spend").click()
    expect(am.get_by_text("The budget spent was recorded.")).to_be_visible()
    expect(am.get_by_test_id("grant-use")).to_contain_text("20%")
    expect(am.get_by_test_id("grant-use")).to_contain_text("2.0 people-days")
    am_context.close()
