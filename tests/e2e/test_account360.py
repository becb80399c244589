"""An account manager's journey through the account page in Chromium."""

from decimal import Decimal

import re
import pytest
from playwright.sync_api import expect

from accounts.models import OpportunityMove
from tests.e2e.conftest import login
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OpportunityFactory,
    OrgUnitFactory,
    TeamMemberFactory,
    build_account_360,
    make_account_manager,
    make_executive,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hanbit():
    am = make_account_manager(username="am")
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=account, user=am)
    return account


def test_account_manager_reads_the_org_chart_and_adds_a_person_under_a_manager(page, hanbit):
    unit = OrgUnitFactory(account=hanbit, name="Purchasing")
    ceo = ContactFactory(account=hanbit, name="Kim Daehyun", title="CEO", level="executive", is_decision_maker=True)
    ContactFactory(account=hanbit, name="Lee Sora", title="Purchasing head", reports_to=ceo, org_unit=unit, is_kingpin=True)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ContactFactory(account=hanbit, name="<script>alert(1)</script>", reports_to=ceo)

    login(page, "am")
    page.get_by_role("link", name="한빛전자", exact=True).click()
    page.get_by_role("link", name="Org chart", exact=True).click()
    chart = page.locator("#org-chart")
    expect(chart.get_by_text("Kim Daehyun")).to_be_visible()
    # Lee Sora is drawn inside the CEO's branch, with her buying role
    branch = page.locator(f"#reports-{ceo.pk}")
    expect(branch.get_by_text("Lee Sora")).to_be_visible()
    expect(branch.get_by_text("Kingpin")).to_be_visible()
    expect(chart.get_by_text("<script>alert(1)</script>")).to_be_visible()

    page.get_by_role("link", name="Add a person under Lee Sora").click()
    modal = page.locator("#kam-modal")
    modal.get_by_label("Name").fill("Park Minho")
    modal.get_by_label("Title").fill("Buyer")
    modal.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Park Minho saved in the org chart.")).to_be_visible()
    lee = page.locator(".org-node", has=page.get_by_text("Lee Sora", exact=True)).last
    expect(lee.get_by_text("Park Minho")).to_be_visible()
    expect(page.locator(".org-changes").get_by_text(re.compile("Park Minho\\W* joined as \\W*Buyer"))).to_be_visible()

    # collapse the CEO's branch: the people under it are hidden
    page.locator(f"[aria-controls=reports-{ceo.pk}]").click()
    expect(page.locator(".org-name", has_text="Park Minho")).to_be_hidden()
    assert dialogs == []


def test_a_cycle_is_refused_in_the_modal_with_a_message(page, hanbit):
    boss = ContactFactory(account=hanbit, name="Boss Kim")
    ContactFactory(account=hanbit, name="Report Lee", reports_to=boss)
    login(page, "am")
    page.goto(f"/accounts/{hanbit.pk}/org-chart/")
    page.get_by_role("link", name="Edit Boss Kim").click()
    modal = page.locator("#kam-modal")
    modal.get_by_label("Reports to").select_option(label="Report Lee — Manager")
    modal.get_by_role("button", name="Save").click()
    expect(modal.get_by_text("This manager reports, directly or not, to this person.")).to_be_visible()
    expect(modal.get_by_text("Nothing was saved")).to_be_visible()


def test_moving_an_opportunity_from_tier_3_to_tier_2_changes_the_tier_totals(page, hanbit):
    unit = OrgUnitFactory(account=hanbit, name="Plant IT")
    OpportunityFactory(account=hanbit, name="MES upgrade", tier=3, amount=Decimal(300_000_000), probability=50, sponsor_unit=unit)
    OpportunityFactory(account=hanbit, name="Data lake", tier=2, amount=Decimal(100_000_000), probability=20)
    login(page, "am")
    page.goto(f"/accounts/{hanbit.pk}/")
    page.get_by_role("link", name="Opportunities by tier", exact=True).click()
    tier2 = page.get_by_test_id("tier-2-totals")
    tier3 = page.get_by_test_id("tier-3-totals")
    assert tier2.locator(".tier-count").inner_text() == "1"
    assert tier3.locator(".tier-count").inner_text() == "1"
    assert tier2.locator(".tier-amount").inner_text() == "100.0M"
    expect(page.locator(".opportunity-card", has_text="MES upgrade").get_by_text("Plant IT")).to_be_visible()

    page.get_by_role("button", name="Move MES upgrade to Tier 2").click()
    expect(page.get_by_test_id("tier-2-totals").locator(".tier-count")).to_have_text("2")
    expect(page.get_by_test_id("tier-3-totals").locator(".tier-count")).to_have_text("0")
    expect(page.get_by_test_id("tier-2-totals").locator(".tier-amount")).to_have_text("400.0M")
    expect(page.get_by_test_id("tier-2-totals").locator(".tier-weighted")).to_have_text("170.0M")
    expect(page.locator(".tier-column[data-tier='2']").get_by_role("heading", name="MES upgrade")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("tier-2-totals").locator(".tier-count")).to_have_text("2")


def test_executive_reads_every_section_without_edit_controls(page, hanbit):
    make_executive(username="exec")
    build_account_360(hanbit, people=8, opportunities=6)
    login(page, "exec")
    page.goto(f"/accounts/{hanbit.pk}/")
    for tab in ("Org chart", "Relationship map", "Opportunities by tier", "Whitespace", "Pricing", "Customer experience"):
        page.get_by_role("link", name=tab, exact=True).click()
        expect(page.get_by_role("link", name=tab, exact=True)).to_have_attribute("aria-current", "page")
        expect(page.get_by_text("Read only")).to_be_visible()
        assert page.locator("[hx-target='#kam-modal-content']").count() == 0
        assert page.locator(".move-controls").count() == 0


def drag(page, source, target, *, steps: int = 12, follow: bool = False) -> None:
    """Press on the source, move in steps (SortableJS's fallback follows the mouse), release on the target.

    First wait until boards.js has made the board draggable (it loads after the page, marking the board)."""
    page.wait_for_selector("[data-sortable-ready]", state="attached")
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    end = target.bounding_box()  # before the drag starts: the dragged branch's moving copy repeats its content
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 12))
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 8, box["y"] + 20, steps=3)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + min(end["height"] / 2, 30), steps=steps)
    if follow:
        # Lifting the card can reflow the board (its column gets shorter): aim at where the target is now.
        end = target.bounding_box()
        page.mouse.move(end["x"] + end["width"] / 2, end["y"] + min(end["height"] / 2, 30), steps=3)
    page.mouse.up()


def test_an_opportunity_dragged_to_another_column_moves_tier(page, hanbit):
    opportunity = OpportunityFactory(account=hanbit, name="Dragged deal", tier=4, amount=Decimal(50_000_000))
    login(page, "am")
    page.goto(f"/accounts/{hanbit.pk}/opportunities/")
    drag(page, page.locator(".opportunity-card", has_text="Dragged deal"), page.locator(".tier-column[data-tier='1'] .tier-cards"),
         follow=True)
    expect(page.get_by_test_id("tier-1-totals").locator(".tier-count")).to_have_text("1")
    expect(page.get_by_test_id("tier-4-totals").locator(".tier-count")).to_have_text("0")
    expect(page.get_by_role("status")).to_have_text("Moved Dragged deal to Tier 1.")
    assert OpportunityMove.objects.filter(opportunity=opportunity).count() == 1


def test_a_drop_on_the_same_column_or_a_double_click_moves_once(page, hanbit):
    opportunity = OpportunityFactory(account=hanbit, name="Steady deal", tier=3, amount=Decimal(50_000_000))
    login(page, "am")
    page.goto(f"/accounts/{hanbit.pk}/opportunities/")
    drag(page, page.locator(".opportunity-card", has_text="Steady deal"), page.locator(".tier-column[data-tier='3'] .tier-cards"))
    page.wait_for_timeout(500)
    assert not OpportunityMove.objects.exists()
    expect(page.get_by_test_id("tier-3-totals").locator(".tier-count")).to_have_text("1")

    drag(page, page.locator(".opportunity-card", has_text="Steady deal"), page.locator(".tier-column[data-tier='2'] .tier-cards"))
    expect(page.get_by_role("status")).to_have_text("Moved Steady deal to Tier 2.")
    page.get_by_role("button", name="Move Steady deal to Tier 1").dblclick()
    expect(page.get_by_test_id("tier-1-totals").locator(".tier-count")).to_have_text("1")
    page.wait_for_timeout(500)
    assert [(m.from_tier, m.to_tier) for m in OpportunityMove.objects.filter(opportunity=opportunity).order_by("pk")] == [(3, 2), (2, 1)]



def test_a_person_dragged_onto_another_reports_to_them_with_undo(page, hanbit):
    ceo = ContactFactory(account=hanbit, name="Kim Daehyun", title="CEO")
    cfo = ContactFactory(account=hanbit, name="Choi Minsu", title="CFO", reports_to=ceo)
    lee = ContactFactory(account=hanbit, name="Lee Sora", title="Buyer", reports_to=ceo)
    login(page, "am")
    page.goto(f"/accounts/{hanbit.pk}/org-chart/")
    drag(page, page.locator(f".org-box[data-contact-id='{lee.pk}'] .org-name"), page.locator(f".org-box[data-contact-id='{cfo.pk}'] .org-title"))
    expect(page.get_by_role("status")).to_contain_text("Lee Sora now reports to Choi Minsu.")
    expect(page.locator(f"#reports-{cfo.pk}").get_by_text("Lee Sora")).to_be_visible()
    lee.refresh_from_db()
    assert lee.reports_to == cfo

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("Undone: Lee Sora reports to Kim Daehyun again.")
    lee.refresh_from_db()
    assert lee.reports_to == ceo

    # a loop is refused with the service's message
    drag(page, page.locator(f".org-box[data-contact-id='{ceo.pk}'] .org-name"), page.locator(f".org-box[data-contact-id='{cfo.pk}'] .org-title"))
    expect(page.get_by_role("alert")).to_contain_text("This manager reports, directly or not, to this person.")
    ceo.refresh_from_db()
    assert ceo.reports_to is None


def test_a_person_added_under_a_collapsed_manager_is_shown(page, hanbit):
    ceo = ContactFactory(account=hanbit, name="Kim Daehyun", title="CEO")
    lee = ContactFactory(account=hanbit, name="Lee Sora", title="Head of purchasing", reports_to=ceo)
    ContactFactory(account=hanbit, name="Park Jiwoo", title="Buyer", reports_to=lee)
    login(page, "am")
    page.goto(f"/accounts/{hanbit.pk}/org-chart/")
    page.locator(f"[aria-controls=reports-{ceo.pk}]").click()
    expect(page.locator(".org-name", has_text="Lee Sora")).to_be_hidden()
    page.reload()
    expect(page.locator(".org-name", has_text="Lee Sora")).to_be_hidden()

    page.get_by_role("link", name="Add a person", exact=True).click()
    modal = page.locator("#kam-modal")
    modal.get_by_label("Name").fill("Yoon Hana")
    search = modal.get_by_role("searchbox", name="Find a manager")
    search.fill("purchasing")
    expect(modal.get_by_label("Reports to")).to_have_value(str(lee.pk))
    modal.get_by_role("button", name="Save").click()
    expect(page.locator(".org-name", has_text="Yoon Hana")).to_be_visible()
    expect(page.locator(".org-name", has_text="Lee Sora")).to_be_visible()
