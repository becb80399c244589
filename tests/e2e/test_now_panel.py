"""An executive opens the meeting view in Chromium; an order is recorded; on reload the "Now" panel shows it.
The plan overview loads the same panel after the page (htmx), or links to it without JavaScript."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from planning import services
from planning.models import PlanVersion
from tests.e2e.conftest import login
from tests.factories import (
    AccountFactory,
    ConsensusMeetingFactory,
    OrderFactory,
    TeamMemberFactory,
    ensure_kpi_catalogue,
    make_account_manager,
    make_complete_plan,
    make_executive,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_meeting_view_shows_an_order_recorded_after_submission_on_reload(page):
    ensure_kpi_catalogue()
    am = make_account_manager(username="am")
    chair = make_executive(username="ceo")
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=account, user=am)
    plan = make_complete_plan(account=account, user=am)
    version = services.plan_submit(plan=plan, acting_user=am)
    # Revenue is recognised by month: submitted on the last day of last month, so this month's order is new since.
    last_month_end = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    submitted_at = timezone.make_aware(datetime.datetime.combine(last_month_end, datetime.time(12)))
    PlanVersion.objects.filter(pk=version.pk).update(submitted_at=submitted_at)
    meeting = ConsensusMeetingFactory(title="FY consensus", created_by=chair, chair=chair, status="in_session")
    item = services.agenda_item_add(meeting=meeting, version=version, acting_user=chair)

    login(page, "ceo")
    page.goto(f"/meetings/{meeting.pk}/items/{item.pk}/")
    panel = page.get_by_test_id("now-panel")
    expect(panel).to_be_visible()
    revenue = panel.locator('[data-live="revenue-fytd"]')
    expect(revenue).to_have_text("0")
    expect(panel.get_by_test_id("now-trend").get_by_text("since submission")).to_have_count(0)

    OrderFactory(account=account, ordered_on=timezone.localdate(), amount=Decimal(120_000_000), cost=Decimal(30_000_000))
    page.reload()
    expect(revenue).to_have_text("120.0M")
    expect(panel.get_by_test_id("now-trend").get_by_text("+120.0M since submission")).to_be_visible()
    expect(panel.locator('[data-live="profit-fytd"]')).to_have_text("90.0M")


def test_the_overview_loads_the_panel_after_the_page(browser, live_server):
    ensure_kpi_catalogue()
    am = make_account_manager(username="am")
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=account, user=am)
    plan = make_complete_plan(account=account, user=am)
    services.plan_submit(plan=plan, acting_user=am)
    OrderFactory(account=account, ordered_on=timezone.localdate(), amount=Decimal(120_000_000), cost=Decimal(30_000_000))
    panel_url = reverse("planning:plan-now", args=[plan.pk])

    for javascript in (True, False):
        context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=javascript,
                                      viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            login(page, "am")
            if javascript:
                held = []
                page.route(f"**{panel_url}", lambda route: held.append(route))  # the panel is still on its way
                page.goto(f"/plans/{plan.pk}/")
                loading = page.get_by_test_id("now-loading")
                expect(loading).to_contain_text("Loading the latest figures…")
                assert loading.bounding_box()["height"] > 300  # about the panel's height: the page does not jump
                held[0].continue_()
                panel = page.get_by_test_id("now-panel")
                expect(panel.locator('[data-live="revenue-fytd"]')).to_have_text("120.0M")
                expect(loading).to_have_count(0)
                # A panel that cannot be loaded says so instead of loading for ever.
                page.unroute(f"**{panel_url}")
                page.route(f"**{panel_url}", lambda route: route.fulfill(status=500, body="error"))
                page.reload()
                expect(page.get_by_test_id("now-loading")).to_contain_text("The latest figures could not be loaded.")
                expect(page.get_by_test_id("now-loading")).to_have_attribute("aria-busy", "false")
            else:
                page.goto(f"/plans/{plan.pk}/")
                page.get_by_role("link", name="Open the latest figures").click()
                # The overview again, with the panel in place.
                expect(page.locator('[data-live="revenue-fytd"]')).to_have_text("120.0M")
                expect(page.get_by_text("The seven steps")).to_be_visible()
        finally:
            context.close()
