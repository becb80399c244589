"""Text people type: without the invisible characters that rearrange or hide what is shown.

Bidirectional controls (U+202A..U+202E, U+2066..U+2069, U+200E/U+200F, U+061C) reverse the
text around a name wherever it is shown; zero-width characters (U+200B..U+200D, U+2060,
U+FEFF) make two names that look the same differ. Both are Unicode format characters
(category Cf); other control characters (Cc) are dropped too, except tab and line breaks in
multi-line text.
"""

import unicodedata

_KEPT_IN_TEXT = {"\n", "\r", "\t"}


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf")


def clean_text(value: str) -> str:
    """`value` in NFC without format and control characters (tab and line breaks kept)."""
    if not value:
        return value
    value = unicodedata.normalize("NFC", value)
    return "".join(ch for ch in value if ch in _KEPT_IN_TEXT or not _is_control(ch))


def clean_name(value: str) -> str:
    """A one-line name, title or file name: NFC without any control, format, private-use or
    unassigned character (Unicode category C), tabs and line breaks included."""
    if not value:
        return value
    value = unicodedata.normalize("NFC", value)
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")


class CleanTextFormMixin:
    """Form mixin: every text field's input is cleaned before it is validated (`clean_text` for
    text areas, `clean_name` for one-line fields), so "required" and length limits apply to what
    will be stored. Password fields are left alone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django import forms

        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                clean = clean_text if isinstance(field.widget, forms.Textarea) else clean_name
                field.to_python = _cleaning(field.to_python, clean)


def _cleaning(to_python, clean):
    def wrapped(value):
        return to_python(clean(value) if isinstance(value, str) else value)

    return wrapped


def isolate(value) -> str:
    """`value` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: the plain-text `<bdi>`, for
    user text put into a sentence stored or sent as text (org-change lines, notifications, e-mails)."""
    return f"\u2068{value}\u2069"
