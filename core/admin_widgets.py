"""Admin pickers for inlines of many rows: each row's autocomplete is named from the row itself.

Django's autocomplete asks the database for the name of its selected object, once per row. An inline
using `KnownNamesInlineMixin` (with its form a `KnownNamesForm`) names each row's selection from the
row's own related object instead; fetch those with the inline's `get_queryset().select_related(...)`.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect


class KnownNameAutocompleteSelect(AutocompleteSelect):
    """An autocomplete told the name of its selected value (`known`: {value: name})."""

    known: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for option_value in sorted(selected):
            options.append(self.create_option(name, option_value, self.known[option_value], selected, len(options)))
        return [(None, options, 0)]


class KnownNamesForm(forms.ModelForm):
    """Tells each known-name picker the name of the object its row holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            picker = getattr(field.widget, "widget", field.widget)
            if isinstance(picker, KnownNameAutocompleteSelect):
                related = getattr(self.instance, name, None)
                if related is not None:
                    picker.known = {str(related.pk): field.label_from_instance(related)}


class KnownNamesInlineMixin:
    """An inline whose foreign-key autocompletes are named from each row (see the module's docstring)."""

    form = KnownNamesForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = KnownNameAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
