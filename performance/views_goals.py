"""The personal goals page (개인 목표) of one account: its KAM (and admins) split the account's targets among
the team, member by member and fiscal month by month; the rest of the team reads it."""

import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import user_sets_personal_goals
from accounts.selectors import account_get_for_user
from core import params
from performance.forms import fiscal_year_choices
from performance.goals import personal_goals_save
from performance.periods import fiscal_year_of
from performance.selectors.personal_goals import GoalGrid, even_split, goal_grid, personal_goal_kpis

FIELD = re.compile(r"^goal-(?P<user>\d+)-(?P<month>\d+)$")


def _plain(value: Decimal | None) -> str:
    """A stored goal as an input shows it: no grouping, no trailing zeros (1500000, 2.5)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _posted_values(post) -> dict[tuple[int, int], str]:
    """The grid's cells as posted: (user id, fiscal month) -> text. Ids go through core.params; the
    service says what is wrong with a month or a person."""
    values = {}
    for name, text in post.items():
        match = FIELD.match(name)
        if not match:
            continue
        user_id = params.parse_id(match["user"])
        month = params.parse_int(match["month"], minimum=0, maximum=99)
        if user_id is not None and month is not None:
            values[(user_id, month)] = text.strip()
    return values


def _table(grid: GoalGrid, shown: dict[tuple[int, int], str] | None) -> list[dict]:
    """Each row of the grid with its cells as the inputs show them: what was typed, else what is stored; and
    each input's label (the person and the month), the months' names formatted once for every row."""
    months = [period.long_label for period in grid.months]
    table = []
    for row in grid.rows:
        name = row.user.get_full_name() or row.user.username
        cells = []
        for month, stored in enumerate(row.cells, start=1):
            key = (row.user.pk, month)
            value = shown[key] if shown is not None and key in shown else _plain(stored)
            cells.append({"name": f"goal-{row.user.pk}-{month}", "value": value, "label": f"{name} · {months[month - 1]}"})
        table.append({"row": row, "name": name, "cells": cells})
    return table


@require_http_methods(["GET", "POST"])
def personal_goals(request: HttpRequest, account_id: int) -> HttpResponse:
    """The grid of team members × fiscal months for one KPI and fiscal year, with the account's monthly
    target, the members' sum and the difference per month. POST saves the grid (all or nothing) or,
    with "split", fills in an even split of the account's targets to review before saving."""
    account = account_get_for_user(user=request.user, account_id=account_id)
    can_set = user_sets_personal_goals(user=request.user, account=account)
    if request.method == "POST" and not can_set:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    kpis = personal_goal_kpis()
    kpi = next((k for k in kpis if k.code == source.get("kpi")), None) or next(
        (k for k in kpis if k.code == "revenue"), kpis[0] if kpis else None
    )
    start = account.fiscal_year_start_month
    years = fiscal_year_choices(start)
    fiscal_year = params.parse_year(source.get("fiscal_year")) or fiscal_year_of(timezone.localdate(), start)
    if fiscal_year not in dict(years):
        years = sorted([*years, (fiscal_year, _("FY%(year)s") % {"year": fiscal_year})], reverse=True)
    context = {"nav": "accounts", "account": account, "kpis": kpis, "kpi": kpi, "years": years,
               "fiscal_year": fiscal_year, "can_set": can_set, "problems": []}
    if kpi is None:
        return render(request, "performance/personal_goals.html", context)
    shown = None
    if request.method == "POST":
        if "split" in request.POST:
            split = even_split(goal_grid(account=account, kpi=kpi, fiscal_year=fiscal_year))
            shown = {key: _plain(value) for key, value in split.items()}
            if split:
                messages.info(request, _("An even split of the account's targets is filled in below: review it, then save."))
            else:
                messages.warning(request, _("The account has no %(kpi)s targets for FY%(year)s to split.") % {
                    "kpi": kpi.display_name, "year": fiscal_year})
        else:
            values = _posted_values(request.POST)
            try:
                saved = personal_goals_save(
                    account=account, kpi=kpi, fiscal_year=fiscal_year, values=values, acting_user=request.user
                )
            except ValidationError as exc:
                context["problems"] = exc.messages
                shown = values
            else:
                messages.success(request, _(
                    "Personal goals saved: %(created)s new, %(updated)s changed, %(removed)s removed."
                ) % {"created": saved.created, "updated": saved.updated, "removed": saved.removed})
                url = reverse("performance:personal-goals", args=[account.pk])
                return redirect(f"{url}?{urlencode({'kpi': kpi.code, 'fiscal_year': fiscal_year})}")
    grid = goal_grid(account=account, kpi=kpi, fiscal_year=fiscal_year)
    context.update({"grid": grid, "table": _table(grid, shown)})
    return render(request, "performance/personal_goals.html", context)
