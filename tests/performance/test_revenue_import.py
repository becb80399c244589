"""Importing revenue lines (매출): the page, the preview with row errors, all or nothing, Korean ERP files."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Account, RevenueLine
from performance.models import ImportBatch
from tests.factories import OrderFactory, RevenueLineFactory
from tests.performance.test_imports import commit, csv_file, errors_of, xlsx_file

pytestmark = pytest.mark.django_db

PAGE = reverse("performance:import-revenue")
HEADER = "account,reference,month,amount,cost,order"


def preview(client, file) -> ImportBatch:
    response = client.post(PAGE, {"file": file})
    assert response.status_code == 302, response.content[:3000]
    batch = ImportBatch.objects.latest("pk")
    assert batch.kind == ImportBatch.Kind.REVENUE
    return batch


def lines() -> list[tuple]:
    return sorted(RevenueLine.objects.values_list("reference", "month", "amount", "cost", "order__reference"))


def test_revenue_lines_are_previewed_then_saved_with_their_orders(client_for, account, account_manager):
    OrderFactory(account=account, reference="SO-1", with_revenue=False)
    client = client_for(account_manager)
    text = f"{HEADER}\n한빛전자,RV-1,2025-04,\"1,000,000\",600000,SO-1\nHanbit Electronics,RV-2,2025-05-17,1억 2000만,,\n"
    batch = preview(client, csv_file(text, "revenue.csv"))
    assert (batch.row_count, batch.new_count, batch.error_count) == (2, 2, 0)
    assert not RevenueLine.objects.exists()  # the preview writes nothing
    response = commit(client, batch)
    assert "Imported: 2 new" in response.text
    assert lines() == [("RV-1", datetime.date(2025, 4, 1), 1_000_000, 600_000, "SO-1"),
                       ("RV-2", datetime.date(2025, 5, 1), 120_000_000, 0, None)]


def test_a_line_imported_again_is_skipped_and_a_changed_one_updated(client_for, account, account_manager):
    RevenueLineFactory(account=account, reference="RV-1", month=datetime.date(2025, 4, 1), amount=100, cost=0)
    RevenueLineFactory(account=account, reference="RV-2", month=datetime.date(2025, 4, 1), amount=100, cost=0)
    client = client_for(account_manager)
    text = f"{HEADER}\n한빛전자,RV-1,2025-04,100,0,\n한빛전자,RV-2,2025-05,150,0,\n"
    batch = preview(client, csv_file(text, "revenue.csv"))
    assert (batch.new_count, batch.update_count, batch.duplicate_count) == (0, 1, 1)
    commit(client, batch)
    assert lines() == [("RV-1", datetime.date(2025, 4, 1), 100, 0, None), ("RV-2", datetime.date(2025, 5, 1), 150, 0, None)]


def test_row_errors_name_the_row_the_column_and_the_reason_and_nothing_is_saved(
        client_for, account, account_manager, other_account):
    OrderFactory(account=other_account, reference="SO-9", with_revenue=False)
    next_month = (datetime.date.today().replace(day=1) + datetime.timedelta(days=32)).strftime("%Y-%m")
    client = client_for(account_manager)
    text = (f"{HEADER}\n"
            "한빛전자,RV-1,2025-04,100,0,\n"
            f"한빛전자,RV-2,{next_month},100,0,\n"
            "한빛전자,RV-3,03/05/2025,100,0,\n"
            "한빛전자,RV-4,2025-04,-5,0,\n"
            "한빛전자,RV-5,2025-04,100,0,SO-9\n"
            "Nordwind Logistics Korea,RV-6,2025-04,100,0,\n"
            "한빛전자,RV-1,2025-05,100,0,\n")
    batch = preview(client, csv_file(text, "revenue.csv"))
    errors = errors_of(batch)
    assert [(row, column) for row, column, _reason in errors] == [
        (3, "month"), (4, "month"), (5, "amount"), (6, "order"), (7, "account"), (8, "reference")]
    reasons = dict(((row, column), reason) for row, column, reason in errors)
    assert reasons[(3, "month")] == f"{next_month} has not started yet."
    assert "ambiguous" in reasons[(4, "month")]
    assert reasons[(6, "order")] == "한빛전자 has no order “SO-9”."
    assert reasons[(8, "reference")] == "Same as row 2."
    response = commit(client, batch)
    assert "nothing was imported" in response.text
    assert not RevenueLine.objects.exists()


def test_korean_erp_export_in_cp949_and_excel(client_for, account, account_manager):
    client = client_for(account_manager)
    text = "거래처명,매출번호,매출년월,매출액,매출원가\n한빛전자,AR-1,2025년 4월,\"￦1,200,000\",700000\n"
    commit(client, preview(client, csv_file(text, "매출.csv", encoding="cp949")))
    workbook = xlsx_file([["고객사", "전표번호", "전표일자", "공급가액"], ["한빛전자", "AR-2", datetime.datetime(2025, 6, 30), 5000]],
                         name="매출.xlsx")
    commit(client, preview(client, workbook))
    assert lines() == [("AR-1", datetime.date(2025, 4, 1), 1_200_000, 700_000, None),
                       ("AR-2", datetime.date(2025, 6, 1), 5000, 0, None)]


def test_a_missing_column_is_refused_with_the_headers_it_may_have(client_for, account_manager):
    response = client_for(account_manager).post(PAGE, {"file": csv_file("account,reference,amount\nA,1,2\n", "r.csv")})
    assert response.status_code == 400
    assert "The file has no “Recognised month” column" in response.text
    assert not ImportBatch.objects.exists()


def test_import_refreshes_revenue_of_the_last_12_months(client_for, account, account_manager):
    from accounts.services import account_revenue_refresh

    this_month = datetime.date.today().replace(day=1)
    client = client_for(account_manager)
    batch = preview(client, csv_file(f"{HEADER}\n한빛전자,RV-1,{this_month:%Y-%m},700,100,\n", "revenue.csv"))
    commit(client, batch)
    account_revenue_refresh()  # what the queued task runs
    account = Account.objects.get(pk=account.pk)
    assert (account.revenue_ttm, account.profit_ttm) == (Decimal(700), Decimal(600))


def test_the_page_lists_the_columns_and_is_linked_from_the_import_page(client_for, account_manager):
    client = client_for(account_manager)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "매출년월" in page.text and "No revenue uploads yet" in page.text
    assert PAGE in client.get(reverse("performance:import")).text


def test_executive_may_not_import_revenue(client_for, executive):
    client = client_for(executive)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"file": csv_file(f"{HEADER}\n", "r.csv")}).status_code == 403


def test_account_manager_cannot_import_into_another_managers_account(client_for, account_manager, other_account):
    batch = preview(client_for(account_manager), csv_file(f"{HEADER}\nNordwind Logistics Korea,RV-1,2025-04,1,0,\n", "r.csv"))
    assert errors_of(batch)[0][1] == "account"


@pytest.mark.parametrize("size", [3, 300])
def test_checking_takes_the_same_queries_for_3_or_300_rows(client_for, account, account_manager,
                                                          django_assert_max_num_queries, size):
    OrderFactory(account=account, reference="SO-1", with_revenue=False)
    rows = [HEADER] + [f"한빛전자,RV-{n},2025-04,{n + 1},0,SO-1" for n in range(size)]
    client = client_for(account_manager)
    with django_assert_max_num_queries(13):
        assert client.post(PAGE, {"file": csv_file("\n".join(rows), "r.csv")}).status_code == 302


@pytest.mark.parametrize("size", [3, 300])
def test_page_query_count_does_not_grow(client_for, account_manager, django_assert_max_num_queries, size):
    client = client_for(account_manager)
    for number in range(min(size, 12)):
        ImportBatch.objects.create(kind=ImportBatch.Kind.REVENUE, filename=f"r{number}.csv", uploaded_by=account_manager)
    with django_assert_max_num_queries(8):
        assert client.get(PAGE).status_code == 200
