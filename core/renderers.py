"""The form renderer: the plan steps hold some 250 inputs and 1,500 select options, and Django renders
each widget and each option through a template. Here the plain `<input>`, `<textarea>` and `<select>`
widgets are written directly (the same HTML as Django's Jinja2 templates for them, escaped as MarkupSafe
escapes), the other built-in widgets go through Django's Jinja2 widget templates
(a third of the Django template engine's time), and widget templates that exist only for the Django
template engine (the admin's related-object wrapper) fall back to it. Measured in bench/pages.py."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property

# Django's widget templates that are nothing but django/forms/widgets/input.html.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
                 "checkbox", "search", "tel", "color")
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def escape(value) -> str:
    """markupsafe.escape(value) as a plain string: the same characters replaced (`&<>'"`), an object with
    `__html__` taken as it is, without a Markup object for each of a form's thousands of attributes."""
    if type(value) is not str:
        if hasattr(value, "__html__"):
            return value.__html__()
        value = str(value)
    return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")


def render_attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {escape(name)}")
        elif value is not False:
            out.append(f' {escape(name)}="{escape(value)}"')
    return "".join(out)


def render_input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{render_attrs(widget["attrs"])}>'


def render_textarea(widget: dict) -> str:
    return f'<textarea name="{escape(widget["name"])}"{render_attrs(widget["attrs"])}>\n{escape(widget["value"] or "")}</textarea>'


def render_select(widget: dict) -> str | None:
    """django/forms/widgets/select.html with its options; None when an option has a template of its own."""
    parts = [f'<select name="{escape(widget["name"])}"{render_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(f'\n  <option value="{escape(option["value"])}"{render_attrs(option["attrs"])}>{escape(option["label"])}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class WidgetRenderer(Jinja2):
    @cached_property
    def fallback(self) -> DjangoTemplates:
        return DjangoTemplates()

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return render_textarea(context["widget"])
        if template_name == SELECT_TEMPLATE and (html := render_select(context["widget"])) is not None:
            return html
        return super().render(template_name, context, request=request)

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
