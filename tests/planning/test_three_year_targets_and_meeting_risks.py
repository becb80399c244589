"""The 3-year targets (step 4's year targets of the two fiscal years after the plan's) travel with the frozen
snapshot into the meeting view and the Excel and PDF exports; the meeting view shows the account's open risks."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccountRisk
from accounts.services import account_risk_save
from planning import exports, services
from planning.snapshot import plan_snapshot
from tests.factories import ConsensusMeetingFactory, KpiTargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_year(plan):
    """The plan's revenue targets for the two years after it: 480 and 560."""
    for offset, value in ((1, 480), (2, 560)):
        KpiTargetFactory(account=plan.account, fiscal_year=plan.fiscal_year + offset, period_kind="year", value=Decimal(value))
    return plan


def test_the_snapshot_carries_the_three_year_targets(three_year):
    (revenue,) = [row for row in plan_snapshot(three_year)["strategy"]["targets"] if row["key"] == "revenue"]
    year = three_year.fiscal_year
    assert revenue["later_years"] == [{"label": f"FY {year + 1}", "value": "480"}, {"label": f"FY {year + 2}", "value": "560"}]


def test_a_plan_without_three_year_targets_shows_dashes(plan):
    (revenue,) = plan_snapshot(plan)["strategy"]["targets"]
    assert [later["value"] for later in revenue["later_years"]] == [None, None]


def test_the_workbook_lists_the_three_year_targets(three_year):
    sheet = load_workbook(io.BytesIO(exports.plan_workbook(plan_snapshot(three_year))))["Targets"]
    rows = {(row[0], row[2]): row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    year = three_year.fiscal_year
    assert rows[("Revenue", f"FY {year + 1}")] == 480 and rows[("Revenue", f"FY {year + 2}")] == 560


def test_the_pdf_shows_the_three_year_targets(three_year, monkeypatch):
    seen = {}

    class FakeHtml:
        def __init__(self, *, string, base_url=None):
            seen["html"] = string

        def write_pdf(self):
            return b"%PDF"

    monkeypatch.setattr("weasyprint.HTML", FakeHtml)
    exports.plan_pdf(plan_snapshot(three_year))
    year = three_year.fiscal_year
    assert f"FY {year + 1}" in seen["html"] and f"FY {year + 2}" in seen["html"] and "the 3-year targets" in seen["html"]


@pytest.fixture
def item(three_year, account_manager, executive):
    version = services.plan_submit(plan=three_year, acting_user=account_manager)
    meeting = ConsensusMeetingFactory(title="H2 consensus", created_by=executive, status="in_session")
    return services.agenda_item_add(meeting=meeting, version=version, acting_user=executive)


def risk(account, title, **fields):
    return account_risk_save(risk=AccountRisk(account=account, title=title, **fields), acting_user=None)


def test_the_meeting_view_shows_three_year_targets_and_todays_open_risks(client_for, item, executive):
    account = item.version.plan.account
    risk(account, "Budget freeze", impact=3, likelihood=3, shared_with_customer=True)
    risk(account, "Old worry", status="closed")
    response = client_for(executive).get(reverse("planning:meeting-item", args=[item.meeting_id, item.pk]))
    text = response.content.decode()
    year = item.version.plan.fiscal_year
    assert f"FY {year + 2}" in text
    assert [r.title for r in response.context["now"].risks] == ["Budget freeze"]  # the "Now" panel's risk card
    assert 'data-testid="now-risks"' in text and "Budget freeze" in text and "Old worry" not in text


def test_the_meeting_view_reads_a_fixed_number_of_queries_whatever_the_risks(
    client_for, item, executive, django_assert_max_num_queries
):
    account = item.version.plan.account
    client = client_for(executive)
    url = reverse("planning:meeting-item", args=[item.meeting_id, item.pk])
    client.get(url)
    for n in range(30):
        risk(account, f"Risk {n}")
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    few = len(captured.captured_queries)
    for n in range(30, 60):
        risk(account, f"Risk {n}")
    with django_assert_max_num_queries(few):
        client.get(url)
