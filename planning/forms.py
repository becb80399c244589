"""Input parsing for the plan's steps, meetings, decisions and reviews. Rules live in planning.services."""

from functools import partial

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone
from django.utils.functional import cached_property
from markupsafe import escape  # as core.renderers escapes
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import CleanTextFormMixin
from accounts.models import Account, Contact, OrgUnit, Opportunity
from core import params
from core.dates import DateField, DateTimeField
from core.money import MoneyField, MoneyInput
from performance.models import KpiDefinition
from planning.models import (
    COMMENT_MAX,
    LONG_TEXT_MAX,
    ROW_TEXT_MAX,
    AccountPlan,
    ActionItem,
    Confidence,
    Decision,
    GrantStatus,
    MarketingAction,
    Opinion,
    StrategicTask,
    SupportRequest,
)
from planning.grants import GrantInput
from planning.targets import TargetInput, number

TEXTAREA = {"rows": 3}


def _option_parts(choices) -> list[tuple[str, str, str]]:
    """Each choice's `<option>` as core.renderers.render_select writes it, cut where ` selected` goes."""
    return [(str(key), f'\n  <option value="{escape(key)}"', f">{escape(label)}</option>") for key, label in choices]


def _options_html(parts: list[tuple[str, str, str]], selected: str | None) -> str:
    """The options, the first whose key is `selected` selected (as a single select marks it)."""
    out, found = [], False
    for key, head, tail in parts:
        if not found and key == selected:
            found = True
            out.append(f"{head} selected{tail}")
        else:
            out.append(f"{head}{tail}")
    return "".join(out)


class ObjectChoices:
    """Objects to choose among and their labels, built once and shared by every row of a formset
    (and their `<option>`s written once: see planning_tags.cell)."""

    def __init__(self, objects=(), label_of=str):
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [("", "—")] + [(key, label_of(obj)) for key, obj in self.objects.items()]

    @cached_property
    def _parts(self) -> list[tuple[str, str, str]]:
        return _option_parts(self.choices)

    def options_html(self, selected: str | None) -> str:
        return _options_html(self._parts, selected)


class FixedChoiceField(forms.ChoiceField):
    """A choice among a model's TextChoices, fixed with the form class: every row's copy of the field
    shares its `<option>`s, written once per language (see planning_tags.cell)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._written = {}

    def __deepcopy__(self, memo):
        # Each row's form copies its fields: the choices are fixed with the form class, so the copies share them
        # (ChoiceField's own copy would copy every choice and its lazy label for every row).
        result = forms.Field.__deepcopy__(self, memo)
        result._written = self._written
        return result

    def options_html(self, selected: str | None) -> str:
        language = get_language()
        if language not in self._written:
            self._written[language] = _option_parts(self.choices)
        return _options_html(self._written[language], selected)


NOTHING = ObjectChoices()


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects loaded once, so a formset of many rows costs no query per row."""

    def __init__(self, *, offered: ObjectChoices, **kwargs):
        self.offered = offered
        self.objects = offered.objects
        kwargs.setdefault("required", False)
        # ChoiceField.__init__ without normalizing the choices again for every row: they are 2-tuples already.
        forms.Field.__init__(self, **kwargs)
        self._choices = self.widget.choices = offered.choices

    def options_html(self, selected: str | None) -> str:
        return self.offered.options_html(selected)

    def clean(self, value):
        key = super().clean(value)
        return self.objects.get(key) if key else None

    def prepare_value(self, value):
        return str(value.pk) if hasattr(value, "pk") else ("" if value is None else str(value))

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != (data or "")


class PlanCreateForm(CleanTextFormMixin, forms.Form):
    """The account and the fiscal year of a new plan.

    Any account in `accounts` is accepted. Up to CHOICE_LIMIT accounts are all offered, by name;
    a larger portfolio is searched (`query`) rather than scrolled through, and only the accounts
    found are offered (again at most CHOICE_LIMIT), so the page costs the same for any portfolio.
    """

    CHOICE_LIMIT = 50

    START_EMPTY, START_CARRY = "empty", "carry"

    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    start_from = forms.ChoiceField(
        label=_("Start from"), widget=forms.RadioSelect, initial=START_EMPTY, required=False,
        choices=[(START_EMPTY, _("Start empty")), (START_CARRY, _("Carry over from the previous year's approved plan"))],
        help_text=_("Carrying over does what step 7's “Start next year's plan” does: open actions and strategic tasks, "
                    "the org chart as the baseline, unmet targets and the 3-year ambition come along."),
    )

    def __init__(self, *args, accounts, query: str = "", previous=None, **kwargs):
        """`previous`: the chosen account's approved plan of the year before the chosen one, if there is one."""
        super().__init__(*args, **kwargs)
        start_from = self.fields["start_from"]
        if previous is not None:
            start_from.choices = [
                (self.START_EMPTY, _("Start empty")),
                (self.START_CARRY, _("Carry over from the approved FY %(year)s plan") % {"year": previous.fiscal_year}),
            ]
            if not self.is_bound and "start_from" not in self.initial:
                self.initial["start_from"] = self.START_CARRY
        field = self.fields["account"]
        field.queryset = accounts
        if query:
            shown = list(
                accounts.filter(Q(name__icontains=query) | Q(english_name__icontains=query))[: self.CHOICE_LIMIT + 1]
            )
        else:
            shown = list(accounts.order_by()[: self.CHOICE_LIMIT + 1])  # a few, unsorted: no sort of a large portfolio
        self.has_more = len(shown) > self.CHOICE_LIMIT
        if self.has_more and not query:
            shown = []  # too many to list: the search finds them
        shown = sorted(shown[: self.CHOICE_LIMIT], key=lambda account: (account.name, account.pk))
        chosen = self["account"].value()
        chosen = params.parse_id(str(chosen or ""))
        if chosen is not None and all(account.pk != chosen for account in shown):
            shown = [*accounts.filter(pk=chosen), *shown]  # the one asked for stays offered
        self.found = len(shown)
        field.widget.choices = [("", field.empty_label), *((account.pk, str(account)) for account in shown)]

    def clean_start_from(self) -> str:
        return self.cleaned_data.get("start_from") or self.START_EMPTY


class StepForm(CleanTextFormMixin, forms.ModelForm):
    """The plan's own fields of one step; the lock version travels in a separate hidden input."""

    class Meta:
        model = AccountPlan
        fields: tuple = ()


class Step1Form(StepForm):
    confirm = forms.BooleanField(
        label=_("I have reviewed the org chart: it is current, including decision makers and purchasing."),
        required=False,
    )

    class Meta(StepForm.Meta):
        fields = ("org_review_notes",)
        widgets = {"org_review_notes": forms.Textarea(attrs=TEXTAREA)}


class Step2Form(StepForm):
    """The mapping notes and, for each open opportunity, its sponsoring org unit."""

    class Meta(StepForm.Meta):
        fields = ("mapping_notes",)
        widgets = {"mapping_notes": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args, opportunities: list[Opportunity], units: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.opportunities = opportunities
        offered = ObjectChoices(units)
        for opportunity in opportunities:
            self.fields[f"unit_{opportunity.pk}"] = ObjectChoiceField(
                offered=offered, label=opportunity.name, initial=opportunity.sponsor_unit_id
            )

    def opportunity_rows(self):
        return [(opportunity, self[f"unit_{opportunity.pk}"]) for opportunity in self.opportunities]

    def mappings(self):
        return [(opportunity, self.cleaned_data[f"unit_{opportunity.pk}"]) for opportunity in self.opportunities]


class Step3Form(StepForm):
    class Meta(StepForm.Meta):
        fields = ("cbp_summary", "cbp_initiatives", "cbp_budget", "cbp_budget_notes", "cbp_source", "cbp_confidence")
        widgets = {"cbp_summary": forms.Textarea(attrs={"rows": 4}), "cbp_initiatives": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"cbp_budget": MoneyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cbp_confidence"].choices = [("", "—"), *Confidence.choices]
        self.fields["cbp_budget"].min_value = 0
        self.fields["cbp_budget"].validators.append(MinValueValidator(0))


class Step4Form(StepForm):
    class Meta(StepForm.Meta):
        fields = (
            "ambition_3y", "plan_1y", "market_review", "competition_review", "swot_strengths", "swot_weaknesses",
            "swot_opportunities", "swot_threats", "strategy_summary", "execution_summary", "tam",
        )
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in fields if name != "tam"}
        field_classes = {"tam": MoneyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tam"].validators.append(MinValueValidator(0))


class PlainNumberInput(forms.NumberInput):
    """A number input showing 40, not 40.0000 (values are stored with four decimal places)."""

    def format_value(self, value):
        from decimal import Decimal

        if isinstance(value, Decimal):
            normal = value.normalize()
            return f"{normal:f}"
        return super().format_value(value)


def _field_copy(field: forms.Field, **changed) -> forms.Field:
    """copy.copy(field) with `changed` attributes, without copy's reduce protocol (a field has no slots)."""
    copied = object.__new__(type(field))
    copied.__dict__ = {**field.__dict__, **changed}
    return copied


def _cell(kind: forms.Field, label, initial) -> forms.Field:
    """A copy of `kind` with its own label and initial value."""
    return _field_copy(kind, label=label, initial=initial)


class TargetsForm(CleanTextFormMixin, forms.Form):
    """Step 4's KPIs and targets: for each candidate KPI, whether it is chosen, the year, quarters and months.
    `loaded` is the grid's hidden marker: a step posted without it never had the grid (planning.steps.TARGETS_LOADED)."""

    loaded = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)

    def __init__(
        self, *args, kpis: list[KpiDefinition], inputs: dict[int, TargetInput], month_labels: list[str],
        fiscal_year: int, account_targets: dict[int, TargetInput] | None = None, **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kpis = kpis
        self.later_fiscal_years = [fiscal_year + 1, fiscal_year + 2]
        self.month_labels = month_labels
        # The account's targets of KPIs the plan has not chosen: shown beside the row, never in its cells.
        self.account_targets = account_targets or {}
        # Some 240 cells of two kinds: each is a copy of its kind's field (validators, messages and widget
        # shared, none of them changed per cell) with its own label and value, not a field built anew.
        money, plain = self._money(None, None), self._number(None, None)
        # The labels' words, translated once for all the KPIs (each KPI's name, once for its twenty cells).
        use, year_of, fiscal_year_of = str(_("Use %(kpi)s")), str(_("%(kpi)s, year")), str(_("%(kpi)s, FY %(year)s"))
        for kpi in kpis:
            target = inputs.get(kpi.pk, TargetInput())
            name = kpi.display_name
            # Amounts are typed as amounts (4,200,000,000 · 42억); other units as plain numbers.
            cell_field = partial(_cell, money if kpi.unit == KpiDefinition.Unit.MONEY else plain)
            self.fields[f"chosen_{kpi.pk}"] = forms.BooleanField(
                label=use % {"kpi": name}, required=False, initial=target.chosen
            )
            self.fields[f"year_{kpi.pk}"] = cell_field(year_of % {"kpi": name}, target.year)
            for offset, value in enumerate(target.later_years, start=1):
                self.fields[f"later{offset}_{kpi.pk}"] = cell_field(
                    fiscal_year_of % {"kpi": name, "year": fiscal_year + offset}, value
                )
            for index, value in enumerate(target.quarters, start=1):
                self.fields[f"q{index}_{kpi.pk}"] = cell_field(f"{name}, Q{index}", value)
            for index, value in enumerate(target.months, start=1):
                self.fields[f"m{index}_{kpi.pk}"] = cell_field(f"{name}, {month_labels[index - 1]}", value)

    @staticmethod
    def _money(label, initial):
        return MoneyField(label=label, required=False, max_digits=20, decimal_places=4, initial=initial)

    @staticmethod
    def _number(label, initial):
        return forms.DecimalField(
            label=label, required=False, max_digits=20, decimal_places=4, initial=initial,
            widget=PlainNumberInput(attrs={"step": "any"}),
        )

    def clean(self):
        data = super().clean()
        for kpi in self.kpis:
            if data.get(f"chosen_{kpi.pk}"):
                continue
            # The cells of a KPI the plan has not chosen start empty: a value in them is the user's own.
            names = [
                f"year_{kpi.pk}", f"later1_{kpi.pk}", f"later2_{kpi.pk}",
                *(f"q{i}_{kpi.pk}" for i in range(1, 5)), *(f"m{i}_{kpi.pk}" for i in range(1, 13)),
            ]
            if any(data.get(name) is not None for name in names):
                self.add_error(
                    f"chosen_{kpi.pk}",
                    _("Tick %(kpi)s to use it, or clear its targets.") % {"kpi": kpi.display_name},
                )
        return data

    def _account_summary(self, kpi: KpiDefinition) -> list[tuple[str, str]]:
        """The account's own targets of a KPI the plan has not chosen, as (period, value) for the page."""
        target = self.account_targets.get(kpi.pk)
        if target is None:
            return []
        periods = [(_("Year"), target.year), *((f"Q{i}", v) for i, v in enumerate(target.quarters, start=1)),
                   *zip(self.month_labels, target.months)]
        return [(label, number(value)) for label, value in periods if value is not None]

    def rows(self):
        """For the template: each KPI with its bound fields."""
        return [
            {
                "kpi": kpi,
                "chosen": self[f"chosen_{kpi.pk}"],
                "year": self[f"year_{kpi.pk}"],
                "later_years": [self[f"later{offset}_{kpi.pk}"] for offset in (1, 2)],
                "quarters": [self[f"q{i}_{kpi.pk}"] for i in range(1, 5)],
                "month_groups": [
                    [(self.month_labels[m - 1], self[f"m{m}_{kpi.pk}"]) for m in range(q * 3 + 1, q * 3 + 4)] for q in range(4)
                ],
                "account_targets": self._account_summary(kpi),
            }
            for kpi in self.kpis
        ]

    def targets(self) -> dict[KpiDefinition, TargetInput]:
        """Each KPI as entered; a KPI ticked with empty cells takes the account's targets it already has."""
        data = self.cleaned_data
        result = {}
        for kpi in self.kpis:
            target = TargetInput(
                chosen=bool(data.get(f"chosen_{kpi.pk}")),
                year=data.get(f"year_{kpi.pk}"),
                quarters=[data.get(f"q{i}_{kpi.pk}") for i in range(1, 5)],
                months=[data.get(f"m{i}_{kpi.pk}") for i in range(1, 13)],
                later_years=[data.get(f"later{offset}_{kpi.pk}") for offset in (1, 2)],
            )
            existing = self.account_targets.get(kpi.pk)
            empty = all(v is None for v in (target.year, *target.quarters, *target.months, *target.later_years))
            if target.chosen and empty and existing is not None:
                target = TargetInput(
                    chosen=True, year=existing.year, quarters=list(existing.quarters), months=list(existing.months),
                    later_years=list(existing.later_years),
                )
            result[kpi] = target
        return result


class Step7Form(StepForm):
    class Meta(StepForm.Meta):
        fields = ("year_end_evaluation", "wrap_up")
        widgets = {"year_end_evaluation": forms.Textarea(attrs={"rows": 5}), "wrap_up": forms.Textarea(attrs={"rows": 5})}


class _RowFields(dict):
    """A row form's declared fields. Every row's form copies them (BaseForm.__init__ deep-copies
    `base_fields`): here each copy shares its field's widget, validators and messages, which no row
    changes, instead of copying them for each of a list's rows."""

    def __deepcopy__(self, memo):
        return {name: _field_copy(field) for name, field in self.items()}


class _RowFormMetaclass(type(forms.Form)):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _RowFields(new_class.base_fields)
        return new_class


class RowForm(CleanTextFormMixin, forms.Form, metaclass=_RowFormMetaclass):
    """One row of a list in a step; `id` is empty for a new row."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def row(self) -> dict:
        data = dict(self.cleaned_data)
        data["delete"] = bool(data.pop("DELETE", False))
        return data


class StrategicTaskRow(RowForm):
    title = forms.CharField(label=_("Strategic task"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=ROW_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 1})
    )
    target_year = forms.IntegerField(label=_("Target FY"), min_value=2000, max_value=2100)
    status = FixedChoiceField(label=_("Status"), choices=StrategicTask.Status.choices, initial=StrategicTask.Status.NOT_STARTED)

    def __init__(self, *args, users: ObjectChoices = NOTHING, default_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = ObjectChoiceField(offered=users, label=_("Owner"))
        # A new row suggests the end of the 3-year horizon; left as suggested, the row is still empty.
        self.fields["target_year"].initial = default_year


class MarketingActionRow(RowForm):
    kind = FixedChoiceField(label=_("Kind"), choices=MarketingAction.Kind.choices, initial=MarketingAction.Kind.WORKSHOP)
    title = forms.CharField(label=_("Marketing action"), max_length=200)
    planned_on = DateField(label=_("Date"))
    status = FixedChoiceField(label=_("Status"), choices=MarketingAction.Status.choices, initial=MarketingAction.Status.PLANNED)

    def __init__(self, *args, contacts: ObjectChoices = NOTHING, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"] = ObjectChoiceField(offered=contacts, label=_("With"))


def contact_label(contact: Contact) -> str:
    roles = [str(label) for flag, label in (("is_fox", _("Fox")), ("is_kingpin", _("Kingpin"))) if getattr(contact, flag)]
    suffix = f" · {', '.join(roles)}" if roles else ""
    return f"{contact.name} ({contact.title}){suffix}" if contact.title else f"{contact.name}{suffix}"


class SupportRequestRow(RowForm):
    kind = FixedChoiceField(label=_("Kind"), choices=SupportRequest.Kind.choices, initial=SupportRequest.Kind.PRODUCT)
    description = forms.CharField(label=_("Support request"), max_length=300)
    amount = MoneyField(label=_("Amount"), min_value=0, max_digits=16, decimal_places=0, initial=0)
    status = FixedChoiceField(label=_("Status"), choices=SupportRequest.Status.choices, initial=SupportRequest.Status.REQUESTED)

    def __init__(self, *args, offerings: ObjectChoices = NOTHING, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"] = ObjectChoiceField(offered=offerings, label=_("Offering"))


class ActionRow(RowForm):
    title = forms.CharField(label=_("Task or milestone"), max_length=200)
    kind = FixedChoiceField(label=_("Kind"), choices=ActionItem.Kind.choices, initial=ActionItem.Kind.TASK)
    start_on = DateField(label=_("Start"), required=False)
    due_on = DateField(label=_("Due"))
    status = FixedChoiceField(label=_("Status"), choices=ActionItem.Status.choices, initial=ActionItem.Status.NOT_STARTED)
    # xgettext:no-python-format
    percent_done = forms.IntegerField(label=_("% done"), min_value=0, max_value=100, initial=0)

    def __init__(self, *args, users: ObjectChoices = NOTHING, parents: ObjectChoices = NOTHING, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = ObjectChoiceField(offered=users, label=_("Owner"))
        self.fields["parent"] = ObjectChoiceField(offered=parents, label=_("Parent"))

    def clean(self):
        data = super().clean()
        if data.get("kind") == ActionItem.Kind.MILESTONE and data.get("due_on"):
            data["start_on"] = data["due_on"]
        elif not data.get("start_on") and "start_on" not in self.errors:
            self.add_error("start_on", _("A task needs a start date."))
        return data


def row_formset(form, *, extra: int = 2):
    return formset_factory(form, extra=extra, can_delete=True)


StrategicTaskFormSet = row_formset(StrategicTaskRow, extra=1)
MarketingActionFormSet = row_formset(MarketingActionRow, extra=1)
SupportRequestFormSet = row_formset(SupportRequestRow, extra=1)
ActionFormSet = row_formset(ActionRow, extra=2)


def rows_of(formset) -> list[dict]:
    """The rows to save: changed or existing ones; untouched empty extra rows are left out."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("id"):
            continue
        if formset.can_delete and formset._should_delete_form(form):
            if form.cleaned_data.get("id"):
                rows.append({"id": form.cleaned_data["id"], "delete": True})
            continue
        rows.append(form.row())
    return rows


class ActionProgressForm(CleanTextFormMixin, forms.Form):
    """Status and % done of each action of an approved plan."""

    def __init__(self, *args, actions: list[ActionItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = actions
        for action in actions:
            self.fields[f"status_{action.pk}"] = forms.ChoiceField(
                label=_("Status"), choices=ActionItem.Status.choices, initial=action.status
            )
            self.fields[f"percent_{action.pk}"] = forms.IntegerField(
                # xgettext:no-python-format
                label=_("% done"), min_value=0, max_value=100, initial=action.percent_done
            )

    def rows(self):
        return [(action, self[f"status_{action.pk}"], self[f"percent_{action.pk}"]) for action in self.actions]

    def progress(self) -> list[dict]:
        return [
            {"id": a.pk, "status": self.cleaned_data[f"status_{a.pk}"], "percent_done": self.cleaned_data[f"percent_{a.pk}"]}
            for a in self.actions
        ]


class AttachmentForm(CleanTextFormMixin, forms.Form):
    file = forms.FileField(label=_("Document (PDF, Word, Excel, PowerPoint)"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class SubmitForm(CleanTextFormMixin, forms.Form):
    note = forms.CharField(label=_("Note to the meeting"), max_length=300, required=False)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Without a scheduled meeting there is nothing to choose: the executives put the plan on one.
        if meetings:
            self.fields["meeting"] = ObjectChoiceField(
                offered=ObjectChoices(
                    meetings, label_of=lambda m: f"{m.title} · {timezone.localtime(m.scheduled_for):%Y-%m-%d %H:%M}"
                ),
                label=_("Consensus meeting"),
                help_text=_("Optional: the executives can also put the plan on a meeting's agenda."),
            )


class DecisionForm(CleanTextFormMixin, forms.Form):
    # Decisions are offered as actions (approve / request changes / reject); Decision.Outcome's labels are the states.
    OUTCOME_ACTIONS = [
        (Decision.Outcome.APPROVED, _("Approve")),
        (Decision.Outcome.CHANGES_REQUESTED, _("Request changes")),
        (Decision.Outcome.REJECTED, _("Reject")),
    ]
    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOME_ACTIONS, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment on the whole plan"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs=TEXTAREA)
    )

    STEP_FIELDS = {1: "step_1", 2: "step_2", 3: "step_3", 4: "step_4", 5: "step_5"}

    def __init__(self, *args, step_titles: dict, support_requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        for step, name in self.STEP_FIELDS.items():
            self.fields[name] = forms.CharField(
                label=f"{step}. {step_titles[step]}", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        # One grant per support request of the version (배정): granted in full unless the chair says otherwise.
        self.support_requests = list(support_requests)
        for row in self.support_requests:
            key = row["id"]
            self.fields[f"grant_{key}_status"] = forms.ChoiceField(
                label=_("Status"), choices=GrantStatus.choices, initial=GrantStatus.GRANTED, required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"grant_{key}_amount"] = MoneyField(
                label=_("Granted"), required=False, min_value=0, max_digits=16, decimal_places=0, initial=row["amount"],
                widget=MoneyInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"grant_{key}_reason"] = forms.CharField(
                label=_("Reason"), required=False, max_length=1000,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": _("Reason, unless granted in full")}),
            )

    def grant_rows(self):
        """(support request, status field, amount field, reason field) for the template."""
        return [(row, self[f"grant_{row['id']}_status"], self[f"grant_{row['id']}_amount"], self[f"grant_{row['id']}_reason"])
                for row in self.support_requests]

    def grants(self) -> list[GrantInput]:
        return [
            GrantInput(
                support_request_id=row["id"], status=self.cleaned_data.get(f"grant_{row['id']}_status") or GrantStatus.GRANTED,
                amount=self.cleaned_data.get(f"grant_{row['id']}_amount"),
                reason=self.cleaned_data.get(f"grant_{row['id']}_reason") or "",
            )
            for row in self.support_requests
        ]

    def step_comments(self) -> dict[int, str]:
        return {step: self.cleaned_data[name] for step, name in self.STEP_FIELDS.items() if self.cleaned_data.get(name)}

    def step_fields(self):
        return [self[name] for name in self.STEP_FIELDS.values()]


def _person_label(user) -> str:
    return user.get_full_name() or user.username


class MeetingForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    scheduled_for = DateTimeField(label=_("Date and time"), help_text=_("In the site's time zone."))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=24 * 60, initial=120, required=False
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), max_length=300, required=False, assume_scheme="https")
    notes = forms.CharField(label=_("Notes"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, executives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"] = ObjectChoiceField(
            offered=ObjectChoices(executives, label_of=_person_label), label=_("Chair"),
            help_text=_("An executive; you, if none is chosen."),
        )
        self.order_fields(["title", "scheduled_for", "duration_minutes", "chair", "location", "video_link", "notes"])

    def clean_duration_minutes(self):
        return self.cleaned_data.get("duration_minutes") or 120


class AttendeeForm(forms.Form):
    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = ObjectChoiceField(offered=ObjectChoices(users, label_of=_person_label), label=_("Invite"), required=True)


class OpinionForm(CleanTextFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Opinion"), choices=Opinion.Outcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment on the whole plan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    STEP_FIELDS = DecisionForm.STEP_FIELDS

    def __init__(self, *args, step_titles: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for step, name in self.STEP_FIELDS.items():
            self.fields[name] = forms.CharField(
                label=f"{step}. {step_titles[step]}", required=False, max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def step_comments(self) -> dict[int, str]:
        return {step: self.cleaned_data[name] for step, name in self.STEP_FIELDS.items() if self.cleaned_data.get(name)}

    def step_fields(self):
        return [self[name] for name in self.STEP_FIELDS.values()]


class MinutesForm(CleanTextFormMixin, forms.Form):
    text = forms.CharField(label=_("Minutes"), required=False, max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))


class SpendForm(CleanTextFormMixin, forms.Form):
    spent_on = DateField(label=_("Spent on"))
    amount = MoneyField(label=_("Amount"), min_value=1, max_digits=16, decimal_places=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReviewCommentForm(CleanTextFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class NextYearForm(CleanTextFormMixin, forms.Form):
    carry_ambition = forms.BooleanField(label=_("The 3-year ambition"), required=False, initial=True)
    carry_org_chart = forms.BooleanField(
        label=_("Today's org chart, as the baseline step 1 compares with"), required=False, initial=True
    )
    carry_unmet_targets = forms.BooleanField(
        label=_("Unmet targets, as context for the strategy"), required=False, initial=True
    )

    def __init__(self, *args, actions=(), tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"] = forms.TypedMultipleChoiceField(
            label=_("Open actions"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
            choices=[(a.pk, f"{a.title} · {a.get_status_display()} · {a.percent_done}%") for a in actions],
            initial=[a.pk for a in actions],
        )
        self.fields["tasks"] = forms.TypedMultipleChoiceField(
            label=_("Open strategic tasks"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
            choices=[(t.pk, f"{t.title} · FY {t.target_year}") for t in tasks], initial=[t.pk for t in tasks],
        )

