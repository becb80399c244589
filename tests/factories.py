"""factory_boy factories for every model the tests build."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import (
    Account,
    AccountTeamMember,
    BusinessUnit,
    Contact,
    Offering,
    Opportunity,
    OrgUnit,
    PricingTier,
    Relationship,
    User,
)
from accounts.roles import Role
from performance.models import Order

PASSWORD = "kamdemo"


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Vertical {n}")
    kind = BusinessUnit.Kind.VERTICAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])


def make_user(role: str | None, username: str | None = None) -> User:
    kwargs = {"role": role}
    if username:
        kwargs["username"] = username
    return UserFactory(**kwargs)


def make_admin(**kwargs) -> User:
    return make_user(Role.ADMIN, **kwargs)


def make_executive(**kwargs) -> User:
    return make_user(Role.EXECUTIVE, **kwargs)


def make_account_manager(**kwargs) -> User:
    return make_user(Role.ACCOUNT_MANAGER, **kwargs)


class PricingTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PricingTier
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Grade {n}")
    rank = factory.Sequence(lambda n: n + 1)
    discount_percent = Decimal("5.00")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Customer {n:04d}")
    english_name = factory.LazyAttribute(lambda o: f"{o.name} Co.")
    industry = "manufacturing"
    vertical_unit = factory.SubFactory(BusinessUnitFactory)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountTeamMember

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory)
    role = AccountTeamMember.Role.KAM


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Division {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    title = "Manager"
    level = Contact.Level.MANAGER


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    user = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory)
    strength = 3


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    name = factory.Sequence(lambda n: f"Offering {n}")
    kind = Offering.Kind.PRODUCT
    owner_unit = factory.SubFactory(BusinessUnitFactory, name="Products", kind=BusinessUnit.Kind.HORIZONTAL)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Opportunity {n}")
    tier = 3
    stage = Opportunity.Stage.IDENTIFIED
    amount = Decimal("100000000")
    probability = 20
    expected_close_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    account = factory.SubFactory(AccountFactory)
    offering = factory.SubFactory(OfferingFactory)
    ordered_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    amount = Decimal("10000000")
    cost = Decimal("7000000")
    reference = factory.Sequence(lambda n: f"SO-{n:06d}")


# Performance ------------------------------------------------------------------------------
from performance.models import KpiDefinition, KpiTarget, ManualActual, NpsResponse, TimeEntry  # noqa: E402


def kpi(code: str) -> KpiDefinition:
    """A KPI of the seeded catalogue."""
    return KpiDefinition.objects.get(code=code)


class ManualKpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiDefinition
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"manual_kpi_{n}")
    name = factory.Sequence(lambda n: f"Manual KPI {n}")
    formula = "Entered by the account team."
    unit = KpiDefinition.Unit.COUNT
    source = KpiDefinition.Source.MANUAL
    rollup = KpiDefinition.Rollup.SUM


class KpiTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiTarget

    account = factory.SubFactory(AccountFactory)
    kpi = factory.LazyFunction(lambda: KpiDefinition.objects.get(code="revenue"))
    fiscal_year = 2025
    period_kind = "quarter"
    period_index = 1
    value = Decimal("100000000")


class ManualActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManualActual

    account = factory.SubFactory(AccountFactory)
    kpi = factory.SubFactory(ManualKpiFactory)
    fiscal_year = 2025
    period_kind = "month"
    period_index = 1
    value = Decimal("10")


class NpsResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NpsResponse

    account = factory.SubFactory(AccountFactory)
    respondent_name = factory.Sequence(lambda n: f"Respondent {n}")
    score = 9
    responded_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory)
    worked_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))
    kind = TimeEntry.Kind.BILLABLE
    hours = Decimal("8")
