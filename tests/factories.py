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
    CustomerActivity,
    GradeChange,
    IncentiveProgram,
    Interaction,
    Offering,
    Opportunity,
    OpportunityMove,
    OrgChange,
    OrgUnit,
    PricingTier,
    Relationship,
    UnmetNeed,
    User,
)
from accounts.roles import Role
from accounts.models import Order, RevenueLine

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
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory)
    strength = 3

    @factory.post_generation
    def last_interaction_on(relationship, create, extracted, **kwargs):
        """`last_interaction_on=date` logs a meeting of the two people on that day (the last contact is read from the log)."""
        if create and extracted:
            interaction_log(user=relationship.user, contact=relationship.contact, on=extracted)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    kind = Interaction.Kind.MEETING
    occurred_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    note = factory.Sequence(lambda n: f"Meeting {n}")

    @factory.post_generation
    def our_attendees(interaction, create, extracted, **kwargs):
        if create and extracted:
            interaction.our_attendees.set(extracted)

    @factory.post_generation
    def their_attendees(interaction, create, extracted, **kwargs):
        if create and extracted:
            interaction.their_attendees.set(extracted)


def interaction_log(*, user, contact, on: datetime.date, kind: str = Interaction.Kind.MEETING) -> Interaction:
    """A logged interaction of one of our people with one contact on a day."""
    return InteractionFactory(account=contact.account, kind=kind, occurred_on=on, our_attendees=[user], their_attendees=[contact])


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering
        django_get_or_create = ("name",)

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
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    offering = factory.SubFactory(OfferingFactory)
    ordered_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    amount = Decimal("10000000")
    cost = Decimal("7000000")
    reference = factory.Sequence(lambda n: f"SO-{n:06d}")

    @factory.post_generation
    def with_revenue(order, create, extracted, **kwargs):
        """An order's revenue line in its own month, as accounts 0017 made for every order; `with_revenue=False`
        writes the order alone (order intake without revenue)."""
        if create and extracted is not False:
            RevenueLine.objects.create(
                account=order.account, order=order, reference=order.reference,
                month=order.ordered_on.replace(day=1), amount=order.amount, cost=order.cost,
                source=RevenueLine.Source.ORDER,
            )


class RevenueLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RevenueLine

    account = factory.SubFactory(AccountFactory)
    month = factory.LazyFunction(lambda: datetime.date.today().replace(day=1))
    amount = Decimal("10000000")
    cost = Decimal("7000000")
    reference = factory.Sequence(lambda n: f"RV-{n:06d}")


class IncentiveProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncentiveProgram
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Volume program {n}")
    target_amount = Decimal("1000000000")
    discount_percent = Decimal("3.00")
    valid_from = factory.LazyFunction(lambda: datetime.date.today().replace(month=1, day=1))
    valid_to = factory.LazyFunction(lambda: datetime.date.today().replace(month=12, day=31))


class CustomerActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerActivity

    account = factory.SubFactory(AccountFactory)
    kind = CustomerActivity.Kind.WORKSHOP
    title = factory.Sequence(lambda n: f"Workshop {n}")
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=20))


OFFERING_NAMES = ("Cloud platform", "Data analytics", "ERP rollout", "Managed security", "Smart factory", "24/7 support")
LEVELS = (Contact.Level.EXECUTIVE, Contact.Level.MANAGER, Contact.Level.STAFF)


def build_account_360(
    account: Account, *, people: int = 60, opportunities: int = 40, names=None, today: datetime.date | None = None
) -> dict:
    """Fill an account with an org chart of `people` in units, relationships, opportunities with
    offerings and moves, orders, activities, unmet needs, a grade change and an incentive program,
    so every section of the account page has data of the given size."""
    today = today or datetime.date.today()
    name = names or (lambda n: f"Person {n:03d}")
    team = list(account.team.select_related("user"))
    our_people = [member.user for member in team] or [UserFactory()]
    board = OrgUnitFactory(account=account, name=f"Board {account.pk}")
    units = [board] + [
        OrgUnitFactory(account=account, name=f"Division {account.pk}-{n}", parent=board, is_purchasing=n == 2)
        for n in range(1, 5)
    ]
    offerings = [OfferingFactory(name=offering) for offering in OFFERING_NAMES]
    contacts: list[Contact] = []
    for number in range(people):
        manager = None if number == 0 else contacts[(number - 1) // 4]
        level = LEVELS[min(2, 0 if number == 0 else 1 if number < 5 else 2)]
        contact = ContactFactory(
            account=account,
            name=name(number),
            title=("CEO", "Division head", "Team lead")[LEVELS.index(level)],
            level=level,
            org_unit=units[0] if number == 0 else units[1 + (number - 1) % 4] if number < 5 else manager.org_unit,
            reports_to=manager,
            is_decision_maker=number in (0, 1),
            is_kingpin=number == 2,
            is_fox=number == 7,
            is_purchasing=number == 3,
            influence=5 - min(4, number // 5),
            attitude=(Contact.Attitude.SUPPORTER, Contact.Attitude.NEUTRAL, Contact.Attitude.OPPONENT)[number % 3],
        )
        contacts.append(contact)
        if number % 2 == 0:
            RelationshipFactory(
                user=our_people[number % len(our_people)],
                contact=contact,
                strength=1 + number % 5,
                last_interaction_on=today - datetime.timedelta(days=10 + 13 * number),
            )
    for number in range(opportunities):
        opportunity = OpportunityFactory(
            account=account,
            name=f"Opportunity {account.pk}-{number:02d}",
            sponsor_unit=units[number % len(units)],
            tier=number % 4 + 1,
            stage=(Opportunity.Stage.IDENTIFIED, Opportunity.Stage.RFI, Opportunity.Stage.RFQ, Opportunity.Stage.PROPOSAL, Opportunity.Stage.WON)[number % 5],
            amount=Decimal(50_000_000 + 10_000_000 * number),
            probability=10 + (number * 7) % 80,
            owner=our_people[number % len(our_people)],
        )
        opportunity.offerings.set(offerings[number % 6 : number % 6 + 1 + number % 2])
        OpportunityMove.objects.create(opportunity=opportunity, from_tier=None, to_tier=opportunity.tier, to_stage=opportunity.stage)
    for number in range(24):
        OrderFactory(
            account=account,
            offering=offerings[number % 6],
            ordered_on=today - datetime.timedelta(days=15 * number + 1),
            amount=Decimal(80_000_000 + 5_000_000 * number),
            cost=Decimal(60_000_000),
        )
    for number in range(6):
        activity = CustomerActivityFactory(
            account=account,
            kind=CustomerActivity.Kind.values[number % len(CustomerActivity.Kind.values)],
            title=f"Activity {number}",
            starts_on=today - datetime.timedelta(days=30 * number + 3),
        )
        activity.contacts.set(contacts[number : number + 3])
        activity.our_people.set(our_people[:2])
    UnmetNeed.objects.create(account=account, org_unit=units[1], offering=offerings[0], note="Needs 24/7 monitoring")
    grades = [PricingTierFactory(name="Premier", rank=1, min_annual_amount=5_000_000_000),
              PricingTierFactory(name="Gold", rank=2, min_annual_amount=1_000_000_000)]
    GradeChange.objects.create(account=account, from_grade=None, to_grade=grades[1], changed_on=today, reason="Yearly review")
    program = IncentiveProgramFactory()
    program.accounts.add(account)
    contacts[1].status = Contact.Status.LEFT
    contacts[1].left_on = today - datetime.timedelta(days=20)
    contacts[1].save()
    OrgChange.objects.create(account=account, contact=contacts[1], kind=OrgChange.Kind.LEFT, description=f"{contacts[1].name} left", happened_on=contacts[1].left_on)
    return {"units": units, "contacts": contacts, "offerings": offerings}


# Performance ------------------------------------------------------------------------------
from performance.models import KpiDefinition, KpiTarget, ManualActual, NpsResponse, TimeEntry  # noqa: E402


def ensure_kpi_catalogue() -> None:
    """Seed the KPI catalogue again if a browser test's flush removed what the migration put there."""
    import importlib

    from django.apps import apps

    if not KpiDefinition.objects.exists():
        importlib.import_module("performance.migrations.0003_seed_kpi_catalogue").seed(apps, None)
        importlib.import_module("performance.migrations.0006_repurchase_rate_counts_repeat_orders").forwards(apps, None)
        importlib.import_module("performance.migrations.0010_order_intake_kpi").forwards(apps, None)


def kpi(code: str) -> KpiDefinition:
    """A KPI of the seeded catalogue."""
    ensure_kpi_catalogue()
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


# Planning ---------------------------------------------------------------------------------
from planning.models import (  # noqa: E402
    AccountPlan,
    ActionItem,
    ConsensusMeeting,
    MeetingAttendee,
    MarketingAction,
    StrategicTask,
    SupportRequest,
)
from performance.periods import Period, PeriodKind  # noqa: E402


class AccountPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountPlan

    account = factory.SubFactory(AccountFactory)
    fiscal_year = factory.LazyFunction(lambda: datetime.date.today().year)
    period_start = factory.LazyAttribute(
        lambda o: Period(PeriodKind.YEAR, o.fiscal_year, 1, o.account.fiscal_year_start_month).start
    )
    period_end = factory.LazyAttribute(lambda o: Period(PeriodKind.YEAR, o.fiscal_year, 1, o.account.fiscal_year_start_month).end)


class StrategicTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicTask

    plan = factory.SubFactory(AccountPlanFactory)
    title = factory.Sequence(lambda n: f"Strategic task {n}")
    target_year = factory.LazyAttribute(lambda o: o.plan.fiscal_year + 1)


class MarketingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketingAction

    plan = factory.SubFactory(AccountPlanFactory)
    kind = MarketingAction.Kind.WORKSHOP
    title = factory.Sequence(lambda n: f"Workshop {n}")
    planned_on = factory.LazyAttribute(lambda o: o.plan.period_start + datetime.timedelta(days=60))


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    plan = factory.SubFactory(AccountPlanFactory)
    kind = SupportRequest.Kind.PEOPLE
    description = factory.Sequence(lambda n: f"Two solution engineers ({n})")
    amount = Decimal("50000000")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    plan = factory.SubFactory(AccountPlanFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    start_on = factory.LazyAttribute(lambda o: o.plan.period_start + datetime.timedelta(days=10))
    due_on = factory.LazyAttribute(lambda o: o.plan.period_start + datetime.timedelta(days=40))


class ConsensusMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsensusMeeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Consensus meeting {n}")
    scheduled_for = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7))
    created_by = None
    chair = factory.LazyAttribute(lambda o: o.created_by)

    @factory.post_generation
    def chair_attends(obj, create, extracted, **kwargs):
        """The chair attends, as when the meeting is scheduled in the web."""
        if create and obj.chair_id:
            MeetingAttendee.objects.get_or_create(meeting=obj, user=obj.chair, defaults={"role": "executive"})


def make_complete_plan(*, account, user, fiscal_year: int | None = None) -> AccountPlan:
    """A draft plan whose steps 1–5 are complete, written through the services like a user would."""
    from planning import services
    from planning.targets import TargetInput

    plan = services.plan_create(
        account=account, fiscal_year=fiscal_year or datetime.date.today().year, acting_user=user
    )
    unit = OrgUnitFactory(account=account, name=f"Strategy office {plan.pk}")
    fox = ContactFactory(account=account, org_unit=unit, is_decision_maker=True, is_fox=True, name=f"Fox {plan.pk}")
    OpportunityFactory(account=account, sponsor_unit=unit, tier=2)
    plan = services.plan_step_save(
        plan=plan, step=1, acting_user=user, expected_lock_version=plan.lock_version, confirm_org_review=True,
        fields={"org_review_notes": "Checked with the CIO."},
    )
    plan = services.plan_step_save(
        plan=plan, step=3, acting_user=user, expected_lock_version=plan.lock_version,
        fields={"cbp_summary": "Capex up 10 %", "cbp_initiatives": "Smart factory", "cbp_budget": Decimal(5_000_000_000),
                "cbp_budget_notes": "", "cbp_source": "IR day", "cbp_confidence": "medium"},
    )
    q = Decimal(250_000_000)
    plan = services.plan_step_save(
        plan=plan, step=4, acting_user=user, expected_lock_version=plan.lock_version,
        fields={
            "ambition_3y": "Become the MES partner", "plan_1y": "Win the MES pilot", "market_review": "Growing",
            "competition_review": "Two rivals", "swot_strengths": "References", "swot_weaknesses": "Price",
            "swot_opportunities": "Capex", "swot_threats": "In-house IT", "strategy_summary": "Land and expand",
            "execution_summary": "Pilot in Q2", "tam": Decimal(20_000_000_000),
        },
        collections={
            "strategic_tasks": [{"id": None, "delete": False, "title": "Total solution", "description": "",
                                 "owner": user, "target_year": plan.fiscal_year + 2, "status": "not_started"}],
            "marketing_actions": [{"id": None, "delete": False, "kind": "workshop", "title": "MES workshop",
                                   "contact": fox, "planned_on": plan.period_start + datetime.timedelta(days=30),
                                   "status": "planned"}],
        },
        targets={kpi("revenue"): TargetInput(chosen=True, year=4 * q, quarters=[q, q, q, q])},
    )
    plan = services.plan_step_save(
        plan=plan, step=5, acting_user=user, expected_lock_version=plan.lock_version,
        collections={
            "support_requests": [{"id": None, "delete": False, "kind": "people", "description": "Two engineers",
                                  "offering": None, "amount": Decimal(100_000_000), "status": "requested"}],
            "actions": [
                {"id": None, "delete": False, "title": "Pilot", "kind": "task", "owner": user,
                 "start_on": plan.period_start + datetime.timedelta(days=31), "due_on": plan.period_start + datetime.timedelta(days=120),
                 "status": "in_progress", "percent_done": 20, "parent": None},
                {"id": None, "delete": False, "title": "Pilot accepted", "kind": "milestone", "owner": user,
                 "start_on": None, "due_on": plan.period_start + datetime.timedelta(days=121),
                 "status": "not_started", "percent_done": 0, "parent": None},
            ],
        },
    )
    return plan


def make_running_plans(*, owner, count: int, fiscal_year: int = 2025, start_month: int = 1, kpi_codes=("revenue",)) -> list[AccountPlan]:
    """`count` approved plans (one account each, `owner` on the team) with a frozen version and KPIs, in bulk.

    Rows are written directly (not through the services), so tests of the scheduled sweep can
    make hundreds of running plans quickly.
    """
    from accounts.models import Account, AccountTeamMember
    from planning.models import PlanKpi, PlanStatus, PlanVersion

    year = Period(PeriodKind.YEAR, fiscal_year, 1, start_month)
    first = Account.objects.count()
    unit = BusinessUnitFactory()
    accounts = Account.objects.bulk_create(
        [Account(name=f"Running account {first + n}", fiscal_year_start_month=start_month, vertical_unit=unit)
         for n in range(count)]
    )
    AccountTeamMember.objects.bulk_create([AccountTeamMember(account=account, user=owner, role=AccountTeamMember.Role.KAM) for account in accounts])
    plans = AccountPlan.objects.bulk_create(
        [AccountPlan(account=account, fiscal_year=fiscal_year, period_start=year.start, period_end=year.end,
                     status=PlanStatus.APPROVED, owner=owner) for account in accounts]
    )
    versions = PlanVersion.objects.bulk_create(
        [PlanVersion(plan=plan, number=1, revision=1, snapshot={}, submitted_at=datetime.datetime(fiscal_year, 1, 1, tzinfo=datetime.UTC))
         for plan in plans]
    )
    for plan, version in zip(plans, versions, strict=True):
        plan.approved_version = version
    AccountPlan.objects.bulk_update(plans, ["approved_version"])
    kpis = [kpi(code) for code in kpi_codes]
    PlanKpi.objects.bulk_create([PlanKpi(plan=plan, kpi=k) for plan in plans for k in kpis])
    return plans


def build_site_world() -> dict:
    """A small site with one of everything each page needs: users of every role, an account with
    a full 360 view and a submitted plan on a meeting's agenda (with an attachment, a version and a
    quarterly review), another account, and an import batch. Used by the every-page tests."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Relationship
    from performance.models import ImportBatch
    from planning import services as planning_services
    from planning.models import AgendaItem

    ensure_kpi_catalogue()
    admin = make_admin(username="w-admin")
    executive = make_executive(username="w-exec")
    am = make_account_manager(username="w-am")
    other_am = make_account_manager(username="w-am2")
    account = AccountFactory(name="World Account", is_key_account=True)
    TeamMemberFactory(account=account, user=am)
    other_account = AccountFactory(name="Other Account")
    TeamMemberFactory(account=other_account, user=other_am)
    built = build_account_360(account, people=6, opportunities=4)
    plan = make_complete_plan(account=account, user=am)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    attachment = planning_services.attachment_add(
        plan=plan, upload=SimpleUploadedFile("brief.pdf", pdf, content_type="application/pdf"), acting_user=am
    )
    meeting = ConsensusMeetingFactory(created_by=executive)
    planning_services.plan_submit(plan=plan, acting_user=am, meeting=meeting)
    # Last year's plan on another account, approved, with its first quarterly review.
    approved = make_complete_plan(account=other_account, user=other_am, fiscal_year=plan.fiscal_year - 1)
    version = planning_services.plan_submit(plan=approved, acting_user=other_am)
    planning_services.plan_decide(version=version, outcome="approved", acting_user=executive)
    approved.refresh_from_db()
    planning_services.quarterly_review_create(plan=approved, quarter=1)
    batch = ImportBatch.objects.create(kind=ImportBatch.Kind.ORDERS, filename="orders.csv", uploaded_by=am)
    return {
        "admin": admin, "executive": executive, "am": am, "other_am": other_am,
        "account": account, "other_account": other_account, "plan": plan, "approved_plan": approved, "attachment": attachment,
        "meeting": meeting, "agenda_item": AgendaItem.objects.get(meeting=meeting),
        "contact": built["contacts"][1], "unit": built["units"][1], "offering": built["offerings"][0],
        "relationship": Relationship.objects.filter(contact__account=account).first(),
        "opportunity": account.opportunities.first(), "activity": account.activities.first(),
        "interaction": account.interactions.first(),
        "batch": batch,
    }
