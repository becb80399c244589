"""Template helpers of the "Now" panel: a figure's movement since the reference, in its unit."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html

from accounts.templatetags.kam_format import compact_money
from performance.models import KpiDefinition
from performance.templatetags.kpi_format import format_kpi_value

register = template.Library()


def _amount(value, unit: str) -> str:
    if unit in ("money", KpiDefinition.Unit.MONEY):
        return compact_money(value)
    if unit in ("points", KpiDefinition.Unit.SCORE):
        return intcomma(int(Decimal(value).quantize(Decimal(1))))
    if unit == "count":
        return intcomma(int(value))
    return format_kpi_value(value, unit)


@register.simple_tag
def since(figure, unit: str = "count", label: str = "", good: str = "up"):
    """"▲ +3 since submission" when the figure moved since the reference; nothing when it did not.

    `good` says which way is good news ("up" for revenue, "down" for risks and overdue actions),
    which sets the colour; the arrow always shows the direction.
    """
    if figure is None or not figure.moved:
        return ""
    delta = figure.delta
    if delta is None:
        return format_html('<span class="now-since" data-since>{} {}</span>', label, figure.then)
    rising = delta > 0
    tone = "now-good" if rising == (good == "up") else "now-bad"
    return format_html(
        '<span class="now-since {}" data-since title="{}">{} {}{} {}</span>',
        tone, _amount(figure.then, unit), "▲" if rising else "▼", "+" if rising else "−", _amount(abs(delta), unit), label,
    )


@register.filter
def kpi_unit(line) -> str:
    """The unit code a KPI line's values are shown in."""
    return line.kpi.unit
