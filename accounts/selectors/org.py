"""The customer's organisation: the org chart, its changes, and the relationship map."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F

from accounts.models import (
    Account,
    AccountTeamMember,
    Contact,
    Level,
    OrgChange,
    OrgUnit,
    Relationship,
    User,
)
from accounts.interactions import contact_last_contact, relationships_with_last_contact

from .account360 import STALE_AFTER_DAYS


@dataclass
class OrgNode:
    """A person in the drawn org chart with the people reporting to them."""

    contact: Contact
    children: list["OrgNode"] = field(default_factory=list)
    manager_hidden: bool = False

    @cached_property
    def size(self) -> int:
        """The person and everyone below them; counted once the tree is built (the chart sorts and labels by it)."""
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


# What a box of the drawn chart shows (accounts/templatetags/org_chart.py): a chart of hundreds of people
# reads these columns and the names of their unit and manager, not whole rows of three tables.
CHART_FIELDS = (
    "account", "org_unit", "reports_to", "name", "title", "status", "left_on", "attitude", "influence",
    *Contact.BUYING_ROLE_FIELDS,
)


def org_chart(*, account: Account, unit_id: int | None = None, show_left: bool = False) -> dict:
    """The account's people as a forest along reports-to, optionally limited to one unit and its sub-units.

    Each person is a Contact with the chart's fields only (`CHART_FIELDS`), `unit_name` and `manager_name`.
    Someone whose manager is not shown (another unit, left, or filtered out) starts a tree of
    their own, marked so the chart says the line continues elsewhere. A loop in reports-to,
    which the services refuse but an import could write, is broken rather than followed.
    """
    units = org_units_in_tree_order(account=account)
    contacts = (
        account.contacts.only(*CHART_FIELDS)
        .annotate(unit_name=F("org_unit__name"), manager_name=F("reports_to__name"))
        .order_by("-influence", "name")
    )
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
        .order_by("name")
    )
    # The active contacts' relationships in one query, grouped here: a prefetch builds a queryset per contact.
    links_by_contact: dict[int, list[Relationship]] = defaultdict(list)
    for link in relationships_with_last_contact(
        Relationship.objects.filter(contact__account=account, contact__status=Contact.Status.ACTIVE).select_related("user"),
        today=today,
    ).order_by("-strength", "user__last_name"):
        links_by_contact[link.contact_id].append(link)
    levels = {level: [] for level in Contact.Level.values}
    gaps = 0
    key_count = matched_count = 0
    executive_counterparts: set[int] = set()
    for contact in contacts:
        links = links_by_contact.get(contact.pk, [])
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
