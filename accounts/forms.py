"""Input parsing and messages for the account pages. Rules that guard the data live in services."""

import datetime

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import CleanTextFormMixin
from accounts.models import (
    Account,
    AccountRisk,
    Contact,
    CustomerActivity,
    Interaction,
    Offering,
    Opportunity,
    OrgUnit,
    PricingTier,
    Relationship,
    UnmetNeed,
    User,
    level_from_title,
)
from core.dates import DateField
from core.money import MoneyField


def save_with(form: forms.Form, save: Callable[[], object]) -> bool:
    """Run a service (`save`) on a valid form, moving its ValidationError onto the form's fields
    (a field the form does not have: onto the form). Whether it saved."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field_name, field_errors in error.error_dict.items():
                form.add_error(field_name if field_name in form.fields else None, field_errors)
        else:
            form.add_error(None, error)
        return False
    return True


def _manager_label(name: str, title: str, unit: str | None) -> str:
    details = " · ".join(part for part in (title, unit or "") if part)
    return f"{name} — {details}" if details else name


class ContactForm(CleanTextFormMixin, forms.ModelForm):
    """A person in the customer's org chart, with the date a change to them took effect."""

    happened_on = DateField(
        label=_("Date of this change"),
        help_text=_("Written to the org-change log: when they joined, left, moved or changed role."),
    )

    class Meta:
        model = Contact
        fields = [
            "name", "title", "org_unit", "reports_to", "level",
            *Contact.BUYING_ROLE_FIELDS,
            "influence", "attitude", "status", "left_on", "email", "phone", "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "influence": forms.Select(choices=[(n, n) for n in range(1, 6)]),
        }
        field_classes = {"left_on": DateField}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["happened_on"].initial = timezone.localdate()
        self.fields["org_unit"].queryset = account.org_units.order_by("name")
        self.fields["org_unit"].error_messages["invalid_choice"] = _("Choose an org unit of this account.")
        managers = account.contacts.order_by("name")
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = managers
        # "Name — title · unit", so two people with one name are told apart; a filter box is
        # added above the list by static/js/boards.js (a plain select without JavaScript). Read as
        # values, not as people: the largest accounts offer a hundred of them.
        self.fields["reports_to"].choices = [
            ("", self.fields["reports_to"].empty_label),
            *((pk, _manager_label(name, title, unit)) for pk, name, title, unit in
              managers.values_list("pk", "name", "title", "org_unit__name")),
        ]
        self.fields["reports_to"].widget.attrs.update({
            "data-searchable": "",
            "data-search-label": _("Find a manager"),
            "data-search-placeholder": _("Type part of a name, title or unit"),
        })
        self.fields["reports_to"].error_messages["invalid_choice"] = _(
            "Choose a manager from this account's org chart."
        )
        self.fields["left_on"].help_text = _("Only for someone who left; today when left empty.")
        self.fields["level"].required = False
        self.fields["level"].choices = [("", _("From the title")), *Contact.Level.choices]
        self.fields["level"].help_text = _(
            "Matched one-to-one with our people of the same level. “From the title”: 대표, 전무, 상무, 이사, 본부장, "
            "director, chief… → executive; 부장, 차장, 과장, 팀장, manager, lead… → middle manager; otherwise staff."
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("level"):
            cleaned["level"] = level_from_title(cleaned.get("title") or "")
            self.instance.level = cleaned["level"]
        if cleaned.get("status") == Contact.Status.ACTIVE:
            cleaned["left_on"] = None
        return cleaned


class OrgUnitForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "parent", "is_purchasing"]

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        parents = account.org_units.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].error_messages["invalid_choice"] = _("Choose a parent unit of this account.")


TIER_CHOICES = [(tier, _("Tier %(tier)s") % {"tier": tier}) for tier in (1, 2, 3, 4)]


class OpportunityForm(CleanTextFormMixin, forms.ModelForm):
    tier = forms.TypedChoiceField(
        label=_("Tier"),
        choices=TIER_CHOICES,
        coerce=int,
        error_messages={"invalid_choice": _("The tier must be 1, 2, 3 or 4.")},
        help_text=_("Tier 1 is nearest to business; RFI and RFQ work moves Tier 3 and 4 up."),
    )
    offerings = forms.ModelMultipleChoiceField(
        label=_("Offerings"),
        queryset=Offering.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Opportunity
        fields = [
            "name", "sponsor_unit", "tier", "stage", "amount", "probability",
            "expected_close_date", "owner", "offerings", "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"amount": MoneyField, "expected_close_date": DateField}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["sponsor_unit"].queryset = account.org_units.order_by("name")
        self.fields["sponsor_unit"].error_messages["invalid_choice"] = _("Choose an org unit of this account.")
        self.fields["sponsor_unit"].help_text = _("The customer org unit that initiates this opportunity.")
        self.fields["owner"].queryset = User.objects.filter(account_memberships__account=account).order_by("last_name", "first_name")
        self.fields["owner"].error_messages["invalid_choice"] = _("The owner must be on this account's team.")
        offerings = Offering.objects.filter(is_active=True)
        if self.instance.pk:
            offerings = offerings | Offering.objects.filter(opportunities=self.instance)
        self.fields["offerings"].queryset = offerings.distinct().order_by("name")

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return amount


class OpportunityMoveForm(CleanTextFormMixin, forms.Form):
    """A move on the board: to another tier, to another stage, or both."""

    tier = forms.TypedChoiceField(
        choices=TIER_CHOICES, coerce=int, required=False,
        error_messages={"invalid_choice": _("The tier must be 1, 2, 3 or 4.")},
    )
    stage = forms.ChoiceField(
        choices=Opportunity.Stage.choices, required=False, error_messages={"invalid_choice": _("Unknown stage.")}
    )
    note = forms.CharField(max_length=300, required=False)


class RelationshipForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = Relationship
        fields = ["contact", "user", "strength", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "strength": forms.Select(choices=[(n, n) for n in range(1, 6)]),
        }

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = account.contacts.filter(status=Contact.Status.ACTIVE).order_by("name")
        self.fields["contact"].error_messages["invalid_choice"] = _("Choose a contact of this account.")
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
        self.fields["strength"].help_text = _("1 = barely know each other, 5 = trusted partner.")


class UnmetNeedForm(CleanTextFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Unmet need"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to remove the note."),
        max_length=UnmetNeed.NOTE_MAX_LENGTH,
    )


class GradeChangeForm(CleanTextFormMixin, forms.Form):
    grade = forms.ModelChoiceField(
        label=_("New grade"), queryset=PricingTier.objects.order_by("rank"), required=False, empty_label=_("No grade")
    )
    changed_on = DateField(label=_("Effective date"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_on"].initial = timezone.localdate()

    def clean_changed_on(self) -> datetime.date:
        changed_on = self.cleaned_data["changed_on"]
        if changed_on > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("The date must be within the next year."))
        return changed_on


class AccountLifecycleForm(CleanTextFormMixin, forms.Form):
    """An admin puts the account on hold, withdraws it or makes it active again, saying when and why."""

    lifecycle = forms.ChoiceField(label=_("Status"), choices=Account.Lifecycle.choices)
    lifecycle_since = DateField(label=_("Date of this change"))
    lifecycle_reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the account's history and shown on its pages."),
    )

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lifecycle"].choices = [
            (value, label) for value, label in Account.Lifecycle.choices if value != account.lifecycle
        ]
        self.fields["lifecycle_since"].initial = timezone.localdate()

    def clean_lifecycle_since(self) -> datetime.date:
        since = self.cleaned_data["lifecycle_since"]
        if since > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future: record the change when it happens."))
        return since


class AccountRiskForm(CleanTextFormMixin, forms.ModelForm):
    """A risk of the account's register: ours or the customer's, its impact and likelihood; closing it dates it."""

    class Meta:
        model = AccountRisk
        fields = [
            "title", "description", "owner_side", "owner_user", "owner_contact", "impact", "likelihood", "status",
            "shared_with_customer", "raised_on",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"raised_on": DateField}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
        self.fields["owner_contact"].queryset = account.contacts.order_by("name")
        self.fields["owner_contact"].error_messages["invalid_choice"] = _("Choose a contact of this account.")
        self.fields["raised_on"].initial = timezone.localdate()
        self.fields["raised_on"].required = False

    def clean(self):
        cleaned = super().clean()
        # The owner is on the risk's side: the other side's choice is dropped rather than refused.
        if cleaned.get("owner_side") == AccountRisk.Side.OURS:
            cleaned["owner_contact"] = None
        elif cleaned.get("owner_side") == AccountRisk.Side.CUSTOMER:
            cleaned["owner_user"] = None
        raised_on = cleaned.get("raised_on")
        if raised_on is not None and raised_on > timezone.localdate():
            self.add_error("raised_on", _("A risk is raised on a day that has come: the date cannot be in the future."))
        return cleaned


class CustomerActivityForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = CustomerActivity
        fields = ["kind", "title", "starts_on", "ends_on", "resolved_on", "contacts", "our_people", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "contacts": forms.SelectMultiple(attrs={"size": 6}),
            "our_people": forms.SelectMultiple(attrs={"size": 4}),
        }
        field_classes = {"starts_on": DateField, "ends_on": DateField, "resolved_on": DateField}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["contacts"].queryset = account.contacts.order_by("name")
        self.fields["contacts"].error_messages["invalid_choice"] = _("Choose participants from this account's contacts.")
        self.fields["our_people"].queryset = User.objects.filter(is_active=True).order_by("last_name", "first_name")

    def clean(self):
        cleaned = super().clean()
        starts_on = cleaned.get("starts_on")
        for name, message in (
            ("ends_on", _("The end date cannot be before the start date.")),
            ("resolved_on", _("An incident cannot be resolved before it started.")),
        ):
            if starts_on and cleaned.get(name) and cleaned[name] < starts_on:
                self.add_error(name, message)
        return cleaned


class InteractionForm(forms.ModelForm):
    """An interaction with the customer: their attendees are this account's contacts, ours are active users."""

    class Meta:
        model = Interaction
        fields = ["occurred_on", "kind", "their_attendees", "our_attendees", "note", "next_step"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "their_attendees": forms.SelectMultiple(attrs={"size": 6}),
            "our_attendees": forms.SelectMultiple(attrs={"size": 4}),
        }
        field_classes = {"occurred_on": DateField}

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.account = account
        self.fields["their_attendees"].queryset = account.contacts.order_by("name")
        self.fields["their_attendees"].required = True
        for code in ("invalid_choice", "invalid_pk_value"):
            self.fields["their_attendees"].error_messages[code] = _("Choose their attendees from this account's contacts.")
            self.fields["our_attendees"].error_messages[code] = _("Choose our attendees from our active people.")
        self.fields["their_attendees"].error_messages["required"] = _("Who did we meet? Choose at least one of their people.")
        self.fields["our_attendees"].queryset = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["our_attendees"].required = True
        self.fields["our_attendees"].error_messages["required"] = _("Who of ours took part? Choose at least one.")
