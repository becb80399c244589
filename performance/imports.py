"""Reading and checking CSV / Excel uploads of orders, revenue lines, NPS responses, manual actuals and time entries.

`read_table` turns an upload into plain rows (strings, keyed by normalised column names, with
the spreadsheet row number). `check_rows` checks every row against the database in a fixed
number of queries and reports, per row, whether it is new, an update, already imported, or
wrong (row, column, reason). Nothing here writes: `services.import_batch_commit` does, all or
nothing, after checking again.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, Contact, User
from accounts.permissions import accounts_editable_by
from core.text import clean_name, clean_text
from performance.models import ImportBatch, KpiDefinition, ManualActual, NpsResponse, TimeEntry
from performance.periods import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, PERIODS_PER_YEAR, Period, PeriodKind
from performance.values import parse_amount, parse_date

MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
ROW = "_row"


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, too large, missing columns)."""


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    required: bool = True
    aliases: tuple[str, ...] = ()

    @property
    def headers(self) -> list[str]:
        """Every header accepted for this column, its own name first."""
        return [self.name, *self.aliases]


ACCOUNT = Column(
    "account", gettext_lazy("Account name"),
    aliases=("account_name", "customer", "customer_name", "client", "어카운트", "고객사", "고객사명", "고객", "고객명",
             "거래처", "거래처명", "매출처", "업체명", "회사명"),
)
# Each column's accepted headers, as Korean ERP and Excel exports name them; compared without
# case, spaces or punctuation (see `header_key`), and all listed on the import page.
COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportBatch.Kind.ORDERS: (
        ACCOUNT,
        Column("reference", gettext_lazy("Order number"),
               aliases=("order_number", "order_no", "order_id", "order_ref", "수주번호", "주문번호", "오더번호", "계약번호",
                        "수주no")),
        Column("ordered_on", gettext_lazy("Order date"),
               aliases=("order_date", "date", "수주일", "수주일자", "주문일", "주문일자", "계약일", "계약일자", "일자")),
        Column("offering", gettext_lazy("Offering name"),
               aliases=("offering_name", "product", "product_name", "item", "오퍼링", "품목", "품목명", "제품", "제품명",
                        "상품", "상품명")),
        Column("amount", gettext_lazy("Amount"),
               aliases=("order_amount", "amount_krw", "금액", "수주금액", "주문금액", "계약금액", "공급가액", "합계금액",
                        "매출액")),
        Column("cost", gettext_lazy("Cost"), required=False, aliases=("원가", "매출원가", "비용")),
        Column("sales_rep", gettext_lazy("Sales rep (user name or e-mail)"), required=False,
               aliases=("salesperson", "sales_person", "sales_representative", "rep", "영업담당", "영업담당자", "영업사원",
                        "영업대표", "담당영업", "담당자")),
    ),
    ImportBatch.Kind.REVENUE: (
        ACCOUNT,
        Column("reference", gettext_lazy("Revenue line number"),
               aliases=("revenue_number", "invoice_number", "invoice_no", "line_number", "매출번호", "매출전표번호",
                        "전표번호", "세금계산서번호", "계산서번호", "매출no")),
        Column("month", gettext_lazy("Recognised month"),
               aliases=("revenue_month", "period", "매출월", "매출년월", "귀속월", "귀속년월", "인식월", "매출일", "매출일자",
                        "전표일자", "계산서일자")),
        Column("amount", gettext_lazy("Amount"),
               aliases=("revenue", "revenue_amount", "amount_krw", "매출액", "매출금액", "공급가액", "금액")),
        Column("cost", gettext_lazy("Cost"), required=False, aliases=("원가", "매출원가", "비용")),
        Column("order", gettext_lazy("Order number"), required=False,
               aliases=("order_number", "order_no", "order_reference", "수주번호", "주문번호", "오더번호", "계약번호")),
    ),
    ImportBatch.Kind.NPS: (
        ACCOUNT,
        Column("respondent", gettext_lazy("Respondent (contact name or e-mail)"),
               aliases=("contact", "응답자", "응답자명", "성명", "이름")),
        Column("responded_on", gettext_lazy("Response date"), aliases=("date", "response_date", "응답일", "응답일자", "조사일")),
        Column("score", gettext_lazy("Score (0–10)"), aliases=("nps", "점수", "추천점수")),
        Column("comment", gettext_lazy("Comment"), required=False, aliases=("의견", "코멘트")),
        Column("survey", gettext_lazy("Survey"), required=False, aliases=("설문", "설문명", "조사명")),
    ),
    ImportBatch.Kind.ACTUALS: (
        ACCOUNT,
        Column("kpi", gettext_lazy("KPI code"), aliases=("kpi_code", "평가지표", "지표", "지표코드")),
        Column("fiscal_year", gettext_lazy("Fiscal year"), aliases=("fy", "회계연도", "연도")),
        Column("period", gettext_lazy("Period (month, quarter, half or year)"), aliases=("period_kind", "기간", "기간구분")),
        Column("period_number", gettext_lazy("Period number"), aliases=("index", "period_index", "number", "기간번호")),
        Column("value", gettext_lazy("Actual"), aliases=("actual", "실적", "실적값")),
        Column("note", gettext_lazy("Note"), required=False, aliases=("비고", "메모")),
    ),
    ImportBatch.Kind.TIME: (
        ACCOUNT,
        Column("person", gettext_lazy("Person (user name)"), aliases=("user", "username", "engineer", "사용자", "아이디")),
        Column("worked_on", gettext_lazy("Date"), aliases=("date", "work_date", "작업일", "작업일자", "근무일")),
        Column("kind", gettext_lazy("Kind (billable, non_billable or available)"), aliases=("type", "구분", "유형")),
        Column("hours", gettext_lazy("Hours"), aliases=("시간", "작업시간", "투입시간")),
    ),
}
# A unit in an amount column's header that would make every amount 1,000 times (or more) too small.
SCALED_UNITS = ("천원", "만원", "백만원", "억원", "천", "백만", "thousand", "thousands", "million", "millions")


# Reading ---------------------------------------------------------------------------------
def _normalise_header(text) -> str:
    return re.sub(r"[\s\-/.]+", "_", str(text or "").strip().lower()).strip("_")


def header_key(text) -> str:
    """A header compared without case, spaces, punctuation, direction marks or a unit in brackets."""
    text = re.sub(r"[(\[（【].*?[)\]）】]", "", clean_name(str(text or "")))
    return re.sub(r"[\W_]+", "", text.casefold())


def _header_unit(text) -> str:
    match = re.search(r"[(\[（【](.*?)[)\]）】]", str(text or ""))
    if not match:
        return ""
    unit = re.sub(r"^(단위|unit)\s*[:：]?\s*", "", match.group(1).strip(), flags=re.IGNORECASE)
    return unit.strip().casefold()




def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return _number_cell_text(value)
    return str(value).strip()


def _number_cell_text(value: float) -> str:
    """A number cell as text the amount rules read back exactly. Excel keeps 15 significant digits:
    a larger number was rounded, and is written in scientific notation so the row says so."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = format(value, ".15g")
    if "e" in text:
        return text.upper()
    # A number cell is a number, not text: 1.234 is one and a quarter, never 1,234 (a fourth
    # decimal keeps the text rule for ambiguous separators from refusing it).
    whole, _dot, decimals = text.partition(".")
    return text + "0" if len(decimals) == 3 else text


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("The file is not a text CSV file. Save it as CSV (UTF-8) or .xlsx and try again."))
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file's characters could not be read. Save it as CSV (UTF-8) and try again."))
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(upload, kind: str) -> list[dict]:
    """The upload's rows as {column: text, "_row": spreadsheet row number}, header resolved to our column names."""
    name = (upload.name or "").lower()
    if upload.size > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB. Split it and import the parts."))
    data = upload.read()
    if name.endswith(".csv"):
        raw = _read_csv(data)
    elif name.endswith(".xlsx"):
        raw = _read_xlsx(data)
    else:
        raise ImportFileError(
            _("“%(name)s” is not a CSV or Excel file. Upload a .csv or .xlsx file.") % {"name": upload.name}
        )
    # Direction and zero-width characters are dropped from every cell, as the web forms do.
    raw = [[clean_text(_cell_text(value)) for value in row] for row in raw]
    start = next((i for i, row in enumerate(raw) if any(row)), None)
    if start is None:
        raise ImportFileError(_("The file is empty."))
    columns = COLUMNS[kind]
    lookup = {}
    for column in columns:
        for alias in column.headers:
            lookup[header_key(alias)] = column.name
    header = [lookup.get(header_key(text)) for text in raw[start]]
    missing = [column for column in columns if column.required and column.name not in header]
    if missing:
        raise ImportFileError(" ".join(
            _("The file has no “%(column)s” column; name it one of: %(names)s.")
            % {"column": column.label, "names": ", ".join(column.headers)}
            for column in missing
        ))
    for name in set(header) - {None}:
        texts = [text for text, column_name in zip(raw[start], header) if column_name == name]
        if len(texts) > 1:
            raise ImportFileError(
                _("Several columns hold the same thing: %(columns)s. Keep one of them and upload the file again.")
                % {"columns": ", ".join(f"“{text}”" for text in texts)}
            )
    for text, column_name in zip(raw[start], header):
        if column_name in ("amount", "cost") and _header_unit(text) in SCALED_UNITS:
            raise ImportFileError(
                _("The column “%(column)s” counts in %(unit)s: export the amounts in won and upload the file again.")
                % {"column": text, "unit": _header_unit(text)}
            )
    rows = []
    for offset, values in enumerate(raw[start + 1 :], start=start + 2):
        if not any(values):
            continue
        row = {ROW: offset}
        for position, column_name in enumerate(header):
            if column_name and position < len(values):
                row[column_name] = values[position]
        rows.append(row)
    if not rows:
        raise ImportFileError(_("The file has a header row but no data rows."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("The file has more than 20,000 rows. Split it and import the parts."))
    return rows


# Checking --------------------------------------------------------------------------------
class RowStatus:
    NEW = "new"
    UPDATE = "update"
    DUPLICATE = "duplicate"
    ERROR = "error"


@dataclass
class RowResult:
    row: int
    status: str = RowStatus.NEW
    errors: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""
    values: dict = field(default_factory=dict)

    def error(self, column: str, reason: str) -> None:
        self.status = RowStatus.ERROR
        self.errors.append((column, reason))

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "status": self.status,
            "errors": [{"column": column, "reason": reason} for column, reason in self.errors],
            "summary": self.summary,
        }


def _text(row: dict, result: RowResult, column: str, *, required: bool = True, max_length: int | None = None) -> str:
    value = (row.get(column) or "").strip()
    if required and not value:
        result.error(column, _("Required."))
    if max_length and len(value) > max_length:
        result.error(column, _("At most %(count)s characters.") % {"count": max_length})
    return value


def _decimal(row: dict, result: RowResult, column: str, *, required: bool = True, whole: bool = False,
             minimum: Decimal | None = Decimal(0), maximum: Decimal | None = None) -> Decimal | None:
    value, problem = parse_amount(row.get(column) or "")
    if problem:
        result.error(column, problem)
        return None
    if value is None:
        if required:
            result.error(column, _("Required."))
        return None
    if whole and value != value.to_integral():
        result.error(column, _("Must be a whole amount."))
        return None
    if minimum is not None and value < minimum:
        result.error(column, _("Must be %(minimum)s or more.") % {"minimum": minimum})
        return None
    if maximum is not None and value > maximum:
        result.error(column, _("Must be %(maximum)s or less.") % {"maximum": maximum})
        return None
    return value.quantize(Decimal(1)) if whole else value


def _date(row: dict, result: RowResult, column: str, today: datetime.date,
          rule: Callable[[datetime.date, datetime.date], str | None] | None = None) -> datetime.date | None:
    day, problem = parse_date(row.get(column) or "")
    if problem:
        result.error(column, problem)
        return None
    if day is None:
        result.error(column, _("Required."))
        return None
    problem = (rule or _not_in_future)(day, today)
    if problem:
        result.error(column, problem)
        return None
    return day


def _not_in_future(day: datetime.date, today: datetime.date) -> str | None:
    return _("%(date)s is in the future.") % {"date": day.isoformat()} if day > today else None


@dataclass
class CheckReport:
    results: list[RowResult]

    @property
    def counts(self) -> dict[str, int]:
        counts = {RowStatus.NEW: 0, RowStatus.UPDATE: 0, RowStatus.DUPLICATE: 0, RowStatus.ERROR: 0}
        for result in self.results:
            counts[result.status] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(result.status == RowStatus.ERROR for result in self.results)


def editable_accounts(user: User):
    """The accounts a user may import into: every account for admins, their team's accounts otherwise."""
    return accounts_editable_by(user)


def _account_lookup(rows: list[dict], user: User) -> dict[str, list[Account]]:
    names = {(row.get("account") or "").strip() for row in rows} - {""}
    found: dict[str, list[Account]] = {}
    for account in editable_accounts(user).filter(Q(name__in=names) | Q(english_name__in=names)):
        for name in {account.name, account.english_name} & names:
            found.setdefault(name, []).append(account)
    return found


def _resolve_account(row: dict, result: RowResult, accounts: dict[str, list[Account]]) -> Account | None:
    name = _text(row, result, "account")
    if not name:
        return None
    matches = accounts.get(name, [])
    if not matches:
        result.error("account", _("No account named “%(name)s” that you may edit.") % {"name": name})
        return None
    if len(matches) > 1:
        result.error("account", _("“%(name)s” names more than one account.") % {"name": name})
        return None
    return matches[0]


def _mark_repeats(result: RowResult, key, seen: dict, column: str) -> bool:
    """A natural key seen earlier in the same file is an error on the later row."""
    if key in seen:
        result.error(column, _("Same as row %(row)s.") % {"row": seen[key]})
        return True
    seen[key] = result.row
    return False


def _check_nps(rows: list[dict], user: User, today: datetime.date) -> list[RowResult]:
    accounts = _account_lookup(rows, user)
    account_ids = {account.pk for matches in accounts.values() for account in matches}
    contacts: dict[tuple[int, str], list[Contact]] = {}
    for contact in Contact.objects.filter(account_id__in=account_ids):
        for key in {contact.name.casefold(), contact.email.casefold()} - {""}:
            contacts.setdefault((contact.account_id, key), []).append(contact)
    existing = set(
        NpsResponse.objects.filter(account_id__in=account_ids).values_list("account_id", "respondent_name", "responded_on")
    )
    results, seen = [], {}
    for row in rows:
        result = RowResult(row=row[ROW])
        account = _resolve_account(row, result, accounts)
        respondent = _text(row, result, "respondent")
        responded_on = _date(row, result, "responded_on", today)
        score = _decimal(row, result, "score", whole=True, maximum=Decimal(10))
        comment = _text(row, result, "comment", required=False)
        survey = _text(row, result, "survey", required=False, max_length=120)
        contact = None
        if account and respondent:
            matches = contacts.get((account.pk, respondent.casefold()), [])
            if not matches:
                result.error("respondent", _("No contact “%(name)s” at %(account)s.") % {"name": respondent, "account": account.name})
            elif len(matches) > 1:
                result.error("respondent", _("More than one contact is called “%(name)s”; use the e-mail.") % {"name": respondent})
            else:
                contact = matches[0]
        if contact and responded_on:
            _mark_repeats(result, (account.pk, contact.name, responded_on), seen, "respondent")
        if result.status != RowStatus.ERROR:
            result.values = {
                "account_id": account.pk,
                "contact_id": contact.pk,
                "respondent_name": contact.name,
                "responded_on": responded_on.isoformat(),
                "score": int(score),
                "comment": comment,
                "survey": survey,
            }
            result.summary = f"{account.name} · {contact.name} · {responded_on.isoformat()} · {int(score)}"
            if (account.pk, contact.name, responded_on) in existing:
                result.status = RowStatus.DUPLICATE
        results.append(result)
    return results


PERIOD_WORDS = {
    "month": PeriodKind.MONTH, "m": PeriodKind.MONTH, "월": PeriodKind.MONTH,
    "quarter": PeriodKind.QUARTER, "q": PeriodKind.QUARTER, "분기": PeriodKind.QUARTER,
    "half": PeriodKind.HALF, "half_year": PeriodKind.HALF, "h": PeriodKind.HALF, "반기": PeriodKind.HALF,
    "year": PeriodKind.YEAR, "y": PeriodKind.YEAR, "연간": PeriodKind.YEAR, "년": PeriodKind.YEAR,
}


def _check_actuals(rows: list[dict], user: User, today: datetime.date) -> list[RowResult]:
    accounts = _account_lookup(rows, user)
    account_ids = {account.pk for matches in accounts.values() for account in matches}
    kpis = {kpi.code: kpi for kpi in KpiDefinition.objects.filter(is_active=True)}
    existing = {
        (a, k, y, p, i): v
        for a, k, y, p, i, v in ManualActual.objects.filter(account_id__in=account_ids).values_list(
            "account_id", "kpi_id", "fiscal_year", "period_kind", "period_index", "value"
        )
    }
    results, seen = [], {}
    for row in rows:
        result = RowResult(row=row[ROW])
        account = _resolve_account(row, result, accounts)
        code = _text(row, result, "kpi").lower()
        kpi = kpis.get(code)
        if code and kpi is None:
            result.error("kpi", _("No KPI with the code “%(code)s”.") % {"code": code})
        elif kpi and kpi.is_computed:
            result.error("kpi", _("%(kpi)s is computed from data; it cannot be imported.") % {"kpi": kpi.code})
        elif kpi and account and not kpi.applies_to(account.team_type):
            result.error("kpi", _("%(kpi)s does not apply to this account's team type.") % {"kpi": kpi.code})
        year = _decimal(row, result, "fiscal_year", whole=True, minimum=Decimal(MIN_FISCAL_YEAR),
                        maximum=Decimal(MAX_FISCAL_YEAR))
        word = _normalise_header(row.get("period"))
        kind = PERIOD_WORDS.get(word)
        if not word:
            result.error("period", _("Required."))
        elif kind is None:
            result.error("period", _("Use month, quarter, half or year."))
        index = _decimal(row, result, "period_number", whole=True, minimum=Decimal(1), maximum=Decimal(12))
        if kind and index is not None and index > PERIODS_PER_YEAR[kind]:
            result.error("period_number", _("A %(period)s number runs from 1 to %(count)s.") % {
                "period": PeriodKind(kind).label.lower(), "count": PERIODS_PER_YEAR[kind]})
        value = _decimal(row, result, "value", minimum=None)
        note = _text(row, result, "note", required=False, max_length=300)
        period = None
        if account and year is not None and kind and index is not None and result.status != RowStatus.ERROR:
            period = Period(kind, int(year), int(index), account.fiscal_year_start_month)
            if period.start > today:
                result.error("fiscal_year", _("%(period)s has not started yet.") % {"period": period.label})
        if result.status != RowStatus.ERROR:
            key = (account.pk, kpi.pk, period.fiscal_year, period.kind, period.index)
            if _mark_repeats(result, key, seen, "period_number"):
                results.append(result)
                continue
            result.values = {
                "account_id": account.pk,
                "kpi_id": kpi.pk,
                "fiscal_year": period.fiscal_year,
                "period_kind": period.kind,
                "period_index": period.index,
                "value": str(value),
                "note": note,
            }
            result.summary = f"{account.name} · {kpi.code} · {period.label} ({period.range_label}) · {value}"
            if key in existing:
                result.status = RowStatus.DUPLICATE if existing[key] == value else RowStatus.UPDATE
        results.append(result)
    return results


def _check_time(rows: list[dict], user: User, today: datetime.date) -> list[RowResult]:
    accounts = _account_lookup(rows, user)
    account_ids = {account.pk for matches in accounts.values() for account in matches}
    usernames = {(row.get("person") or "").strip() for row in rows}
    people = {person.username: person for person in User.objects.filter(username__in=usernames, is_active=True)}
    existing = {
        (a, u, d, k): h
        for a, u, d, k, h in TimeEntry.objects.filter(account_id__in=account_ids, user__username__in=usernames)
        .values_list("account_id", "user_id", "worked_on", "kind", "hours")
    }
    kinds = set(TimeEntry.Kind.values)
    results, seen = [], {}
    for row in rows:
        result = RowResult(row=row[ROW])
        account = _resolve_account(row, result, accounts)
        username = _text(row, result, "person")
        person = people.get(username)
        if username and person is None:
            result.error("person", _("No active user “%(name)s”.") % {"name": username})
        worked_on = _date(row, result, "worked_on", today)
        kind = _normalise_header(row.get("kind"))
        if kind not in kinds:
            result.error("kind", _("Use billable, non_billable or available."))
        hours = _decimal(row, result, "hours", minimum=Decimal("0.01"), maximum=Decimal(24))
        if result.status != RowStatus.ERROR:
            key = (account.pk, person.pk, worked_on, kind)
            if _mark_repeats(result, key, seen, "worked_on"):
                results.append(result)
                continue
            result.values = {
                "account_id": account.pk,
                "user_id": person.pk,
                "worked_on": worked_on.isoformat(),
                "kind": kind,
                "hours": str(hours),
            }
            result.summary = f"{account.name} · {person.username} · {worked_on.isoformat()} · {kind} · {hours}h"
            if key in existing:
                result.status = RowStatus.DUPLICATE if existing[key] == hours else RowStatus.UPDATE
        results.append(result)
    return results


def _check_orders(rows: list[dict], user: User, today: datetime.date) -> list[RowResult]:
    from performance.order_import import check_orders

    return check_orders(rows, user, today)


def _check_revenue_lines(rows: list[dict], user: User, today: datetime.date) -> list[RowResult]:
    from performance.revenue_import import check_revenue_lines

    return check_revenue_lines(rows, user, today)


CHECKERS: dict[str, Callable[[list[dict], User, datetime.date], list[RowResult]]] = {
    ImportBatch.Kind.ORDERS: _check_orders,
    ImportBatch.Kind.REVENUE: _check_revenue_lines,
    ImportBatch.Kind.NPS: _check_nps,
    ImportBatch.Kind.ACTUALS: _check_actuals,
    ImportBatch.Kind.TIME: _check_time,
}


def check_rows(*, kind: str, rows: list[dict], user: User, today: datetime.date | None = None) -> CheckReport:
    """Check every row; a fixed number of queries whatever the number of rows."""
    return CheckReport(results=CHECKERS[kind](rows, user, today or timezone.localdate()))
