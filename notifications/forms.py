from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationKind


class LanguageSelect(forms.Select):
    """Each language is named in itself, and marked so (`lang`) for screen readers and spell checks."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


def language_choices() -> list[tuple[str, str]]:
    """The site's default (named), then each offered language in its own name, as the navbar lists them."""
    default = get_language_info(settings.LANGUAGE_CODE)["name_local"]
    return [
        ("", _("Site default (%(language)s)") % {"language": default}),
        *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES),
    ]


class PreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Notify me about"), choices=NotificationKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(
        label=_("Language of the site and your e-mails"),
        choices=language_choices,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the languages offered.")},
        widget=LanguageSelect(attrs={"class": "form-select form-select-sm"}),
    )
