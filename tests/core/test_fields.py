"""core.fields draws a field's Bootstrap block as crispy-forms' bootstrap5 pack does: the same elements,
attributes and text, in the same order (only whitespace between tags differs)."""

from html.parser import HTMLParser

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms

from core.dates import DateField
from core.fields import render_field, render_form
from core.money import MoneyField
from tests.factories import AccountFactory, ContactFactory, OfferingFactory, OpportunityFactory, OrgUnitFactory

from accounts.forms import ContactForm, OpportunityForm
from planning.forms import Step4Form


class _Tokens(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("<", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tokens.append((">", tag))

    def handle_data(self, data):
        if data.split():
            self.tokens.append(("text", " ".join(data.split())))


def tokens(html: str) -> list:
    parser = _Tokens()
    parser.feed(str(html))
    parser.close()
    return parser.tokens


class Everything(forms.Form):
    """One field of each kind the product's forms use, with help texts, required and optional."""

    name = forms.CharField(label="Name <b>", help_text="Who <i>they</i> are")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    count = forms.IntegerField(min_value=0)
    when = DateField(label="When", required=False)
    amount = MoneyField(label="Amount", required=False)
    colour = forms.ChoiceField(choices=[("", "—"), ("r", "Red & rose"), ("g", "Green")], help_text="Pick one")
    agree = forms.BooleanField(label="I agree", help_text="Required to go on")
    optional_flag = forms.BooleanField(label="Flag", required=False)
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B <c>")], widget=forms.CheckboxSelectMultiple, help_text="Any of them"
    )
    one = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, required=False)
    grouped = forms.ChoiceField(choices=[("G1", [("1", "One"), ("2", "Two")]), ("3", "Three")], required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("The whole form <is> wrong.")


BAD = {"name": "", "count": "-1", "when": "not a date", "amount": "x", "colour": "z", "many": ["q"], "one": "w"}
GOOD = {"name": "Kim", "count": "3", "when": "2026-03-01", "amount": "1,000", "colour": "r", "agree": "on",
        "many": ["a", "b"], "one": "y", "grouped": "2", "notes": "a\nb"}


@pytest.mark.parametrize("data", [None, BAD, GOOD], ids=["unbound", "errors", "valid"])
def test_every_kind_of_field_is_drawn_as_crispy_draws_it(data):
    for name in Everything.base_fields:
        ours = Everything(data)
        theirs = Everything(data)
        assert tokens(render_field(ours[name])) == tokens(as_crispy_field(theirs[name])), name


@pytest.mark.parametrize("data", [None, BAD, GOOD], ids=["unbound", "errors", "valid"])
def test_a_whole_form_is_drawn_as_crispy_draws_it(data):
    assert tokens(render_form(Everything(data))) == tokens(as_crispy_form(Everything(data)))


@pytest.mark.django_db
@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "errors"])
def test_the_account_forms_and_step_4_are_drawn_as_crispy_draws_them(bound):
    account = AccountFactory()
    unit = OrgUnitFactory(account=account)
    contact = ContactFactory(account=account, org_unit=unit)
    ContactFactory(account=account, org_unit=unit)
    OfferingFactory.create_batch(3)
    opportunity = OpportunityFactory(account=account)
    data = {"name": "", "amount": "-5", "tier": "9", "happened_on": "x", "tam": "abc", "plan_1y": "x" * 9000} if bound else None
    makers = [
        lambda: ContactForm(data, instance=contact, account=account),
        lambda: OpportunityForm(data, instance=opportunity, account=account),
        lambda: Step4Form(data),
    ]
    for make in makers:
        assert tokens(render_form(make())) == tokens(as_crispy_form(make()))
