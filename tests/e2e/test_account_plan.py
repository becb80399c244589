"""The account plan journey in Chromium: fill the seven steps, submit, approve at the meeting, revise, export."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.models import Contact, Opportunity, OrgUnit
from performance.models import KpiTarget
from planning.models import AccountPlan, PlanStatus
from tests.e2e.conftest import login
from tests.factories import (
    AccountFactory,
    ConsensusMeetingFactory,
    OpportunityFactory,
    TeamMemberFactory,
    ensure_kpi_catalogue,
    make_account_manager,
    make_executive,
)
from tests.pdf import pdf_title

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(db):
    # Earlier browser tests flush the database, and with it the KPI catalogue the migrations seed.
    ensure_kpi_catalogue()
    am = make_account_manager(username="am")
    make_executive(username="exec")
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics", is_key_account=True)
    TeamMemberFactory(account=account, user=am)
    hq = OrgUnit.objects.create(account=account, name="경영기획본부")
    purchasing = OrgUnit.objects.create(account=account, name="구매본부", is_purchasing=True)
    Contact.objects.create(account=account, org_unit=hq, name="김민수", title="본부장", is_decision_maker=True, level="executive")
    Contact.objects.create(account=account, org_unit=purchasing, name="박지훈", title="팀장", is_fox=True, is_purchasing=True)
    OpportunityFactory(account=account, name="MES 고도화", sponsor_unit=hq, tier=1)
    OpportunityFactory(account=account, name="보안 관제", sponsor_unit=None, tier=3)
    meeting = ConsensusMeetingFactory(
        title="FY plan consensus", scheduled_for=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    )
    return {"account": account, "meeting": meeting}


def save_and_continue(page):
    page.get_by_test_id("save-continue").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").count() == 0, page.locator(".alert-danger").all_inner_texts()


def test_am_fills_the_plan_exec_approves_am_revises_and_exports(page, browser, live_server, demo, tmp_path):
    year = datetime.date.today().year
    login(page, "am")
    page.get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Account").select_option(label="한빛전자")
    page.get_by_label("Fiscal year").fill(str(year))
    page.get_by_role("button", name="Start the plan").click()

    # Step 1: confirm the org chart.
    page.get_by_role("heading", name="1. Org chart review").wait_for()
    page.get_by_label("Review notes").fill("New purchasing head since March.")
    page.get_by_label(re.compile("I have reviewed the org chart")).check()
    save_and_continue(page)

    # Step 2: the unmapped opportunity gets its sponsoring unit.
    page.get_by_label("Sponsoring org unit of 보안 관제").select_option(label="구매본부")
    save_and_continue(page)

    # Step 3: the customer's business plan, with a document.
    page.get_by_label("What we know of the customer's business plan").fill("Capex +10 %, MES everywhere by 2028.")
    page.get_by_label("Key initiatives").fill("Smart factory\nCloud ERP")
    page.get_by_label("Source").fill("IR day, CFO talk")
    page.get_by_label("Confidence").select_option("medium")
    page.get_by_test_id("save-step").click()
    pdf_file = tmp_path / "사업계획.pdf"
    pdf_file.write_bytes(MINIMAL_PDF)
    page.locator("input[type=file]").set_input_files(str(pdf_file))
    page.get_by_role("button", name="Attach").click()
    assert page.get_by_test_id("attachment-link").inner_text().strip() == "사업계획.pdf"
    save_and_continue(page)

    # Step 4: strategy, targets against TAM, strategic task, marketing action with the Fox.
    for label, text in [
        ("3-year ambition", "MES partner of choice"), ("1-year plan", "Win the MES pilot"), ("Market", "Growing 8 %"),
        ("Competition", "Two global rivals"), ("Strengths", "References"), ("Weaknesses", "Price"),
        ("Opportunities", "Capex cycle"), ("Threats", "In-house IT"), ("Strategy", "Land and expand"),
        ("Execution plan", "Pilot in Q2, roll-out in H2"),
    ]:
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("TAM").fill("20000000000")
    # The KPIs and targets grid comes right after the page (htmx).
    expect(page.get_by_test_id("targets-grid")).to_be_visible()
    page.get_by_label("Use Revenue").check()
    for quarter in (1, 2, 3, 4):
        page.get_by_label(f"Revenue, Q{quarter}", exact=True).fill("250000000")
    page.get_by_label("Revenue, year").fill("1000000000")
    # The grid's script runs on the rows htmx brought: the quarters' sum is shown beside the year.
    revenue_row = page.locator("tbody[data-target-row]").filter(has=page.get_by_label("Use Revenue"))
    expect(revenue_row.locator("[data-quarter-sum]")).to_have_text("1,000,000,000")
    # Revenue's folded months are fetched (htmx) when opened, and saved with the step.
    revenue_row.locator("summary").click()
    for month, amount in (("Jan", "100000000"), ("Feb", "100000000"), ("Mar", "50000000")):
        page.get_by_label(f"Revenue, {month}", exact=True).fill(amount)
    page.get_by_label("Strategic task", exact=True).first.fill("Total solution offering")
    page.get_by_label("Marketing action", exact=True).first.fill("MES workshop")
    page.get_by_label("Date", exact=True).first.fill(f"{year}-03-15")
    page.get_by_label("With", exact=True).first.select_option(index=1)
    save_and_continue(page)

    assert KpiTarget.objects.filter(kpi__code="revenue", period_kind="month").count() == 3

    # Step 5: an action plan with a task and a milestone; the Gantt shows them.
    page.get_by_label("Task or milestone", exact=True).nth(0).fill("MES pilot")
    page.get_by_label("Start", exact=True).nth(0).fill(f"{year}-04-01")
    page.get_by_label("Due", exact=True).nth(0).fill(f"{year}-06-30")
    page.get_by_label("Owner", exact=True).nth(0).select_option(index=1)
    page.get_by_label("Task or milestone", exact=True).nth(1).fill("Pilot accepted")
    page.get_by_label("Kind", exact=True).nth(2).select_option("milestone")
    page.get_by_label("Due", exact=True).nth(1).fill(f"{year}-07-01")
    page.get_by_label("Owner", exact=True).nth(1).select_option(index=1)
    page.get_by_test_id("save-step").click()
    page.wait_for_load_state()
    assert page.locator("svg.timeline").get_by_text("MES pilot", exact=True).count() == 1

    # Submit for the meeting.
    page.get_by_role("link", name="Overview").click()
    page.get_by_label("Consensus meeting").select_option(value=str(demo["meeting"].pk))
    page.get_by_test_id("submit-plan").click()
    assert page.get_by_test_id("plan-status").inner_text() == "Submitted"
    plan = AccountPlan.objects.get(account=demo["account"])
    assert plan.versions.count() == 1

    # The executive approves it in the meeting view.
    exec_context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1400, "height": 900})
    exec_page = exec_context.new_page()
    login(exec_page, "exec")
    exec_page.get_by_role("link", name="Consensus meetings").click()
    exec_page.get_by_role("link", name="FY plan consensus").click()
    exec_page.get_by_test_id("meeting-start").click()
    expect(exec_page.get_by_test_id("meeting-status")).to_have_text("In session")
    exec_page.get_by_test_id("agenda-item").click()
    expect(exec_page.get_by_role("heading", name=re.compile("한빛전자"))).to_be_visible()
    expect(exec_page.get_by_text("Land and expand")).to_be_visible()
    exec_page.get_by_label("Approve", exact=True).check()
    exec_page.get_by_test_id("record-decision").click()
    expect(exec_page.get_by_text("한빛전자 · FY %s: Approved." % year)).to_be_visible()
    exec_context.close()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED

    # The account manager edits the approved plan: a new revision.
    page.reload()
    assert page.get_by_test_id("plan-status").inner_text() == "Approved"
    page.once("dialog", lambda dialog: dialog.accept())  # starting a revision asks first
    page.get_by_test_id("revise-plan").click()
    expect(page.get_by_text("Revision 2", exact=True)).to_be_visible()
    page.get_by_test_id("step-link-4").click()
    page.get_by_label("Strategy", exact=True).fill("Land, expand and partner")
    page.get_by_test_id("save-step").click()
    page.get_by_text("Step 4 saved.").wait_for()
    page.get_by_role("link", name="Compare").click()
    expect(page.get_by_text("Land, expand and partner")).to_be_visible()
    plan.refresh_from_db()
    assert (plan.revision, plan.status) == (2, PlanStatus.DRAFT)

    # The PDF downloads and holds the account's name.
    with page.expect_download() as download_info:
        page.get_by_test_id("pdf-link").click()
    download = download_info.value
    pdf = (tmp_path / "plan.pdf")
    download.save_as(pdf)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert "한빛전자" in pdf_title(content)
    assert "한빛전자" in download.suggested_filename
    assert Opportunity.objects.get(name="보안 관제").sponsor_unit.name == "구매본부"
