"""The account and the plan point at each other, in the browser: the account page's plan card, "My work",
and a new plan carried over from last year's approved plan, with the dates its fiscal year covers.
The pages fit at 1400 px and 390 px in English and Korean (set KAM_SCREENSHOTS=<dir> to keep screenshots)."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from django.urls import reverse
from django.utils import timezone

from planning import services
from planning.models import AccountPlan, ActionItem, Decision
from tests.e2e.test_pages_fit import AXE, SERIOUS_VIOLATIONS, _login_any
from tests.factories import AccountFactory, TeamMemberFactory, make_account_manager, make_complete_plan, make_executive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> dict:
    am = make_account_manager(username="links-am")
    executive = make_executive(username="links-exec")
    for user in (am, executive):
        user.set_password("kamdemo")
        user.save()
    year = timezone.localdate().year
    current = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=current, user=am)
    plan = make_complete_plan(account=current, user=am, fiscal_year=year)
    ActionItem.objects.filter(plan=plan, kind=ActionItem.Kind.TASK).update(due_on=timezone.localdate() - datetime.timedelta(days=4))
    carried = AccountFactory(name="Nordwind Logistics Korea", english_name="")
    TeamMemberFactory(account=carried, user=am)
    last_year = make_complete_plan(account=carried, user=am, fiscal_year=year - 1)
    version = services.plan_submit(plan=last_year, acting_user=am)
    services.plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive)
    return {"am": am, "current": current, "plan": plan, "carried": carried, "year": year}


def _look(page, url: str, name: str, language: str) -> list[str]:
    problems = []
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=AXE)
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))")
        sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if sideways > 0:
            problems.append(f"{url} at {width} px scrolls sideways by {sideways} px")
        problems += [f"{url} at {width} px: {violation}" for violation in page.evaluate(SERIOUS_VIOLATIONS)]
        folder = os.environ.get("KAM_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}-{language}-{width}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("language", ["en", "ko"])
def test_account_and_plan_pages_fit_in_both_languages(browser, live_server, language):
    world = _world()
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _login_any(page, "links-am")
        create = reverse("planning:plan-create") + f"?account={world['carried'].pk}&fiscal_year={world['year']}"
        problems = []
        for url, name in (
            (reverse("accounts:home"), "home"),
            (reverse("planning:plan-list"), "plan-list"),
            (reverse("accounts:detail", args=[world["current"].pk]), "account-with-plan"),
            (reverse("accounts:detail", args=[world["carried"].pk]), "account-without-plan"),
            (create, "plan-create-carry"),
        ):
            problems += _look(page, url, name, language)
    finally:
        context.close()
    assert problems == []


def test_am_starts_next_years_plan_from_the_account_page_carrying_last_year_over(page):
    world = _world()
    _login_any(page, "links-am")
    page.goto(reverse("accounts:detail", args=[world["carried"].pk]))
    card = page.get_by_test_id("account-plan-card")
    assert f"FY {world['year'] - 1} plan was approved" in card.inner_text()
    card.get_by_test_id("account-new-plan").click()
    info = page.get_by_test_id("plan-year-info")
    assert f"covers {world['year']}-01-01 – {world['year']}-12-31" in info.inner_text()
    assert page.get_by_label(f"Carry over from the approved FY {world['year'] - 1} plan").is_checked()
    # Choosing another account tells its own dates (htmx swaps the form in place).
    page.select_option("#id_account", str(world["current"].pk))
    expect(page.get_by_test_id("plan-year-info")).to_contain_text("There is no approved FY")
    assert page.get_by_label("Start empty").is_checked()
    page.select_option("#id_account", str(world["carried"].pk))
    expect(page.get_by_test_id("plan-year-info")).to_contain_text("Nordwind Logistics Korea covers")
    assert page.get_by_label(f"Carry over from the approved FY {world['year'] - 1} plan").is_checked()
    page.get_by_role("button", name="Start the plan").click()
    page.wait_for_load_state("networkidle")
    plan = AccountPlan.objects.get(account=world["carried"], fiscal_year=world["year"])
    assert plan.previous_plan is not None and page.url.endswith(reverse("planning:plan-detail", args=[plan.pk]))
    page.goto(reverse("accounts:home"))
    work = page.get_by_test_id("my-work").inner_text()
    assert "Overdue actions" in work and "Plans with open steps" in work
