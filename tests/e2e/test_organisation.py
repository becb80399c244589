"""An admin's journey through the organisation workspace in Chromium: a new vertical unit, two
accounts moved into it, a team built, a KAM deactivated and handed over; the history shows it all."""

import os

import pytest
from playwright.sync_api import expect

from accounts.models import AccountTeamMember
from tests.e2e.conftest import login
from tests.factories import AccountFactory, AccountPlanFactory, BusinessUnitFactory, TeamMemberFactory, UserFactory, make_account_manager, make_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KAM_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_admin_reorganises_builds_a_team_and_hands_a_leaving_kam_over(page, browser, live_server):
    make_admin(username="admin")
    old_kam = make_account_manager(username="oldkam")
    old_kam.first_name, old_kam.last_name = "Jiwoo", "Park"
    old_kam.save()
    successor = make_account_manager(username="successor")
    successor.first_name, successor.last_name = "Sora", "Lee"
    successor.save()
    engineer = UserFactory(username="eng", first_name="Minho", last_name="Cho", business_unit=BusinessUnitFactory(name="Cloud platform", kind="horizontal"))
    industry = BusinessUnitFactory(name="Manufacturing sector")
    hanbit = AccountFactory(name="한빛전자", vertical_unit=industry, is_key_account=True)
    daon = AccountFactory(name="Daon Steel", vertical_unit=industry)
    TeamMemberFactory(account=hanbit, user=old_kam)
    TeamMemberFactory(account=daon, user=old_kam)
    AccountPlanFactory(account=hanbit, owner=old_kam)

    login(page, "admin")
    page.get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", name="Organisation", exact=True)).to_be_visible()

    # 1. A new vertical unit
    page.get_by_role("link", name="New vertical unit").click()
    modal = page.locator("#kam-modal")
    modal.get_by_label("Name").fill("Smart factory")
    modal.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Unit “Smart factory” created.")).to_be_visible()

    # 2. Two accounts moved into it
    for name in ("한빛전자", "Daon Steel"):
        page.get_by_role("link", name=f"Move {name}").click()
        modal.get_by_label("Vertical unit").select_option(label="Smart factory")
        modal.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"{name} moved to Smart factory.")).to_be_visible()

    # 3. A team: an engineer joins 한빛전자
    page.get_by_role("link", name="Team of 한빛전자").click()
    expect(modal.get_by_text("Jiwoo Park", exact=True)).to_be_visible()
    modal.get_by_label("Person").select_option(label="Minho Cho (eng)")
    modal.get_by_label("Role on the team").select_option(label="Engineer")
    modal.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("Minho Cho is on the team of 한빛전자 as Engineer.")).to_be_visible()
    _shot(page, "organisation-matrix-1400")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "organisation-matrix-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1400, "height": 900})
    # Coverage lists both accounts; their customers have no decision makers yet (the Korean test
    # below has some), so every level says so.
    page.goto("/organisation/coverage/")
    _shot(page, "organisation-coverage-1400")
    coverage = page.locator(".coverage-table")
    expect(coverage.get_by_role("row", name="한빛전자")).to_contain_text("Smart factory")
    expect(coverage.get_by_role("row", name="Daon Steel")).to_contain_text("Smart factory")
    expect(coverage.get_by_title("No decision maker at this level")).to_have_count(2 * 3)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1400, "height": 900})

    # 4. The KAM leaves: preview, then one confirmed step
    page.get_by_role("link", name="People").click()
    page.get_by_role("row", name="Jiwoo Park").get_by_role("link", name="Deactivate and hand over").click()
    preview = page.locator("#moves-title").locator("xpath=../..")
    expect(preview.get_by_role("link", name="한빛전자", exact=True).first).to_be_visible()
    expect(preview.get_by_role("link", name="Daon Steel", exact=True)).to_be_visible()
    expect(preview.get_by_text("FY", exact=False)).to_be_visible()
    page.get_by_label("Successor on the account teams").select_option(label="Sora Lee (successor)")
    _shot(page, "organisation-handover-1400")
    page.get_by_role("button", name="Hand over and deactivate").click()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()  # not confirmed yet
    assert AccountTeamMember.objects.filter(user=old_kam).count() == 2
    page.get_by_label("I have read the list above").check()
    page.get_by_role("button", name="Hand over and deactivate").click()
    expect(page.get_by_text("their work was handed over to Sora Lee")).to_be_visible()

    # 5. The history shows each step
    history = page.locator("table")
    for text in ("Unit created", "Account moved to another vertical unit", "Team member added", "KAM set", "Person deactivated", "Work handed over"):
        expect(history.get_by_text(text).first).to_be_visible()
    _shot(page, "organisation-history-1400")

    # The successor sees both accounts and the draft; the old KAM can no longer sign in.
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1400, "height": 900})
    successor_page = context.new_page()
    login(successor_page, "successor")
    expect(successor_page.get_by_role("link", name="한빛전자", exact=True)).to_be_visible()
    expect(successor_page.get_by_role("link", name="Daon Steel", exact=True)).to_be_visible()
    successor_page.goto("/plans/")
    expect(successor_page.get_by_text("한빛전자").first).to_be_visible()
    context.close()
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    old_page = context.new_page()
    login(old_page, "oldkam")
    expect(old_page.get_by_role("button", name="Sign in")).to_be_visible()
    context.close()


def test_organisation_in_korean(page):
    admin = make_admin(username="admin")
    admin.language = "ko"
    admin.save()
    hanbit = AccountFactory(name="한빛전자", vertical_unit=BusinessUnitFactory(name="제조 사업부"), is_key_account=True)
    from tests.factories import ContactFactory, RelationshipFactory

    ceo = ContactFactory(account=hanbit, name="김대현", level="executive", is_decision_maker=True)
    ContactFactory(account=hanbit, name="이소라", level="manager", is_decision_maker=True)
    RelationshipFactory(user=UserFactory(username="ourexec", level="executive"), contact=ceo)
    BusinessUnitFactory(name="클라우드 플랫폼", kind="horizontal")
    login(page, "admin")
    page.goto("/organisation/")
    expect(page.get_by_role("link", name="새 수직 조직")).to_be_visible()
    _shot(page, "organisation-matrix-ko-1400")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "organisation-matrix-ko-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/organisation/coverage/")
    _shot(page, "organisation-coverage-ko-1400")
    expect(page.locator(".coverage-table")).to_contain_text("1/1")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
