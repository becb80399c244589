import datetime
from decimal import Decimal

import pytest

from accounts.models import Account
from performance.services import kpi_snapshot_refresh
from tests.factories import (
    AccountFactory,
    BusinessUnitFactory,
    ContactFactory,
    KpiTargetFactory,
    NpsResponseFactory,
    OfferingFactory,
    OpportunityFactory,
    OrderFactory,
    PricingTierFactory,
    TeamMemberFactory,
    TimeEntryFactory,
    UserFactory,
    kpi,
)


def populate(account: Account, *, today: datetime.date, offerings=None, orders: int = 6) -> None:
    """Give an account a year of orders, an opportunity, NPS responses, time entries and quarterly targets."""
    offerings = offerings or [OfferingFactory() for _ in range(3)]
    for number in range(orders):
        OrderFactory(
            account=account,
            offering=offerings[number % len(offerings)],
            ordered_on=today - datetime.timedelta(days=number * 60 % 365),
            amount=Decimal(1_000_000 * (number + 1)),
            cost=Decimal(600_000 * (number + 1)),
        )
    OpportunityFactory(account=account, tier=(account.pk % 4) + 1)
    NpsResponseFactory(account=account, score=9, responded_on=today - datetime.timedelta(days=1))
    if account.team_type != Account.TeamType.SALES:
        TimeEntryFactory(account=account, worked_on=today - datetime.timedelta(days=1))
    from performance.periods import period_containing

    quarter = period_containing(today, "quarter", account.fiscal_year_start_month)
    for code, value in (("revenue", 50_000_000), ("profit", 10_000_000), ("margin", 30), ("nps", 20)):
        KpiTargetFactory(account=account, kpi=kpi(code), fiscal_year=quarter.fiscal_year, period_kind="quarter",
                         period_index=quarter.index, value=value)


@pytest.fixture
def portfolio(db, account_manager, other_account_manager):
    """Builds `size` accounts (half on account_manager's team) with data and today's and last week's snapshots."""

    def build(size: int) -> list[Account]:
        today = datetime.date.today()
        offerings = [OfferingFactory() for _ in range(3)]
        units = [BusinessUnitFactory(name="Manufacturing"), BusinessUnitFactory(name="Finance")]
        grades = [PricingTierFactory(name="Premier", rank=1), PricingTierFactory(name="Gold", rank=2)]
        accounts = []
        for number in range(size):
            account = AccountFactory(
                vertical_unit=units[number % 2],
                grade=grades[number % 2],
                is_key_account=number % 3 == 0,
                fiscal_year_start_month=(1, 4, 7)[number % 3],
                team_type=("sales", "operations", "mixed")[number % 3],
            )
            manager = account_manager if number % 2 == 0 else other_account_manager
            TeamMemberFactory(account=account, user=manager)
            TeamMemberFactory(account=account, user=UserFactory(), role="sales_rep")
            ContactFactory(account=account)
            populate(account, today=today, offerings=offerings, orders=2)
            accounts.append(account)
        from accounts.services import account_revenue_refresh

        account_revenue_refresh()
        kpi_snapshot_refresh(as_of=today - datetime.timedelta(days=7))
        kpi_snapshot_refresh(as_of=today)
        return accounts

    return build
