"""Orders as Korean Excel and ERP exports write them: every unambiguous form read, rounded or
ambiguous values refused with their reason, never guessed (performance.values, performance.imports)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from performance.models import ImportBatch
from accounts.models import Order
from performance.values import parse_amount, parse_date
from tests.performance.test_imports import csv_file, errors_of, preview, upload, xlsx_file
from tests.factories import OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "expected"), [
    ("1234000", 1234000), ("1,234,000", 1234000), ("₩1,234,000", 1234000), ("￦1,234,000", 1234000),
    ("\\1,234,000", 1234000), ("1,234,000원", 1234000), ("1,234,000 원", 1234000), ("KRW 1,234,000", 1234000),
    ("₩ 1 234 000", 1234000), ("\u00a01,234,000\u3000", 1234000), ("1,234", 1234), ("1억 2,000만원", 120_000_000),
    ("3억원", 300_000_000), ("1,500만", 15_000_000), ("1234.5", Decimal("1234.5")), ("0.125", Decimal("0.125")),
    ("1,234.567", Decimal("1234.567")), ("-1,000", -1000), ("△1,000", -1000), ("(1,000)", -1000), ("₩-500", -500),
])
def test_amounts_in_every_unambiguous_korean_form(text, expected):
    assert parse_amount(text) == (Decimal(expected), None)


@pytest.mark.parametrize(("text", "reason"), [
    ("1.23E+09", "scientific notation"), ("1.23457e+11", "scientific notation"), ("1E3", "scientific notation"),
    ("1.234", "ambiguous"), ("12.500", "ambiguous"), ("₩1.234", "ambiguous"),
    ("1,23", "ambiguous"), ("1,2345", "ambiguous"), ("12,34,567", "ambiguous"),
    ("1.234.567", "dots between thousands"), ("1.234,5", "ambiguous"),
    ("abc", "not a number"), ("1억 abc", "not a number"), ("0x1F", "not a number"),
])
def test_rounded_or_ambiguous_amounts_are_refused_with_the_reason(text, reason):
    value, problem = parse_amount(text)
    assert value is None
    assert reason in problem


@pytest.mark.parametrize("text", [
    "2026-03-05", "2026-3-5", "2026.03.05", "2026. 3. 5.", "2026.3.5.", "2026/03/05", "2026/3/5", "20260305",
    "2026년 3월 5일", "2026년3월5일", "2026년 3월 5일 (목)", "2026년 3월 5일 목요일", "2026-03-05 14:30",
    "2026-03-05 14:30:00", "2026-03-05T14:30:00+09:00", "2026. 3. 5. 오후 2:30:00", "2026/03/05 9:05 AM",
    "2026.03.05 (목)",
])
def test_dates_in_every_year_first_korean_form_with_times_dropped(text):
    assert parse_date(text) == (datetime.date(2026, 3, 5), None)


@pytest.mark.parametrize(("text", "reason"), [
    ("03/05/2026", "ambiguous"), ("5.3.2026", "ambiguous"), ("26.03.05", "two-digit year"),
    ("2026-02-30", "not a date of the calendar"), ("2026년 13월 1일", "not a date of the calendar"),
    ("next tuesday", "not a date"), ("46086", "not a date"),
])
def test_ambiguous_or_impossible_dates_are_refused_with_the_reason(text, reason):
    day, problem = parse_date(text)
    assert day is None
    assert reason in problem


@pytest.fixture
def cloud():
    return OfferingFactory(name="Cloud")


KOREAN_ROWS = [
    ("고객사", "수주번호", "수주일자", "품목", "수주금액"),
    ("한빛전자", "SO-1", "2026. 3. 5.", "Cloud", "￦1,234,000"),  # CP949 has the fullwidth sign, not U+20A9
    ("한빛전자", "SO-2", "2026년 3월 6일", "Cloud", "2,000,000원"),
    ("한빛전자", "SO-3", "2026/03/07 14:30", "Cloud", "\\3,000,000"),
]


def _csv(rows) -> str:
    return "\r\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\r\n"


@pytest.mark.parametrize("encoding", ["cp949", "utf-8-sig"])
def test_a_korean_excel_csv_is_read_in_cp949_and_in_utf8_with_bom(client_for, account, account_manager, cloud, encoding):
    client = client_for(account_manager)
    batch = preview(client, csv_file(_csv(KOREAN_ROWS), encoding=encoding))
    assert batch.new_count == 3, batch.report
    client.post(reverse("performance:import-preview", args=[batch.pk]))
    assert sorted(Order.objects.values_list("reference", "ordered_on", "amount")) == [
        ("SO-1", datetime.date(2026, 3, 5), 1_234_000),
        ("SO-2", datetime.date(2026, 3, 6), 2_000_000),
        ("SO-3", datetime.date(2026, 3, 7), 3_000_000),
    ]


def test_rounded_and_ambiguous_values_are_row_errors_and_nothing_is_saved(client_for, account, account_manager, cloud):
    rows = [*KOREAN_ROWS[:2],
            ("한빛전자", "SO-4", "2026-03-05", "Cloud", "1.23E+09"),
            ("한빛전자", "SO-5", "2026-03-05", "Cloud", "1.234"),
            ("한빛전자", "SO-6", "03/05/2026", "Cloud", "1,000"),
            ("한빛전자", "SO-7", "1999-12-31", "Cloud", "1,000")]
    client = client_for(account_manager)
    batch = preview(client, csv_file(_csv(rows), encoding="cp949"))
    errors = {(row, column): reason for row, column, reason in errors_of(batch)}
    assert "scientific notation" in errors[(3, "amount")]
    assert "ambiguous" in errors[(4, "amount")]
    assert "ambiguous" in errors[(5, "ordered_on")]
    assert "before 2000-01-01" in errors[(6, "ordered_on")]
    assert batch.error_count == 4
    client.post(reverse("performance:import-preview", args=[batch.pk]))
    assert not Order.objects.exists()


def test_an_xlsx_keeps_exact_numbers_and_flags_what_excel_rounded(client_for, account, account_manager, cloud):
    rows = [["거래처명", "주문번호", "주문일자", "제품명", "공급가액"],
            ["한빛전자", "SO-1", datetime.datetime(2026, 3, 5, 14, 30), "Cloud", 1234000],
            ["한빛전자", "SO-2", datetime.date(2026, 3, 6), "Cloud", "₩2,000,000"],
            ["한빛전자", "SO-3", datetime.date(2026, 3, 6), "Cloud", 1.2345678901234567e20],
            ["한빛전자", "SO-4", datetime.date(2026, 3, 6), "Cloud", 1.234]]
    batch = preview(client_for(account_manager), xlsx_file(rows))
    errors = {(row, column): reason for row, column, reason in errors_of(batch)}
    assert "scientific notation" in errors[(4, "amount")]
    assert "whole amount" in errors[(5, "amount")]  # a number cell of 1.234 is one and a bit, not 1,234
    assert batch.new_count == 2


@pytest.mark.parametrize("header", [
    "수주일,수주번호,고객사,품목,금액", "수주일자,주문번호,거래처,제품,합계금액", "주문일자,수주번호,고객명,오퍼링,공급가액",
    "계약일,계약번호,거래처명,상품명,계약금액", "Order Date,Order No.,Customer,Product,Amount",
    "ORDER_DATE,order-number, Account Name ,OFFERING,amount (원)", "수주 일자,수주 번호,고객사,품목,수주금액(단위: 원)",
])
def test_korean_erp_and_excel_headers_are_accepted(client_for, account, account_manager, cloud, header):
    text = header + "\n2026-03-05,SO-1,한빛전자,Cloud,\"1,000\"\n"
    batch = preview(client_for(account_manager), csv_file(text, encoding="cp949"))
    assert batch.new_count == 1, batch.report


def test_a_missing_column_gets_one_message_naming_it_and_the_accepted_names(client_for, account_manager):
    response = upload(client_for(account_manager), csv_file("고객사,수주번호,수주일,품목\n한빛전자,SO-1,2026-03-05,Cloud\n"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "The file has no “Amount” column; name it one of: amount, order_amount, amount_krw, 금액, 수주금액" in text
    assert not ImportBatch.objects.exists()


def test_two_columns_for_one_field_or_amounts_in_thousands_are_refused(client_for, account_manager):
    client = client_for(account_manager)
    response = upload(client, csv_file("고객사,수주번호,수주일,품목,공급가액,합계금액\n한빛전자,SO-1,2026-03-05,Cloud,1,2\n"))
    assert "Several columns hold the same thing: “공급가액”, “합계금액”" in response.content.decode()
    response = upload(client, csv_file("고객사,수주번호,수주일,품목,금액(천원)\n한빛전자,SO-1,2026-03-05,Cloud,1\n"))
    assert "counts in 천원" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_import_page_lists_every_accepted_header(client_for, account_manager):
    from performance.imports import COLUMNS

    text = client_for(account_manager).get(reverse("performance:import")).content.decode()
    for columns in COLUMNS.values():
        for column in columns:
            for header in column.headers:
                assert f">{header}</code>" in text


def test_names_in_an_import_lose_direction_and_zero_width_characters(client_for, account, account_manager, cloud):
    text = "account,reference,ordered_on,offering,amount\n한빛\u200b전자,SO-\u202e1,2026-03-05,Cl\u2066oud,1000\n"
    batch = preview(client_for(account_manager), csv_file(text, encoding="utf-8-sig"))
    assert batch.new_count == 1, batch.report
    assert "\u202e" not in str(batch.rows)
