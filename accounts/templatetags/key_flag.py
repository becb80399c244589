"""The key-account flag of the Pareto view, built in Python: the view shows one on each of its hundred rows."""

import functools

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()


@functools.lru_cache(maxsize=16)
def _words(language: str | None) -> dict[str, str]:
    """The flag's words in `language` (the active one), translated once per language."""
    return {
        "key_account": escape(gettext("Key account")),
        "flag": escape(gettext("Flag")),
        "unflag_label": gettext("Unflag %(name)s as key account"),
        "flag_label": gettext("Flag %(name)s as key account"),
    }


@register.simple_tag(takes_context=True)
def key_flag(context, account) -> str:
    """A button that flags or unflags `account` as a key account for whoever may (`can_flag` in the
    context), a badge on key accounts for everyone else."""
    words = _words(get_language())
    if context.get("can_flag"):
        url = reverse("accounts:key-account-flag", args=[account.pk])
        token = escape(str(context.get("csrf_token") or ""))
        if account.is_key_account:
            value, css, icon, text = "0", "btn-warning", "bi-star-fill", words["key_account"]
            label = words["unflag_label"] % {"name": account.name}
        else:
            value, css, icon, text = "1", "btn-outline-secondary", "bi-star", words["flag"]
            label = words["flag_label"] % {"name": account.name}
        body = (
            f'<form method="post" action="{url}" hx-post="{url}" hx-target="#key-flag-{account.pk}" hx-swap="outerHTML">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<input type="hidden" name="is_key_account" value="{value}">'
            f'<button class="btn btn-sm {css} py-0" type="submit" aria-label="{escape(label)}"><i aria-hidden="true" class="bi {icon}"></i> {text}</button>'
            "</form>"
        )
    elif account.is_key_account:
        body = f'<span class="badge text-bg-warning"><i aria-hidden="true" class="bi bi-star-fill"></i> {words["key_account"]}</span>'
    else:
        body = ""
    return mark_safe(f'<div class="key-flag" id="key-flag-{account.pk}">{body}</div>')
