import csv
import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from performance.exports import ExportTable, csv_response, xlsx_response


def table():
    return ExportTable("t", "Test", ["Name", "Amount", "Day"],
                       [["=HYPERLINK(\"http://evil\")", Decimal("1200"), datetime.date(2025, 4, 1)],
                        ["한빛전자", Decimal("-3.5"), None]])


def test_csv_neutralises_formulas_and_keeps_korean_for_excel():
    response = csv_response(table())
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["'=HYPERLINK(\"http://evil\")", "1200", "2025-04-01"]
    assert rows[2] == ["한빛전자", "-3.5", ""]


def test_excel_keeps_formulas_as_text_and_numbers_as_numbers():
    response = xlsx_response(table())
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "=HYPERLINK(\"http://evil\")" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 1200 and sheet["B3"].value == -3.5
    assert "attachment" in response["Content-Disposition"]
