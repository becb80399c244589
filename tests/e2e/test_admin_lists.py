"""The Django admin's lists in Chromium, in English and Korean: they fit 1400 px, a team's person picker
finds people by name as you type, and the workspace's deactivate page fits too.

Set KAM_SCREENSHOTS=<directory> to keep a PNG of each page."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import AccountTeamMember, User
from tests.factories import build_site_world
from tests.kam.test_admin_at_scale import _grow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTS = (
    ("accounts", "account"), ("accounts", "user"), ("accounts", "contact"), ("accounts", "accountteammember"),
    ("accounts", "organisationevent"), ("accounts", "businessunit"), ("accounts", "opportunity"),
    ("planning", "accountplan"), ("planning", "quarterlyreview"), ("performance", "kpitarget"),
)


def _shoot(page, name: str) -> None:
    folder = os.environ.get("KAM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_admin_lists_fit_and_the_team_picker_finds_names(browser, live_server, language):
    world = build_site_world()
    _grow(12)
    admin = world["admin"]
    admin.set_password("kamdemo")
    admin.save()
    sales = world["am"]
    sales.first_name, sales.last_name = ("서연", "김") if language == "ko" else ("Jane", "Smith")
    sales.save()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    try:
        page.goto("/login/")
        page.fill("input[name=username]", admin.username)
        page.fill("input[name=password]", "kamdemo")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for app, model in LISTS:
            page.goto(reverse(f"admin:{app}_{model}_changelist"))
            page.wait_for_load_state("networkidle")
            assert page.locator("#changelist").count() == 1, model
            sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if sideways > 0:
                problems.append(f"{model} list scrolls sideways by {sideways} px")
            _shoot(page, f"admin-{model}-{language}")

        # A team's person picker: type part of a name, see the names at once.
        page.goto(reverse("admin:accounts_account_change", args=[world["other_account"].pk]))
        page.wait_for_load_state("networkidle")
        page.locator("#team-group .add-row a").click()
        page.locator("#team-group tr.dynamic-team .select2-selection").last.click()
        page.locator(".select2-search__field").fill("김" if language == "ko" else "Smith")
        expect(page.locator(".select2-results__option")).to_have_text(["김서연" if language == "ko" else "Jane Smith"])
        _shoot(page, f"admin-team-picker-{language}")

        # The workspace's deactivate page: a sales rep is deactivated in one click; a KAM is sent to the handover.
        sales_rep = User.objects.filter(account_memberships__role=AccountTeamMember.Role.SALES_REP).first()
        for who, person in (("sales-rep", sales_rep), ("kam", world["other_am"])):
            page.goto(reverse("accounts:organisation-deactivate", args=[person.pk]))
            page.wait_for_load_state("networkidle")
            _shoot(page, f"organisation-deactivate-{who}-{language}")
            sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if sideways > 0:
                problems.append(f"deactivate page ({who}) scrolls sideways by {sideways} px")
        page.locator("a.btn-danger").click()  # the KAM's page leads to the handover
        page.wait_for_url(f"**{reverse('accounts:organisation-handover', args=[world['other_am'].pk])}")
    finally:
        context.close()
    assert problems == []
