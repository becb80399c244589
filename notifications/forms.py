from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationKind


class PreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Notify me about"), choices=NotificationKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
