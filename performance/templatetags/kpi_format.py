"""How KPI values and statuses look on the pages: units, signs, '–' for no value, badge colours."""

import functools
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from accounts.templatetags.kam_format import compact_money
from performance.models import KpiDefinition, KpiStatus

register = template.Library()

STATUS_CLASSES = {
    KpiStatus.ON_TRACK: "text-bg-success",
    KpiStatus.AT_RISK: "text-bg-warning",
    KpiStatus.OFF_TRACK: "text-bg-danger",
    KpiStatus.NO_TARGET: "text-bg-light border",
    KpiStatus.NO_DATA: "text-bg-light border",
}
STATUS_ICONS = {
    KpiStatus.ON_TRACK: "bi-check-circle-fill",
    KpiStatus.AT_RISK: "bi-exclamation-triangle-fill",
    KpiStatus.OFF_TRACK: "bi-x-octagon-fill",
    KpiStatus.NO_TARGET: "bi-dash-circle",
    KpiStatus.NO_DATA: "bi-question-circle",
}


def format_kpi_value(value, unit: str) -> str:
    """A KPI value in its unit: 12.3B / 12.3억, 41.5 %, 12, +35, 2.1×; '–' when there is none."""
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    if unit == KpiDefinition.Unit.MONEY:
        return compact_money(value)
    if unit == KpiDefinition.Unit.PERCENT:
        return f"{value:,.1f} %"
    if unit == KpiDefinition.Unit.SCORE:
        return f"{value:+,.0f}" if value.quantize(Decimal(1)) else "0"
    if unit == KpiDefinition.Unit.RATIO:
        return f"{value:,.2f}×"
    if value == value.to_integral():
        return intcomma(int(value))
    return f"{value:,.1f}"


@register.filter
def kpi_value(value, unit: str) -> str:
    return format_kpi_value(value, unit)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light border")


@register.filter
def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status, "bi-dash-circle")


@functools.lru_cache(maxsize=16)
def _cell_words(language: str | None) -> dict:
    """The words of a status cell in `language` (the active one), translated once per language."""
    words = {
        "actual": escape(gettext("Actual")),
        "to_date": escape(gettext("target to date")),
        "full": escape(gettext("full target")),
        "not_applicable": escape(gettext("Does not apply to this team type")),
    }
    words["labels"] = {status.value: escape(str(status.label)) for status in KpiStatus}
    return words


@register.simple_tag
def kpi_status_cell(cell) -> str:
    """One cell of the dashboard's status table (a KPI snapshot, or None where the KPI does not apply),
    built in one call: the table has a cell per account and KPI, too many for template nodes each."""
    words = _cell_words(get_language())
    if not cell:
        # A dash as in every other empty cell, and the reason for screen readers too (not only a tooltip).
        return mark_safe(
            f'<td class="text-end text-nowrap"><span class="text-body-tertiary" title="{words["not_applicable"]}" aria-hidden="true">–</span>'
            f'<span class="visually-hidden">{words["not_applicable"]}</span></td>'
        )
    unit = cell.kpi.unit
    actual = escape(format_kpi_value(cell.actual, unit))
    expected = escape(format_kpi_value(cell.expected, unit))
    target = escape(format_kpi_value(cell.target, unit))
    status = cell.status
    return mark_safe(
        f'<td class="text-end text-nowrap"><span class="kpi-cell" title="{words["actual"]} {actual} · {words["to_date"]} {expected}'
        f' · {words["full"]} {target}">{actual}</span> <span class="badge rounded-pill {status_class(status)}"><i class="bi '
        f'{status_icon(status)}"></i><span class="visually-hidden"> {words["labels"].get(status, "")}</span></span></td>'
    )


@functools.lru_cache(maxsize=16)
def _status_labels(language: str | None) -> dict[str, str]:
    return {status.value: escape(str(status.label)) for status in KpiStatus}


@register.simple_tag
def kpi_period_cell(value, unit: str, index: int, current_index: int | None) -> str:
    """One cell of an account's KPI table (templates/performance/account_kpis.html): the actual and, with a
    target, the status badge and the target; the current period marked. Built in one call: the table has a
    cell per KPI and period, too many for a dozen template nodes each."""
    current = " current-period" if index == current_index else ""
    actual = escape(format_kpi_value(value.actual if value else None, unit))
    if value and value.target is not None:
        title = _status_labels(get_language()).get(value.status, "")
        if value.achievement is not None:
            title += f" · {escape(percent(value.achievement))}"
        target = (
            f'<div class="small text-body-secondary"><span class="badge rounded-pill {status_class(value.status)}" '
            f'title="{title}"><i class="bi {status_icon(value.status)}"></i></span> / '
            f"{escape(format_kpi_value(value.target, unit))}</div>"
        )
    else:
        target = ""
    return mark_safe(
        f'\n            <td class="text-end text-nowrap{current}">\n              <div>{actual}</div>\n'
        f"              {target}\n            </td>\n            "
    )


@register.filter
def status_label(status: str) -> str:
    try:
        return KpiStatus(status).label
    except ValueError:
        return ""


@register.filter
def percent(value) -> str:
    if value is None:
        return "–"
    return f"{Decimal(value):,.1f} %"


@register.simple_tag(takes_context=True)
def export_url(context, table: str, fmt: str) -> str:
    """The current page's URL with its filters, asking for `table` as a CSV or Excel download."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params["export"] = table
    params["format"] = fmt
    return "?" + params.urlencode()


@register.filter
def kpi_name(row) -> str:
    """A KPI's name in the reader's language for a row of a frozen snapshot (found by its code, `key`);
    the name frozen in the row when the KPI is no longer in the catalogue."""
    from performance.selectors.catalogue import kpi_catalogue_names

    names = kpi_catalogue_names().get(row.get("key") or "")
    if names is None:
        return row.get("kpi", "")
    name, name_ko, _unit = names
    return name_ko if name_ko and (get_language() or "").startswith("ko") else name


@register.filter
def kpi_unit_label(row) -> str:
    """The unit of a snapshot's KPI row in the reader's language (the currency for money)."""
    from performance.selectors.catalogue import kpi_catalogue_names

    names = kpi_catalogue_names().get(row.get("key") or "")
    if row.get("is_money") or names is None:
        return row.get("unit", "")
    return str(KpiDefinition.Unit(names[2]).label)
