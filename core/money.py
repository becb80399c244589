"""Amounts of money the way people type them: 4,200,000,000 · 420억 · 42억 5,000만 · 3.5B · ₩12,000원.

`parse_money` is the one parser; `MoneyField` is the form field every amount input uses (its widget
shows thousands separators, and static/js/money.js keeps them while typing).
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

_NUMBER = r"\d+(?:\.\d+)?"
_KOREAN = re.compile(
    rf"^(?:(?P<jo>{_NUMBER})조)?(?:(?P<eok>{_NUMBER})억)?(?:(?P<man>{_NUMBER})만)?(?:(?P<cheon>{_NUMBER})천)?(?P<rest>{_NUMBER})?$"
)
_ENGLISH = re.compile(rf"^(?P<number>{_NUMBER})(?P<unit>[kmbt])$")
_KOREAN_UNITS = {"jo": Decimal(10) ** 12, "eok": Decimal(10) ** 8, "man": Decimal(10) ** 4, "cheon": Decimal(1000), "rest": Decimal(1)}
_ENGLISH_UNITS = {"k": Decimal(10) ** 3, "m": Decimal(10) ** 6, "b": Decimal(10) ** 9, "t": Decimal(10) ** 12}


def parse_money(text: str) -> Decimal:
    """The amount `text` says, in won; ValueError when it says none.

    Thousands separators, spaces, a currency sign or code (₩, KRW, 원) are ignored; Korean units
    (조, 억, 만, 천) combine ("42억 5,000만"), English ones stand alone ("3.5B", "350M", "12k").
    """
    cleaned = re.sub(r"[\s,_]", "", str(text)).lower()
    cleaned = cleaned.removeprefix("krw").removeprefix("₩").removesuffix("krw").removesuffix("원")
    sign = Decimal(1)
    if cleaned.startswith("-"):
        sign, cleaned = Decimal(-1), cleaned[1:]
    if not cleaned:
        raise ValueError(text)
    match = _ENGLISH.match(cleaned)
    if match:
        return sign * Decimal(match["number"]) * _ENGLISH_UNITS[match["unit"]]
    match = _KOREAN.match(cleaned)
    if not match or not any(match.groupdict().values()):
        raise ValueError(text)
    try:
        total = sum(
            (Decimal(value) * _KOREAN_UNITS[unit] for unit, value in match.groupdict().items() if value), Decimal(0)
        )
    except InvalidOperation as error:
        raise ValueError(text) from error
    return sign * total.normalize() if total == total.to_integral_value() else sign * total


class MoneyInput(forms.TextInput):
    """A text input (not type=number, which refuses separators and units) shown with thousands separators."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "data-money": "", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            amount = Decimal(value)
            return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,}"
        return super().format_value(value)


class MoneyField(forms.DecimalField):
    """An amount in won typed as people type it (see `parse_money`)."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": _("Enter an amount, for example 4,200,000,000 or 42억 or 42억 5,000만."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_money(str(value).strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):  # number-input attributes mean nothing on a text input
            attrs.pop(name, None)
        return attrs
