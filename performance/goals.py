"""Every write to personal goals (개인 목표): each team member's share of an account's targets, per KPI and
fiscal month. Keyword-only, atomic, all or nothing, told who acts. Who may call them is
`accounts.permissions.user_sets_personal_goals`' (the views and the API ask it first)."""

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import portfolio_cache
from accounts.models import Account, AccountTeamMember, User, person_name
from core.bulk import Outcome, RowErrors
from performance.models import PERSONAL_GOAL_KPI_CODES, KpiDefinition, PersonalGoal
from performance.periods import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from performance.services import NaturalKey, _records_upsert
from performance.values import parse_amount

logger = logging.getLogger(__name__)

# The largest goal the column holds (20 digits, 4 of them decimals).
MAX_GOAL = Decimal(10) ** 16 - 1
GOAL_PLACES = Decimal("0.0001")

PERSONAL_GOALS = NaturalKey(
    PersonalGoal,
    key=("account_id", "user_id", "kpi_id", "fiscal_year", "month"),
    compared=("value",),
    written=("value", "set_by", "updated_at"),
    update_conflicts=True,
)


@dataclass(frozen=True, slots=True)
class PersonalGoalRow:
    """One goal as another system knows it; (account, user, kpi, fiscal_year, month) is its natural key."""

    account: Account
    user: User
    kpi: KpiDefinition
    fiscal_year: int
    month: int
    value: Decimal


@dataclass(frozen=True)
class GoalsSaved:
    """What `personal_goals_save` did: how many goals it created, changed, left alone and removed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def _kpi_problem(kpi: KpiDefinition) -> str | None:
    if kpi.code not in PERSONAL_GOAL_KPI_CODES:
        return _(
            "%(kpi)s cannot be split among people: personal goals are set for orders signed, order intake, revenue "
            "and profit."
        ) % {"kpi": kpi.display_name}
    return None


def _year_problem(fiscal_year: int) -> str | None:
    if not MIN_FISCAL_YEAR <= fiscal_year <= MAX_FISCAL_YEAR:
        return _("The fiscal year runs from %(first)s to %(last)s.") % {"first": MIN_FISCAL_YEAR, "last": MAX_FISCAL_YEAR}
    return None


def _goal_value(raw) -> tuple[Decimal | None, str | None]:
    """A goal typed or sent: None for an empty cell (no goal), or the reason it cannot be a goal."""
    if raw is None:
        return None, None
    if isinstance(raw, Decimal):
        value, problem = raw, None
    else:
        value, problem = parse_amount(str(raw))
        if value is None and problem is None:
            return None, None
    if problem:
        return None, problem
    if not value.is_finite():
        return None, _("“%(value)s” is not a number.") % {"value": raw}
    if value < 0:
        return None, _("A goal is 0 or more.")
    if value > MAX_GOAL:
        return None, _("A goal is at most %(maximum)s.") % {"maximum": f"{MAX_GOAL:,}"}
    return value.quantize(GOAL_PLACES), None


def personal_goals_save(
    *,
    account: Account,
    kpi: KpiDefinition,
    fiscal_year: int,
    values: Mapping[tuple[int, int], str | Decimal | None],
    acting_user: User | None,
) -> GoalsSaved:
    """Save the grid of one account, KPI and fiscal year: `values` maps (user id, fiscal month) to the goal
    as typed ("1,500,000", Decimal, or empty/None to remove the goal). All or nothing: any bad cell (not a
    number, negative, too large, a month outside 1–12, a person not on the account's team) raises one
    ValidationError listing every problem, and nothing is written. Removing the goal of someone who has
    left the team is allowed; giving them one is not. Cells not in `values` are left as they are.
    """
    problems = [problem for problem in (_kpi_problem(kpi), _year_problem(fiscal_year)) if problem]
    if problems:
        raise ValidationError(problems)
    user_ids = {user_id for user_id, _month in values}
    people = {user.pk: user for user in User.objects.filter(pk__in=user_ids)}
    members = set(AccountTeamMember.objects.filter(account=account, user_id__in=user_ids).values_list("user_id", flat=True))
    parsed: dict[tuple[int, int], Decimal | None] = {}
    for (user_id, month), raw in sorted(values.items(), key=lambda item: item[0]):
        person = people.get(user_id)
        who = person_name(person) if person else _("person #%(id)s") % {"id": user_id}
        if not 1 <= month <= 12:
            problems.append(_("%(person)s: month %(month)s is not a fiscal month (1–12).") % {"person": who, "month": month})
            continue
        value, problem = _goal_value(raw)
        if problem:
            problems.append(_("%(person)s, month %(month)s: %(problem)s") % {"person": who, "month": month, "problem": problem})
            continue
        if value is not None and user_id not in members:
            problems.append(_("%(person)s is not on this account's team.") % {"person": who})
            continue
        parsed[(user_id, month)] = value
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))
    goals = [
        PersonalGoal(account=account, user_id=user_id, kpi=kpi, fiscal_year=fiscal_year, month=month, value=value,
                     set_by=acting_user)
        for (user_id, month), value in parsed.items()
        if value is not None
    ]
    removed_keys = [key for key, value in parsed.items() if value is None]
    with transaction.atomic():
        removed = 0
        if removed_keys:
            stored = PersonalGoal.objects.select_for_update().filter(
                account=account, kpi=kpi, fiscal_year=fiscal_year, user_id__in={user_id for user_id, _m in removed_keys}
            )
            doomed = [goal.pk for goal in stored if (goal.user_id, goal.month) in set(removed_keys)]
            removed, _kinds = PersonalGoal.objects.filter(pk__in=doomed).delete()
        outcomes = _records_upsert(natural_key=PERSONAL_GOALS, records=goals) if goals else []
        _goals_written(outcomes)
    counts = Counter(outcome for _goal, outcome in outcomes)
    logger.info("%s saved personal goals of account %s: %s, %s removed", acting_user, account.pk, dict(counts), removed)
    return GoalsSaved(
        created=counts[Outcome.CREATED], updated=counts[Outcome.UPDATED], unchanged=counts[Outcome.UNCHANGED],
        removed=removed,
    )


def personal_goals_upsert(*, rows: Sequence[PersonalGoalRow], acting_user: User | None) -> list[tuple[PersonalGoal, Outcome]]:
    """Create or update goals by their natural key (account, user, KPI, fiscal year, month), all or nothing.

    Returns each row's goal with its outcome (created, updated, unchanged), in the rows' order; a row
    equal to the stored goal is left alone, so sending the same batch twice changes nothing. Raises
    `RowErrors` by position (nothing written) for a KPI that is not split among people, a negative or
    too large value, a month outside 1–12, or a person not on the account's team. The caller has checked
    that `acting_user` may set goals on the rows' accounts; keys must be unique within the batch. Runs a
    fixed number of statements whatever the number of rows.
    """
    pairs = {(row.account.pk, row.user.pk) for row in rows}
    members = set(
        AccountTeamMember.objects.filter(
            account_id__in={account for account, _user in pairs}, user_id__in={user for _account, user in pairs}
        ).values_list("account_id", "user_id")
    )
    errors: dict[int, ValidationError] = {}
    for index, row in enumerate(rows):
        row_errors: dict[str, list[str]] = {}
        problem = _kpi_problem(row.kpi)
        if problem:
            row_errors["kpi"] = [problem]
        problem = _year_problem(row.fiscal_year)
        if problem:
            row_errors["fiscal_year"] = [problem]
        if not 1 <= row.month <= 12:
            row_errors["month"] = [_("A fiscal month runs from 1 to 12.")]
        _value, problem = _goal_value(row.value)
        if problem:
            row_errors["value"] = [problem]
        if (row.account.pk, row.user.pk) not in members:
            row_errors["user"] = [_("%(person)s is not on this account's team.") % {"person": person_name(row.user)}]
        if row_errors:
            errors[index] = ValidationError(row_errors)
    if errors:
        raise RowErrors(errors)
    goals = [
        PersonalGoal(account=row.account, user=row.user, kpi=row.kpi, fiscal_year=row.fiscal_year, month=row.month,
                     value=row.value.quantize(GOAL_PLACES), set_by=acting_user)
        for row in rows
    ]
    with transaction.atomic():
        outcomes = _records_upsert(natural_key=PERSONAL_GOALS, records=goals)
        _goals_written(outcomes)
    logger.info("%s upserted personal goals: %s", acting_user, dict(Counter(outcome.value for _g, outcome in outcomes)))
    return outcomes


def _goals_written(outcomes: list[tuple[PersonalGoal, Outcome]]) -> None:
    """A person's weekly check sums the goals (deletes bump through the signal performance's AppConfig wires)."""
    if any(outcome != Outcome.UNCHANGED for _goal, outcome in outcomes):
        portfolio_cache.bump(portfolio_cache.SALES)


def personal_goal_delete(*, goal: PersonalGoal, acting_user: User | None) -> None:
    """Remove one goal (the person then has no goal for that KPI and month)."""
    with transaction.atomic():
        goal.delete()
    logger.info("%s removed personal goal %s", acting_user, goal)
