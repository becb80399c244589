import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from demo.accounts_content import DEMO_PASSWORD, DEMO_USERNAMES
from accounts.models import (
    Account,
    AccountTeamMember,
    BusinessUnit,
    Contact,
    CustomerActivity,
    Interaction,
    GradeChange,
    IncentiveProgram,
    Offering,
    Opportunity,
    OrgUnit,
    PricingTier,
    Relationship,
    UnmetNeed,
    User,
)
from accounts.interactions import relationships_with_last_contact
from accounts.revenue import last_12_months
from accounts.roles import Role
from accounts.selectors import accounts_visible_to
from performance.models import KpiSnapshot, KpiTarget, NpsResponse, TimeEntry
from accounts.models import Order, RevenueLine
from planning.models import AccountPlan, ConsensusMeeting

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


def snapshot() -> dict:
    """What two runs with the same seed must agree on."""
    return {
        "accounts": list(Account.objects.order_by("name").values_list(
            "name", "english_name", "industry", "is_key_account", "fiscal_year_start_month", "team_type", "grade__name",
        )),
        "kams": sorted(AccountTeamMember.objects.filter(role="kam").values_list("account__name", "user__username")),
        "contacts": list(Contact.objects.order_by("account__name", "name").values_list(
            "account__name", "name", "title", "org_unit__name", "reports_to__name", "is_fox", "is_kingpin", "status",
        )),
        "opportunities": Opportunity.objects.aggregate(total=Sum("amount"), count=Count("pk")),
        "orders": Order.objects.aggregate(total=Sum("amount"), cost=Sum("cost"), count=Count("pk")),
        "revenue_lines": RevenueLine.objects.aggregate(total=Sum("amount"), cost=Sum("cost"), count=Count("pk")),
        "relationships": Relationship.objects.aggregate(strength=Sum("strength"), count=Count("pk")),
        "activities": list(CustomerActivity.objects.order_by("account__name", "starts_on", "title").values_list(
            "account__name", "kind", "title", "starts_on", "resolved_on")),
        "participants": CustomerActivity.contacts.through.objects.count(),
        "interactions": list(Interaction.objects.order_by("account__name", "occurred_on", "note", "id").values_list(
            "account__name", "kind", "occurred_on", "note")),
        "grade_changes": GradeChange.objects.count(),
        "unmet_needs": sorted(UnmetNeed.objects.values_list("org_unit__name", "offering__name", "note")),
        "targets": KpiTarget.objects.aggregate(total=Sum("value"), count=Count("pk")),
        "nps": NpsResponse.objects.aggregate(total=Sum("score"), count=Count("pk")),
        "time": TimeEntry.objects.aggregate(total=Sum("hours"), count=Count("pk")),
        "snapshots": KpiSnapshot.objects.aggregate(count=Count("pk"), actual=Sum("actual")),
        "plans": sorted(AccountPlan.objects.values_list("account__name", "owner__username", "status", "revision")),
        "meetings": list(ConsensusMeeting.objects.order_by("scheduled_for").annotate(n=Count("items")).values_list(
            "title", "scheduled_for", "n")),
    }


def test_default_seed_makes_twelve_accounts_in_three_industries(seeded):
    assert Account.objects.count() == 12
    by_industry = dict(Account.objects.values_list("industry").annotate(n=Count("pk")))
    assert by_industry == {"manufacturing": 4, "finance": 4, "public": 4}
    assert BusinessUnit.objects.filter(kind=BusinessUnit.Kind.VERTICAL).count() == 3
    assert set(Account.objects.values_list("vertical_unit__kind", flat=True)) == {BusinessUnit.Kind.VERTICAL}
    assert 3 <= BusinessUnit.objects.filter(kind=BusinessUnit.Kind.HORIZONTAL).count() <= 4
    assert 12 <= Offering.objects.count() <= 16
    assert set(Offering.objects.values_list("kind", flat=True)) == {"product", "service", "solution"}
    assert Offering.objects.filter(is_key_account_special=True).exists()
    assert Offering.objects.filter(has_24x7_support=True).exists()
    assert list(PricingTier.objects.values_list("name", "rank", "discount_percent")) == [
        ("Gold", 1, Decimal("10.00")), ("Silver", 2, Decimal("7.00")), ("Premier", 3, Decimal("3.00")),
    ]
    assert not Account.objects.filter(grade__isnull=True).exists()
    assert set(Account.objects.values_list("is_key_account", flat=True)) == {True, False}
    assert set(Account.objects.values_list("fiscal_year_start_month", flat=True)) == {1, 4}
    assert set(Account.objects.values_list("team_type", flat=True)) == set(Account.TeamType.values)
    assert Account.objects.exclude(english_name="").exists() and Account.objects.filter(english_name="").exists()
    today = timezone.localdate()
    current = IncentiveProgram.objects.filter(valid_from__lte=today, valid_to__gte=today)
    assert current.exists() and current.filter(accounts__isnull=False).exists()


def test_each_org_chart_has_15_to_60_contacts_in_4_to_8_units_with_the_buying_roles(seeded):
    for account in Account.objects.all():
        contacts = account.contacts.all()
        active = contacts.filter(status=Contact.Status.ACTIVE)
        assert 15 <= contacts.count() <= 60, account
        assert 4 <= account.org_units.count() <= 8, account
        assert account.org_units.filter(parent__isnull=True).count() == 1, account
        assert account.org_units.filter(is_purchasing=True).exists(), account
        assert active.filter(is_decision_maker=True).exists(), account
        assert active.filter(is_purchasing=True, org_unit__is_purchasing=True).exists(), account
        assert active.filter(is_fox=True).count() == 1, account
        assert active.filter(is_kingpin=True).count() == 1, account
        assert contacts.filter(reports_to__isnull=True).count() == 1, account
    assert not Contact.objects.filter(status=Contact.Status.ACTIVE, left_on__isnull=False).exists()
    assert Contact.objects.filter(status=Contact.Status.LEFT, left_on__isnull=False).exists()


def test_reports_to_and_unit_trees_stay_within_the_account_and_have_no_cycle(seeded):
    assert not Contact.objects.exclude(reports_to__isnull=True).exclude(reports_to__account=F("account")).exists()
    assert not OrgUnit.objects.exclude(parent__isnull=True).exclude(parent__account=F("account")).exists()
    for model, parent_field in ((Contact, "reports_to_id"), (OrgUnit, "parent_id")):
        parent_of = dict(model.objects.values_list("id", parent_field))
        for start in parent_of:
            seen, current = set(), start
            while current is not None:
                assert current not in seen, f"{model.__name__} {start} is in a cycle"
                seen.add(current)
                current = parent_of[current]


def test_am_and_am2_see_disjoint_non_empty_sets_and_exec_sees_all(seeded):
    am, am2, executive = (User.objects.get(username=name) for name in ("am", "am2", "exec"))
    mine = set(accounts_visible_to(am).values_list("pk", flat=True))
    theirs = set(accounts_visible_to(am2).values_list("pk", flat=True))
    assert mine and theirs
    assert not mine & theirs
    assert mine | theirs == set(Account.objects.values_list("pk", flat=True))
    assert accounts_visible_to(executive).count() == Account.objects.count()
    assert AccountTeamMember.objects.filter(role="kam").count() == Account.objects.count()


def test_demo_users_log_in_with_the_demo_password(seeded):
    for username in DEMO_USERNAMES:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == [Role.ADMIN]
    assert list(User.objects.get(username="exec").groups.values_list("name", flat=True)) == [Role.EXECUTIVE]
    assert set(User.objects.get(username="am2").groups.values_list("name", flat=True)) == {Role.ACCOUNT_MANAGER}
    assert "kamdemo" in seeded and "am2" in seeded


def test_opportunities_orders_and_relationships_look_like_a_real_book_of_business(seeded):
    today = timezone.localdate()
    for account in Account.objects.annotate(n=Count("opportunities")):
        assert 10 <= account.n <= 40, account
    opportunities = Opportunity.objects.all()
    assert set(opportunities.values_list("tier", flat=True)) == {1, 2, 3, 4}
    assert set(opportunities.values_list("stage", flat=True)) == set(Opportunity.Stage.values)
    assert not opportunities.filter(stage="won").exclude(probability=100).exists()
    assert not opportunities.filter(stage="lost").exclude(probability=0).exists()
    assert not opportunities.filter(stage__in=Opportunity.OPEN_STAGES, expected_close_date__lte=today).exists()
    assert not opportunities.filter(stage__in=("won", "lost"), expected_close_date__gt=today).exists()
    assert not opportunities.exclude(sponsor_unit__isnull=True).exclude(sponsor_unit__account=F("account")).exists()
    assert not opportunities.annotate(n=Count("offerings")).filter(Q(n__lt=1) | Q(n__gt=3)).exists()

    orders = Order.objects.all()
    assert orders.filter(ordered_on__lte=today - datetime.timedelta(days=365 * 3 - 31)).exists()
    assert not orders.filter(ordered_on__gt=today).exists()
    margin_out_of_range = Q(cost__lt=F("amount") * Decimal("0.54")) | Q(cost__gt=F("amount") * Decimal("0.81"))
    assert not orders.filter(margin_out_of_range).exists()
    revenue = sorted(Account.objects.values_list("revenue_ttm", flat=True), reverse=True)
    assert all(amount > 0 for amount in revenue)
    assert sum(revenue[:4]) > sum(revenue) / 2  # a few accounts make most of the revenue
    assert 1 <= Account.objects.filter(pareto_class="A").count() <= 6

    stale = today - datetime.timedelta(days=90)
    last_contacts = list(relationships_with_last_contact(Relationship.objects.all(), today=today).values_list(
        "last_contact_on", flat=True))
    assert all(last_contacts), "every demo relationship has a last contact in the interaction log"
    assert any(day < stale for day in last_contacts) and any(day >= stale for day in last_contacts)
    # Every customer activity but a support incident records its interaction.
    assert not CustomerActivity.objects.exclude(kind="incident").filter(interaction__isnull=True).exists()
    assert not Interaction.objects.filter(activity__kind="incident").exists()
    uncovered_kingpins = Contact.objects.filter(is_kingpin=True, relationships__isnull=True)
    assert uncovered_kingpins.exists()


def test_demo_revenue_spreads_orders_over_the_following_months_and_adds_up_to_them(seeded):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    lines = RevenueLine.objects.all()
    assert not lines.filter(month__gt=this_month).exists()
    assert not lines.exclude(order__account=F("account")).exists()
    # An order of a year ago is recognised in full: its lines add up to its amount and cost.
    old = Order.objects.filter(ordered_on__lt=today - datetime.timedelta(days=365)).annotate(
        recognised=Sum("revenue_lines__amount"), recognised_cost=Sum("revenue_lines__cost"))
    assert old.exists()
    assert not old.exclude(recognised=F("amount")).exists()
    assert not old.exclude(recognised_cost=F("cost")).exists()
    # Services and solutions are recognised over several months; recent orders are partly backlog.
    spread = Order.objects.annotate(months=Count("revenue_lines__month", distinct=True)).filter(months__gt=1)
    assert spread.filter(offering__kind="service").exists() and spread.filter(offering__kind="solution").exists()
    recent = Order.objects.filter(ordered_on__gte=this_month).aggregate(total=Sum("amount"))["total"]
    recognised = lines.filter(order__ordered_on__gte=this_month).aggregate(total=Sum("amount"))["total"] or 0
    assert recognised < recent
    # Revenue is not order intake: the last 12 months differ, and every account has revenue.
    first, _last = last_12_months(today)
    revenue = lines.filter(month__gte=first).aggregate(total=Sum("amount"))["total"]
    intake = Order.objects.filter(ordered_on__gte=first).aggregate(total=Sum("amount"))["total"]
    assert revenue != intake
    assert revenue == Account.objects.aggregate(total=Sum("revenue_ttm"))["total"]


def test_running_twice_with_flush_gives_the_same_data(seeded):
    first = snapshot()
    output = seed("--flush")
    assert "12" in output
    assert snapshot() == first


def test_another_seed_gives_other_data(seeded):
    first = snapshot()
    seed("--flush", "--seed", "7")
    assert snapshot()["accounts"] != first["accounts"]


def test_seed_without_flush_leaves_existing_data_alone(seeded):
    before = snapshot()
    output = seed()
    assert "--flush" in output
    assert snapshot() == before


def test_seed_refuses_when_demo_data_is_not_allowed(settings):
    settings.KAM_DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="KAM_DEMO_DATA_ALLOWED"):
        seed()
    assert not Account.objects.exists()
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_accounts_option_makes_that_many_accounts_split_between_am_and_am2():
    seed("--accounts", "30")
    assert Account.objects.count() == 30
    am_count = accounts_visible_to(User.objects.get(username="am")).count()
    am2_count = accounts_visible_to(User.objects.get(username="am2")).count()
    assert am_count + am2_count == 30
    assert abs(am_count - am2_count) <= 2
    assert Account.objects.values("name").distinct().count() == 30


def test_accounts_option_rejects_zero():
    with pytest.raises(CommandError):
        seed("--accounts", "0")


def test_demo_accounts_keep_buying_new_offerings_so_repurchase_rates_are_not_all_100_percent(seeded):
    from performance.periods import PeriodKind, period_containing
    from performance.selectors import kpi_actual
    from tests.factories import kpi

    today = timezone.localdate()
    # Every one of the last three years brings first purchases of an offering somewhere in the book.
    firsts = Order.objects.values("account_id", "offering_id").annotate(first=Min("ordered_on"))
    for years_back in range(3):
        low, high = today - datetime.timedelta(days=365 * (years_back + 1) - 31), today - datetime.timedelta(days=365 * years_back)
        assert any(low <= row["first"] <= high for row in firsts), years_back
    rates = []
    for account in Account.objects.filter(is_key_account=True):
        last_year = period_containing(today, PeriodKind.YEAR, account.fiscal_year_start_month).previous()
        rates.append(kpi_actual(account=account, kpi=kpi("repurchase_count"), period=last_year, as_of=today))
    measured = [rate for rate in rates if rate is not None]
    assert measured
    assert sum(rate == 100 for rate in measured) <= len(measured) // 2
    assert all(0 <= rate <= 100 for rate in measured)


def test_demo_people_have_levels_and_the_map_shows_level_gaps_somewhere_but_not_everywhere(seeded):
    from accounts.selectors import relationship_map

    assert not User.objects.filter(username__in=DEMO_USERNAMES).exclude(username="admin").filter(level="").exists()
    assert User.objects.get(username="exec").level == "executive"
    today = timezone.localdate()
    maps = [relationship_map(account=account, today=today) for account in Account.objects.filter(is_key_account=True)]
    assert any(data["level_mismatch_count"] for data in maps)
    assert any(data["coverage"]["matched"] for data in maps)


def test_demo_orders_name_a_seller_of_the_team_and_key_accounts_split_revenue_targets(seeded):
    from accounts.models import AccountTeamMember
    from performance.models import PersonalGoal
    from performance.selectors.personal_goals import goal_grid

    orders = Order.objects.all()
    assert not orders.filter(sales_rep__isnull=True).exists()
    sellers = AccountTeamMember.objects.filter(role__in=["kam", "sales_rep"])
    assert set(orders.values_list("account_id", "sales_rep_id")) <= set(sellers.values_list("account_id", "user_id"))
    goals = PersonalGoal.objects.select_related("account", "kpi")
    assert goals.exists() and not goals.filter(account__is_key_account=False).exists()
    goal = goals.first()
    grid = goal_grid(account=goal.account, kpi=goal.kpi, fiscal_year=goal.fiscal_year)
    # Each month's goals add up to the account's revenue target of the month (a quarter's, a third a month), to the won.
    assert all(difference is not None and abs(difference) <= 1 for difference in grid.differences), (grid.targets, grid.sums)
