"""A form field as its Bootstrap block (label, control, errors, help text), written in Python.

The same HTML as crispy-forms' bootstrap5 `field.html` with the context of `|crispy` and
`|as_crispy_field` (labels and errors shown, no label or field classes, errors as blocks, help text
after them) — the same classes, ids and aria attributes, only without crispy's whitespace — for the
widgets the product's forms use: inputs, textareas, selects, checkboxes and lists of checkboxes or
radio buttons. A file input falls back to crispy's template. crispy renders each field through six
templates; the plan's steps and the account forms draw dozens of fields on every request
(measured in bench/forms.py). tests/core/test_fields.py holds the two to the same output.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

# The widgets drawn here; any other (files, multi-widgets) goes through crispy's template.
DRAWN = (Input, forms.Textarea, forms.Select, forms.CheckboxInput, forms.RadioSelect)


def _control_class(bound_field: BoundField) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.Select):
        return "form-select"
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    return "form-control"


def _add_classes(widget: forms.Widget, classes: str) -> None:
    """What crispy's `{% crispy_field field 'class' '…' %}` does to the widget before rendering it."""
    name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if css:
        if css.find(name) == -1:
            css += f" {name}"
    else:
        css = name
    for token in classes.split():
        if token not in css.split():
            css += f" {token}"
    widget.attrs["class"] = css


def _control(bound_field: BoundField, classes: str) -> str:
    _add_classes(bound_field.field.widget, classes)
    return str(bound_field)


def _errors(bound_field: BoundField) -> str:
    errors = bound_field.errors
    if not errors:
        return ""
    auto_id = bound_field.auto_id
    items = "".join(
        f'<p id="error_{number}_{auto_id}"><strong>{conditional_escape(error)}</strong></p>'
        for number, error in enumerate(errors, start=1)
    )
    return f'<div id="{errors.field_id}_error" class="invalid-feedback">{items}</div>'


def _help(bound_field: BoundField) -> str:
    if not bound_field.help_text:
        return ""
    ident = f'id="{bound_field.auto_id}_helptext" ' if bound_field.auto_id else ""
    return f'<div {ident}class="form-text">{bound_field.help_text}</div>'


def _label_text(bound_field: BoundField) -> str:
    asterisk = '<span class="asteriskField">*</span>' if bound_field.field.required else ""
    return f"{conditional_escape(bound_field.label)}{asterisk}"


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _choices(bound_field: BoundField) -> str:
    """bootstrap5/layout/radio_checkbox_select.html: one `form-check` per option, errors after the last."""
    widget = bound_field.field.widget
    ident = widget.attrs.get("id") or bound_field.auto_id
    attrs = bound_field.build_widget_attrs({"id": ident} if ident else {})
    groups = widget.optgroups(bound_field.html_name, widget.format_value(bound_field.value()), attrs)
    invalid = " is-invalid" if bound_field.errors else ""
    parts = ["<div>"]
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            parts.append(f"<strong>{conditional_escape(group)}</strong>")
        for option_number, option in enumerate(options, start=1):
            last = option_number == len(options) and group_number == len(groups)
            parts.append(
                f'<div class="form-check"><input type="{escape(option["type"])}" class="form-check-input{invalid}" '
                f' name="{escape(bound_field.html_name)}" value="{escape(str(option["value"]))}"'
                f'{_attrs(option["attrs"])}><label for="{escape(option["attrs"].get("id", ""))}" class="form-check-label">'
                f'{conditional_escape(str(option["label"]))}</label>{_errors(bound_field) if last else ""}</div>'
            )
    parts.append("</div>")
    parts.append(_help(bound_field))
    return "".join(parts)


def render_field(bound_field: BoundField) -> SafeString:
    """The field's Bootstrap block, as crispy's bootstrap5 template pack draws it."""
    widget = bound_field.field.widget
    if bound_field.is_hidden:
        return mark_safe(str(bound_field))
    if isinstance(widget, forms.FileInput) or not isinstance(widget, DRAWN):
        return as_crispy_field(bound_field)
    invalid = " is-invalid" if bound_field.errors else ""
    required = " requiredField" if bound_field.field.required else ""
    css = bound_field.css_classes()
    extra = f" {css}" if css else ""
    if isinstance(widget, forms.CheckboxInput):
        control = _control(bound_field, f"form-check-input{invalid}")
        return mark_safe(
            f'<div class="mb-3"><div id="div_{bound_field.auto_id}" class="form-check{extra}">{control}'
            f'<label for="{bound_field.id_for_label}" class="form-check-label{required}">{_label_text(bound_field)}</label>'
            f"{_errors(bound_field)}{_help(bound_field)}</div></div>"
        )
    parts = [f'<div id="div_{bound_field.auto_id}" class="mb-3{extra}">']
    fieldset = bound_field.use_fieldset
    if bound_field.label:
        if fieldset:
            described = bound_field.aria_describedby
            parts.append(f'<fieldset aria-describedby="{described}">' if described else "<fieldset>")
        tag = "legend" if fieldset else "label"
        label_for = f'for="{bound_field.id_for_label}" ' if bound_field.id_for_label else ""
        parts.append(
            f'<{tag} {label_for}class="form-label{required}{" fs-6" if fieldset else ""}">{_label_text(bound_field)}</{tag}>'
        )
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        parts.append(_choices(bound_field))
    else:
        parts.append(_control(bound_field, f"{_control_class(bound_field)}{invalid}"))
        parts.append(_errors(bound_field))
        parts.append(_help(bound_field))
    if fieldset and bound_field.label:
        parts.append("</fieldset>")
    parts.append("</div>")
    return mark_safe("".join(parts))


def render_form(form: forms.BaseForm) -> SafeString:
    """`{{ form|crispy }}`: the form's own errors, then every field's block."""
    errors = form.non_field_errors()
    head = ""
    if errors:
        items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
        head = f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>'
    return mark_safe(head + "".join(render_field(field) for field in form))

