"""The form renderer writes plain inputs and textareas itself: the HTML must be Django's, byte for byte."""

import datetime

import pytest
from django import forms
from django.forms.renderers import Jinja2

from core.renderers import WidgetRenderer

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
    grouped = forms.ChoiceField(
        choices=[("", "---"), (TRICKY, [("g1", "One"), ("g2", TRICKY)]), ("Other", [(3, "Three")]), ("z", "Zed")],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", TRICKY)], required=False)
    maybe = forms.NullBooleanField(required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": TRICKY, "number": "12.50", "flag": "on", "day": "2026-11-28", "secret": TRICKY, "notes": TRICKY,
         "choice": "a", "grouped": "g2", "several": ["a", "c"], "maybe": "true"},
        {"text": "", "number": "not a number", "notes": "", "day": "31/02/2026", "grouped": "nope", "several": ["x"]},
    ],
)
def test_fast_widgets_render_exactly_what_djangos_templates_render(data):
    initial = {"text": "é", "number": 3, "flag": True, "day": datetime.date(2026, 1, 2), "notes": "line\nline"}
    ours = Everything(data, initial=initial, renderer=WidgetRenderer())
    theirs = Everything(data, initial=initial, renderer=Jinja2())
    for name in Everything.base_fields:
        assert str(ours[name]) == str(theirs[name]), name
        assert ours[name].as_widget(attrs={"aria-label": TRICKY}) == theirs[name].as_widget(attrs={"aria-label": TRICKY})


def test_model_choices_render_exactly_as_django_renders_them(db):
    from accounts.models import User
    from tests.factories import make_account_manager

    make_account_manager(username="kim")
    make_account_manager(username="lee")
    User.objects.filter(username="kim").update(first_name=TRICKY)

    class Owner(forms.Form):
        owner = forms.ModelChoiceField(User.objects.order_by("username"), required=False)
        people = forms.ModelMultipleChoiceField(User.objects.order_by("username"), required=False)

    chosen = {"owner": User.objects.get(username="lee").pk, "people": list(User.objects.values_list("pk", flat=True))}
    for data in (None, chosen):
        assert str(Owner(data, renderer=WidgetRenderer())) == str(Owner(data, renderer=Jinja2()))


def test_an_option_with_a_template_of_its_own_goes_through_the_templates():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/attrs.html"  # any other template: not written directly

    field = forms.ChoiceField(choices=[("a", "A")], widget=Special)
    html = field.widget.render("x", "a", renderer=WidgetRenderer())
    assert html == field.widget.render("x", "a", renderer=Jinja2())
    assert "<option" not in html


def test_widgets_known_only_to_django_templates_still_render(db):
    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper  # noqa: F401 (the admin's own template)

    html = WidgetRenderer().render("admin/widgets/related_widget_wrapper.html", {"widget": {}, "rendered_widget": "x"})
    assert "related-widget-wrapper" in html


@pytest.mark.parametrize("value", [TRICKY, "", "plain", 5, 1.5, None, datetime.date(2026, 1, 2), "\u00e9 \ud55c &amp;",
                                   "<>&'\"" * 3])
def test_the_renderers_escape_is_markupsafes_as_a_string(value):
    from django.utils.safestring import mark_safe
    from markupsafe import Markup
    from markupsafe import escape as markupsafe_escape

    from core.renderers import escape

    assert escape(value) == str(markupsafe_escape(value)) and type(escape(value)) is not Markup
    for safe in (mark_safe(f"<b>{value}</b>"), Markup(f"<i>{value}</i>")):
        assert escape(safe) == str(markupsafe_escape(safe))
