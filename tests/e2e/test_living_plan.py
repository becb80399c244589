"""A KAM hears that their plan is going stale, and fixes it by logging the interaction, in Chromium."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification, NotificationKind
from tests.e2e.conftest import login
from tests.factories import ContactFactory, interaction_log, make_account_manager, make_running_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kam_gets_a_stale_plan_notice_after_the_sweep_and_clears_it_by_logging_an_interaction(page):
    today = timezone.localdate()
    am = make_account_manager(username="am")
    [plan] = make_running_plans(owner=am, count=1, fiscal_year=today.year)
    kingpin = ContactFactory(account=plan.account, name="이우진", is_kingpin=True, level="executive")
    last = today - datetime.timedelta(days=100)
    interaction_log(user=am, contact=kingpin, on=last)

    later = today + datetime.timedelta(days=30)
    call_command("run_sweep", "--date", later.isoformat(), stdout=open("/dev/null", "w"))

    login(page, "am")
    page.goto("/inbox/")
    fix = f"Log a meeting with 이우진 (Kingpin): last contact {last.isoformat()}"
    notice = page.locator("li", has_text=fix)
    expect(notice).to_be_visible()
    notice.get_by_role("button", name="Open").click()

    # The notice opens the interaction form with the Kingpin as their attendee and the KAM as ours.
    expect(page.get_by_role("heading", name="Log an interaction")).to_be_visible()
    expect(page.get_by_label("Their attendees")).to_have_values([str(kingpin.pk)])
    page.get_by_label("Kind").select_option("dinner")
    page.get_by_label("Note").fill("Dinner: next year's investment plans")
    page.get_by_label("Next step").fill("Send the roadmap proposal")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Interaction of {today.isoformat()} logged.")).to_be_visible()
    expect(page.get_by_test_id("timeline").get_by_text("Dinner: next year's investment plans")).to_be_visible()

    # The relationship map and the plan overview read the new last contact; the next sweep clears the notice.
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_test_id("plan-freshness")).to_be_visible()
    expect(page.get_by_test_id("plan-freshness").get_by_text("이우진")).to_have_count(0)
    call_command("run_sweep", "--date", (later + datetime.timedelta(days=1)).isoformat(), stdout=open("/dev/null", "w"))
    stale = Notification.objects.get(kind=NotificationKind.STALE_PLAN, key__contains=f":decision_maker:{kingpin.pk}:")
    assert stale.read_at is not None
    page.goto("/inbox/")
    expect(page.locator("li.bg-primary-subtle", has_text="이우진")).to_have_count(0)
