"""The form renderer writes plain inputs and textareas itself: the HTML must be Django's, byte for byte."""

import datetime

import pytest
from django import forms
from django.forms.renderers import Jinja2

from kam.renderers import WidgetRenderer

TRICKY = 'He said "<b>5 > 3</b>" & it\'s {{ true }}'


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="Help")
    number = forms.DecimalField(required=False, widget=forms.NumberInput(attrs={"step": "any", "class": "x"}))
    flag = forms.BooleanField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "readonly": True, "hidden": False}))
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "data-x": TRICKY}))
    email = forms.EmailField(required=False, disabled=True)
    choice = forms.ChoiceField(choices=[("a", TRICKY), ("b", "B")], required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": TRICKY, "number": "12.50", "flag": "on", "day": "2026-11-28", "secret": TRICKY, "notes": TRICKY,
         "choice": "a"},
        {"text": "", "number": "not a number", "notes": "", "day": "31/02/2026"},
    ],
)
def test_fast_widgets_render_exactly_what_djangos_templates_render(data):
    initial = {"text": "é", "number": 3, "flag": True, "day": datetime.date(2026, 1, 2), "notes": "line\nline"}
    ours = Everything(data, initial=initial, renderer=WidgetRenderer())
    theirs = Everything(data, initial=initial, renderer=Jinja2())
    for name in Everything.base_fields:
        assert str(ours[name]) == str(theirs[name]), name
        assert ours[name].as_widget(attrs={"aria-label": TRICKY}) == theirs[name].as_widget(attrs={"aria-label": TRICKY})


def test_widgets_known_only_to_django_templates_still_render(db):
    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper  # noqa: F401 (the admin's own template)

    html = WidgetRenderer().render("admin/widgets/related_widget_wrapper.html", {"widget": {}, "rendered_widget": "x"})
    assert "related-widget-wrapper" in html
