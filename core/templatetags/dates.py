"""`{% date_input "since" since id="since" %}`: a date filter outside a Django form, rendered by the same
widget as every form's dates (core.dates.DateInput)."""

from django import template

from core.dates import DateInput

register = template.Library()


@register.simple_tag
def date_input(name, value, *, id, css="form-control form-control-sm"):
    return DateInput(attrs={"id": id, "class": css}).render(name, value)
