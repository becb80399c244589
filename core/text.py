"""Text people type: without the invisible characters that rearrange or hide what is shown.

Bidirectional controls (U+202A..U+202E, U+2066..U+2069, U+200E/U+200F, U+061C) reverse the
text around a name wherever it is shown; zero-width characters (U+200B..U+200D, U+2060,
U+FEFF) make two names that look the same differ. Both are Unicode format characters
(category Cf). Forms and the API drop them (`strip_invisible`) and leave other control
characters to their validators (a NUL is a field error); imports and file names drop control
characters too (`clean_text`, `clean_name`).
"""

import unicodedata

_KEPT_IN_TEXT = {"\n", "\r", "\t"}


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf")


def strip_invisible(value: str) -> str:
    """`value` in NFC without format characters (Cf: direction and zero-width marks). Other control
    characters are left for the field's validators to refuse (a NUL is a field error, not dropped)."""
    if not value:
        return value
    return "".join(ch for ch in unicodedata.normalize("NFC", value) if unicodedata.category(ch) != "Cf")


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
    """Form mixin: every text field's input loses its direction and zero-width characters
    (`strip_invisible`) before it is validated, so "required" and length limits apply to what
    will be stored. Password fields are left alone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django import forms

        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                field.to_python = _cleaning(field.to_python, strip_invisible)


def _cleaning(to_python, clean):
    def wrapped(value):
        return to_python(clean(value) if isinstance(value, str) else value)

    return wrapped


def isolate(value) -> str:
    """`value` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: the plain-text `<bdi>`, for
    user text put into a sentence stored or sent as text (org-change lines, notifications, e-mails)."""
    return f"\u2068{value}\u2069"
