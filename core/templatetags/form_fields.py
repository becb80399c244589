"""`{{ form|form_body }}` and `{{ form.field|form_field }}`: crispy's Bootstrap 5 blocks, written in Python
(core.fields)."""

from django import template

from core.fields import render_field, render_form

register = template.Library()
register.filter("form_field", render_field)
register.filter("form_body", render_form)
