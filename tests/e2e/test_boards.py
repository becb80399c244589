"""The three boards (tier board, org chart, relationship map) fit a phone and pass axe, in both languages.

Set KAM_SCREENSHOTS=<dir> to keep a screenshot of each board at each width and language.
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_pages_fit import AXE, SERIOUS_VIOLATIONS
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    RelationshipFactory,
    TeamMemberFactory,
    build_account_360,
    make_account_manager,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board_account():
    am = make_account_manager(username="am")
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=account, user=am)
    build_account_360(account, people=14, opportunities=8)
    ContactFactory(account=account, name="고립된 의사결정자", title="전무", level="executive", is_decision_maker=True)
    OpportunityFactory(account=account, name="MES upgrade", tier=3, amount=Decimal(300_000_000))
    return account


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_boards_fit_and_pass_axe(browser, live_server, board_account, language):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto("/login/")
    page.locator("input[name=username]").fill("am")
    page.locator("input[name=password]").fill("kamdemo")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/")
    shots = os.environ.get("KAM_SCREENSHOTS")
    problems = []
    for name in ("opportunities", "org-chart", "relationships"):
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(f"/accounts/{board_account.pk}/{name}/")
        page.wait_for_load_state("networkidle")
        page.add_script_tag(content=AXE)
        for width in (1400, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))")
            sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if sideways > 0:
                problems.append(f"{name} at {width} px scrolls sideways by {sideways} px")
            problems += [f"{name} at {width} px: {violation}" for violation in page.evaluate(SERIOUS_VIOLATIONS)]
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{name}-{width}-{language}.png", full_page=True)
    context.close()
    assert problems == []


def test_the_relationship_map_draws_lines_and_switches_to_the_table(page, board_account):
    login(page, "am")
    page.goto(f"/accounts/{board_account.pk}/relationships/")
    drawing = page.get_by_role("img", name="Relationship map: our people and the customer's, one line per relationship")
    expect(drawing).to_be_visible()
    assert page.locator(".relationship-line").count() >= 1
    expect(page.locator(".map-box.gap-no_counterpart", has_text="고립된 의사결정자")).to_be_visible()
    page.get_by_role("link", name="Table").click()
    expect(page.locator(".relationship-table").first).to_be_visible()
    expect(page.get_by_role("link", name="Table")).to_have_attribute("aria-current", "page")
