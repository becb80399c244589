"""The account list's search, filters and sorting (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import portfolio_cache
from accounts.models import Account, AccountTeamMember, BusinessUnit, Industry, PricingTier, User
from accounts.selectors.visibility import accounts_visible_to

SORTS = (
    ("name", "name"),
    ("revenue_ttm", "revenue"),
    ("open_pipeline", "pipeline"),
    ("grade__rank", "grade"),
    ("industry", "industry"),
)


class AccountFilter(django_filters.FilterSet):
    """Filters over the accounts the user may see; the owner is a KAM of the account."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label=_("Industry"), empty_label=_("All industries"))
    # The vertical units, grades and owners to choose from come with each request (`filter_choices`).
    vertical_unit = django_filters.ChoiceFilter(choices=(), label=_("Vertical unit"), empty_label=_("All vertical units"))
    grade = django_filters.ChoiceFilter(choices=(), label=_("Grade"), empty_label=_("All grades"))
    key = django_filters.ChoiceFilter(
        field_name="is_key_account",
        choices=(("yes", _("Key accounts")), ("no", _("Other accounts"))),
        method="filter_key",
        label=_("Key account"),
        empty_label=_("Key and other"),
    )
    owner = django_filters.ChoiceFilter(choices=(), method="filter_owner", label=_("Owner (KAM)"), empty_label=_("All owners"))
    lifecycle = django_filters.ChoiceFilter(
        choices=(*Account.Lifecycle.choices, ("all", _("All, withdrawn included"))),
        method="filter_lifecycle",
        label=_("Status"),
        empty_label=_("Active and on hold"),
    )
    sort = django_filters.OrderingFilter(fields=SORTS, label=_("Sort by"))

    class Meta:
        model = Account
        fields = ["q", "industry", "vertical_unit", "grade", "key", "owner", "lifecycle"]

    def filter_queryset(self, queryset):
        # Withdrawn accounts leave the list unless the status filter asks for them.
        if not self.form.cleaned_data.get("lifecycle"):
            queryset = queryset.in_service()
        return super().filter_queryset(queryset)

    def __init__(self, *args, choices: dict[str, list[tuple[int, str]]], **kwargs):
        """`choices`: `filter_choices(user)`, the vertical units, grades and owners (the KAMs of the accounts the
        user may see) to choose from: a chosen id is checked against them, with no query for the choices."""
        super().__init__(*args, **kwargs)
        for name, listed in choices.items():
            self.filters[name].extra["choices"] = listed
        for name, form_field in self.form.fields.items():
            css = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            form_field.widget.attrs.setdefault("class", css)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Search by name")

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(english_name__icontains=value))

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key_account=value == "yes")

    def filter_lifecycle(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(lifecycle=value)

    def filter_owner(self, queryset, name, value):
        return queryset.filter(team__user=value, team__role=AccountTeamMember.Role.KAM)


def filter_choices(user: User) -> dict[str, list[tuple[int, str]]]:
    """The account list's choices as (id, name) pairs: the owners (the KAMs of the accounts `user` may see), the
    vertical units and the grades, in the order the selects list them.

    Finding the owners reads every team of those accounts, so the choices are kept in the portfolio cache until
    the next change of accounts, teams, units, grades or users (`accounts.portfolio_cache`).
    """

    def compute() -> dict[str, list[tuple[int, str]]]:
        kams = AccountTeamMember.objects.filter(
            role=AccountTeamMember.Role.KAM, account__in=accounts_visible_to(user)
        ).values("user_id")
        owners = User.objects.filter(pk__in=kams).order_by("last_name", "first_name", "username")
        units = BusinessUnit.objects.filter(kind=BusinessUnit.Kind.VERTICAL).order_by("name")
        # The names as the selects write them (str() of each, as a ModelChoiceField labels its choices).
        return {
            "owner": [(owner.pk, str(owner)) for owner in owners.only("first_name", "last_name", "username")],
            "vertical_unit": [(unit.pk, str(unit)) for unit in units.only("name")],
            "grade": [(grade.pk, str(grade)) for grade in PricingTier.objects.order_by("rank").only("name")],
        }

    return portfolio_cache.cached(("account-filter-choices", portfolio_cache.scope(user)), compute)


def team_people_for_filter(user: User) -> list[tuple[User, bool]]:
    """Everyone on the teams of the accounts `user` may see, whatever their role, each with whether they are
    the KAM of one of them: the weekly dashboard's person and KAM filters in one read. The ids are kept in
    the portfolio cache like the owners'."""

    def compute() -> list[tuple[int, bool]]:
        rows = (
            AccountTeamMember.objects.filter(account__in=accounts_visible_to(user))
            .order_by()
            .values_list("user_id", "role")
            .distinct()
        )
        kams: dict[int, bool] = {}
        for user_id, role in rows:
            kams[user_id] = kams.get(user_id, False) or role == AccountTeamMember.Role.KAM
        return list(kams.items())

    is_kam = dict(portfolio_cache.cached(("team-people", portfolio_cache.scope(user)), compute))
    people = User.objects.filter(pk__in=list(is_kam)).order_by("last_name", "first_name", "username")
    return [(person, is_kam[person.pk]) for person in people]
