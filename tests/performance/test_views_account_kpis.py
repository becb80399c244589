import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from performance.periods import fiscal_year_of
from tests.factories import (
    AccountFactory,
    KpiTargetFactory,
    ManualKpiFactory,
    NpsResponseFactory,
    OfferingFactory,
    OrderFactory,
    TeamMemberFactory,
    kpi,
)
from tests.performance.conftest import populate

pytestmark = pytest.mark.django_db


def url(account, **params):
    return reverse("performance:account-kpis", args=[account.pk])


def test_team_member_opens_the_account_kpi_dashboard(client_for, account, account_manager):
    response = client_for(account_manager).get(url(account))
    assert response.status_code == 200
    assert "Target vs actual" in response.text
    assert "Record NPS response" in response.text


def test_account_manager_of_other_accounts_gets_404(client_for, account, other_account_manager):
    assert client_for(other_account_manager).get(url(account)).status_code == 404


def test_executive_reads_it_without_edit_buttons(client_for, account, executive):
    response = client_for(executive).get(url(account))
    assert response.status_code == 200
    assert "Read only" in response.text
    assert "Record NPS response" not in response.text


def test_anonymous_is_sent_to_login(client, account):
    response = client.get(url(account))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_account_page_links_to_the_kpi_dashboard(client_for, account, account_manager):
    response = client_for(account_manager).get(reverse("accounts:detail", args=[account.pk]))
    assert url(account) in response.text


def test_quarters_of_an_april_year_show_april_to_june_as_q1(client_for, account_manager):
    account = AccountFactory(fiscal_year_start_month=4)
    TeamMemberFactory(account=account, user=account_manager)
    OrderFactory(account=account, ordered_on=datetime.date(2025, 5, 10), amount=700, cost=100)
    OrderFactory(account=account, ordered_on=datetime.date(2025, 3, 31), amount=5, cost=0)
    response = client_for(account_manager).get(url(account), {"kind": "quarter", "fiscal_year": 2025})
    board = response.context["board"]
    assert [p.label for p in board.periods[4:]] == ["FY2025 Q1", "FY2025 Q2", "FY2025 Q3", "FY2025 Q4"]
    assert board.periods[4].start == datetime.date(2025, 4, 1)
    assert board.value("revenue", 4).actual == 700
    assert board.value("revenue", 3).actual == 5  # FY2024 Q4 ends on 31 March 2025
    assert "FY2025 runs from April 2025 to March 2026" in response.text


@pytest.mark.parametrize(("kind", "count"), [("month", 12), ("quarter", 8), ("half", 4), ("year", 3)])
def test_each_period_kind_shows_its_periods(client_for, account, account_manager, kind, count):
    response = client_for(account_manager).get(url(account), {"kind": kind})
    assert len(response.context["board"].periods) == count


def test_empty_periods_show_a_dash_not_an_error(client_for, account, account_manager):
    response = client_for(account_manager).get(url(account), {"kind": "quarter"})
    assert response.status_code == 200
    rows = dict((k.code, values) for k, values in response.context["rows"])
    assert all(value.actual is None for value in rows["margin"])
    assert "–" in response.text


def test_target_vs_actual_status_is_shown(client_for, account, account_manager):
    today = datetime.date.today()
    year = fiscal_year_of(today, account.fiscal_year_start_month)
    OrderFactory(account=account, ordered_on=datetime.date(year - 1, 2, 1), amount=100, cost=50)
    KpiTargetFactory(account=account, kpi=kpi("revenue"), fiscal_year=year - 1, period_kind="quarter", period_index=1,
                     value=1000)
    response = client_for(account_manager).get(url(account), {"kind": "quarter", "fiscal_year": year})
    value = response.context["board"].value("revenue", 0)
    assert (value.actual, value.target, value.status) == (100, 1000, "off_track")


def test_orders_by_offering_show_each_offerings_share(client_for, account, account_manager):
    today = datetime.date.today()
    first, second = OfferingFactory(name="Cloud"), OfferingFactory(name="Training")
    year_start = today.replace(month=1, day=1)
    OrderFactory(account=account, offering=first, ordered_on=year_start, amount=300)
    OrderFactory(account=account, offering=second, ordered_on=year_start, amount=100)
    offerings = client_for(account_manager).get(url(account)).context["board"].offerings
    assert [(row["offering__name"], row["share"]) for row in offerings] == [("Cloud", 75), ("Training", 25)]


def test_manual_kpis_appear_with_their_actuals(client_for, account, account_manager):
    ManualKpiFactory(code="workshops", name="Workshops held")
    response = client_for(account_manager).get(url(account))
    assert "Workshops held" in response.text
    assert "Record an actual" in response.text


def test_operations_team_sees_utilisation_not_revenue(client_for, account_manager):
    account = AccountFactory(team_type="operations")
    TeamMemberFactory(account=account, user=account_manager)
    codes = {k.code for k, _values in client_for(account_manager).get(url(account)).context["rows"]}
    assert {"utilisation", "deployment", "nps"} <= codes
    assert "revenue" not in codes


def test_chart_data_is_passed_as_json_not_inline_script(client_for, account, account_manager):
    account.name = "</script><script>alert(1)</script>"
    account.save()
    response = client_for(account_manager).get(url(account))
    assert 'id="account-chart-data" type="application/json"' in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert "<script>\n" not in response.text.split("account-chart-data")[1].split("</script>")[0]


@pytest.mark.parametrize("table", ["kpis", "offerings"])
def test_account_tables_export_to_csv_and_excel(client_for, account, account_manager, table):
    populate(account, today=datetime.date.today())
    client = client_for(account_manager)
    response = client.get(url(account), {"export": table, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) > 1
    response = client.get(url(account), {"export": table, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == len(rows)


def test_other_account_manager_cannot_export(client_for, account, other_account_manager):
    response = client_for(other_account_manager).get(url(account), {"export": "kpis", "format": "csv"})
    assert response.status_code == 404


@pytest.mark.parametrize("size", [3, 120])
def test_account_dashboard_query_count_does_not_grow(client_for, account, account_manager,
                                                     django_assert_max_num_queries, size):
    ManualKpiFactory()
    offerings = [OfferingFactory() for _ in range(4)]
    populate(account, today=datetime.date.today(), offerings=offerings, orders=size)
    for number in range(size // 3):
        NpsResponseFactory(account=account, score=number % 11)
    client = client_for(account_manager)
    for kind in ("month", "quarter", "year"):
        with django_assert_max_num_queries(13):
            assert client.get(url(account), {"kind": kind}).status_code == 200


def test_account_dashboard_renders_in_korean(client_for, account, account_manager):
    populate(account, today=datetime.date.today())
    client = client_for(account_manager)
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    response = client.get(url(account))
    assert response.status_code == 200
    assert "재구매율(금액)" in response.text and "고객충성도(NPS)" in response.text
    assert "억" in response.text or "만" in response.text  # Korean money units


def test_unknown_period_kind_or_year_falls_back_to_this_years_quarters(client_for, account, account_manager):
    response = client_for(account_manager).get(url(account), {"kind": "decade", "fiscal_year": "1999"})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.kind == "quarter"
    assert board.fiscal_year == fiscal_year_of(datetime.date.today(), account.fiscal_year_start_month)
