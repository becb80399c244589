"""`{{ value|bdi }}`: user text isolated from the sentence around it (a built-in filter, see settings.TEMPLATES).

A name written right-to-left, or one holding stray direction marks, cannot then reorder the
words next to it. Works inside `{% blocktranslate with name=x|bdi %}` too: the msgid is unchanged.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def bdi(value):
    if value is None or value == "":
        return value
    return format_html("<bdi>{}</bdi>", value)
