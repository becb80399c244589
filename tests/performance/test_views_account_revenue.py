"""An account's revenue lines (매출 내역): who reads them, the month and year filters, totals, paging, the export,
unreadable query strings, and a query budget that does not grow with the lines."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from accounts.models import AccountTeamMember, RevenueLine
from accounts.roles import Role
from tests.factories import OrderFactory, RevenueLineFactory, TeamMemberFactory, make_user

pytestmark = pytest.mark.django_db


def url(account) -> str:
    return reverse("performance:account-revenue", args=[account.pk])


@pytest.fixture
def lines(account):
    """Three lines (one made from an order) over 2025 and 2026: revenue 1,600, cost 600."""
    order = OrderFactory(account=account, reference="SO-7", ordered_on=datetime.date(2025, 11, 20), amount=1_000,
                         cost=400)
    RevenueLineFactory(account=account, reference="RV-1", month=datetime.date(2025, 3, 1), amount=200, cost=100)
    RevenueLineFactory(account=account, reference="RV-2", month=datetime.date(2026, 1, 1), amount=400, cost=100,
                       order=order)
    return order


def test_the_team_reads_every_line_with_its_order_source_and_totals(client_for, account, account_manager, lines):
    response = client_for(account_manager).get(url(account))
    assert response.status_code == 200
    page = response.context["page"]
    assert [line.reference for line in page.object_list] == ["RV-2", "SO-7", "RV-1"]  # newest month first
    assert response.context["totals"] == {"revenue": 1_600, "cost": 600, "profit": 1_000, "count": 3}
    text = response.text
    assert "KRW 1,600" in text and "KRW 1,000" in text
    assert "made from the order" in text and "recorded" in text
    assert "SO-7" in text


def test_months_and_a_year_filter_the_lines_and_their_totals(client_for, account, account_manager, lines):
    client = client_for(account_manager)
    response = client.get(url(account), {"since": "2025-04", "until": "2025-12"})
    assert [line.reference for line in response.context["page"].object_list] == ["SO-7"]
    assert response.context["totals"]["revenue"] == 1_000
    response = client.get(url(account), {"year": "2025"})
    assert [line.reference for line in response.context["page"].object_list] == ["SO-7", "RV-1"]
    assert response.context["totals"] == {"revenue": 1_200, "cost": 500, "profit": 700, "count": 2}
    assert response.context["years"] == [2026, 2025]
    # A month given beside the year narrows it.
    response = client.get(url(account), {"year": "2025", "since": "2025-06"})
    assert [line.reference for line in response.context["page"].object_list] == ["SO-7"]


@pytest.mark.parametrize("query", [
    {"since": "2025-13"}, {"since": "abc"}, {"until": "1999-01"}, {"since": "２０２５-01"}, {"year": "20250"},
    {"year": "-1"}, {"page": "x"}, {"page": "99999999999999999999"}, {"since": "2025-1-1"}, {"until": "2025-00"},
])
def test_an_unreadable_filter_is_ignored(client_for, account, account_manager, lines, query):
    response = client_for(account_manager).get(url(account), query)
    assert response.status_code == 200
    assert response.context["totals"]["count"] == 3


def test_lines_are_paged_and_totals_count_every_page(client_for, account, account_manager):
    for number in range(30):
        RevenueLineFactory(account=account, reference=f"RV-{number}", month=datetime.date(2025, 1, 1), amount=10)
    client = client_for(account_manager)
    first = client.get(url(account))
    assert len(first.context["page"].object_list) == 25
    assert first.context["totals"] == {"revenue": 300, "cost": 30 * 7_000_000, "profit": 300 - 30 * 7_000_000,
                                       "count": 30}
    second = client.get(url(account), {"page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert "page=2" in first.text


def test_the_lines_export_as_csv_and_excel_with_the_filter(client_for, account, account_manager, lines):
    client = client_for(account_manager)
    export = client.get(url(account), {"year": "2025", "export": "revenue-lines", "format": "csv"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows == [
        ["Month", "Reference", "Order", "Amount", "Cost", "Profit", "Source"],
        ["2025-11", "SO-7", "SO-7", "1000", "400", "600", "made from the order"],
        ["2025-03", "RV-1", "", "200", "100", "100", "recorded"],
    ]
    assert client.get(url(account), {"export": "revenue-lines", "format": "xlsx"}).status_code == 200


def test_the_account_page_and_kpi_dashboard_link_to_the_lines(client_for, account, account_manager):
    client = client_for(account_manager)
    for page in (reverse("accounts:detail", args=[account.pk]), reverse("performance:account-kpis", args=[account.pk])):
        assert f'href="{url(account)}"' in client.get(page).text


@pytest.mark.parametrize("role, team_role, status", [
    (Role.ACCOUNT_MANAGER, None, 404),  # the KAM of the account is `account_manager`, above
    (None, AccountTeamMember.Role.SALES_REP, 200),
    (None, AccountTeamMember.Role.ENGINEER, 200),
    (None, None, 404),
    (Role.EXECUTIVE, None, 200),
    (Role.EXECUTIVE, AccountTeamMember.Role.EXECUTIVE_SPONSOR, 200),
    (Role.ADMIN, None, 200),
])
def test_who_reads_an_accounts_revenue_lines(client_for, account, lines, role, team_role, status):
    user = make_user(role)
    if team_role:
        TeamMemberFactory(account=account, user=user, role=team_role)
    assert client_for(user).get(url(account)).status_code == status


def test_anonymous_is_sent_to_sign_in(client, account):
    assert client.get(url(account)).status_code == 302


def test_the_page_takes_no_writes(client_for, account, account_manager):
    assert client_for(account_manager).post(url(account)).status_code == 405


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_query_count_does_not_grow(client_for, account, account_manager, django_assert_max_num_queries, size):
    for number in range(size):
        order = OrderFactory(account=account, with_revenue=False)
        RevenueLineFactory(account=account, month=datetime.date(2025, number % 12 + 1, 1), order=order)
    client = client_for(account_manager)
    with django_assert_max_num_queries(10):
        response = client.get(url(account), {"year": "2025"})
    assert response.context["totals"]["count"] == size
    assert RevenueLine.objects.count() == size
