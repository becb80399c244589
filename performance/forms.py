"""Input parsing and messages for the performance pages."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import CleanTextFormMixin
from accounts.filters import team_people_for_filter
from accounts.models import Account, BusinessUnit, Contact, PricingTier, User, person_name
from performance.models import ImportBatch, KpiDefinition
from performance.periods import PERIODS_PER_YEAR, Period, PeriodKind, fiscal_year_of
from performance.selectors.weekly_dashboard import DashboardFilters, Sort

SNAPSHOT_PERIODS = [(PeriodKind.QUARTER, _("This quarter")), (PeriodKind.YEAR, _("This fiscal year"))]
SORTS = [(Sort.ATTENTION, _("Needs attention first")), (Sort.REVENUE, _("Largest revenue first")), (Sort.NAME, _("Name"))]


def _user_label(user: User) -> str:
    return person_name(user)


class DashboardFilterForm(CleanTextFormMixin, forms.Form):
    """Filters of the weekly KPI dashboard. Choices come from one query per list, so an invalid or
    unknown value is simply ignored (the dashboard then shows everything)."""

    vertical_unit = forms.TypedChoiceField(label=_("Vertical unit"), required=False, coerce=int, empty_value=None)
    grade = forms.TypedChoiceField(label=_("Grade"), required=False, coerce=int, empty_value=None)
    kam = forms.TypedChoiceField(label=_("KAM"), required=False, coerce=int, empty_value=None)
    person = forms.TypedChoiceField(label=_("Team member"), required=False, coerce=int, empty_value=None)
    key_only = forms.BooleanField(label=_("Key accounts only"), required=False)
    with_withdrawn = forms.BooleanField(label=_("Include withdrawn accounts"), required=False)
    period = forms.ChoiceField(label=_("Period"), choices=SNAPSHOT_PERIODS, required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("All"))]
        self.fields["vertical_unit"].choices = everyone + list(
            BusinessUnit.objects.filter(kind=BusinessUnit.Kind.VERTICAL).values_list("pk", "name")
        )
        self.fields["grade"].choices = everyone + list(PricingTier.objects.values_list("pk", "name"))
        people = team_people_for_filter(user)
        self.fields["kam"].choices = everyone + [(person.pk, _user_label(person)) for person, is_kam in people if is_kam]
        self.fields["person"].choices = everyone + [(person.pk, _user_label(person)) for person, _is_kam in people]

    def _valid_data(self) -> dict:
        # Keep the filters that are valid even when another one is not.
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filters(self) -> DashboardFilters:
        data = self._valid_data()
        return DashboardFilters(
            vertical_unit_id=data.get("vertical_unit"),
            grade_id=data.get("grade"),
            kam_id=data.get("kam"),
            person_id=data.get("person"),
            key_only=bool(data.get("key_only")),
            with_withdrawn=bool(data.get("with_withdrawn")),
            kind=data.get("period") or PeriodKind.QUARTER,
        )

    def sort_order(self) -> str:
        data = self._valid_data()
        return data.get("sort") or Sort.ATTENTION


def fiscal_year_choices(start_month: int) -> list[tuple[int, str]]:
    current = fiscal_year_of(timezone.localdate(), start_month)
    return [(year, _("FY%(year)s") % {"year": year}) for year in range(current + 1, current - 5, -1)]


class AccountDashboardForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Periods"),
        choices=[
            (PeriodKind.MONTH, _("Months")),
            (PeriodKind.QUARTER, _("Quarters")),
            (PeriodKind.HALF, _("Half-years")),
            (PeriodKind.YEAR, _("Years")),
        ],
        required=False,
    )
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["fiscal_year"].choices = fiscal_year_choices(account.fiscal_year_start_month)

    def selection(self) -> tuple[str, int]:
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        current = fiscal_year_of(timezone.localdate(), self.account.fiscal_year_start_month)
        return data.get("kind") or PeriodKind.QUARTER, data.get("fiscal_year") or current


class NpsResponseForm(CleanTextFormMixin, forms.Form):
    contact = forms.ModelChoiceField(
        label=_("Respondent"),
        queryset=Contact.objects.none(),
        help_text=_("A person from the account's org chart."),
    )
    score = forms.IntegerField(
        label=_("Score (0–10)"),
        min_value=0,
        max_value=10,
        help_text=_("How likely is the respondent to recommend us? 9–10 promoter, 7–8 passive, 0–6 detractor."),
    )
    responded_on = forms.DateField(label=_("Response date"), widget=forms.DateInput(attrs={"type": "date"}))
    survey = forms.CharField(label=_("Survey"), max_length=120, required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(account=account).order_by("name")
        self.fields["responded_on"].initial = timezone.localdate()

    def clean_responded_on(self) -> datetime.date:
        day = self.cleaned_data["responded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The response date is in the future."))
        return day


class ManualActualForm(CleanTextFormMixin, forms.Form):
    kpi = forms.ModelChoiceField(label=_("KPI"), queryset=KpiDefinition.objects.none())
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    period_index = forms.IntegerField(
        label=_("Period number"),
        min_value=1,
        max_value=12,
        help_text=_("Counted from the start of the fiscal year: month 1–12, quarter 1–4, half 1–2, year 1."),
    )
    value = forms.DecimalField(label=_("Actual"), max_digits=20, decimal_places=4)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["kpi"].queryset = KpiDefinition.objects.filter(
            source=KpiDefinition.Source.MANUAL, is_active=True, **{f"applies_to_{account.team_type}": True}
        )
        self.fields["fiscal_year"].choices = fiscal_year_choices(account.fiscal_year_start_month)

    def clean(self):
        data = super().clean()
        kind, index = data.get("period_kind"), data.get("period_index")
        if kind and index and index > PERIODS_PER_YEAR[kind]:
            self.add_error(
                "period_index",
                _("A %(period)s number runs from 1 to %(count)s.")
                % {"period": PeriodKind(kind).label.lower(), "count": PERIODS_PER_YEAR[kind]},
            )
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data["period_kind"], data["fiscal_year"], data["period_index"], self.account.fiscal_year_start_month)


class ImportUploadForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("A .csv (UTF-8) or .xlsx file with a header row; at most 20,000 rows and 5 MB."),
    )

