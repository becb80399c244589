"""The plan as a PDF for the meeting (WeasyPrint) and as an Excel workbook (openpyxl), both from a snapshot."""

import datetime
import io
import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from planning.timeline import timeline


def file_name(account_name: str, fiscal_year: int, extension: str, *, suffix: str = "") -> str:
    """`<account>-FY<year>-plan<suffix>.<ext>`, the account's name kept (Korean included) but without path characters."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", account_name).strip(" .-") or "account"
    return f"{safe}-FY{fiscal_year}-plan{suffix}.{extension}"


def unit_tree(units: list[dict]) -> list[dict]:
    """Snapshot org units as a tree: each node {unit, children}, roots first, in the snapshot's order."""
    nodes = {unit["id"]: {"unit": unit, "children": []} for unit in units}
    roots = []
    for unit in units:
        parent = nodes.get(unit["parent_id"])
        (parent["children"] if parent else roots).append(nodes[unit["id"]])
    return roots


def plan_pdf(snap: dict, *, base_url: str | None = None, now=None) -> bytes:
    """The meeting's view of the plan as PDF bytes; Korean text is set in NanumGothic.

    `now` is the plan's "Now" panel (`planning.live.plan_now`) as of the moment the PDF is made.
    """
    from weasyprint import HTML

    plan = snap["plan"]
    html = render_to_string(
        "planning/plan_pdf.html",
        {
            "snap": snap,
            "timeline": timeline(
                snap["execution"]["actions"], period_start=plan["period_start"], period_end=plan["period_end"],
                today=timezone.localdate(),
            ),
            "org_tree": unit_tree(snap["org"]["units"]),
            "printed_at": timezone.localtime(),
            "now": now,
            "pdf": True,
        },
    )
    return HTML(string=html, base_url=base_url).write_pdf()


HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
MONEY = "#,##0"


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list], money_columns=(), widths=None):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            # Text from users is text: "=…" must not become a formula in the reader's Excel.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for column in money_columns:
        for cell in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell[0].number_format = MONEY
    for index, header in enumerate(headers, start=1):
        width = (widths or {}).get(index) or max(12, min(48, len(header) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def _number(value: str | None):
    """A snapshot number (a string, to stay exact in JSON) as an Excel number."""
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _date(value: str | None):
    return datetime.date.fromisoformat(value) if value else None


def plan_workbook(snap: dict) -> bytes:
    """Targets, actions, opportunities and support requests of the plan, one sheet each."""
    from planning.templatetags.planning_tags import choice_label

    workbook = Workbook()
    workbook.remove(workbook.active)
    strategy, execution, mapping = snap["strategy"], snap["execution"], snap["mapping"]

    target_rows = []
    for target in strategy["targets"]:
        for period in [*target["months"], *target["periods"], *target.get("later_years", [])]:
            if period["value"] is not None:
                target_rows.append([target["kpi"], target.get("unit", ""), period["label"], _number(period["value"])])
    _sheet(
        workbook, _("Targets"), [_("KPI"), _("Unit"), _("Period"), _("Target")], target_rows,
        money_columns=(4,), widths={1: 32, 3: 16, 4: 20},
    )
    _sheet(
        workbook, _("Actions"),
        # xgettext:no-python-format
        [_("WBS"), _("Task or milestone"), _("Kind"), _("Owner"), _("Start"), _("Due"), _("Status"), _("% done")],
        [
            [action["depth"] + 1, "    " * action["depth"] + action["title"], choice_label(action["kind"], "action_kind"),
             action["owner"], _date(action["start_on"]), _date(action["due_on"]),
             choice_label(action["status"], "action_status"), action["percent_done"]]
            for action in execution["actions"]
        ],
        widths={2: 48, 4: 20, 5: 12, 6: 12},
    )
    _sheet(
        workbook, _("Opportunities"),
        [_("Opportunity"), _("Tier"), _("Stage"), _("Amount"), _("Probability %"), _("Sponsoring org unit"), _("Expected close")],
        [
            [o["name"], o["tier"], choice_label(o["stage"], "opportunity_stage"), o["amount"], o["probability"],
             o["sponsor_unit"], _date(o["expected_close_date"])]
            for o in mapping["opportunities"]
        ],
        money_columns=(4,), widths={1: 40, 4: 18, 6: 28},
    )
    _sheet(
        workbook, _("Support requests"),
        [_("Kind"), _("Support request"), _("Offering"), _("Amount"), _("Status")],
        [
            [choice_label(r["kind"], "support_kind"), r["description"], r["offering"], r["amount"],
             choice_label(r["status"], "support_status")]
            for r in execution["support_requests"]
        ],
        money_columns=(4,), widths={2: 48, 3: 28, 4: 18},
    )
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
    workbook.properties.title = f"{snap['account']['name']} · FY {snap['plan']['fiscal_year']}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
