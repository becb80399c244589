"""The frozen picture of a plan the consensus meeting sees, and the difference between two of them.

A snapshot is plain JSON (numbers, strings, lists, dicts): dates as ISO strings, amounts as
integers, choices as their codes (translated when shown). A stored version's snapshot and a
fresh one of an unchanged plan are equal, so "what changed" is a comparison of two dicts.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import AccountTeamMember, Contact, Opportunity, OrgUnit
from accounts.selectors import is_level_matched
from planning.models import AccountPlan
from planning.targets import number
from planning.selectors import completeness, content, kpis
from planning.selectors.kpis import PlanTargets

SCHEMA = 1


def _amount(value) -> int | None:
    return None if value is None else int(Decimal(value))


def _day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _name(user) -> str:
    return "" if user is None else str(user)


def plan_snapshot(plan: AccountPlan, *, targets: PlanTargets | None = None, for_diff: bool = False) -> dict:
    """Everything the meeting sees of the plan, as it stands now (`targets`: the plan's, if already read).

    `for_diff`: only to be compared (`snapshot_diff`), never stored or shown: the derived values the comparison
    ignores and that cost queries of their own (the tier totals, the key people's coverage) are left out."""
    account = plan.account
    return {
        "schema": SCHEMA,
        "taken_at": timezone.now().isoformat(),
        "plan": {
            "id": plan.pk,
            "fiscal_year": plan.fiscal_year,
            "period_start": _day(plan.period_start),
            "period_end": _day(plan.period_end),
            "revision": plan.revision,
            "owner": _name(plan.owner),
        },
        "account": {
            "id": account.pk,
            "name": account.name,
            "english_name": account.english_name,
            "industry": account.industry,
            "vertical_unit": str(account.vertical_unit),
            "currency": account.currency,
            "is_key_account": account.is_key_account,
            "revenue_ttm": _amount(account.revenue_ttm),
            "profit_ttm": _amount(account.profit_ttm),
            "pareto_class": account.pareto_class,
        },
        "org": org_section(plan, coverage=not for_diff),
        "mapping": mapping_section(plan, tiers=not for_diff),
        "business_plan": business_plan_section(plan),
        "strategy": strategy_section(plan, targets=targets),
        "execution": execution_section(plan),
    }


def org_section(plan: AccountPlan, *, coverage: bool = True) -> dict:
    """Step 1 as shown and frozen; without `coverage_percent` when `coverage` is false (one query less)."""
    units = content.org_units(plan=plan)
    # Per org unit: how many active people, and the leaders among them (in the order of content.active_contacts).
    people_by_unit: dict = {}
    for unit_id, name, title, is_decision_maker, level in (
        Contact.objects.filter(account_id=plan.account_id, status=Contact.Status.ACTIVE)
        .order_by("org_unit__name", "name")
        .values_list("org_unit_id", "name", "title", "is_decision_maker", "level")
    ):
        people_by_unit.setdefault(unit_id, []).append((name, title, is_decision_maker or level == "executive"))
    key_people = content.key_people_frozen(plan=plan)
    covered = 0
    if coverage:
        # Covered one-to-one: by one of our people of the person's own level (the KAM counts among our executives).
        kam_user_id = (
            AccountTeamMember.objects.filter(account_id=plan.account_id, role=AccountTeamMember.Role.KAM)
            .values_list("user_id", flat=True)
            .first()
        )
        covered = sum(
            1 for person in key_people
            if is_level_matched(contact=person, relationships=person.links, kam_user_id=kam_user_id)
        )
    since = completeness.org_reference_date(plan=plan)
    changes = content.org_changes_since(plan=plan, since=since, frozen=True)
    section = {
        "reviewed_by": _name(plan.org_reviewed_by),
        "reviewed_at": plan.org_reviewed_at.isoformat() if plan.org_reviewed_at else None,
        "notes": plan.org_review_notes,
        "units": [
            {
                "id": unit.pk,
                "name": unit.name,
                "parent_id": unit.parent_id,
                "is_purchasing": unit.is_purchasing,
                "people": len(people_by_unit.get(unit.pk, [])),
                "leads": [
                    f"{name} ({title})" if title else name for name, title, leads in people_by_unit.get(unit.pk, []) if leads
                ][:3],
            }
            for unit in units
        ],
        "key_people": [
            {
                "id": person.pk,
                "name": person.name,
                "title": person.title,
                "unit": person.org_unit.name if person.org_unit else "",
                "roles": [name for name in person.BUYING_ROLE_FIELDS if getattr(person, name)],
                "attitude": person.attitude,
                "influence": person.influence,
                "coverage": [
                    {"user": _name(rel.user), "strength": rel.strength} for rel in person.links
                ],
            }
            for person in key_people
        ],
        "coverage_percent": round(100 * covered / len(key_people)) if key_people else 0,
        "changes_since": _day(since),
        "changes": {
            group: [
                {
                    "id": change.pk, "kind": change.kind, "description": change.description, "details": change.details,
                    "happened_on": _day(change.happened_on),
                }
                for change in items
            ]
            for group, items in changes.items()
        },
    }
    if not coverage:
        del section["coverage_percent"]
    return section


def mapping_section(plan: AccountPlan, *, opportunities: list | None = None, tiers: bool = True) -> dict:
    """Step 2 as shown and frozen; `opportunities`: the account's open ones as content.open_opportunities reads
    them, when the caller has them; without the tier totals when `tiers` is false (one query less)."""
    if opportunities is None:
        opportunities = content.open_opportunities(plan=plan, frozen=True)
    totals = {
        row["tier"]: row
        for row in Opportunity.objects.filter(account_id=plan.account_id, stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("tier")
        .annotate(count=Count("id"), amount=Sum("amount"))
    } if tiers else {}
    units = (
        OrgUnit.objects.filter(account_id=plan.account_id)
        .annotate(open_count=Count("opportunities", filter=Q(opportunities__stage__in=Opportunity.OPEN_STAGES)))
        .filter(open_count=0)
        .order_by("name")
    )
    section = {
        "notes": plan.mapping_notes,
        "opportunities": [
            {
                "id": opportunity.pk,
                "name": opportunity.name,
                "tier": opportunity.tier,
                "stage": opportunity.stage,
                "amount": _amount(opportunity.amount),
                "probability": opportunity.probability,
                "sponsor_unit": opportunity.sponsor_unit.name if opportunity.sponsor_unit else "",
                "expected_close_date": _day(opportunity.expected_close_date),
            }
            for opportunity in opportunities
        ],
        "tiers": [
            {"tier": tier, "count": totals.get(tier, {}).get("count", 0), "amount": _amount(totals.get(tier, {}).get("amount") or 0)}
            for tier in (1, 2, 3, 4)
        ],
        "units_without_opportunity": [unit.name for unit in units],
    }
    if not tiers:
        del section["tiers"]
    return section


def business_plan_section(plan: AccountPlan) -> dict:
    return {
        "summary": plan.cbp_summary,
        "initiatives": [line.strip() for line in plan.cbp_initiatives.splitlines() if line.strip()],
        "budget": _amount(plan.cbp_budget),
        "budget_notes": plan.cbp_budget_notes,
        "source": plan.cbp_source,
        "confidence": plan.cbp_confidence,
        "attachments": [
            {"id": a.pk, "name": a.original_name, "kind": a.kind, "size": a.size, "description": a.description}
            for a in content.plan_attachments(plan=plan, frozen=True)
        ],
    }


def strategy_section(plan: AccountPlan, *, targets: PlanTargets | None = None) -> dict:
    return {
        "ambition_3y": plan.ambition_3y,
        "plan_1y": plan.plan_1y,
        "market": plan.market_review,
        "competition": plan.competition_review,
        "strengths": plan.swot_strengths,
        "weaknesses": plan.swot_weaknesses,
        "opportunities": plan.swot_opportunities,
        "threats": plan.swot_threats,
        "strategy": plan.strategy_summary,
        "execution": plan.execution_summary,
        "tam": _amount(plan.tam),
        "targets": kpis.plan_target_rows(plan=plan, targets=targets),
        "strategic_tasks": [
            {
                "id": task.pk,
                "title": task.title,
                "description": task.description,
                "owner": _name(task.owner),
                "target_year": task.target_year,
                "status": task.status,
            }
            for task in content.plan_strategic_tasks(plan=plan, frozen=True)
        ],
        "marketing_actions": [
            {
                "id": action.pk,
                "kind": action.kind,
                "title": action.title,
                "contact": action.contact.name if action.contact else "",
                "contact_roles": [
                    name for name in ("is_fox", "is_kingpin") if action.contact and getattr(action.contact, name)
                ],
                "planned_on": _day(action.planned_on),
                "status": action.status,
            }
            for action in content.plan_marketing_actions(plan=plan, frozen=True)
        ],
    }


def execution_section(plan: AccountPlan, *, actions: list | None = None) -> dict:
    """Step 5 as shown and frozen; `actions`: the plan's actions as content.plan_actions reads them, when the
    caller has them."""
    requests = content.plan_support_requests(plan=plan, frozen=True)
    return {
        "support_requests": [
            {
                "id": request.pk,
                "kind": request.kind,
                "description": request.description,
                "offering": request.offering.name if request.offering else "",
                "amount": _amount(request.amount),
                "status": request.status,
            }
            for request in requests
        ],
        "support_total": sum(_amount(request.amount) for request in requests),
        "actions": action_rows(content.plan_actions(plan=plan, frozen=True) if actions is None else actions),
    }


def action_rows(actions: list) -> list[dict]:
    """The plan's actions (content.plan_actions) as the execution section holds them."""
    return [
        {
            "id": action.pk,
            "parent_id": action.parent_id,
            "depth": action.depth,
            "title": action.title,
            "kind": action.kind,
            "owner": _name(action.owner),
            "start_on": _day(action.start_on),
            "due_on": _day(action.due_on),
            "status": action.status,
            "percent_done": action.percent_done,
        }
        for action in actions
    ]


# The builders of the sections, by key: read-only step pages show one section of the live plan.
SECTIONS = {
    "org": org_section,
    "mapping": mapping_section,
    "business_plan": business_plan_section,
    "strategy": strategy_section,
    "execution": execution_section,
}


# --- What changed between two snapshots -------------------------------------------------

SECTION_TITLES = {
    "org": _("1. Org chart review"),
    "mapping": _("2. Org units and opportunities"),
    "business_plan": _("3. Customer's business plan"),
    "strategy": _("4. Account strategy"),
    "execution": _("5. Execution"),
}
# Derived or volatile values: they follow from what is compared anyway.
IGNORED_KEYS = {"taken_at", "depth", "coverage_percent", "tiers", "support_total", "changes_since", "reviewed_at", "id"}
# Words a snapshot holds in the language it was frozen in, next to the code they follow from (a KPI's
# name and unit beside its `key`, a month's label beside its number): compared through the code only.
LANGUAGE_KEYS = {"kpi", "unit", "label"}
LABELS = {
    "reviewed_by": _("reviewed by"),
    "notes": _("notes"),
    "units": _("org units"),
    "key_people": _("key people"),
    "changes": _("org changes"),
    "opportunities": _("opportunities"),
    "units_without_opportunity": _("units without an opportunity"),
    "summary": _("summary"),
    "initiatives": _("key initiatives"),
    "budget": _("customer's budget"),
    "budget_notes": _("budget notes"),
    "source": _("source"),
    "confidence": _("confidence"),
    "attachments": _("attachments"),
    "ambition_3y": _("3-year ambition"),
    "plan_1y": _("1-year plan"),
    "market": _("market"),
    "competition": _("competition"),
    "strengths": _("strengths"),
    "weaknesses": _("weaknesses"),
    "threats": _("threats"),
    "strategy": _("strategy"),
    "execution": _("execution plan"),
    "tam": _("TAM"),
    "targets": _("targets"),
    "strategic_tasks": _("strategic tasks"),
    "marketing_actions": _("marketing actions"),
    "support_requests": _("support requests"),
    "actions": _("action plan"),
    "title": _("title"),
    "name": _("name"),
    "description": _("description"),
    "owner": _("owner"),
    "kind": _("kind"),
    "status": _("status"),
    "start_on": _("start"),
    "due_on": _("due"),
    "percent_done": _("% done"),
    "parent_id": _("parent"),
    "amount": _("amount"),
    "tier": _("tier"),
    "stage": _("stage"),
    "probability": _("probability %"),
    "sponsor_unit": _("sponsoring org unit"),
    "expected_close_date": _("expected close date"),
    "target_year": _("target fiscal year"),
    "planned_on": _("planned for"),
    "contact": _("contact"),
    "contact_roles": _("Fox / Kingpin"),
    "offering": _("offering"),
    "unit": _("org unit"),
    "roles": _("buying roles"),
    "attitude": _("attitude"),
    "influence": _("influence"),
    "coverage": _("our people"),
    "people": _("people"),
    "leads": _("leaders"),
    "is_purchasing": _("purchasing organisation"),
    "happened_on": _("date"),
    "size": _("size"),
    "values": _("targets"),
    "value": _("target"),
    "tam_share": _("share of TAM"),
    "periods": _("targets by period"),
    "months": _("targets by month"),
    "later_years": _("3-year targets"),
}


SWOT_OPPORTUNITIES = pgettext_lazy("SWOT", "opportunities")


def _label(name: str) -> str:
    return str(LABELS.get(name, name.replace("_", " ")))


@dataclass
class Change:
    what: str
    kind: str  # "changed", "added" or "removed"
    item: str = ""
    field: str = ""
    old: str = ""
    new: str = ""


@dataclass
class SectionDiff:
    key: str
    title: str
    changes: list[Change] = field(default_factory=list)


# Amounts and targets read better with thousands separators (years and counts of people do not).
NUMBER_KEYS = {"tam", "budget", "amount", "value", "revenue_ttm", "profit_ttm"}


def _shown(name: str, value) -> str:
    if name in NUMBER_KEYS and value not in (None, ""):
        try:
            return number(Decimal(str(value)))
        except ArithmeticError:
            pass
    return _text(value)


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return _item_label(value)
    return str(value)


def _item_label(item: dict) -> str:
    if item.get("kpi") and item.get("key"):
        from performance.templatetags.kpi_format import kpi_name

        return kpi_name(item)  # in the reader's language, not the one it was frozen in
    for key in ("title", "name", "description", "kpi", "user", "label"):
        if item.get(key):
            return str(item[key])
    return str(item.get("id", ""))


def _item_key(item: dict):
    return item.get("key") or item.get("id") or item.get("month") or item.get("label") or _item_label(item)


def _diff_lists(label: str, old: list, new: list) -> list[Change]:
    if not all(isinstance(item, dict) for item in [*old, *new]):
        removed = [item for item in old if item not in new]
        added = [item for item in new if item not in old]
        return [Change(label, "removed", _text(item)) for item in removed] + [Change(label, "added", _text(item)) for item in added]
    before = {_item_key(item): item for item in old}
    after = {_item_key(item): item for item in new}
    changes = []
    for key, item in after.items():
        if key not in before:
            changes.append(Change(label, "added", _item_label(item)))
            continue
        coded = ("key" in item or "month" in item) and ("key" in before[key] or "month" in before[key])
        for name, value in item.items():
            if name in IGNORED_KEYS or (coded and name in LANGUAGE_KEYS):
                continue
            previous = before[key].get(name)
            if previous == value:
                continue
            if isinstance(previous, list) and isinstance(value, list) and all(isinstance(v, dict) for v in [*previous, *value]):
                changes.extend(_diff_lists(f"{label} · {_item_label(item)}", previous, value))
            else:
                changes.append(Change(label, "changed", _item_label(item), _label(name), _shown(name, previous), _shown(name, value)))
    for key, item in before.items():
        if key not in after:
            changes.append(Change(label, "removed", _item_label(item)))
    return changes


def _diff_dicts(old: dict, new: dict) -> list[Change]:
    changes = []
    for name in dict.fromkeys([*old.keys(), *new.keys()]):
        if name in IGNORED_KEYS:
            continue
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        label = _label(name)
        if name == "opportunities" and isinstance(after if after is not None else before, str):
            label = str(SWOT_OPPORTUNITIES)  # the strategy's SWOT box, not the sales opportunities
        if isinstance(before, dict) or isinstance(after, dict):
            for change in _diff_dicts(before or {}, after or {}):
                change.what = f"{label} · {change.what}"
                changes.append(change)
        elif isinstance(before, list) or isinstance(after, list):
            changes.extend(_diff_lists(label, before or [], after or []))
        else:
            changes.append(Change(label, "changed", "", "", _shown(name, before), _shown(name, after)))
    return changes


def snapshot_diff(old: dict, new: dict) -> list[SectionDiff]:
    """What changed from `old` to `new`, step by step; sections without changes are left out."""
    sections = []
    for key, title in SECTION_TITLES.items():
        changes = _diff_dicts(old.get(key) or {}, new.get(key) or {})
        if changes:
            sections.append(SectionDiff(key=key, title=str(title), changes=changes))
    return sections
