"""The form renderer: Django's widget templates through Jinja2, others through Django templates."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class WidgetRenderer(Jinja2):
    """Renders Django's built-in widgets with Jinja2 (the same HTML in about a third of the time: the
    plan steps hold some 250 inputs, measured in bench/pages.py); widget templates that exist only for
    the Django template engine (the admin's related-object wrapper) fall back to it."""

    @cached_property
    def fallback(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
