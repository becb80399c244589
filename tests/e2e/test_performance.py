import datetime

import pytest
from playwright.sync_api import expect

from accounts.services import account_revenue_refresh
from performance.services import kpi_snapshot_refresh
from tests.e2e.conftest import login
from tests.factories import (
    AccountFactory,
    OfferingFactory,
    TeamMemberFactory,
    ensure_kpi_catalogue,
    make_account_manager,
    make_executive,
)
from tests.performance.conftest import populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def kpi_catalogue():
    # Earlier browser tests flush the database, and with it the KPI catalogue the migrations seed.
    ensure_kpi_catalogue()


def charts_drawn(page) -> int:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas[data-chart]')).filter(c => Chart.getChart(c)).length"
    )


def test_executive_reads_the_weekly_dashboard_and_drills_into_an_account(page):
    make_executive(username="exec")
    manager = make_account_manager(username="am")
    today = datetime.date.today()
    offerings = [OfferingFactory() for _ in range(3)]
    for name in ("한빛전자", "<b>Bold</b> Retail", "Seoul Bank"):
        account = AccountFactory(name=name, is_key_account=True)
        TeamMemberFactory(account=account, user=manager)
        populate(account, today=today, offerings=offerings)
    account_revenue_refresh()
    kpi_snapshot_refresh(as_of=today)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    login(page, "exec")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Weekly KPI dashboard")).to_be_visible()
    page.wait_for_function("() => typeof Chart !== 'undefined'")
    assert charts_drawn(page) == 3
    expect(page.get_by_role("link", name="<b>Bold</b> Retail")).to_be_visible()  # shown as text

    page.get_by_label("KAM").select_option(label=manager.get_full_name())
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table.table-kpi tbody tr")).to_have_count(3)

    page.get_by_role("link", name="한빛전자", exact=True).click()
    expect(page.get_by_role("heading", name="한빛전자 · KPI dashboard")).to_be_visible()
    assert charts_drawn(page) >= 3
    page.get_by_label("Chart").select_option("profit")
    assert page.evaluate("() => Chart.getChart(document.querySelector('canvas[data-chart=kpi]')).data.datasets[1].data.length") == 8
    page.get_by_label("Periods", exact=False).and_(page.locator("select")).select_option("month")
    page.wait_for_url("**kind=month**")
    assert page.locator("table.kpi-period-table thead th").count() == 13
    assert errors == []


def test_account_manager_imports_orders_after_a_preview(page, tmp_path):
    manager = make_account_manager(username="am")
    account = AccountFactory(name="한빛전자")
    TeamMemberFactory(account=account, user=manager)
    OfferingFactory(name="Cloud")
    bad = tmp_path / "orders-bad.csv"
    bad.write_text("account,reference,ordered_on,offering,amount\n한빛전자,SO-1,2025-04-01,Cloud,lots\n", encoding="utf-8")
    good = tmp_path / "orders.csv"
    good.write_text("account,reference,ordered_on,offering,amount\n한빛전자,SO-1,2025-04-01,Cloud,1000\n", encoding="utf-8")

    login(page, "am")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("CSV or Excel file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_test_id("error-count").inner_text() == "1"
    expect(page.get_by_text("“lots” is not a number.")).to_be_visible()
    assert page.get_by_role("button", name="Import now").count() == 0

    page.get_by_role("link", name="Import data").click()
    page.get_by_label("CSV or Excel file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_text("Imported: 1 new, 0 updated, 0 already there and skipped.")).to_be_visible()
