"""One parser for amounts as people type them, and the form field built on it."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from core.money import MoneyField, MoneyInput, parse_money


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("42000000000", 42_000_000_000),
        ("4,200,000,000", 4_200_000_000),
        ("  4,200,000,000 ", 4_200_000_000),
        ("420억", 42_000_000_000),
        ("42억 5,000만", 4_250_000_000),
        ("42억5000만원", 4_250_000_000),
        ("1.5억", 150_000_000),
        ("3,500만", 35_000_000),
        ("1조 2,000억", 1_200_000_000_000),
        ("5천", 5_000),
        ("12억 3456", 1_200_003_456),
        ("₩12,000", 12_000),
        ("KRW 12,000", 12_000),
        ("12,000원", 12_000),
        ("3.5B", 3_500_000_000),
        ("350M", 350_000_000),
        ("12k", 12_000),
        ("-5만", -50_000),
        ("0", 0),
    ],
)
def test_parse_money_reads_what_people_type(text, amount):
    assert parse_money(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "억", "abc", "42억 억", "4.2.1", "12 apples", "만42", "3.5X", "-", "1e9"])
def test_parse_money_refuses_what_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_money(text)


class BudgetForm(forms.Form):
    budget = MoneyField(min_value=0, max_digits=16, decimal_places=0, required=False)


@pytest.mark.parametrize(("text", "amount"), [("42억 5,000만", 4_250_000_000), ("4,200,000,000", 4_200_000_000), ("", None)])
def test_the_field_accepts_units_and_separators(text, amount):
    form = BudgetForm(data={"budget": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["budget"] == (None if amount is None else Decimal(amount))


@pytest.mark.parametrize("text", ["lots", "1.5만원 정도", "-5억", "1.23456"])
def test_the_field_gives_its_message_on_bad_input(text):
    with translation.override("en"):
        form = BudgetForm(data={"budget": text})
        assert not form.is_valid()
    assert form.errors["budget"]


def test_the_message_names_the_ways_to_type_an_amount():
    with translation.override("ko"):
        form = BudgetForm(data={"budget": "lots"})
        assert not form.is_valid()
        assert "42억" in form.errors["budget"][0]


def test_the_input_shows_thousands_separators_and_no_number_attributes():
    html = str(BudgetForm(initial={"budget": Decimal("42000000000")})["budget"])
    assert 'value="42,000,000,000"' in html
    assert 'type="text"' in html and "data-money" in html and "min=" not in html
    assert MoneyInput().format_value("42억") == "42억"
