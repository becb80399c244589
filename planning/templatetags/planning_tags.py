"""Template helpers for plans: labels of choice codes stored in snapshots, status badges."""

from django import forms, template
from django.conf import settings
from django.forms.widgets import Input, Widget
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from markupsafe import escape as markup_escape

from core.renderers import INPUT_TEMPLATES, WidgetRenderer, render_attrs
from core.renderers import escape as render_escape

from accounts.models import Contact, Industry, Opportunity
from planning.models import (
    ActionItem,
    Confidence,
    MarketingAction,
    PlanAttachment,
    PlanStatus,
    StrategicTask,
    SupportRequest,
)
from planning.models import version_label as _version_label
from planning.models import version_status as _version_status

register = template.Library()


@register.simple_tag
def version_label(version) -> str:
    """"Revision 1 · submission 2": the one name of a submitted version, everywhere."""
    return _version_label(version.revision, getattr(version, "submission", 1))


@register.simple_tag
def version_status(version) -> str:
    """Where a submitted version stands (a PlanStatus code): `{% version_status version as status %}`."""
    return str(_version_status(version))


@register.simple_tag
def site_time_zone() -> str:
    return settings.TIME_ZONE

CHOICES = {
    "plan_status": PlanStatus,
    "confidence": Confidence,
    "action_kind": ActionItem.Kind,
    "action_status": ActionItem.Status,
    "task_status": StrategicTask.Status,
    "marketing_kind": MarketingAction.Kind,
    "marketing_status": MarketingAction.Status,
    "support_kind": SupportRequest.Kind,
    "support_status": SupportRequest.Status,
    "attachment_kind": PlanAttachment.Kind,
    "opportunity_stage": Opportunity.Stage,
    "attitude": Contact.Attitude,
    "industry": Industry,
}

ROLE_LABELS = {name: Contact._meta.get_field(name).verbose_name for name in Contact.BUYING_ROLE_FIELDS}

STATUS_BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "approved": "text-bg-success",
    "changes_requested": "text-bg-warning",
    "rejected": "text-bg-danger",
    "closed": "text-bg-dark",
    "open": "text-bg-info",
    "signed_off": "text-bg-success",
    "done": "text-bg-success",
    "in_progress": "text-bg-primary",
    "blocked": "text-bg-danger",
    "not_started": "text-bg-light",
    "requested": "text-bg-info",
    "committed": "text-bg-success",
    "declined": "text-bg-danger",
    "delivered": "text-bg-dark",
    "planned": "text-bg-light",
    "in_session": "text-bg-primary",
    "cancelled": "text-bg-secondary",
    "granted": "text-bg-success",
    "partly": "text-bg-warning",
    "refused": "text-bg-danger",
    "dropped": "text-bg-secondary",
}


@register.filter
def choice_label(value, choice_set: str) -> str:
    """The translated label of a stored choice code, e.g. `{{ action.status|choice_label:"action_status" }}`."""
    if value in (None, ""):
        return "–"
    choices = CHOICES[choice_set]
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def role_labels(roles) -> str:
    """Buying-role field names (is_fox, …) as their translated labels."""
    return ", ".join(str(ROLE_LABELS.get(role, role)) for role in roles or ())


@register.filter
def status_badge(value) -> str:
    """The Bootstrap badge class for a status code."""
    return STATUS_BADGES.get(str(value), "text-bg-light")


@register.filter
def get_item(mapping, key):
    """`mapping[key]` for dicts keyed by numbers or names computed in the template."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def lines(text) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


@register.filter
def cell(bound_field):
    """A form field as a compact Bootstrap control for a table cell, labelled for screen readers."""
    return cell_html(bound_field)


def cell_html(bound_field, *, labels: dict | None = None, written: dict | None = None, field_errors=None):
    """`cell`, for a table's rows: `labels` keeps each column's label translated once for the rows (a formset's
    rows share their columns' labels), `written` each widget's own attributes written once (see `_attrs_html`);
    `field_errors`: the field's errors when the caller has them already."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    errors = bool(bound_field.errors if field_errors is None else field_errors)
    if errors:
        css += " is-invalid"
    if labels is None:
        label = str(bound_field.label)
    elif (label := labels.get(bound_field.name)) is None:
        label = labels[bound_field.name] = str(bound_field.label)
    attrs = {"class": css, "aria-label": label}
    if _plain_input(bound_field, widget):
        # Step 4 draws some 250 of these: the same <input> as as_widget() and the renderer write, without
        # the widget context and the renderer's dispatch for each.
        return mark_safe(_input_html(bound_field, widget, attrs, errors, written))
    if hasattr(bound_field.field, "options_html") and type(widget) is forms.Select \
            and isinstance(bound_field.form.renderer, WidgetRenderer):
        # A plan's lists offer the same owners, contacts, parents, kinds and statuses on every row: their
        # options are written once (ObjectChoices, FixedChoiceField), the row only marks its own.
        attrs = _widget_attrs(bound_field, widget, attrs, errors)
        selected = widget.format_value(bound_field.value())
        return mark_safe(
            f'<select name="{markup_escape(bound_field.html_name)}"{_attrs_html(widget, attrs, written)}>'
            f"{bound_field.field.options_html(selected[0] if selected else None)}\n</select>"
        )
    return bound_field.as_widget(attrs=attrs)


def _plain_input(bound_field, widget) -> bool:
    """Whether the field's widget is an <input> the renderer writes as core.renderers.render_input does."""
    return isinstance(widget, Input) and type(widget).get_context is Input.get_context \
        and widget.template_name in INPUT_TEMPLATES and not bound_field.field.localize \
        and isinstance(bound_field.form.renderer, WidgetRenderer)


def _input_html(bound_field, widget, attrs: dict, errors: bool, written: dict | None = None) -> str:
    """as_widget(attrs=attrs) of a `_plain_input` field: core.renderers.render_input's <input>."""
    value = widget.format_value(bound_field.value())
    value = "" if value is None else f' value="{render_escape(value)}"'
    attrs_html = _attrs_html(widget, _widget_attrs(bound_field, widget, attrs, errors), written)
    return f'<input type="{render_escape(widget.input_type)}" name="{render_escape(bound_field.html_name)}"{value}{attrs_html}>'


def _attrs_html(widget, attrs: dict, written: dict | None) -> str:
    """render_attrs(widget.build_attrs(widget.attrs, attrs)). With `written`, the widget's own attributes (the
    same for every row sharing the widget, some of them words to translate) are written once for the table
    and `attrs` after them: what build_attrs gives when no name is in both."""
    if written is None or type(widget).build_attrs is not Widget.build_attrs or not widget.attrs.keys().isdisjoint(attrs):
        return render_attrs(widget.build_attrs(widget.attrs, attrs))
    key = id(widget)  # the widgets live as long as the forms being written, and `written` no longer
    if (own := written.get(key)) is None:
        own = written[key] = render_attrs(widget.attrs)
    return own + render_attrs(attrs)


def _hidden_html(bound_field, written: dict | None = None) -> str:
    """str(bound_field) of a hidden field (a formset row's id, the management form's counts)."""
    widget = bound_field.field.widget
    if _plain_input(bound_field, widget):
        return _input_html(bound_field, widget, {}, not widget.is_hidden and bool(bound_field.errors), written)
    return str(bound_field)


def _widget_attrs(bound_field, widget, attrs: dict, errors: bool) -> dict:
    """BoundField.build_widget_attrs(attrs, widget) and the id as_widget() adds, with the field's errors and id
    looked up once (`errors`: whether it has any) rather than three and two times."""
    field = bound_field.field
    if field.required and bound_field.form.use_required_attribute and widget.use_required_attribute(bound_field.initial):
        attrs["required"] = True
    if field.disabled:
        attrs["disabled"] = True
    if errors and not widget.is_hidden:
        attrs["aria-invalid"] = "true"
    auto_id = bound_field.auto_id
    if not widget.use_fieldset and not widget.attrs.get("aria-describedby") and auto_id and not widget.is_hidden:
        described = [f"{auto_id}_helptext"] if bound_field.help_text else []
        if errors:
            described.append(f"{auto_id}_error")
        if described:
            attrs["aria-describedby"] = " ".join(described)
    if auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", auto_id)
    return attrs


def _row_cells(form, *, depth=None, errors: bool = True, memo: tuple[dict, dict] | None = None) -> str:
    """A formset row's cells (not DELETE): the hidden fields and the WBS indent go in the first. `memo`: the
    formset's column labels and widget attributes, written once for its rows (see `cell_html`)."""
    labels, written = memo or ({}, {})
    out = []
    for number, field in enumerate(form.visible_fields()):
        if field.name == "DELETE":
            continue
        head = ""
        if number == 0:
            head = "".join(_hidden_html(hidden, written) for hidden in form.hidden_fields())
            if depth:
                head += f'<span class="wbs-indent" data-depth="{escape(depth)}"></span>'
        field_errors = field.errors
        feedback = "".join(f'<div class="invalid-feedback d-block">{escape(e)}</div>' for e in field_errors) if errors else ""
        out.append(
            f'<td class="col-{field.name}">{head}'
            f"{cell_html(field, labels=labels, written=written, field_errors=field_errors)}{feedback}</td>"
        )
    return "".join(out)


@register.simple_tag
def formset_rows(formset) -> str:
    """The body rows of templates/planning/includes/formset_table.html, built in Python: a plan's lists
    are some twenty rows of eight cells, and the template's nested loops cost more than the cells."""
    out = []
    memo = ({}, {})
    for form in formset:
        out.append(f'<tr{" class=\"table-danger\"" if form.errors else ""}>{_row_cells(form, depth=form.initial.get("depth"), memo=memo)}')
        delete = cell_html(form["DELETE"], labels=memo[0], written=memo[1]) if form.initial.get("id") or form["id"].value() else ""
        out.append(f'<td class="text-center">{delete}</td></tr>')
        if form.non_field_errors():
            problems = " ".join(escape(error) for error in form.non_field_errors())
            out.append(f'<tr class="table-danger"><td colspan="20" class="small text-danger">{problems}</td></tr>')
    return mark_safe("".join(out))


@register.simple_tag
def management_form(formset) -> str:
    """`{{ formset.management_form }}`: its four hidden inputs written directly, not through the form's
    template (which renders an empty error list too); a management form with errors as Django renders it."""
    form = formset.management_form
    if form.errors:
        return str(form)
    return mark_safe("".join(_hidden_html(field) for field in form.hidden_fields()))


@register.simple_tag
def formset_head(empty_form) -> str:
    """The column heads of a formset table (`empty_form`: the formset's, built once for the heads and the new row)."""
    return mark_safe("".join(
        f'<th scope="col" class="col-{field.name}">{conditional_escape(field.label)}</th>'
        for field in empty_form.visible_fields() if field.name != "DELETE"
    ))


@register.simple_tag
def formset_new_row(empty_form) -> str:
    """The row static/js/planning.js clones for "Add": the formset's empty form."""
    return mark_safe(f"<tr>{_row_cells(empty_form, errors=False)}<td></td></tr>")
