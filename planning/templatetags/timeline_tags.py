"""The action plan's Gantt chart (planning.timeline) as SVG, written in Python: the same SVG as the template
drew with its loops and some eighty `floatformat`s (a tenth of step 5's page), in the form's page, the
read-only step, the meeting view and the PDF."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

_TENTH = Decimal("0.1")


def _tenths(value) -> str:
    """`value|floatformat:'1u'`: one decimal place, halves rounded up, never localized."""
    return str(Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP))


@register.simple_tag
def timeline_svg(timeline: dict) -> str:
    width, height, bottom = timeline["width"], timeline["height"], timeline["grid_bottom"]
    label = conditional_escape(gettext("Action plan timeline"))
    out = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{label}" '
        'preserveAspectRatio="xMinYMin meet">\n'
        f'  <rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>\n  '
    ]
    for tick in timeline["ticks"]:
        x = _tenths(tick.x)
        out.append(
            f'\n  <line x1="{x}" y1="0" x2="{x}" y2="{bottom}" stroke="#dee2e6" stroke-width="1"/>\n'
            f'  <text x="{x}" dx="4" y="17" font-size="11" fill="#6c757d">{conditional_escape(tick.label)}</text>\n  '
        )
    out.append("\n  ")
    for bar in timeline["bars"]:
        live = f'data-live="{conditional_escape(bar.live_key)}"' if bar.live_key else "data-frozen"
        owner = f" · {conditional_escape(bar.owner)}" if bar.owner else ""
        out.append(
            f"\n  <g {live}>\n"
            f"    <title>{conditional_escape(bar.label)} · {conditional_escape(bar.start)} – {conditional_escape(bar.due)}"
            f" · {conditional_escape(bar.percent)}%{owner}</title>\n"
            f'    <text x="{conditional_escape(bar.indent)}" y="{_tenths(bar.text_y)}" font-size="12" fill="#212529"'
            f'{" font-weight=\"600\"" if bar.depth == 0 else ""}>{conditional_escape(truncatechars(bar.label, 38))}</text>\n    '
        )
        if bar.is_milestone:
            out.append(
                f'\n    <polygon points="{conditional_escape(bar.diamond)}" fill="{conditional_escape(bar.colour)}" '
                'stroke="#1f3a5f" stroke-width="1"/>\n    '
            )
        else:
            x, y, colour = _tenths(bar.x), _tenths(bar.y), conditional_escape(bar.colour)
            out.append(
                f'\n    <rect x="{x}" y="{y}" width="{_tenths(bar.width)}" height="14" rx="3" fill="{colour}" fill-opacity="0.3"/>\n'
                f'    <rect x="{x}" y="{y}" width="{_tenths(bar.done_width)}" height="14" rx="3" fill="{colour}"/>\n    '
            )
        out.append("\n  </g>\n  ")
    out.append("\n  ")
    if timeline["today_x"]:
        today = _tenths(timeline["today_x"])
        out.append(
            f'<line x1="{today}" y1="22" x2="{today}" y2="{bottom}" stroke="#dc3545" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    out.append("\n</svg>")
    return mark_safe("".join(out))
