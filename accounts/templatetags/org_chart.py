"""The org chart's boxes, built in Python: a chart of a few hundred people drew each box through two
nested template includes, and a fifth of the page went on formatting their ids. Same HTML as the
templates it replaces (accounts/_org_node.html and _org_box.html before this module)."""

import functools

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from accounts.models import Contact

register = template.Library()

_PK = 2147483646  # a placeholder id, reversed once per chart and replaced per person


@functools.lru_cache(maxsize=16)
def _words(language: str | None) -> dict[str, str]:
    """The chart's words in `language` (the active one), translated once per language."""
    return {
        "left": escape(gettext("Left")),
        "toggle": escape(gettext("Show or hide reports")),
        "influence": escape(gettext("influence")),
        "reports_to": escape(gettext("reports to")),
        "edit_title": escape(gettext("Edit, move or record a change")),
        "edit": gettext("Edit %(name)s"),
        "log": gettext("Log an interaction with %(name)s"),
        "add": gettext("Add a person under %(name)s"),
        "roles": {name: escape(str(Contact._meta.get_field(name).verbose_name)) for name in Contact.BUYING_ROLE_FIELDS},
        "attitudes": {value: escape(str(label)) for value, label in Contact.Attitude.choices},
    }


def _influence(level: int, label: str) -> str:
    dots = "".join(
        f'<i aria-hidden="true" class="bi bi-circle{"-fill" if i <= level else ""}"></i>' for i in range(1, 6)
    )
    return f'<span role="img" class="influence ms-auto" title="{label} {level}/5" aria-label="{label} {level}/5">{dots}</span>'


class _Chart:
    def __init__(self, *, account, can_edit: bool) -> None:
        self.words = _words(get_language())
        self.can_edit = can_edit
        self.parts: list[str] = []
        if can_edit:
            self.move_url = reverse("accounts:contact-reports-to", args=[account.pk, _PK]).split(str(_PK))
            self.edit_url = reverse("accounts:contact-edit", args=[account.pk, _PK]).split(str(_PK))
            self.add_url = reverse("accounts:contact-add", args=[account.pk])
            self.log_url = reverse("accounts:interaction-add", args=[account.pk])

    def node(self, node) -> None:
        out = self.parts
        out.append('<li class="org-node">')
        self.box(node)
        if node.children:
            out.append(f'<ul class="org-children" id="reports-{node.contact.pk}">')
            leaves = []
            for child in node.children:
                if child.children:
                    self.node(child)
                else:
                    leaves.append(child)
            if leaves:
                out.append('<li class="org-leaf-row"><ul class="org-leaves">')
                for child in leaves:
                    out.append("<li>")
                    self.box(child)
                    out.append("</li>")
                out.append("</ul></li>")
            out.append("</ul>")
        out.append("</li>")

    def box(self, node) -> None:
        c: Contact = node.contact
        w = self.words
        pk = c.pk
        name = escape(c.name)
        left = c.status == Contact.Status.LEFT
        attitude = w["attitudes"].get(c.attitude) or escape(c.get_attitude_display())
        out = self.parts
        edit = ""
        if self.can_edit:
            move_url = escape(str(pk).join(self.move_url))
            edit = f' data-move-url="{move_url}" data-manager-id="{c.reports_to_id or ""}"'
        out.append(
            f'<div class="org-box attitude-{escape(c.attitude)}{" org-left" if left else ""}" data-contact-id="{pk}" '
            f'data-name="{name}" title="{attitude}"{edit}>'
            '<div class="d-flex align-items-start gap-1"><div class="flex-grow-1 min-w-0">'
            f'<div class="org-name">{name}'
        )
        if left:
            left_on = c.left_on.strftime("%Y-%m-%d") if c.left_on else ""
            out.append(f' <span class="badge text-bg-secondary">{w["left"]} {left_on}</span>')
        out.append(f'</div><div class="org-title">{escape(c.title) if c.title else "–"}')
        if c.org_unit_id:
            out.append(f' · <span class="text-body-secondary">{escape(c.unit_name)}</span>')
        out.append("</div></div>")
        if node.children:
            out.append(
                f'<button type="button" class="btn btn-sm btn-link p-0 org-toggle" aria-expanded="true" '
                f'aria-controls="reports-{pk}" title="{w["toggle"]}"><i aria-hidden="true" class="bi bi-dash-square"></i>'
                f'<span class="small ms-1">{node.size - 1}</span></button>'
            )
        out.append('</div><div class="d-flex flex-wrap align-items-center gap-1 mt-1">')
        for field, label in w["roles"].items():
            if getattr(c, field):
                out.append(f'<span class="badge role-badge role-{field.removeprefix("is_")}">{label}</span>')
        out.append(_influence(c.influence, w["influence"]))
        out.append("</div>")
        if node.manager_hidden:
            out.append(
                f'<div class="small text-body-secondary"><i aria-hidden="true" class="bi bi-arrow-up"></i> '
                f'{w["reports_to"]} {escape(c.manager_name)}</div>'
            )
        if self.can_edit:
            edit_url = escape(str(pk).join(self.edit_url))
            out.append(
                f'<div class="org-actions"><a class="btn btn-sm btn-light" href="{edit_url}" hx-get="{edit_url}" '
                f'hx-target="#kam-modal-content" title="{w["edit_title"]}" aria-label="{escape(w["edit"] % {"name": c.name})}">'
                '<i aria-hidden="true" class="bi bi-pencil"></i></a>'
            )
            if not left:
                log = f'{self.log_url}?contact={pk}&amp;back=org-chart'
                label = escape(w["log"] % {"name": c.name})
                out.append(
                    f'<a class="btn btn-sm btn-light" href="{log}" hx-get="{log}" hx-target="#kam-modal-content" '
                    f'title="{label}" aria-label="{label}"><i aria-hidden="true" class="bi bi-chat-left-text"></i></a>'
                )
            add = f"{self.add_url}?reports_to={pk}"
            label = escape(w["add"] % {"name": c.name})
            out.append(
                f'<a class="btn btn-sm btn-light" href="{add}" hx-get="{add}" hx-target="#kam-modal-content" '
                f'title="{label}" aria-label="{label}"><i aria-hidden="true" class="bi bi-person-plus"></i></a></div>'
            )
        out.append("</div>")


@register.simple_tag
def org_tree(forest, account, can_edit) -> str:
    """`<li>` per person of the forest (OrgNode trees from accounts.selectors.org.org_chart): reports who
    have reports drawn as sub-trees, the others side by side in one row."""
    chart = _Chart(account=account, can_edit=bool(can_edit))
    for node in forest:
        chart.node(node)
    return mark_safe("".join(chart.parts))
