"""Reads of our organisation and its mapping to accounts: the matrix, the people, the history.

Every read is a fixed number of grouped queries, whatever the number of units, accounts and people.
Accounts go through `accounts_visible_to`: an account manager sees their own teams only.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from accounts.handover import load_measures
from accounts.models import Account, AccountTeamMember, BusinessUnit, OrganisationEvent, User
from accounts.selectors.visibility import accounts_visible_to

PEOPLE_TEAMS_SHOWN = 4
ROLE_ORDER = {role: index for index, role in enumerate(AccountTeamMember.Role.values)}


@dataclass(frozen=True)
class MatrixFilters:
    unit: BusinessUnit | None = None
    person: User | None = None
    team_type: str = ""
    key_only: bool = False

    @property
    def active(self) -> bool:
        return bool(self.unit or self.person or self.team_type or self.key_only)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def matrix_filters_from(params) -> MatrixFilters:
    """The filters of the query string; unknown or malformed ids are ignored, never an error."""
    unit_id, person_id = _int(params.get("unit")), _int(params.get("person"))
    team_type = params.get("team_type", "")
    return MatrixFilters(
        unit=BusinessUnit.objects.filter(pk=unit_id).first() if unit_id else None,
        person=User.objects.filter(pk=person_id).first() if person_id else None,
        team_type=team_type if team_type in Account.TeamType.values else "",
        key_only=params.get("key") == "1",
    )


def _filtered_accounts(*, user: User, filters: MatrixFilters) -> QuerySet[Account]:
    accounts = accounts_visible_to(user)
    if filters.unit is not None:
        if filters.unit.kind == BusinessUnit.Kind.VERTICAL:
            unit_ids = [filters.unit.pk, *BusinessUnit.objects.filter(parent=filters.unit).values_list("pk", flat=True)]
            accounts = accounts.filter(vertical_unit_id__in=unit_ids)
        else:
            accounts = accounts.filter(
                pk__in=AccountTeamMember.objects.filter(user__business_unit=filters.unit).values("account_id")
            )
    if filters.person is not None:
        accounts = accounts.filter(pk__in=AccountTeamMember.objects.filter(user=filters.person).values("account_id"))
    if filters.team_type:
        accounts = accounts.filter(team_type=filters.team_type)
    if filters.key_only:
        accounts = accounts.filter(is_key_account=True)
    return accounts


def organisation_matrix(*, user: User, filters: MatrixFilters) -> dict:
    """The grid: vertical units as rows, horizontal units as columns; a row counts its (filtered)
    accounts and key accounts, a cell counts the people of the horizontal unit on those accounts' teams."""
    units = list(BusinessUnit.objects.filter(is_active=True).order_by("name"))
    verticals = [unit for unit in units if unit.kind == BusinessUnit.Kind.VERTICAL]
    horizontals = [unit for unit in units if unit.kind == BusinessUnit.Kind.HORIZONTAL]
    accounts = _filtered_accounts(user=user, filters=filters)
    per_vertical = {
        row["vertical_unit_id"]: row
        for row in accounts.order_by().values("vertical_unit_id").annotate(
            accounts=Count("pk"), key_accounts=Count("pk", filter=Q(is_key_account=True))
        )
    }
    cells = {
        (row["account__vertical_unit_id"], row["user__business_unit_id"]): row["people"]
        for row in AccountTeamMember.objects.filter(account__in=accounts.values("pk"), user__business_unit__kind=BusinessUnit.Kind.HORIZONTAL)
        .order_by()
        .values("account__vertical_unit_id", "user__business_unit_id")
        .annotate(people=Count("user_id", distinct=True))
    }
    people = {
        row["business_unit_id"]: row["n"]
        for row in User.objects.filter(is_active=True).order_by().values("business_unit_id").annotate(n=Count("pk"))
    }
    rows = [
        {
            "unit": unit,
            "accounts": per_vertical.get(unit.pk, {}).get("accounts", 0),
            "key_accounts": per_vertical.get(unit.pk, {}).get("key_accounts", 0),
            "people": people.get(unit.pk, 0),
            "cells": [cells.get((unit.pk, column.pk), 0) for column in horizontals],
        }
        for unit in verticals
    ]
    return {
        "rows": rows,
        "columns": [{"unit": unit, "people": people.get(unit.pk, 0)} for unit in horizontals],
        "units": units,
    }


def organisation_accounts_page(*, user: User, filters: MatrixFilters, page_number: str | int | None, per_page: int = 25) -> Page:
    """A page of the filtered accounts, each with its vertical unit and its team (KAM first)."""
    team = AccountTeamMember.objects.select_related("user__business_unit").order_by("user__last_name", "user__first_name")
    accounts = (
        _filtered_accounts(user=user, filters=filters)
        .select_related("vertical_unit")
        .prefetch_related(Prefetch("team", queryset=team, to_attr="team_members"))
        .order_by("vertical_unit__name", "-is_key_account", "name")
    )
    page = Paginator(accounts, per_page).get_page(page_number)
    for account in page.object_list:
        account.team_members.sort(key=lambda member: ROLE_ORDER.get(member.role, 99))
        account.kam_member = next((m for m in account.team_members if m.role == AccountTeamMember.Role.KAM), None)
    return page


def people_choices(*, active_only: bool = True) -> QuerySet[User]:
    """Our people for pickers and filters, by name (one query, names only)."""
    people = User.objects.only("pk", "username", "first_name", "last_name", "is_active").order_by("last_name", "first_name", "username")
    return people.filter(is_active=True) if active_only else people


def organisation_people_page(*, page_number: str | int | None, query: str = "", show_inactive: bool = False, per_page: int = 25) -> Page:
    """A page of our people with their unit, roles and load: accounts (as KAM and on teams) and
    whatever higher apps registered (open actions, utilisation), each one grouped query per page."""
    people = User.objects.select_related("business_unit").prefetch_related("groups").order_by("-is_active", "last_name", "first_name", "username")
    if not show_inactive:
        people = people.filter(is_active=True)
    for word in query.split()[:5]:
        people = people.filter(Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    page = Paginator(people, per_page).get_page(page_number)
    ids = [person.pk for person in page.object_list]
    counts = {
        row["user_id"]: row
        for row in AccountTeamMember.objects.filter(user_id__in=ids)
        .order_by()
        .values("user_id")
        .annotate(teams=Count("pk"), kam=Count("pk", filter=Q(role=AccountTeamMember.Role.KAM)))
    }
    # Only the first few teams are shown (the rest is a link): a window numbers each person's teams by
    # account name, so a person on thousands of teams costs the same as one on four.
    first_teams: dict[int, list[AccountTeamMember]] = {}
    shown = (
        AccountTeamMember.objects.filter(user_id__in=ids)
        .annotate(position=Window(RowNumber(), partition_by=[F("user_id")], order_by=[F("account__name").asc(), F("pk").asc()]))
        .filter(position__lte=PEOPLE_TEAMS_SHOWN)
        .select_related("account")
        .only("role", "user_id", "account__name")
        .order_by("user_id", "position")
    )
    for member in shown:
        first_teams.setdefault(member.user_id, []).append(member)
    measures = [(measure, measure.values(ids)) for measure in load_measures()]
    for person in page.object_list:
        person.first_teams = first_teams.get(person.pk, [])
        person.team_count = counts.get(person.pk, {}).get("teams", 0)
        person.more_teams = max(person.team_count - len(person.first_teams), 0)
        person.kam_count = counts.get(person.pk, {}).get("kam", 0)
        person.load = [{"title": measure.title(), "value": values.get(person.pk, "–")} for measure, values in measures]
    page.load_titles = [measure.title() for measure, _values in measures]
    return page


def organisation_history(*, page_number: str | int | None, kind: str = "", per_page: int = 50) -> Page:
    events = OrganisationEvent.objects.select_related("acting_user").order_by("-happened_at", "-id")
    if kind in OrganisationEvent.Kind.values:
        events = events.filter(kind=kind)
    return Paginator(events, per_page).get_page(page_number)


def _coverage_rows(contacts: QuerySet) -> list[dict]:
    """(account, level, covered) of each active decision maker: covered when one of our active people
    of the same level keeps a relationship with them (the one-to-one mapping)."""
    from django.db.models import Exists, OuterRef

    from accounts.models import Contact, Relationship

    same_level = Relationship.objects.filter(contact=OuterRef("pk"), user__is_active=True, user__level=OuterRef("level"))
    return list(
        contacts.filter(status=Contact.Status.ACTIVE, is_decision_maker=True)
        .annotate(covered=Exists(same_level))
        .order_by()
        .values("account_id", "level", "covered")
    )


def organisation_coverage(*, user: User, key_only: bool, page_number: str | int | None, per_page: int = 25) -> dict:
    """Per account and level, how many of the customer's decision makers one of our people of the same
    level covers: a page of accounts (two queries) and the totals over every account (one grouped query)."""
    from accounts.models import Contact, Level

    accounts = accounts_visible_to(user).select_related("vertical_unit").order_by("-is_key_account", "name")
    if key_only:
        accounts = accounts.filter(is_key_account=True)
    page = Paginator(accounts, per_page).get_page(page_number)
    levels = list(Level)
    cells: dict[tuple[int, str], list[int]] = {}
    for row in _coverage_rows(Contact.objects.filter(account__in=[a.pk for a in page.object_list])):
        cell = cells.setdefault((row["account_id"], row["level"]), [0, 0])
        cell[0] += 1
        cell[1] += int(row["covered"])

    def shown(total: int, covered: int) -> dict:
        share = round(100 * covered / total) if total else None
        heat = "none" if share is None else ("high" if share >= 80 else "mid" if share >= 50 else "low" if share > 0 else "zero")
        return {"total": total, "covered": covered, "share": share, "heat": heat}

    for account in page.object_list:
        account.coverage = [shown(*cells.get((account.pk, level.value), [0, 0])) for level in levels]
    from django.db.models import Exists, OuterRef

    from accounts.models import Relationship

    same_level = Relationship.objects.filter(contact=OuterRef("pk"), user__is_active=True, user__level=OuterRef("level"))
    totals = {
        row["level"]: row
        for row in Contact.objects.filter(account__in=accounts.values("pk"), status=Contact.Status.ACTIVE, is_decision_maker=True)
        .annotate(matched=Exists(same_level))
        .order_by()
        .values("level")
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(matched=True)))
    }
    summary = [
        {"level": level, **shown(totals.get(level.value, {}).get("total", 0), totals.get(level.value, {}).get("covered", 0))}
        for level in levels
    ]
    return {"page": page, "levels": levels, "summary": summary}
