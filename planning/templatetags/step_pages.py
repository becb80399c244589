"""Parts of the step pages built in Python where the template's loops cost more than what they write
(the same HTML the templates wrote): step 1's org tree, step 2's sponsoring-unit lists."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.simple_tag
def unit_tree(nodes) -> str:
    """Step 1's org tree: each unit, its head count and its decision makers, purchasing people, Foxes and
    Kingpins, its sub-units nested (`planning.steps._unit_tree`'s nodes)."""
    words = {
        "dm": conditional_escape(gettext("DM")), "purchasing": conditional_escape(gettext("Purchasing")),
        "fox": conditional_escape(gettext("Fox")), "kingpin": conditional_escape(gettext("Kingpin")),
    }
    badges = {
        "is_decision_maker": f'<span class="badge text-bg-primary">{words["dm"]}</span>',
        "is_purchasing": f'<span class="badge text-bg-info">{words["purchasing"]}</span>',
        "is_fox": f'<span class="badge text-bg-warning">{words["fox"]}</span>',
        "is_kingpin": f'<span class="badge text-bg-danger">{words["kingpin"]}</span>',
    }
    purchasing = f'<span class="badge text-bg-info ms-1">{words["purchasing"]}</span>'
    return mark_safe(_tree(nodes, badges, purchasing))


def _person(person, badges: dict[str, str]) -> str:
    flags = [getattr(person, name) for name in badges]
    if not any(flags):
        return ""
    title = f' <span class="text-body-secondary">· {conditional_escape(person.title)}</span>' if person.title else ""
    marks = "".join(f"\n          {badge if flag else ''}" for badge, flag in zip(badges.values(), flags))
    return f'\n        <div class="small">{conditional_escape(person.name)}{title}{marks}\n        </div>\n      '


def _tree(nodes, badges: dict[str, str], purchasing: str) -> str:
    out = ['\n<ul class="org-tree">\n  ']
    for node in nodes:
        unit, people = node["unit"], node["people"]
        count = ngettext("%(counter)s person", "%(counter)s people", len(people)) % {"counter": localize(len(people))}
        out.append(
            f'\n  <li>\n    <div class="org-node{" is-purchasing" if unit.is_purchasing else ""}">'
            f'\n      <span class="fw-semibold">{conditional_escape(unit.name)}</span>'
            f'\n      {purchasing if unit.is_purchasing else ""}'
            f'\n      <span class="small text-body-secondary ms-1">{count}</span>'
            f'\n      {"".join(_person(person, badges) for person in people)}'
            f'\n    </div>\n    {_tree(node["children"], badges, purchasing) if node["children"] else ""}'
            "\n  </li>\n  "
        )
    out.append("\n</ul>\n")
    return "".join(out)


@register.simple_tag
def unit_options(field) -> str:
    """Step 2's `<option>`s of one opportunity's sponsoring unit, its own selected (the value compared as text)."""
    selected = "%s" % (field.value(),)
    return mark_safe("".join(
        f'<option value="{conditional_escape(value)}"{" selected" if "%s" % (value,) == selected else ""}>'
        f"{conditional_escape(label)}</option>"
        for value, label in field.field.choices
    ))
