"""Input for the organisation workspace: parsing and messages only; the services do the writes."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account, AccountTeamMember, BusinessUnit, Level, User
from accounts.roles import Role
from accounts.selectors_org import people_choices


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = str(obj)
        return f"{name} ({obj.username})" if name != obj.username else name


def _active_units(kind: str | None = None):
    units = BusinessUnit.objects.filter(is_active=True).order_by("name")
    return units.filter(kind=kind) if kind else units


class UnitCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=BusinessUnit.Kind.choices, initial=BusinessUnit.Kind.VERTICAL)
    parent = forms.ModelChoiceField(
        label=_("Parent unit"), queryset=_active_units(), required=False,
        help_text=_("Optional: a unit of the same kind this one belongs to."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ConfirmForm(forms.Form):
    """A confirmation without fields: the POST itself is the confirmation."""


class UnitRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=120)


class UnitMergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Merge into"), queryset=BusinessUnit.objects.none())

    def __init__(self, *args, unit: BusinessUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = _active_units(unit.kind).exclude(pk=unit.pk)
        self.fields["target"].help_text = _(
            "Its accounts, people, sub-units and offerings move to the chosen unit, and this unit is closed."
        )


class AccountMoveForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Vertical unit"), queryset=BusinessUnit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _active_units(BusinessUnit.Kind.VERTICAL)


class TeamMemberForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role on the team"), choices=AccountTeamMember.Role.choices, initial=AccountTeamMember.Role.SALES_REP)
    previous_kam = forms.ChoiceField(
        label=_("The previous KAM"),
        choices=[("stays", _("stays on the team as a sales rep")), ("leaves", _("leaves the team"))],
        initial="stays",
        required=False,
        help_text=_("Only when the role is KAM and the account has one: the new KAM replaces them in one step."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_choices()


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("Not set")), *Level.choices], required=False)


class HandoverForm(forms.Form):
    successor = PersonChoiceField(
        label=_("Successor on the account teams"), queryset=User.objects.none(),
        help_text=_("Takes their place on every account team, as KAM where they were KAM."),
    )
    work_successor = PersonChoiceField(
        label=_("Successor for plan drafts, actions and reviews"), queryset=User.objects.none(), required=False,
        help_text=_("Empty: the same successor. A plan's KAM is its account's KAM: plan drafts and their open reviews go with the account to its new KAM."),
    )

    confirm = forms.BooleanField(label=_("I have read the list above: hand all of it over and deactivate this person."))

    def __init__(self, *args, person: User, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("successor", "work_successor"):
            self.fields[name].queryset = people_choices().exclude(pk=person.pk)


class InviteForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ACCOUNT_MANAGER)
    business_unit = forms.ModelChoiceField(label=pgettext_lazy("business unit", "Unit"), queryset=BusinessUnit.objects.none(), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("Not set")), *Level.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_unit"].queryset = _active_units()


class MatrixFilterForm(forms.Form):
    """Only to draw the filter bar; the selector parses the query string itself."""

    unit = forms.ModelChoiceField(
        label=pgettext_lazy("business unit", "Unit"), queryset=BusinessUnit.objects.none(), required=False, empty_label=_("All units")
    )
    person = PersonChoiceField(label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Anyone"))
    team_type = forms.ChoiceField(label=_("Team type"), choices=[("", _("Any team type")), *Account.TeamType.choices], required=False)
    key = forms.BooleanField(label=_("Key accounts only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _active_units()
        self.fields["person"].queryset = people_choices()
        for name in ("unit", "person", "team_type"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
