"""Reads of accounts. `accounts_visible_to` is the one door through which any view reaches accounts."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import (
    Account,
    AccountRisk,
    AccountTeamMember,
    Contact,
    CustomerActivity,
    Level,
    Offering,
    Opportunity,
    OrgChange,
    OrgUnit,
    PricingTier,
    Relationship,
    User,
)
from accounts import portfolio_cache
from accounts.interactions import contact_last_contact, relationships_with_last_contact
# The write rules are written in accounts.permissions; importable from here too, next to the read rules.
from accounts.permissions import accounts_editable_by, accounts_not_editable_by, user_can_edit_account  # noqa: F401
from accounts.pareto import pareto_class
from accounts.revenue import monthly_revenue, revenue_windows
from accounts.risks import registered_risks
from accounts.roles import sees_all_accounts


def accounts_visible_to(user: User) -> QuerySet[Account]:
    """Every account for executives and admins; for anyone else, the accounts whose team they are on.

    `visible_q` below is the same rule as a filter for other tables (contacts, orders, plans…).
    """
    accounts = Account.objects.all()
    if sees_all_accounts(user):
        return accounts
    if not user.is_authenticated:
        return accounts.none()
    return accounts.filter(team__user=user)


def visible_q(user: User, path: str = "account") -> Q:
    """A filter keeping the rows whose account (reached by `path`, a foreign key to Account) the user may see.

    Nothing to filter for executives and admins; otherwise `path IN (the user's account ids)`, read
    straight from the team table's index without joining the accounts: the cheapest form for
    lists of contacts, orders, plans… (measured in bench/pages.py).
    """
    if sees_all_accounts(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{path}__in": AccountTeamMember.objects.filter(user=user).values("account_id")})


def visible_rows(queryset: QuerySet, user: User, path: str = "account") -> QuerySet:
    """`queryset` kept to the rows whose account (reached by `path`; `"pk"` for accounts) the user may
    see, each row annotated `account_key`: its account's id, the order an API list pages by.

    For a user on some accounts' teams the rows are joined to the user's own team rows, and
    `account_key` is read from the team row: sorted by it, the database walks the user's team index
    account by account and stops after a page, whether the user is on ten accounts or ten thousand
    (`visible_q`'s IN list reads every one of the user's accounts first). A user is on an account's
    team once (a unique constraint), so the join repeats no row.
    """
    prefix = "" if path == "pk" else f"{path}__"
    if sees_all_accounts(user) or not user.is_authenticated:
        rows = queryset.annotate(account_key=F("pk" if path == "pk" else f"{path}_id"))
        return rows if user.is_authenticated else rows.none()
    return queryset.filter(**{f"{prefix}team__user": user}).annotate(account_key=F(f"{prefix}team__account_id"))


def account_get_for_user(*, user: User, account_id: int) -> Account:
    """The account if the user may see it; otherwise 404, so its existence is not revealed."""
    account = (
        accounts_visible_to(user)
        .select_related("vertical_unit", "grade", "parent")
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        raise Http404("No such account.")
    return account


def account_kam_id(*, account: Account) -> int | None:
    """The account's KAM (its team member with the role KAM; at most one, a database constraint)."""
    return (
        AccountTeamMember.objects.filter(account=account, role=AccountTeamMember.Role.KAM)
        .values_list("user_id", flat=True)
        .first()
    )


def _open_pipeline_subquery() -> Subquery:
    pipeline = (
        Opportunity.objects.filter(account=OuterRef("pk"), stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(pipeline, output_field=DecimalField(max_digits=18, decimal_places=0)),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=18, decimal_places=0),
    )


def account_list_for_user(*, user: User, with_open_pipeline: bool = True) -> QuerySet[Account]:
    """The accounts a user sees, with what the lists show: unit, grade, KAMs and open pipeline.

    The open pipeline is a correlated subquery that the database computes for every account
    before it sorts; a list not sorted by it passes `with_open_pipeline=False` and calls
    `open_pipeline_attach` on the page's accounts (one grouped query for 25 accounts).
    """
    kams = AccountTeamMember.objects.filter(role=AccountTeamMember.Role.KAM).select_related("user")
    accounts = accounts_visible_to(user).select_related("vertical_unit", "grade")
    if with_open_pipeline:
        accounts = accounts.annotate(open_pipeline=_open_pipeline_subquery())
    return accounts.prefetch_related(Prefetch("team", queryset=kams, to_attr="kam_members")).order_by(
        "-is_key_account", "-revenue_ttm", "name"
    )


def open_pipeline_attach(accounts: list[Account]) -> list[Account]:
    """Set `open_pipeline` (sum of open opportunities) on each account, in one query."""
    totals = dict(
        Opportunity.objects.filter(account__in=[account.pk for account in accounts], stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    )
    for account in accounts:
        account.open_pipeline = totals.get(account.pk) or Decimal(0)
    return accounts


# --- Account 360 -------------------------------------------------------------------------
# Each section of the account page reads through one function here, with a fixed number of
# queries whatever the size of the account (the page tests hold them to a budget).

STALE_AFTER_DAYS = 90
KEY_CONTACT = Q(is_decision_maker=True) | Q(is_fox=True) | Q(is_kingpin=True)
MONEY = DecimalField(max_digits=20, decimal_places=2)


def account_team(*, account: Account) -> list[AccountTeamMember]:
    return list(account.team.select_related("user").order_by("role", "user__last_name", "user__first_name"))


def open_pipeline_by_tier(*, opportunities: QuerySet[Opportunity]) -> list[dict]:
    """Count, amount and probability-weighted amount of open opportunities per tier, Tier 1 to 4."""
    rows = (
        opportunities.filter(stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("tier")
        .annotate(
            count=Count("id"),
            total=Sum("amount"),
            weighted_x100=Sum(F("amount") * F("probability"), output_field=MONEY),
        )
    )
    by_tier = {row["tier"]: row for row in rows}
    result = []
    for tier in (1, 2, 3, 4):
        row = by_tier.get(tier, {})
        result.append(
            {
                "tier": tier,
                "count": row.get("count", 0),
                "amount": row.get("total") or Decimal(0),
                "weighted": (row.get("weighted_x100") or Decimal(0)) / 100,
            }
        )
    return result


def _key_contacts_last_interaction(*, account: Account, today: datetime.date) -> QuerySet[Contact]:
    """Active decision makers, Foxes and Kingpins with the date of their latest interaction in the log."""
    return (
        account.contacts.filter(KEY_CONTACT, status=Contact.Status.ACTIVE)
        .annotate(last_interaction=contact_last_contact(today), counterparts=Count("relationships"))
        .order_by("name")
    )


def account_risks(*, account: Account, pipeline: list[dict], today: datetime.date) -> list[dict]:
    """Risks derived from the data: a decision maker left, Kingpins and Foxes out of touch, no Tier 1,
    and the risks other apps register (stale plans)."""
    stale_before = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    risks = []
    left = account.contacts.filter(
        status=Contact.Status.LEFT, is_decision_maker=True, left_on__gte=today - datetime.timedelta(days=365)
    ).order_by("-left_on")
    for contact in left:
        risks.append({"kind": "decision_maker_left", "contact": contact, "date": contact.left_on})
    for contact in _key_contacts_last_interaction(account=account, today=today).filter(Q(is_fox=True) | Q(is_kingpin=True)):
        if contact.last_interaction is None or contact.last_interaction < stale_before:
            risks.append({"kind": "kingpin_fox_silent", "contact": contact, "date": contact.last_interaction})
    if not pipeline[0]["count"]:
        risks.append({"kind": "no_tier_1"})
    # What higher apps register (planning: its stale-plan signals), `accounts.risks`.
    risks.extend(registered_risks(account=account, today=today))
    return risks


def account_summary(*, account: Account, today: datetime.date) -> dict:
    """What the summary section shows: team, revenue and profit with trend, pipeline by tier, risks."""
    pipeline = open_pipeline_by_tier(opportunities=account.opportunities.all())
    team = account_team(account=account)
    return {
        "team": team,
        "kam_member": next((member for member in team if member.role == AccountTeamMember.Role.KAM), None),
        "revenue": revenue_windows(account=account, today=today),
        "monthly_revenue": monthly_revenue(account=account, today=today),
        "pipeline": pipeline,
        "pipeline_total": {
            "count": sum(row["count"] for row in pipeline),
            "amount": sum((row["amount"] for row in pipeline), Decimal(0)),
            "weighted": sum((row["weighted"] for row in pipeline), Decimal(0)),
        },
        "risks": account_risks(account=account, pipeline=pipeline, today=today),
        "open_risks": open_risks(account=account),
        "top_opportunities": list(
            account.opportunities.filter(stage__in=Opportunity.OPEN_STAGES)
            .select_related("sponsor_unit")
            .order_by("tier", "-amount")[:8]
        ),
        "contacts": account.contacts.aggregate(
            active=Count("id", filter=Q(status="active")),
            decision_makers=Count("id", filter=Q(status="active", is_decision_maker=True)),
        ),
    }


# --- Org chart -----------------------------------------------------------------------------


@dataclass
class OrgNode:
    """A person in the drawn org chart with the people reporting to them."""

    contact: Contact
    children: list["OrgNode"] = field(default_factory=list)
    manager_hidden: bool = False

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.children)

    @property
    def branches(self) -> list["OrgNode"]:
        """Reports who have reports of their own: drawn as sub-trees."""
        return [child for child in self.children if child.children]

    @property
    def leaves(self) -> list["OrgNode"]:
        """Reports without reports: drawn side by side in one row, to keep a large chart compact."""
        return [child for child in self.children if not child.children]


def org_units_in_tree_order(*, account: Account) -> list[OrgUnit]:
    """The account's org units, parents before children, each with `depth` set (one query)."""
    units = list(account.org_units.order_by("name"))
    children: dict[int | None, list[OrgUnit]] = defaultdict(list)
    ids = {unit.pk for unit in units}
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    ordered: list[OrgUnit] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            unit.depth = depth
            unit.tree_label = "\u2003" * depth + ("└ " if depth else "") + unit.name
            ordered.append(unit)
            walk(unit.pk, depth + 1)

    walk(None, 0)
    for unit in units:  # a loop written around the services cannot hide a unit
        if unit.pk not in seen:
            unit.depth = 0
            unit.tree_label = unit.name
            ordered.append(unit)
    return ordered


def _descendant_unit_ids(units: list[OrgUnit], root_id: int) -> set[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for unit in units:
        if unit.parent_id is not None:
            children[unit.parent_id].append(unit.pk)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children[current])
    return found


def org_chart(*, account: Account, unit_id: int | None = None, show_left: bool = False) -> dict:
    """The account's people as a forest along reports-to, optionally limited to one unit and its sub-units.

    Someone whose manager is not shown (another unit, left, or filtered out) starts a tree of
    their own, marked so the chart says the line continues elsewhere. A loop in reports-to,
    which the services refuse but an import could write, is broken rather than followed.
    """
    units = org_units_in_tree_order(account=account)
    contacts = account.contacts.select_related("org_unit", "reports_to").order_by("-influence", "name")
    if not show_left:
        contacts = contacts.filter(status=Contact.Status.ACTIVE)
    unit_filter = None
    if unit_id is not None and any(unit.pk == unit_id for unit in units):
        unit_filter = _descendant_unit_ids(units, unit_id)
    people = [c for c in contacts if unit_filter is None or c.org_unit_id in unit_filter]
    shown = {person.pk for person in people}
    reports: dict[int, list[Contact]] = defaultdict(list)
    roots: list[Contact] = []
    for person in people:
        if person.reports_to_id in shown:
            reports[person.reports_to_id].append(person)
        else:
            roots.append(person)
    visited: set[int] = set()

    def build(person: Contact) -> OrgNode:
        visited.add(person.pk)
        node = OrgNode(contact=person, manager_hidden=person.reports_to_id is not None and person.reports_to_id not in shown)
        node.children = [build(child) for child in reports[person.pk] if child.pk not in visited]
        return node

    forest = [build(person) for person in roots]
    forest.extend(build(person) for person in people if person.pk not in visited)
    forest.sort(key=lambda node: -node.size)
    return {
        "units": units,
        "forest": forest,
        "people_count": len(people),
        "unit_filter": unit_id if unit_filter is not None else None,
    }


def org_changes_since(*, account: Account, since: datetime.date, limit: int = 100) -> list[OrgChange]:
    return list(
        account.org_changes.filter(happened_on__gte=since)
        .select_related("recorded_by")
        .order_by("-happened_on", "-recorded_at")[:limit]
    )


# --- Relationship map ----------------------------------------------------------------------


def counterpart_level(*, user: User, is_kam: bool) -> str:
    """The level at which one of our people meets the customer: the account's KAM counts among our
    executives (the seed maps "KAM을 포함한 핵심 의사결정자" to the customer's decision makers),
    everybody else at their own level ("" when an admin has not set it, which matches no one)."""
    return Level.EXECUTIVE if is_kam else user.level


def is_level_matched(*, contact: Contact, relationships: Iterable[Relationship], kam_user_id: int | None) -> bool:
    """Whether one of our people of the contact's own level is mapped to them (one-to-one by level)."""
    return any(
        counterpart_level(user=link.user, is_kam=link.user_id == kam_user_id) == contact.level for link in relationships
    )


def relationship_map(*, account: Account, today: datetime.date) -> dict:
    """Active contacts by level against our people mapped to them, with the gaps a KAM must close.

    A gap is a decision maker, Fox or Kingpin with no counterpart on our side, or with no
    interaction in the last 90 days. One-to-one by level: a key person mapped only to people of
    another level is flagged (`level_mismatch`), and so is each of our executives on the team
    (the KAM among them) with no executive counterpart; `coverage` counts the key people
    covered at their level.
    """
    stale_before = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    team_roles = {member.user_id: member for member in account.team.select_related("user")}
    kam_user_id = next((user_id for user_id, m in team_roles.items() if m.role == AccountTeamMember.Role.KAM), None)
    contacts = (
        account.contacts.filter(status=Contact.Status.ACTIVE)
        .annotate(last_interaction=contact_last_contact(today))
        .select_related("org_unit")
        .prefetch_related(
            Prefetch(
                "relationships",
                queryset=relationships_with_last_contact(
                    Relationship.objects.select_related("user"), today=today
                ).order_by("-strength", "user__last_name"),
            )
        )
        .order_by("name")
    )
    levels = {level: [] for level in Contact.Level.values}
    gaps = 0
    key_count = matched_count = 0
    executive_counterparts: set[int] = set()
    for contact in contacts:
        links = list(contact.relationships.all())
        for link in links:
            link.team_member = team_roles.get(link.user_id)
            link.is_stale = link.last_contact_on is None or link.last_contact_on < stale_before
        last = contact.last_interaction
        is_key = contact.is_decision_maker or contact.is_fox or contact.is_kingpin
        gap = None
        if is_key and not links:
            gap = "no_counterpart"
        elif is_key and (last is None or last < stale_before):
            gap = "no_recent_interaction"
        gaps += gap is not None
        matched = is_level_matched(contact=contact, relationships=links, kam_user_id=kam_user_id)
        if contact.level == Level.EXECUTIVE:
            executive_counterparts.update(link.user_id for link in links)
        key_count += is_key
        matched_count += is_key and matched
        levels[contact.level].append({
            "contact": contact, "links": links, "last_interaction": last, "is_key": is_key, "gap": gap,
            "level_mismatch": is_key and bool(links) and not matched,
        })
    executives_without_counterpart = [
        member for user_id, member in team_roles.items()
        if counterpart_level(user=member.user, is_kam=user_id == kam_user_id) == Level.EXECUTIVE
        and user_id not in executive_counterparts
    ]
    return {
        "levels": [
            {"level": level, "label": Contact.Level(level).label, "rows": rows} for level, rows in levels.items()
        ],
        "gap_count": gaps,
        "stale_before": stale_before,
        "coverage": {"key": key_count, "matched": matched_count,
                     "percent": round(100 * matched_count / key_count) if key_count else None},
        "level_mismatch_count": sum(row["level_mismatch"] for rows in levels.values() for row in rows),
        "executives_without_counterpart": executives_without_counterpart,
    }


# --- Opportunities by tier -----------------------------------------------------------------


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
        .select_related("sponsor_unit", "owner")
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


# --- Whitespace ----------------------------------------------------------------------------


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


# --- Pricing -------------------------------------------------------------------------------


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


# --- Customer experience -------------------------------------------------------------------

HEALTH_WEIGHTS = {"coverage": 35, "engagement": 25, "revenue": 25, "support": 15}
ENGAGEMENT_WINDOW_DAYS = 180
ENGAGEMENT_TARGET = 4
OPEN_INCIDENTS_LIMIT = 3


def retention_health(*, account: Account, today: datetime.date) -> dict:
    """A 0–100 retention health score from data; the formula is explained on the page.

    coverage:   share of active decision makers, Foxes and Kingpins with an interaction in 90 days
    engagement: workshops, seminars, training, pilots and conferences in 180 days, 4 or more = full
    revenue:    last 12 months against the 12 before: 80 % or less = 0, 120 % or more = full, linear between
    support:    open support incidents: none = full, 3 or more = 0
    """
    stale_before = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    key = list(_key_contacts_last_interaction(account=account, today=today))
    covered = sum(1 for c in key if c.last_interaction is not None and c.last_interaction >= stale_before)
    activity = account.activities.aggregate(
        engagement=Count(
            "id",
            filter=~Q(kind=CustomerActivity.Kind.SUPPORT_INCIDENT)
            & Q(starts_on__gt=today - datetime.timedelta(days=ENGAGEMENT_WINDOW_DAYS), starts_on__lte=today),
        ),
        open_incidents=Count("id", filter=Q(kind=CustomerActivity.Kind.SUPPORT_INCIDENT, resolved_on__isnull=True)),
    )
    revenue = revenue_windows(account=account, today=today)
    if revenue["previous_revenue"]:
        ratio = revenue["revenue"] / revenue["previous_revenue"]
        revenue_part = min(Decimal(1), max(Decimal(0), (ratio - Decimal("0.8")) / Decimal("0.4")))
    else:
        ratio = None
        revenue_part = Decimal(1) if revenue["revenue"] else Decimal(0)
    parts = {
        "coverage": Decimal(covered) / len(key) if key else Decimal(0),
        "engagement": Decimal(min(activity["engagement"], ENGAGEMENT_TARGET)) / ENGAGEMENT_TARGET,
        "revenue": revenue_part,
        "support": 1 - Decimal(min(activity["open_incidents"], OPEN_INCIDENTS_LIMIT)) / OPEN_INCIDENTS_LIMIT,
    }
    points = {name: parts[name] * HEALTH_WEIGHTS[name] for name in parts}
    score = int(sum(points.values()).quantize(Decimal(1)))
    return {
        "score": score,
        "status": "healthy" if score >= 70 else "watch" if score >= 40 else "at_risk",
        "points": points,
        "weights": HEALTH_WEIGHTS,
        "key_contacts": len(key),
        "key_contacts_covered": covered,
        "engagement": activity["engagement"],
        "open_incidents": activity["open_incidents"],
        "revenue_ratio": ratio,
    }


def customer_activities(*, account: Account) -> list[CustomerActivity]:
    return list(
        account.activities.prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.order_by("name")),
            Prefetch("our_people", queryset=User.objects.order_by("last_name", "first_name")),
        ).order_by("-starts_on", "-id")
    )


# --- Account list and Pareto ---------------------------------------------------------------


PARETO_PAGE_SIZE = 100
PARETO_CHART_ROWS = 40


def pareto_rows_for_user(*, user: User, page_number=None) -> dict:
    """Accounts by trailing-12-month revenue with cumulative share and class, company-wide.

    Key accounts are chosen over the whole company's revenue, so shares, cumulative shares and
    classes are computed over every account (one light query of three columns) with the rule of
    `accounts.pareto`; the counts cover every account the user may see. That pass is kept in the
    portfolio cache until the next write to accounts (`portfolio_cache`), and full rows are read
    only for the page shown and the chart (the 40 largest).
    """
    ranking = portfolio_cache.cached(
        ("pareto", portfolio_cache.scope(user), str(page_number)), lambda: _pareto_ranking(user, page_number)
    )
    page = Paginator(range(ranking["count"]), PARETO_PAGE_SIZE).get_page(ranking["number"])
    wanted = [pk for pk, _rank in ranking["page"]] + [pk for pk, _rank in ranking["chart"]]
    accounts = Account.objects.select_related("vertical_unit", "grade").in_bulk(wanted)
    total = ranking["total"]

    def row(pk: int, rank: tuple) -> dict:
        position, revenue, running, label = rank
        return {
            "account": accounts[pk],
            "rank": position,
            "share": revenue * 100 / total if total else Decimal(0),
            "cumulative": running * 100 / total if total else Decimal(0),
            "pareto_class": label,
            "is_candidate": label == "A",
        }

    return {
        "rows": [row(pk, rank) for pk, rank in ranking["page"] if pk in accounts],
        "chart_rows": [row(pk, rank) for pk, rank in ranking["chart"] if pk in accounts],
        "page": page,
        "total": total,
        "candidates": ranking["candidates"],
        "flagged": ranking["flagged"],
        "mismatched": ranking["mismatched"],
    }


def _pareto_ranking(user: User, page_number) -> dict:
    """The ranks of one page's accounts and the chart's, and the counts: one pass over every account."""
    ranked = list(Account.objects.order_by("-revenue_ttm", "pk").values_list("pk", "revenue_ttm", "is_key_account"))
    total = sum((revenue for _pk, revenue, _key in ranked), Decimal(0))
    if sees_all_accounts(user):
        visible = None
    else:
        visible = set(accounts_visible_to(user).values_list("pk", flat=True))
    order: list[int] = []
    ranks: dict[int, tuple] = {}
    candidates = flagged = mismatched = 0
    running = Decimal(0)
    for position, (pk, revenue, is_key) in enumerate(ranked, start=1):
        share_before = running / total if total else Decimal(1)
        running += revenue
        if visible is not None and pk not in visible:
            continue
        label = pareto_class(revenue=revenue, share_before=share_before)
        is_candidate = label == "A"
        candidates += is_candidate
        flagged += is_key
        mismatched += is_candidate != is_key
        order.append(pk)
        ranks[pk] = (position, revenue, running, label)
    page = Paginator(order, PARETO_PAGE_SIZE).get_page(page_number)
    return {
        "page": [(pk, ranks[pk]) for pk in page.object_list],
        "chart": [(pk, ranks[pk]) for pk in order[:PARETO_CHART_ROWS]],
        "count": len(order),
        "number": page.number,
        "total": total,
        "candidates": candidates,
        "flagged": flagged,
        "mismatched": mismatched,
    }


def open_risks(*, account: Account) -> list[AccountRisk]:
    """The account's open risks (open or being mitigated), most severe first (impact × likelihood), with their owners."""
    risks = list(
        account.risks.filter(status__in=AccountRisk.OPEN_STATUSES).select_related("owner_user", "owner_contact")
    )
    return sorted(risks, key=lambda risk: (-risk.severity, -risk.impact, risk.raised_on, risk.pk))
