"""Reads of personal goals (개인 목표): one account's grid of team members × fiscal months against the
account's monthly targets, an even split of those targets, and a person's weekly check (goal, actual to
date, expected to date and status for this month) on the weekly dashboard.

A person's actual is what they sold: the orders whose sales rep (영업 담당) they are, for orders signed (their
number) and order intake (their amount), and the revenue lines of those orders, for revenue and profit.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import Account, AccountTeamMember, Order, RevenueLine, User
from performance.kpis import ZERO, kpi_value_of
from performance.models import PERSONAL_GOAL_KPI_CODES, KpiDefinition, KpiStatus, KpiTarget, PersonalGoal
from performance.periods import MONTHS_IN, Period, PeriodKind, fiscal_month_of, fiscal_year_of, period_containing

MONTHS = range(1, 13)
# The KPIs a person's orders count for on their order date (the others read revenue lines, by month).
ORDER_DATED = ("orders", "order_intake")
# The per-account lines a month of the weekly check shows (the furthest behind); "Show all lines" lifts it.
GOAL_CHECK_LINES = 25
# The roles an even split shares the account's targets among: the people who sell.
SELLING_ROLES = (AccountTeamMember.Role.KAM, AccountTeamMember.Role.SALES_REP)
ROLE_ORDER = {role: index for index, role in enumerate(
    (AccountTeamMember.Role.KAM, AccountTeamMember.Role.SALES_REP, AccountTeamMember.Role.ENGINEER,
     AccountTeamMember.Role.EXECUTIVE_SPONSOR)
)}


def personal_goal_kpis() -> list[KpiDefinition]:
    """The active KPIs personal goals are set for (orders signed, order intake, revenue, profit), in the catalogue's order."""
    return list(KpiDefinition.objects.filter(code__in=PERSONAL_GOAL_KPI_CODES, is_active=True))


def account_monthly_targets(*, account: Account, kpi: KpiDefinition, fiscal_year: int) -> list[Decimal | None]:
    """The account's target of each fiscal month 1–12, from its targets of whatever period kind: a month's
    own target first, else its quarter's, half-year's or year's spread evenly over the months (a quarter's
    target of 300 is 100 a month). None for a month no target covers. One query."""
    by_month: dict[int, tuple[int, Decimal]] = {}
    targets = KpiTarget.objects.filter(account=account, kpi=kpi, fiscal_year=fiscal_year).values_list(
        "period_kind", "period_index", "value"
    )
    for kind, index, value in targets:
        months = MONTHS_IN[kind]
        for month in Period(kind, fiscal_year, index, account.fiscal_year_start_month).fiscal_months:
            # The finest period wins: a month's own target over its quarter's share.
            if month not in by_month or months < by_month[month][0]:
                by_month[month] = (months, value / months)
    return [by_month[month][1] if month in by_month else None for month in MONTHS]


@dataclass
class GoalRow:
    """One person's goals of the grid, month 1–12; `is_member` is False for someone who has left the team."""

    user: User
    role: str
    is_member: bool
    cells: list[Decimal | None]

    @property
    def role_label(self) -> str:
        return AccountTeamMember.Role(self.role).label if self.role else ""

    @property
    def total(self) -> Decimal | None:
        values = [value for value in self.cells if value is not None]
        return sum(values, ZERO) if values else None


@dataclass
class GoalGrid:
    account: Account
    kpi: KpiDefinition
    fiscal_year: int
    months: list[Period]
    rows: list[GoalRow]
    targets: list[Decimal | None]

    @property
    def sums(self) -> list[Decimal]:
        return [sum((row.cells[i] for row in self.rows if row.cells[i] is not None), ZERO) for i in range(12)]

    @property
    def differences(self) -> list[Decimal | None]:
        """Per month, the members' goals less the account's target (negative: part of the target is not
        given to anyone); None where the account has no target."""
        return [None if target is None else total - target for total, target in zip(self.sums, self.targets, strict=True)]

    @property
    def target_total(self) -> Decimal | None:
        values = [value for value in self.targets if value is not None]
        return sum(values, ZERO) if values else None

    @property
    def sum_total(self) -> Decimal:
        return sum(self.sums, ZERO)

    @property
    def members(self) -> list[GoalRow]:
        return [row for row in self.rows if row.is_member]


def goal_grid(*, account: Account, kpi: KpiDefinition, fiscal_year: int) -> GoalGrid:
    """One account's personal goals for a KPI and fiscal year: a row per team member (KAM first) and per
    person who has left the team but still holds goals, the account's monthly targets, sums and differences.
    Three queries whatever the team's size."""
    team = AccountTeamMember.objects.filter(account=account).select_related("user")
    goals = PersonalGoal.objects.filter(account=account, kpi=kpi, fiscal_year=fiscal_year).select_related("user")
    rows: dict[int, GoalRow] = {
        member.user_id: GoalRow(user=member.user, role=member.role, is_member=True, cells=[None] * 12)
        for member in sorted(team, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.user.get_full_name() or m.user.username))
    }
    former: dict[int, GoalRow] = {}
    for goal in goals:
        row = rows.get(goal.user_id) or former.setdefault(
            goal.user_id, GoalRow(user=goal.user, role="", is_member=False, cells=[None] * 12)
        )
        row.cells[goal.month - 1] = goal.value
    start = account.fiscal_year_start_month
    return GoalGrid(
        account=account,
        kpi=kpi,
        fiscal_year=fiscal_year,
        months=[Period(PeriodKind.MONTH, fiscal_year, month, start) for month in MONTHS],
        rows=[*rows.values(), *former.values()],
        targets=account_monthly_targets(account=account, kpi=kpi, fiscal_year=fiscal_year),
    )


def even_split(grid: GoalGrid) -> dict[tuple[int, int], Decimal]:
    """Each month's account target shared evenly among the team's KAM and sales reps: whole amounts for money,
    hundredths for counts, the rounding remainder given to the first (the KAM), so each month adds up to the
    target exactly. Months without a target are not in the answer."""
    sellers = [row for row in grid.members if row.role in SELLING_ROLES] or grid.members
    if not sellers:
        return {}
    places = Decimal(1) if grid.kpi.unit == KpiDefinition.Unit.MONEY else Decimal("0.01")
    split: dict[tuple[int, int], Decimal] = {}
    for month, target in zip(MONTHS, grid.targets, strict=True):
        if target is None:
            continue
        share = (target / len(sellers)).quantize(places)
        for row in sellers:
            split[(row.user.pk, month)] = share
        split[(sellers[0].user.pk, month)] = target - share * (len(sellers) - 1)
    return split


# The weekly check ---------------------------------------------------------------------------------
@dataclass
class GoalLine:
    """A person's goal, actual to date and status for one KPI in one month (of one account, or all)."""

    kpi: KpiDefinition
    goal: Decimal | None = None
    actual: Decimal = ZERO
    # The part of the actual from this week (Monday to today); None for revenue, recognised by month.
    week: Decimal | None = None
    expected: Decimal | None = None
    status: str = KpiStatus.NO_TARGET
    achievement: Decimal | None = None
    account_id: int | None = None
    account_name: str = ""

    @property
    def status_label(self) -> str:
        return KpiStatus(self.status).label


@dataclass
class GoalMonth:
    period: Period
    elapsed: Decimal
    totals: list[GoalLine] = field(default_factory=list)
    accounts: list[GoalLine] = field(default_factory=list)
    # Per-account lines left out of `accounts` (see GOAL_CHECK_LINES); the totals count them all the same.
    hidden: int = 0

    @property
    def elapsed_percent(self) -> Decimal:
        return self.elapsed * 100


@dataclass
class GoalCheck:
    person: User
    as_of: datetime.date
    week_start: datetime.date
    months: list[GoalMonth]
    per_account: bool = True

    @property
    def has_goals(self) -> bool:
        return any(line.goal is not None for month in self.months for line in month.totals)


def _goals_of_months(person_id: int, accounts: QuerySet[Account], months: list[Period], *, per_account: bool) -> QuerySet:
    """The person's goals for these calendar months on every account, whatever its fiscal calendar: one
    condition per (month, fiscal year start), so a constant-size query. Summed per account, or per month only."""
    condition = Q()
    for period in months:
        for start in MONTHS:
            condition |= Q(
                account__fiscal_year_start_month=start,
                fiscal_year=fiscal_year_of(period.start, start),
                month=fiscal_month_of(period.start, start),
            )
    fields = ["kpi_id", "fiscal_year", "month", "account__fiscal_year_start_month"]
    if per_account:
        fields += ["account_id", "account__name"]
    return PersonalGoal.objects.filter(
        condition, user_id=person_id, account__in=accounts.values("pk"), kpi__code__in=PERSONAL_GOAL_KPI_CODES
    ).values(*fields).order_by().annotate(total=Sum("value"))


def _furthest_behind(lines: list[GoalLine], limit: int) -> list[GoalLine]:
    """The `limit` lines to show first: off track, then at risk, then the rest, each kind in its listed order."""
    urgency = {KpiStatus.OFF_TRACK: 0, KpiStatus.AT_RISK: 1}
    return sorted(lines, key=lambda line: urgency.get(line.status, 2))[:limit]


def personal_goal_check(
    *, person: User, accounts: QuerySet[Account], today: datetime.date, per_account: bool = True,
    account_lines: int | None = GOAL_CHECK_LINES,
) -> GoalCheck:
    """A person's weekly check (the seed's "monthly or weekly" personal goals): for this month, and for last
    month too while this week started in it, per KPI (and per account with `per_account`), the person's goal,
    their actual to date (orders they sold up to today, their number and amount; revenue lines of those
    orders), the goal expected by today (goal × the share of the month gone) and the status by the KPI's own
    thresholds. Only `accounts` (the dashboard's scope) count. Four queries whatever the number of accounts,
    goals and orders. Without `per_account` the sums are made in SQL and the work does not grow with the
    person's accounts; with it a month keeps at most `account_lines` per-account lines (the furthest behind;
    None keeps them all)."""
    week_start = today - datetime.timedelta(days=today.weekday())
    this_month = period_containing(today, PeriodKind.MONTH, 1)
    months = [this_month] if this_month.contains(week_start) else [this_month.previous(), this_month]
    kpis = {kpi.code: kpi for kpi in personal_goal_kpis()}
    kpi_codes = {kpi.pk: code for code, kpi in kpis.items()}
    names: dict[int | None, str] = {}
    # (month position, account id or None for all, KPI code) -> goal / actual / week part
    goals: dict[tuple[int, int | None, str], Decimal] = {}
    actuals: dict[tuple[int, int | None, str], Decimal] = {}
    weeks: dict[tuple[int, int | None, str], Decimal] = {}
    starts = [period.start for period in months]

    def account_of(row) -> int | None:
        if not per_account:
            return None
        names[row["account_id"]] = row["account__name"]
        return row["account_id"]

    for row in _goals_of_months(person.pk, accounts, months, per_account=per_account):
        code = kpi_codes.get(row["kpi_id"])
        if code is None:
            continue
        start = Period(PeriodKind.MONTH, row["fiscal_year"], row["month"], row["account__fiscal_year_start_month"]).start
        key = (starts.index(start), account_of(row), code)
        goals[key] = goals.get(key, ZERO) + row["total"]

    scope = {"account__in": accounts.values("pk")}
    by = ("account_id", "account__name") if per_account else ()
    order_totals = {}
    for i, period in enumerate(months):
        in_month = Q(ordered_on__gte=period.start, ordered_on__lte=min(period.end, today))
        this_week = in_month & Q(ordered_on__gte=week_start)
        order_totals[f"orders_{i}"] = Count("id", filter=in_month)
        order_totals[f"week_{i}"] = Count("id", filter=this_week)
        order_totals[f"intake_{i}"] = Sum("amount", filter=in_month)
        order_totals[f"intake_week_{i}"] = Sum("amount", filter=this_week)
    orders = Order.objects.filter(sales_rep=person, ordered_on__gte=months[0].start, ordered_on__lte=today, **scope)
    orders = orders.values(*by).order_by().annotate(**order_totals) if by else [orders.aggregate(**order_totals)]
    for row in orders:
        account_id = account_of(row)
        for i in range(len(months)):
            if row[f"orders_{i}"]:
                actuals[(i, account_id, "orders")] = Decimal(row[f"orders_{i}"])
                weeks[(i, account_id, "orders")] = Decimal(row[f"week_{i}"])
                actuals[(i, account_id, "order_intake")] = row[f"intake_{i}"]
                weeks[(i, account_id, "order_intake")] = row[f"intake_week_{i}"] or ZERO
    lines = (
        RevenueLine.objects.filter(order__sales_rep=person, month__in=starts, **scope)
        .values(*by, "month").order_by().annotate(amount=Sum("amount"), cost=Sum("cost"))
    )
    for row in lines:
        key = (starts.index(row["month"]), account_of(row))
        actuals[(*key, "revenue")] = row["amount"]
        actuals[(*key, "profit")] = row["amount"] - row["cost"]

    result = []
    for i, period in enumerate(months):
        month = GoalMonth(period=period, elapsed=period.elapsed_fraction(today))
        for code, kpi in kpis.items():
            account_ids = sorted(
                {a for (j, a, c) in [*goals, *actuals] if j == i and c == code}, key=lambda pk: (names.get(pk, ""), pk or 0)
            )
            if not account_ids:
                continue
            by_order_date = code in ORDER_DATED
            total = GoalLine(kpi=kpi, week=ZERO if by_order_date else None)
            for account_id in account_ids:
                key = (i, account_id, code)
                line = GoalLine(
                    kpi=kpi, goal=goals.get(key), actual=actuals.get(key, ZERO),
                    week=weeks.get(key, ZERO) if by_order_date else None,
                    account_id=account_id, account_name=names.get(account_id, ""),
                )
                if per_account:
                    _rate(line, period, today)
                    month.accounts.append(line)
                if line.goal is not None:
                    total.goal = (total.goal or ZERO) + line.goal
                total.actual += line.actual
                if total.week is not None:
                    total.week += line.week
            _rate(total, period, today)
            month.totals.append(total)
        if account_lines is not None and len(month.accounts) > account_lines:
            month.hidden = len(month.accounts) - account_lines
            month.accounts = _furthest_behind(month.accounts, account_lines)
        result.append(month)
    return GoalCheck(person=person, as_of=today, week_start=week_start, months=result, per_account=per_account)


def _rate(line: GoalLine, period: Period, today: datetime.date) -> None:
    value = kpi_value_of(kpi=line.kpi, actual=line.actual, target=line.goal, period=period, as_of=today)
    line.expected, line.status, line.achievement = value.expected, value.status, value.achievement
