import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from performance.models import ImportBatch, ManualActual, NpsResponse, TimeEntry
from accounts.models import Order
from performance.selectors.kpi_engine import kpi_actual
from performance.periods import Period
from tests.factories import ContactFactory, ManualKpiFactory, OfferingFactory, UserFactory, kpi

pytestmark = pytest.mark.django_db

UPLOAD = reverse("performance:import")
ORDERS_HEADER = "account,reference,ordered_on,offering,amount,cost"


def csv_file(text: str, name: str = "orders.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "orders.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, file, kind="orders"):
    return client.post(UPLOAD, {"kind": kind, "file": file})


def preview(client, file, kind="orders") -> ImportBatch:
    response = upload(client, file, kind)
    assert response.status_code == 302, response.content[:2000]
    return ImportBatch.objects.latest("pk")


def commit(client, batch):
    return client.post(reverse("performance:import-preview", args=[batch.pk]), follow=True)


def errors_of(batch) -> list[tuple[int, str, str]]:
    return [(item["row"], e["column"], e["reason"]) for item in batch.report for e in item["errors"]]


@pytest.fixture
def cloud():
    return OfferingFactory(name="Cloud")


def test_orders_import_previews_then_saves_all_rows(client_for, account, account_manager, cloud):
    client = client_for(account_manager)
    text = f"{ORDERS_HEADER}\n한빛전자,SO-1,2025-04-01,Cloud,\"1,000,000\",600000\nHanbit Electronics,SO-2,2025.05.02,Cloud,500,\n"
    batch = preview(client, csv_file(text))
    assert (batch.row_count, batch.new_count, batch.error_count) == (2, 2, 0)
    assert not Order.objects.exists()  # preview writes nothing
    page = client.get(reverse("performance:import-preview", args=[batch.pk]))
    assert "Import now" in page.text
    response = commit(client, batch)
    assert "Imported: 2 new" in response.text
    assert sorted(Order.objects.values_list("reference", "amount", "cost")) == [("SO-1", 1_000_000, 600_000),
                                                                                ("SO-2", 500, 0)]


def test_importing_the_same_file_twice_adds_nothing(client_for, account, account_manager, cloud):
    client = client_for(account_manager)
    text = f"{ORDERS_HEADER}\n한빛전자,SO-1,2025-04-01,Cloud,1000,600\n"
    commit(client, preview(client, csv_file(text)))
    second = preview(client, csv_file(text))
    assert (second.new_count, second.duplicate_count) == (0, 1)
    page = client.get(reverse("performance:import-preview", args=[second.pk]))
    assert "Every row of this file is imported already" in page.text
    commit(client, second)
    assert Order.objects.count() == 1


def test_row_errors_name_the_row_the_column_and_the_reason(client_for, account, account_manager, cloud):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    text = "\n".join([
        ORDERS_HEADER,
        "한빛전자,SO-1,2025-04-01,Cloud,lots,0",          # row 2: text in an amount
        "Nobody Inc,SO-2,2025-04-01,Cloud,10,0",         # row 3: unknown account
        f"한빛전자,SO-3,{future},Cloud,10,0",              # row 4: future date
        "한빛전자,SO-4,2025-04-01,Cloud,10,0",             # row 5: fine
        "한빛전자,SO-4,2025-04-02,Cloud,20,0",             # row 6: same order number as row 5
        "한빛전자,SO-5,31/02/2025,Nope,-5,0",              # row 7: bad date, unknown offering, negative amount
    ])
    client = client_for(account_manager)
    batch = preview(client, csv_file(text))
    errors = errors_of(batch)
    assert (2, "amount", "“lots” is not a number.") in errors
    assert (3, "account", "No account named “Nobody Inc” that you may edit.") in errors
    assert (4, "ordered_on", f"{future} is in the future.") in errors
    assert (6, "reference", "Same as row 5.") in errors
    assert {(row, column) for row, column, _reason in errors if row == 7} == {(7, "ordered_on"), (7, "offering"), (7, "amount")}
    assert batch.error_count == 5
    page = client.get(reverse("performance:import-preview", args=[batch.pk]))
    assert "Nothing can be imported while rows have errors" in page.text
    assert "“lots” is not a number." in page.text
    response = commit(client, batch)
    assert "nothing was imported" in response.text
    assert not Order.objects.exists()  # all or nothing: the good row 5 is not saved either


def test_commit_checks_again_and_writes_nothing_if_the_data_changed(client_for, account, account_manager, cloud):
    client = client_for(account_manager)
    batch = preview(client, csv_file(f"{ORDERS_HEADER}\n한빛전자,SO-1,2025-04-01,Cloud,10,0\n한빛전자,SO-2,2025-04-01,Cloud,10,0\n"))
    cloud.name = "Cloud Platform"  # the offering was renamed since the preview
    cloud.save()
    response = commit(client, batch)
    assert "nothing was imported" in response.text
    assert not Order.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "previewed" and batch.error_count == 2


def test_a_committed_batch_cannot_be_committed_again(client_for, account, account_manager, cloud):
    client = client_for(account_manager)
    batch = preview(client, csv_file(f"{ORDERS_HEADER}\n한빛전자,SO-1,2025-04-01,Cloud,10,0\n"))
    commit(client, batch)
    response = commit(client, batch)
    assert "This file has been imported already." in response.text
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orders.pdf", b"%PDF-1.4", "is not a CSV or Excel file"),
        ("orders.txt", b"account,reference", "is not a CSV or Excel file"),
        ("orders.xlsx", b"not really a workbook", "The file is not a valid Excel workbook"),
        ("orders.csv", b"\x00\x01\x02binary", "The file is not a text CSV file"),
        ("orders.csv", b"", "The submitted file is empty."),
        ("orders.csv", b"account,reference\n", "The file has no “Order date” column; name it one of: ordered_on, order_date, date, 수주일"),
        ("orders.csv", b"account,reference,ordered_on,offering,amount\n", "no data rows"),
    ],
)
def test_a_wrong_file_is_refused_with_a_message(client_for, account_manager, name, content, message):
    response = upload(client_for(account_manager), SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.text
    assert not ImportBatch.objects.exists()


def test_excel_file_with_real_dates_and_numbers(client_for, account, account_manager, cloud):
    client = client_for(account_manager)
    rows = [["Account", "Reference", "Ordered on", "Offering", "Amount", "Cost"],
            ["한빛전자", "SO-9", datetime.datetime(2025, 4, 3), "Cloud", 1234000, 1000]]
    batch = preview(client, xlsx_file(rows))
    assert batch.new_count == 1, batch.report
    commit(client, batch)
    order = Order.objects.get()
    assert (order.ordered_on, order.amount) == (datetime.date(2025, 4, 3), 1234000)


def test_korean_excel_csv_in_cp949_with_korean_headers(client_for, account, account_manager, cloud):
    text = "어카운트,수주번호,수주일,오퍼링,금액\n한빛전자,SO-7,2025-04-03,Cloud,100\n"
    batch = preview(client_for(account_manager), csv_file(text, encoding="cp949"))
    assert batch.new_count == 1, batch.report


def test_account_manager_cannot_import_into_another_managers_account(client_for, account_manager, other_account, cloud):
    batch = preview(client_for(account_manager), csv_file(f"{ORDERS_HEADER}\nNordwind Logistics Korea,SO-1,2025-04-01,Cloud,1,0\n"))
    assert errors_of(batch)[0][1] == "account"


def test_admin_imports_into_any_account(client_for, kam_admin, other_account, cloud):
    batch = preview(client_for(kam_admin), csv_file(f"{ORDERS_HEADER}\nNordwind Logistics Korea,SO-1,2025-04-01,Cloud,1,0\n"))
    assert batch.new_count == 1


def test_executive_may_not_import(client_for, executive, cloud):
    client = client_for(executive)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, csv_file(f"{ORDERS_HEADER}\n")).status_code == 403


def test_someone_elses_batch_is_not_found(client_for, account, account_manager, other_account_manager, cloud):
    batch = preview(client_for(account_manager), csv_file(f"{ORDERS_HEADER}\n한빛전자,SO-1,2025-04-01,Cloud,1,0\n"))
    other = client_for(other_account_manager)
    assert other.get(reverse("performance:import-preview", args=[batch.pk])).status_code == 404
    assert other.post(reverse("performance:import-preview", args=[batch.pk])).status_code == 404
    assert not Order.objects.exists()


def test_anonymous_is_sent_to_login(client):
    assert "/login/" in client.get(UPLOAD)["Location"]


def test_check_report_exports(client_for, account, account_manager, cloud):
    client = client_for(account_manager)
    batch = preview(client, csv_file(f"{ORDERS_HEADER}\n한빛전자,SO-1,2025-04-01,Cloud,lots,0\n"))
    response = client.get(reverse("performance:import-preview", args=[batch.pk]), {"export": "check", "format": "csv"})
    assert "“lots” is not a number." in response.content.decode("utf-8-sig")
    assert client.get(reverse("performance:import-preview", args=[batch.pk]),
                      {"export": "check", "format": "xlsx"}).status_code == 200


@pytest.mark.parametrize("size", [3, 300])
def test_checking_a_file_takes_the_same_queries_for_3_or_300_rows(client_for, account, account_manager, cloud,
                                                                  django_assert_max_num_queries, size):
    lines = [ORDERS_HEADER] + [f"한빛전자,SO-{n},2025-04-01,Cloud,{n + 1},0" for n in range(size)]
    client = client_for(account_manager)
    with django_assert_max_num_queries(12):
        assert upload(client, csv_file("\n".join(lines))).status_code == 302


# NPS responses ---------------------------------------------------------------------------------
def test_nps_import_matches_respondents_by_name_or_email(client_for, account, account_manager):
    ContactFactory(account=account, name="Kim Minji", email="minji@hanbit.example")
    ContactFactory(account=account, name="Lee Jun")
    text = ("account,respondent,responded_on,score,comment\n"
            "한빛전자,minji@hanbit.example,2025-05-01,10,Great\n"
            "한빛전자,Lee Jun,2025-05-01,3,\n"
            "한빛전자,Park Nobody,2025-05-01,9,\n"
            "한빛전자,Lee Jun,2025-05-02,11,\n")
    client = client_for(account_manager)
    batch = preview(client, csv_file(text, "nps.csv"), kind="nps")
    errors = errors_of(batch)
    assert (4, "respondent", "No contact “Park Nobody” at 한빛전자.") in errors
    assert (5, "score", "Must be 10 or less.") in errors
    text = "\n".join(text.splitlines()[:3]) + "\n"
    batch = preview(client, csv_file(text, "nps.csv"), kind="nps")
    commit(client, batch)
    assert sorted(NpsResponse.objects.values_list("respondent_name", "score")) == [("Kim Minji", 10), ("Lee Jun", 3)]
    again = preview(client, csv_file(text, "nps.csv"), kind="nps")
    assert again.duplicate_count == 2 and again.new_count == 0


# Manual actuals ---------------------------------------------------------------------------------
def test_manual_actuals_import_updates_a_changed_value(client_for, account, account_manager):
    ManualKpiFactory(code="workshops")
    client = client_for(account_manager)
    header = "account,kpi,fiscal_year,period,period_number,value\n"
    commit(client, preview(client, csv_file(header + "한빛전자,workshops,2025,quarter,1,3\n", "a.csv"), kind="actuals"))
    batch = preview(client, csv_file(header + "한빛전자,workshops,2025,quarter,1,5\n", "a.csv"), kind="actuals")
    assert batch.update_count == 1
    commit(client, batch)
    assert ManualActual.objects.get().value == 5


def test_manual_actuals_import_refuses_computed_kpis_and_bad_periods(client_for, account, account_manager):
    ManualKpiFactory(code="workshops")
    text = ("account,kpi,fiscal_year,period,period_number,value\n"
            "한빛전자,revenue,2025,quarter,1,3\n"
            "한빛전자,workshops,2025,quarter,5,3\n"
            "한빛전자,workshops,2025,week,1,3\n"
            "한빛전자,nothing,2025,year,1,3\n"
            f"한빛전자,workshops,{datetime.date.today().year + 2},year,1,3\n")
    batch = preview(client_for(account_manager), csv_file(text, "a.csv"), kind="actuals")
    columns = [(row, column) for row, column, _reason in errors_of(batch)]
    assert columns == [(2, "kpi"), (3, "period_number"), (4, "period"), (5, "kpi"), (6, "fiscal_year")]
    assert not ManualActual.objects.exists()


# Time entries -------------------------------------------------------------------------------------
def test_time_entries_import_feeds_utilisation(client_for, account, account_manager):
    account.team_type = "operations"
    account.save()
    engineer = UserFactory(username="eng1")
    text = ("account,person,worked_on,kind,hours\n"
            "한빛전자,eng1,2025-05-05,billable,6\n"
            "한빛전자,eng1,2025-05-05,available,2\n")
    client = client_for(account_manager)
    commit(client, preview(client, csv_file(text, "t.csv"), kind="time"))
    assert TimeEntry.objects.filter(user=engineer).count() == 2
    quarter = Period("quarter", 2025, 2, 1)
    assert kpi_actual(account=account, kpi=kpi("utilisation"), period=quarter, as_of=datetime.date(2025, 7, 1)) == 75


def test_upload_page_lists_the_expected_columns(client_for, account_manager):
    response = client_for(account_manager).get(UPLOAD)
    assert response.status_code == 200
    assert "Order number" in response.text and "Respondent (contact name or e-mail)" in response.text


@pytest.mark.parametrize("size", [3, 300])
def test_preview_page_query_count_does_not_grow(client_for, account, account_manager, cloud,
                                                django_assert_max_num_queries, size):
    lines = [ORDERS_HEADER] + [f"한빛전자,SO-{n},2025-04-01,Cloud,{n + 1},0" for n in range(size)]
    client = client_for(account_manager)
    batch = preview(client, csv_file("\n".join(lines)))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("performance:import-preview", args=[batch.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(UPLOAD).status_code == 200


def test_preview_shows_the_first_rows_and_counts_the_rest(client_for, account, account_manager, cloud):
    lines = [ORDERS_HEADER] + [f"한빛전자,SO-{n},2025-04-01,Cloud,{n + 1},0" for n in range(250)]
    client = client_for(account_manager)
    batch = preview(client, csv_file("\n".join(lines)))
    response = client.get(reverse("performance:import-preview", args=[batch.pk]))
    assert len(response.context["others"]) == 200 and response.context["more_others"] == 50
    assert "and 50 more rows." in response.text
