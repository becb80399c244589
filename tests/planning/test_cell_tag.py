"""The `cell` filter writes plain inputs itself: the same HTML as Django's as_widget()."""

from django import forms

from planning.forms import PlainNumberInput
from planning.templatetags.planning_tags import cell


class Grid(forms.Form):
    amount = forms.DecimalField(label="Revenue, Q1", required=False, widget=PlainNumberInput(attrs={"step": "any"}))
    must = forms.DecimalField(label="Must <b>", widget=PlainNumberInput(attrs={"step": "any"}))
    chosen = forms.BooleanField(label="Use it", required=False)
    note = forms.CharField(label="Note", required=False, disabled=True, initial='say "hi" & <bye>')


def slow(bound, css):
    return bound.as_widget(attrs={"class": css + (" is-invalid" if bound.errors else ""), "aria-label": str(bound.label)})


def test_cell_writes_what_as_widget_writes_for_plain_inputs_unbound_and_with_errors():
    for form in (Grid(initial={"amount": "40.0000"}), Grid(data={"amount": "x", "chosen": "on"}), Grid(data={"amount": "12.5"})):
        form.is_valid()
        for name in ("amount", "must", "note"):
            assert str(cell(form[name])) == str(slow(form[name], "form-control form-control-sm")), name
        assert str(cell(form["chosen"])) == str(slow(form["chosen"], "form-check-input"))


def test_cell_keeps_a_ticked_box_ticked():
    assert "checked" in str(cell(Grid(data={"chosen": "on"})["chosen"]))
    assert "checked" in str(cell(Grid(initial={"chosen": True})["chosen"]))
