"""What the plan's steps show and edit: the org chart and its changes, opportunities, the plan's rows and attachments."""

import datetime
from collections import defaultdict

from django.db.models import Prefetch, Q
from django.http import Http404

from accounts.models import AccountTeamMember, Contact, OrgChange, OrgUnit, Opportunity, Relationship, User
from accounts.selectors import accounts_visible_to
from planning.models import (
    AccountPlan,
    ActionItem,
    MarketingAction,
    PlanAttachment,
    StrategicTask,
    SupportRequest,
)


def team_users(*, plan: AccountPlan) -> list[User]:
    """Our people on the account's team, who may own actions and tasks."""
    members = AccountTeamMember.objects.filter(account_id=plan.account_id).select_related("user").order_by("user__first_name")
    users = {member.user_id: member.user for member in members}
    if plan.owner_id and plan.owner_id not in users:
        users[plan.owner_id] = plan.owner
    return list(users.values())


def org_changes_since(*, plan: AccountPlan, since: datetime.date, frozen: bool = False) -> dict[str, list[OrgChange]]:
    """The org-change log since `since`, sorted into what step 1 asks about; `frozen`: with only the fields the
    plan snapshot keeps of each change (planning.snapshot.org_section) and those the sorting reads."""
    changes = (
        OrgChange.objects.filter(account_id=plan.account_id, happened_on__gte=since)
        .order_by("-happened_on", "-recorded_at")
    )
    if frozen:
        changes = changes.select_related("contact", "org_unit").only(
            "kind", "description", "details", "happened_on",
            "contact__is_decision_maker", "contact__is_purchasing", "org_unit__is_purchasing",
        )
    else:
        changes = changes.select_related("contact", "org_unit", "recorded_by")
    groups: dict[str, list[OrgChange]] = {"left": [], "decision_makers": [], "purchasing": [], "other": []}
    for change in changes:
        contact, unit = change.contact, change.org_unit
        if change.kind == OrgChange.Kind.LEFT:
            groups["left"].append(change)
        elif contact is not None and contact.is_decision_maker and change.kind in (OrgChange.Kind.JOINED, OrgChange.Kind.ROLE_CHANGED):
            groups["decision_makers"].append(change)
        elif (contact is not None and contact.is_purchasing) or (unit is not None and unit.is_purchasing):
            groups["purchasing"].append(change)
        else:
            groups["other"].append(change)
    return groups


def org_baseline_changes(*, plan: AccountPlan, contacts: list[Contact]) -> dict[str, list[str]]:
    """Differences between the org chart carried from last year and today's: who left, new decision makers."""
    if not plan.org_baseline:
        return {}
    before = {row["id"]: row for row in plan.org_baseline}
    now = {contact.pk: contact for contact in contacts}
    left = [row["name"] for pk, row in before.items() if pk not in now]
    new_dms = [c.name for pk, c in now.items() if c.is_decision_maker and not before.get(pk, {}).get("is_decision_maker")]
    purchasing = [
        c.name for pk, c in now.items() if c.is_purchasing != bool(before.get(pk, {}).get("is_purchasing", False))
    ]
    return {"left": left, "decision_makers": new_dms, "purchasing": purchasing}


def active_contacts(*, plan: AccountPlan) -> list[Contact]:
    return list(
        Contact.objects.filter(account_id=plan.account_id, status=Contact.Status.ACTIVE)
        .select_related("org_unit")
        .order_by("org_unit__name", "name")
    )


def org_units(*, plan: AccountPlan) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(account_id=plan.account_id).order_by("name"))


def open_opportunities(*, plan: AccountPlan, frozen: bool = False) -> list[Opportunity]:
    """The account's open opportunities by tier, biggest first; `frozen`: with only the fields the plan snapshot
    keeps of them (planning.snapshot.mapping_section)."""
    opportunities = (
        Opportunity.objects.filter(account_id=plan.account_id, stage__in=Opportunity.OPEN_STAGES)
        .select_related("sponsor_unit")
        .order_by("tier", "-amount", "id")
    )
    if frozen:
        opportunities = opportunities.only(
            "name", "tier", "stage", "amount", "probability", "expected_close_date", "sponsor_unit__name"
        )
    return list(opportunities)


# Our person's name as `str(user)` writes it: what the plan snapshot keeps of an owner.
NAME_FIELDS = ("username", "first_name", "last_name")


def _frozen(rows, fields: tuple[str, ...], owner: str | None = None):
    """`rows` with only `fields` (and the name of the `owner` relation), for the plan snapshot (planning.snapshot)."""
    return rows.only(*fields, *(f"{owner}__{name}" for name in NAME_FIELDS if owner))


def plan_actions(*, plan: AccountPlan, frozen: bool = False) -> list[ActionItem]:
    """The action plan in WBS order: each parent followed by its children, with `depth` set; `frozen`: with only
    the fields the plan snapshot keeps (planning.snapshot.action_rows)."""
    actions = ActionItem.objects.filter(plan=plan).select_related("owner").order_by("start_on", "id")
    if frozen:
        actions = _frozen(actions, ("parent_id", "title", "kind", "start_on", "due_on", "status", "percent_done"), "owner")
    return wbs_order(actions=list(actions))


def wbs_order(*, actions: list) -> list:
    """Depth-first order of a parent/child list (objects or dicts with id/parent_id), each given a depth."""

    def key(item, name):
        return item[name] if isinstance(item, dict) else getattr(item, name)

    children: dict = defaultdict(list)
    ids = {key(item, "id") for item in actions}
    for item in actions:
        parent = key(item, "parent_id")
        children[parent if parent in ids else None].append(item)
    ordered: list = []

    def walk(parent, depth):
        for item in children.get(parent, []):
            if isinstance(item, dict):
                item["depth"] = depth
            else:
                item.depth = depth
            ordered.append(item)
            walk(key(item, "id"), depth + 1)

    walk(None, 0)
    return ordered


def plan_strategic_tasks(*, plan: AccountPlan, frozen: bool = False) -> list[StrategicTask]:
    tasks = StrategicTask.objects.filter(plan=plan).select_related("owner")
    if frozen:
        tasks = _frozen(tasks, ("title", "description", "target_year", "status"), "owner")
    return list(tasks)


def plan_marketing_actions(*, plan: AccountPlan, frozen: bool = False) -> list[MarketingAction]:
    actions = MarketingAction.objects.filter(plan=plan).select_related("contact")
    if frozen:
        actions = _frozen(actions, ("kind", "title", "planned_on", "status", "contact__name", "contact__is_fox",
                                    "contact__is_kingpin"))
    return list(actions)


def plan_row_values(*, plan: AccountPlan, model, fields: tuple[str, ...]) -> list[dict]:
    """The plan's rows of one list (StrategicTask, MarketingAction, SupportRequest) as a step's form starts from
    them: `id` and each field's value, a relation's as its id; in the list's own order, no instances."""
    return list(model.objects.filter(plan=plan).values("id", *fields))


def plan_support_requests(*, plan: AccountPlan, frozen: bool = False) -> list[SupportRequest]:
    requests = SupportRequest.objects.filter(plan=plan).select_related("offering")
    if frozen:
        requests = _frozen(requests, ("kind", "description", "amount", "status", "offering__name"))
    return list(requests)


def plan_attachments(*, plan: AccountPlan, frozen: bool = False) -> list[PlanAttachment]:
    """The plan's attachments with who uploaded them; `frozen`: only what the plan snapshot keeps (no uploader)."""
    if frozen:
        return list(_frozen(PlanAttachment.objects.filter(plan=plan), ("original_name", "kind", "size", "description")))
    return list(PlanAttachment.objects.filter(plan=plan).select_related("uploaded_by"))


def attachment_get_for_user(*, user: User, plan_id: int, attachment_id: int) -> PlanAttachment:
    """An attachment of a plan the user may see; otherwise 404."""
    attachment = (
        PlanAttachment.objects.filter(pk=attachment_id, plan_id=plan_id, plan__account__in=accounts_visible_to(user))
        .select_related("plan")
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment


def key_people(*, plan: AccountPlan) -> list[Contact]:
    """Active decision makers, purchasing people, Foxes, Kingpins, influencers and executives, with who covers them."""
    key = (
        Q(is_decision_maker=True) | Q(is_purchasing=True) | Q(is_fox=True) | Q(is_kingpin=True)
        | Q(is_influencer=True) | Q(level=Contact.Level.EXECUTIVE)
    )
    return list(
        Contact.objects.filter(account_id=plan.account_id, status=Contact.Status.ACTIVE)
        .filter(key)
        .select_related("org_unit")
        .prefetch_related(Prefetch("relationships", queryset=Relationship.objects.select_related("user").order_by("-strength")))
        .order_by("-influence", "name")
    )


def key_people_frozen(*, plan: AccountPlan) -> list[Contact]:
    """`key_people` with only the fields the plan snapshot keeps of them (planning.snapshot.org_section): the
    person, their unit's name and, as `links`, their relationships (strength, our person's name and level).
    Two queries, the relationships grouped here (a prefetch builds a queryset per contact)."""
    key = (
        Q(is_decision_maker=True) | Q(is_purchasing=True) | Q(is_fox=True) | Q(is_kingpin=True)
        | Q(is_influencer=True) | Q(level=Contact.Level.EXECUTIVE)
    )
    people = list(
        Contact.objects.filter(account_id=plan.account_id, status=Contact.Status.ACTIVE)
        .filter(key)
        .select_related("org_unit")
        .only("name", "title", "level", "attitude", "influence", *Contact.BUYING_ROLE_FIELDS, "org_unit__name")
        .order_by("-influence", "name")
    )
    links: dict[int, list[Relationship]] = defaultdict(list)
    if people:
        for link in (
            Relationship.objects.filter(contact_id__in=[person.pk for person in people])
            .select_related("user")
            .only("contact_id", "strength", "user__username", "user__first_name", "user__last_name", "user__level")
            .order_by("-strength")
        ):
            links[link.contact_id].append(link)
    for person in people:
        person.links = links.get(person.pk, [])
    return people


def marketing_contacts(*, plan: AccountPlan) -> list[Contact]:
    """The account's active contacts, Foxes and Kingpins first: the people marketing actions are with.
    Only what their labels (planning.forms.contact_label) and the save's account check read."""
    return list(
        Contact.objects.filter(account_id=plan.account_id, status=Contact.Status.ACTIVE)
        .only("account_id", "name", "title", "is_fox", "is_kingpin")
        .order_by("-is_kingpin", "-is_fox", "name")
    )
