"""The layout every plan page shares, built in Python: its step bar is on every plan page, and as a
template loop (seven items of links, conditions and translations) it cost a few milliseconds a page."""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def plan_stepper_items(plan, states, step=None) -> str:
    """The items of the plan's step bar (`includes/stepper.html`): one per step, complete, open or later,
    the current step marked; the same HTML the loop of the template gave."""
    current = getattr(step, "number", None) if step else None
    complete = conditional_escape(gettext("complete"))
    later = conditional_escape(gettext("not due yet"))
    incomplete = conditional_escape(gettext("incomplete"))
    parts = []
    for number, state in states.items():
        is_complete = state.complete
        is_later = not state.due or state.nothing_due
        status = "is-complete" if is_complete else "is-later" if is_later else "is-open"
        is_current = current == number
        aria = ' aria-current="step"' if is_current else ""
        url = reverse("planning:plan-step", args=[plan.pk, number])
        dot = (f'<i class="bi bi-check-lg" aria-hidden="true"></i><span class="visually-hidden">{complete}</span>'
               if is_complete else str(number))
        parts.append(
            f'\n    <li class="plan-stepper-item {status}{" is-current" if is_current else ""}">'
            f'\n      <a href="{url}"{aria} data-testid="step-link-{number}">'
            f'\n        <span class="plan-stepper-dot">{dot}</span>'
            f'\n        <span class="plan-stepper-title">{conditional_escape(state.title)}</span>'
            f'\n        <span class="visually-hidden">{complete if is_complete else later if is_later else incomplete}</span>'
            "\n      </a>\n    </li>\n    "
        )
    return mark_safe("".join(parts))


@register.simple_tag
def plan_rules(rules, compact=False) -> str:
    """A step's completeness rules as a list, each done or to do (the step page's card, and compact in the
    overview's list of the seven steps); built in Python for the overview's loop of seven."""
    done, to_do = conditional_escape(gettext("Done:")), conditional_escape(gettext("To do:"))
    items = []
    for rule in rules:
        if rule.ok:
            icon = f'<i class="bi bi-check-circle-fill" aria-hidden="true"></i><span class="visually-hidden">{done}</span>'
        else:
            icon = f'<i class="bi bi-circle text-warning" aria-hidden="true"></i><span class="visually-hidden">{to_do}</span>'
        detail = f'<span class="d-block small text-body-secondary">{conditional_escape(rule.detail)}</span>' if rule.detail else ""
        items.append(
            f'\n  <li class="{"text-success" if rule.ok else "text-body"}">\n    {icon}'
            f'\n    <span class="{"text-body-secondary" if rule.ok else ""}">{conditional_escape(rule.text)}{detail}</span>'
            "\n  </li>\n  "
        )
    return mark_safe(
        f'\n<ul class="plan-rules list-unstyled mb-0{" small mt-1" if compact else ""}">\n  {"".join(items)}\n</ul>\n'
    )
