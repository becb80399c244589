"""The account's standing in Chromium: an admin withdraws an account from its page (the banner says so and the
list leaves it out), the KAM adds a risk in the modal, and the meeting view shows the 3-year targets and the
open risks; each page fits 1400 px and a phone in English and Korean.

Set KAM_SHOTS to a folder to keep the screenshots."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import AccountRisk
from accounts.services import account_risk_save
from planning import services
from tests.e2e.conftest import login
from tests.factories import (
    AccountFactory,
    ConsensusMeetingFactory,
    KpiTargetFactory,
    TeamMemberFactory,
    ensure_kpi_catalogue,
    make_account_manager,
    make_admin,
    make_complete_plan,
    make_executive,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KAM_SHOTS")


def fits(page, name: str) -> list[str]:
    """At 1400 and 390 px: no sideways scroll; a screenshot of each when KAM_SHOTS is set."""
    problems = []
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))")
        sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if sideways > 0:
            problems.append(f"{name} at {width} px scrolls sideways by {sideways} px")
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})
    return problems


@pytest.fixture
def hanbit():
    am = make_account_manager(username="am")
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=account, user=am)
    AccountFactory(name="Nordwind")
    return account


def test_admin_withdraws_an_account_and_the_kam_records_a_risk(page, live_server, hanbit):
    make_admin(username="boss")
    login(page, "boss")
    page.goto(reverse("accounts:detail", args=[hanbit.pk]))
    page.get_by_role("link", name="Change the status").click()
    modal = page.locator("#kam-modal")
    modal.get_by_label("Status").select_option("withdrawn")
    modal.get_by_label("Reason").fill("The customer moved its business to a competitor.")
    problems = fits(page, "lifecycle-modal-en")
    modal.get_by_role("button", name="Save").click()
    expect(page.locator("#lifecycle-banner")).to_contain_text("moved its business to a competitor")
    problems += fits(page, "withdrawn-account-en")
    page.goto(reverse("accounts:home"))
    expect(page.get_by_role("link", name="Nordwind")).to_be_visible()
    expect(page.get_by_role("link", name="한빛전자")).to_have_count(0)
    page.goto(reverse("accounts:home") + "?lifecycle=all")
    expect(page.get_by_role("link", name="한빛전자", exact=True)).to_be_visible()
    problems += fits(page, "account-list-all-en")

    page.context.clear_cookies()
    login(page, "am")
    page.goto(reverse("accounts:detail", args=[hanbit.pk]))
    page.get_by_role("link", name="Add a risk").click()
    modal.get_by_label("Title").fill("Budget freeze in H2")
    modal.get_by_label("Impact").select_option("3")
    modal.get_by_label("Shared with the customer").check()
    problems += fits(page, "risk-modal-en")
    modal.get_by_role("button", name="Save").click()
    expect(page.locator("#risk-register")).to_contain_text("Budget freeze in H2")
    assert AccountRisk.objects.get().shared_with_customer
    assert problems == []


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_meeting_view_shows_three_year_targets_and_open_risks_and_fits(browser, live_server, language):
    ensure_kpi_catalogue()
    am = make_account_manager(username="am")
    executive = make_executive(username="chair")
    for user in (am, executive):
        user.set_password("kamdemo")
        user.save()
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=account, user=am)
    plan = make_complete_plan(account=account, user=am)
    for offset, value in ((1, 480_000_000), (2, 560_000_000)):
        KpiTargetFactory(account=account, fiscal_year=plan.fiscal_year + offset, period_kind="year", value=Decimal(value))
    version = services.plan_submit(plan=plan, acting_user=am)
    meeting = ConsensusMeetingFactory(title="H2 consensus", created_by=executive, status="in_session")
    item = services.agenda_item_add(meeting=meeting, version=version, acting_user=executive)
    account_risk_save(risk=AccountRisk(account=account, title="공급망 지연 (Supply delay)", impact=3, likelihood=2,
                                       shared_with_customer=True), acting_user=am)
    AccountFactory(name="Withdrawn Co", lifecycle="withdrawn", lifecycle_since=plan.period_start, lifecycle_reason="Left us")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/login/")
        page.fill("input[name=username]", "chair")
        page.fill("input[name=password]", "kamdemo")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(reverse("planning:meeting-item", args=[meeting.pk, item.pk]))
        expect(page.locator("[data-testid=now-risks]")).to_contain_text("Supply delay")
        expect(page.locator(".targets-table").first).to_contain_text(f"FY {plan.fiscal_year + 2}")
        problems = fits(page, f"meeting-item-{language}")
        page.goto(reverse("accounts:detail", args=[account.pk]))
        problems += fits(page, f"account-summary-{language}")
        page.goto(reverse("performance:dashboard"))
        expect(page.get_by_text("Withdrawn Co")).to_have_count(0)
        problems += fits(page, f"dashboard-{language}")
        page.goto(reverse("planning:plan-detail", args=[plan.pk]))
        expect(page.get_by_test_id("now-panel").get_by_test_id("now-risks")).to_contain_text("Supply delay")  # loaded after the page
        problems += fits(page, f"plan-detail-{language}")
    finally:
        context.close()
    assert problems == []
