"""How KPI values and statuses look on the pages: units, signs, '–' for no value, badge colours."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

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
