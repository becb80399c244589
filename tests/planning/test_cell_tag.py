"""The `cell` filter writes plain inputs itself: the same HTML as Django's as_widget()."""

from django import forms

from planning.forms import PlainNumberInput
from planning.templatetags.planning_tags import cell


class Grid(forms.Form):
    amount = forms.DecimalField(label="Revenue, Q1", required=False, widget=PlainNumberInput(attrs={"step": "any"}))
    must = forms.DecimalField(label="Must <b>", widget=PlainNumberInput(attrs={"step": "any"}))
    chosen = forms.BooleanField(label="Use it", required=False)
    note = forms.CharField(label="Note", required=False, disabled=True, initial='say "hi" & <bye>')
    code = forms.IntegerField(label="Code", help_text="Four digits", min_value=1000)


def slow(bound, css):
    return bound.as_widget(attrs={"class": css + (" is-invalid" if bound.errors else ""), "aria-label": str(bound.label)})


def test_cell_writes_what_as_widget_writes_for_plain_inputs_unbound_and_with_errors():
    forms_ = (Grid(initial={"amount": "40.0000"}), Grid(data={"amount": "x", "chosen": "on", "code": "7"}),
              Grid(data={"amount": "12.5", "code": "1234"}), Grid(initial={"code": 1}, auto_id=False))
    for form in forms_:
        form.is_valid()
        for name in ("amount", "must", "note", "code"):
            assert str(cell(form[name])) == str(slow(form[name], "form-control form-control-sm")), name
        assert str(cell(form["chosen"])) == str(slow(form["chosen"], "form-check-input"))


def test_cell_keeps_a_ticked_box_ticked():
    assert "checked" in str(cell(Grid(data={"chosen": "on"})["chosen"]))
    assert "checked" in str(cell(Grid(initial={"chosen": True})["chosen"]))


def test_targets_grid_opens_the_months_of_a_kpi_with_a_month_target(db):
    from decimal import Decimal

    from performance.models import KpiDefinition
    from planning.forms import TargetsForm
    from planning.targets import TargetInput
    from planning.templatetags.targets_grid import target_rows
    from tests.factories import AccountPlanFactory

    revenue = KpiDefinition.objects.get(code="revenue")
    others = list(KpiDefinition.objects.exclude(pk=revenue.pk)[:1])
    months = [None] * 12
    months[1] = Decimal("7.5000")
    form = TargetsForm(
        kpis=[revenue, *others], inputs={revenue.pk: TargetInput(chosen=True, months=months)},
        month_labels=[f"M{i}" for i in range(1, 13)], fiscal_year=2026,
    )
    html = str(target_rows(form, AccountPlanFactory()))
    first, *rest = html.split("</tbody>")[:-1]
    assert "<details open>" in first and 'value="7.5' in first and "is-chosen" in first and "checked" in first
    # Folded empty months are fetched when opened (tests/planning/test_views_target_months.py).
    assert all("<details hx-get=" in row and "is-chosen" not in row and "targets-m1_" not in row for row in rest)
    assert "FY 2027" in first and "FY 2028" in first


def test_cell_writes_a_shared_choice_as_as_widget_writes_it():
    from types import SimpleNamespace

    from django.utils import translation

    from planning.forms import FixedChoiceField, ObjectChoiceField, ObjectChoices
    from planning.models import ActionItem

    people = ObjectChoices(
        [SimpleNamespace(pk=1, name="Kim & 'Lee'"), SimpleNamespace(pk=2, name='Park "P"')], label_of=lambda p: p.name
    )

    class Row(forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["owner"] = ObjectChoiceField(offered=people, label="Owner")
            self.fields["needed"] = ObjectChoiceField(offered=people, label="Needed", required=True)

        status = FixedChoiceField(label="Status", choices=ActionItem.Status.choices, initial=ActionItem.Status.DONE)

    for language in ("en", "ko"):
        with translation.override(language):
            for form in (Row(), Row(initial={"owner": people.objects["2"]}), Row(data={"owner": "9", "status": "x"}),
                         Row(data={"owner": "1", "status": "blocked"})):
                form.is_valid()
                for name in ("owner", "needed", "status"):
                    assert str(cell(form[name])) == str(slow(form[name], "form-select form-select-sm")), name
            assert ("막힘" in str(cell(Row()["status"]))) == (language == "ko")


def test_rows_share_a_fixed_choice_lists_choices_and_still_each_refuse_a_bad_one():
    from planning.forms import StrategicTaskRow
    from planning.models import StrategicTask

    first, second = StrategicTaskRow(data={"title": "A", "target_year": "2027", "status": "nonsense"}), StrategicTaskRow(
        data={"title": "B", "target_year": "2027", "status": StrategicTask.Status.DONE})
    assert first.fields["status"] is not second.fields["status"]
    assert first.fields["status"].choices == list(StrategicTask.Status.choices)
    assert not first.is_valid() and list(first.errors) == ["status"]
    assert second.is_valid(), second.errors
    second.fields["status"].choices = [("x", "X")]  # a form changing its copy's choices changes only its own
    assert StrategicTaskRow().fields["status"].choices == list(StrategicTask.Status.choices)
