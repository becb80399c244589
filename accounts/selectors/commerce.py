"""What we sell to an account: opportunities by tier, the whitespace grid and pricing."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import (
    Account,
    Offering,
    Opportunity,
    PricingTier,
)

from .account360 import MONEY, open_pipeline_by_tier
from .org import org_units_in_tree_order


def opportunity_board(*, account: Account, offering_id: int | None = None, unit_id: int | None = None) -> dict:
    """Open opportunities in Tier 1–4 columns with per-tier totals, and the recently closed ones."""
    opportunities = account.opportunities.all()
    if offering_id is not None:
        opportunities = opportunities.filter(offerings=offering_id)
    if unit_id is not None:
        opportunities = opportunities.filter(sponsor_unit=unit_id)
    totals = open_pipeline_by_tier(opportunities=opportunities)
    cards = list(
        opportunities.filter(stage__in=Opportunity.OPEN_STAGES)
        .select_related("sponsor_unit")  # a card shows no owner: a board of a hundred cards reads no users
        .prefetch_related(Prefetch("offerings", queryset=Offering.objects.order_by("name")))
        .order_by("tier", "-amount", "pk")
    )
    columns = []
    for row in totals:
        column_cards = [card for card in cards if card.tier == row["tier"]]
        row["rfx"] = sum(card.stage in (Opportunity.Stage.RFI, Opportunity.Stage.RFQ) for card in column_cards)
        columns.append({**row, "cards": column_cards})
    closed = list(
        opportunities.exclude(stage__in=Opportunity.OPEN_STAGES)
        .select_related("sponsor_unit")
        .order_by("-updated_at")[:10]
    )
    return {"columns": columns, "closed": closed}


def offerings_for_filter() -> list[Offering]:
    return list(Offering.objects.filter(is_active=True).order_by("name"))


def whitespace_grid(*, account: Account, today: datetime.date) -> dict:
    """Customer org units × offerings: what each unit bought, what is in its pipeline, and white space.

    A unit bought an offering when one of its won opportunities included it; an opportunity
    with several offerings counts its amount in equal shares. Orders carry no org unit, so the
    account's orders of the last 12 months are shown per offering in a row of their own.
    """
    from accounts.models import Order

    units = org_units_in_tree_order(account=account)
    links = list(
        Opportunity.offerings.through.objects.filter(opportunity__account=account)
        .values_list("opportunity_id", "offering_id", "opportunity__sponsor_unit_id", "opportunity__stage", "opportunity__amount")
    )
    offering_count: dict[int, int] = defaultdict(int)
    for opportunity_id, *_rest in links:
        offering_count[opportunity_id] += 1
    cells: dict[tuple[int, int], dict] = defaultdict(lambda: {"bought": Decimal(0), "pipeline": Decimal(0), "won": 0, "open": 0})
    for opportunity_id, offering_id, unit_id, stage, amount in links:
        if unit_id is None:
            continue
        share = amount / offering_count[opportunity_id]
        cell = cells[(unit_id, offering_id)]
        if stage == Opportunity.Stage.WON:
            cell["bought"] += share
            cell["won"] += 1
        elif stage in Opportunity.OPEN_STAGES:
            cell["pipeline"] += share
            cell["open"] += 1
    ordered = dict(
        Order.objects.filter(account=account, ordered_on__gt=today - datetime.timedelta(days=365), ordered_on__lte=today)
        .order_by()
        .values("offering")
        .annotate(total=Sum("amount"))
        .values_list("offering", "total")
    )
    used = {offering_id for _o, offering_id, *_r in links} | set(ordered)
    offerings = [o for o in Offering.objects.order_by("name") if o.is_active or o.pk in used]
    needs = {(need.org_unit_id, need.offering_id): need for need in account.unmet_needs.all()}
    rows = []
    counts = {"bought": 0, "pipeline": 0, "white": 0, "needs": len(needs)}
    for unit in units:
        row_cells = []
        for offering in offerings:
            data = cells.get((unit.pk, offering.pk))
            state = "white"
            if data and data["won"]:
                state = "bought"
            elif data and data["open"]:
                state = "pipeline"
            counts[state] += 1
            row_cells.append({"offering": offering, "state": state, "data": data, "need": needs.get((unit.pk, offering.pk))})
        rows.append({"unit": unit, "cells": row_cells})
    return {
        "offerings": offerings,
        "rows": rows,
        "orders_row": [ordered.get(offering.pk) for offering in offerings],
        "counts": counts,
    }


def pricing_overview(*, account: Account, today: datetime.date) -> dict:
    """The account's grade and the grade its purchases earn, incentive-program progress, grade changes.

    Progress of a program is the account's orders inside the program's period up to today;
    when it reaches the target the program's discount applies to the whole amount.
    """
    from accounts.models import Order

    tiers = list(PricingTier.objects.order_by("rank"))
    earned = next((tier for tier in tiers if account.revenue_ttm >= tier.min_annual_amount), None)
    in_period = (
        Order.objects.filter(
            account=account, ordered_on__gte=OuterRef("valid_from"), ordered_on__lte=OuterRef("valid_to")
        )
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    programs = list(
        account.incentive_programs.filter(valid_to__gte=today.replace(month=1, day=1), valid_from__lte=today)
        .annotate(amount=Coalesce(Subquery(in_period, output_field=MONEY), Value(Decimal(0)), output_field=MONEY))
        .order_by("valid_to", "name")
    )
    for program in programs:
        program.progress = min(Decimal(100), program.amount * 100 / program.target_amount) if program.target_amount else Decimal(100)
        program.is_met = program.amount >= program.target_amount
        program.earned_discount = program.amount * program.discount_percent / 100 if program.is_met else Decimal(0)
        program.remaining = max(Decimal(0), program.target_amount - program.amount)
    # Special offerings for key accounts and 24/7 service (오퍼링 관리): what sets a key account's terms apart.
    service_offerings = list(
        Offering.objects.filter(is_active=True)
        .filter(Q(is_key_account_special=True) | Q(has_24x7_support=True))
        .annotate(bought=Exists(Order.objects.filter(account=account, offering=OuterRef("pk"))))
        .order_by("-is_key_account_special", "name")
    )
    return {
        "service_offerings": service_offerings,
        "tiers": tiers,
        "earned_grade": earned,
        "programs": programs,
        "grade_changes": list(account.grade_changes.select_related("from_grade", "to_grade", "changed_by")),
    }
