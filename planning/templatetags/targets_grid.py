"""Step 4's targets grid, built in Python: twelve KPIs of twenty cells each cost a third of the step's
page through the template's nested loops. Same HTML as templates/planning/includes/targets_form.html
drew row by row (months folded unless a month holds a value or an error).

A KPI's months are twelve of its twenty cells. When all twelve are empty, its folded months are sent
empty and htmx asks for their cells when the user opens them (planning:plan-target-months): a form
posted without them saves them empty, as it would have with them. Months holding anything (a value,
a zero, an error) are written into the page as before."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from performance.models import KpiDefinition

from .planning_tags import cell_html

register = template.Library()

_ANY_KPI = 987654321


def _errors(errors) -> str:
    return "".join(f'<div class="invalid-feedback d-block">{escape(error)}</div>' for error in errors)


def _cell(field, written: dict) -> tuple[str, str]:
    """A cell's control and its errors' feedback, the field's errors looked up once."""
    errors = field.errors
    return cell_html(field, written=written, field_errors=errors), _errors(errors)


def _months(row: dict, written: dict) -> str:
    """A KPI's month cells, in four groups of three (the inside of the months' `<div class="row">`)."""
    out = []
    for group in row["month_groups"]:
        out.append('<div class="col-md-3"><div class="d-flex gap-1">')
        for label, field in group:
            out.append(
                f'<div class="flex-fill"><div class="small text-body-secondary text-center">{escape(label)}</div>'
                f"{cell_html(field, written=written)}</div>"
            )
        out.append("</div></div>")
    return "".join(out)


def _words() -> dict[str, str]:
    """The grid's words, translated once for all its rows."""
    return {
        "theirs": gettext("Account's targets, not this plan's"),
        "not_summed": gettext("not summed"),
        "later": gettext("3-year (mid/long-term) target"),
        "fiscal_year": gettext("FY %(year)s"),
        "months": gettext("Months (optional)"),
        "adds_up": gettext("adds up"),
        "level": gettext("level / rate"),
        **{f"unit_{code}": escape(label) for code, label in KpiDefinition.Unit.choices},
    }


def _row(form, row: dict, currency: str, months_url: tuple[str, str], words: dict[str, str], written: dict) -> str:
    """One KPI's `<tbody>`; `written`: the grid's widget attributes, written once for all its cells (see cell_html)."""
    kpi = row["kpi"]
    chosen = row["chosen"]
    name = escape(kpi.display_name)
    unit = escape(currency) if kpi.unit == "money" else words.get(f"unit_{kpi.unit}", escape(kpi.unit))
    theirs, not_summed, later_label = words["theirs"], words["not_summed"], words["later"]
    fiscal_year, months_label = words["fiscal_year"], words["months"]
    kind = words["adds_up"] if kpi.is_cumulative else words["level"]
    chosen_errors = chosen.errors
    out = [
        f'<tbody class="target-kpi{" is-chosen" if chosen.value() else ""}" data-target-row '
        f'data-cumulative="{1 if kpi.is_cumulative else 0}">',
        f'<tr{" class=\"table-danger\"" if chosen_errors else ""}>'
        f"<td>{cell_html(chosen, written=written, field_errors=chosen_errors)}</td>",
        f'<td><span class="fw-semibold">{name}</span><div class="small text-body-secondary">{unit} · {kind}</div>',
        _errors(chosen_errors),
    ]
    if row["account_targets"]:
        values = " · ".join(
            f'<span class="text-nowrap">{escape(label)} {escape(value)}</span>' for label, value in row["account_targets"]
        )
        outside = gettext(
            "Set outside the plan (imports, the API or the performance pages). Tick %(kpi)s and leave its cells "
            "empty to make these the plan's targets."
        ) % {"kpi": name}
        out.append(
            '<div class="small text-body-secondary border-start border-2 ps-2 mt-1" data-testid="account-targets">'
            f'<span class="badge text-bg-light border">{theirs}</span>'
            f"{values}<div>{outside}</div></div>"
        )
    out.append("</td>")
    for field in (*row["quarters"], row["year"]):
        control, feedback = _cell(field, written)
        out.append(f'<td class="target-cell">{control}{feedback}</td>')
    summed = "–" if kpi.is_cumulative else f'<span class="text-body-secondary">{not_summed}</span>'
    out.append(f'<td class="small text-nowrap" data-quarter-sum>{summed}</td></tr>')
    out.append(
        '<tr class="later-years-row"><td></td><td colspan="7"><div class="d-flex flex-wrap align-items-center gap-2 small">'
        f'<span class="text-body-secondary">{later_label}:</span>'
    )
    for field, year in zip(row["later_years"], form.later_fiscal_years):
        control, feedback = _cell(field, written)
        out.append(
            f'<label class="d-flex align-items-center gap-1 mb-0"><span class="text-nowrap">'
            f'{fiscal_year % {"year": year}}</span><span class="target-later-cell">{control}</span></label>{feedback}'
        )
    months = [(field.value(), bool(field.errors)) for group in row["month_groups"] for _label, field in group]
    opened = " open" if any(value or errors for value, errors in months) else ""
    empty = all(value in (None, "") and not errors for value, errors in months)
    lazy = (
        f' hx-get="{months_url[0]}{kpi.pk}{months_url[1]}" hx-trigger="toggle once" '
        'hx-target="find [data-months]"'
    ) if empty else ""
    out.append(
        f'</div></td></tr><tr class="months-row"><td></td><td colspan="7"><details{opened}{lazy}>'
        f'<summary class="small">{months_label}</summary><div class="row g-1 mt-1"{" data-months" if empty else ""}>'
        f'{"" if empty else _months(row, written)}</div></details></td></tr></tbody>'
    )
    return "".join(out)


@register.simple_tag
def target_rows(form, plan) -> str:
    """A `<tbody>` per KPI of step 4's TargetsForm: its tick, year and quarter cells, the 3-year targets
    and the folded months."""
    words = _words()
    # Each KPI's months URL: the URL of a stand-in KPI id, reversed once, around the KPI's id.
    months_url = tuple(reverse("planning:plan-target-months", args=[plan.pk, _ANY_KPI]).rsplit(str(_ANY_KPI), 1))
    written: dict = {}
    return mark_safe("".join(_row(form, row, plan.account.currency, months_url, words, written) for row in form.rows()))


@register.simple_tag
def target_months(form) -> str:
    """The month cells of the one KPI of `form`, for its folded months opened by the user."""
    return mark_safe(_months(form.rows()[0], {}))
