"""Reads of plans, meetings and reviews. Every plan is reached through `accounts_visible_to` or `visible_q`."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import formats, timezone

from accounts.models import Account, AccountTeamMember, Contact, OrgChange, OrgUnit, Opportunity, Relationship, User
from accounts.permissions import accounts_editable_by, user_can_decide_plans, user_can_edit_account
from accounts.selectors import accounts_visible_to, visible_q
from accounts.roles import Role
from performance.models import KpiDefinition, KpiStatus, KpiTarget
from performance.periods import Period, PeriodKind
from performance.selectors import SlotPlan, kpi_values
from planning.models import (
    AccountPlan,
    ActionItem,
    AgendaItem,
    ConsensusMeeting,
    MarketingAction,
    MeetingAttendee,
    MeetingStatus,
    Opinion,
    PlanAttachment,
    PlanKpi,
    PlanStatus,
    PlanVersion,
    QuarterlyReview,
    ReviewComment,
    StrategicTask,
    SupportRequest,
)
from planning.rules import PlanFacts, StepState, plan_step_states
from planning.targets import TargetInput, inputs_from_rows, number, target_problems

PLAN_RELATED = ("account", "account__vertical_unit", "approved_version")
# The plan's people, read in one query of their own: three more joins to the users would cost
# PostgreSQL more time to plan the plan's query (3 ms) than the query takes.
PLAN_PEOPLE = ("owner", "updated_by", "org_reviewed_by")


def plans_visible_to(user: User) -> QuerySet[AccountPlan]:
    """The plans of the accounts the user may see."""
    return AccountPlan.objects.filter(visible_q(user))


def plan_get_for_user(*, user: User, plan_id: int) -> AccountPlan:
    """The plan if the user may see its account; otherwise 404, so its existence is not revealed."""
    plan = plans_visible_to(user).select_related(*PLAN_RELATED).filter(pk=plan_id).order_by().first()
    if plan is None:
        raise Http404("No such plan.")
    ids = {getattr(plan, f"{name}_id") for name in PLAN_PEOPLE} - {None}
    people = User.objects.in_bulk(ids) if ids else {}
    for name in PLAN_PEOPLE:
        if getattr(plan, f"{name}_id") is not None:
            setattr(plan, name, people.get(getattr(plan, f"{name}_id")))
    return plan


def plan_list_for_user(*, user: User, fiscal_year: int | None = None, status: str = "", query: str = "") -> QuerySet[AccountPlan]:
    plans = plans_visible_to(user).select_related("account", "owner").order_by("-fiscal_year", "account__name")
    if fiscal_year:
        plans = plans.filter(fiscal_year=fiscal_year)
    if status:
        plans = plans.filter(status=status)
    if query:
        plans = plans.filter(Q(account__name__icontains=query) | Q(account__english_name__icontains=query))
    return plans


def editable_accounts(user: User) -> QuerySet[Account]:
    """The accounts whose plans the user may write (`accounts.permissions.user_can_edit_account`)."""
    return accounts_editable_by(user).order_by("name")


def user_can_edit_plan(*, user: User, plan: AccountPlan) -> bool:
    """The account team (and admins) write the plan; executives read it and decide on it."""
    return user_can_edit_account(user=user, account=plan.account)


def user_can_decide(user: User) -> bool:
    return user_can_decide_plans(user)


def org_reference_date(plan: AccountPlan) -> datetime.date:
    """The day "since the last plan" starts: the last plan's org review, the carried baseline, or a year back."""
    previous = (
        AccountPlan.objects.filter(account_id=plan.account_id, fiscal_year__lt=plan.fiscal_year, org_reviewed_at__isnull=False)
        .order_by("-fiscal_year")
        .values_list("org_reviewed_at", flat=True)
        .first()
    )
    if previous is not None:
        return timezone.localdate(previous)
    if plan.org_baseline_on is not None:
        return plan.org_baseline_on
    return plan.period_start - datetime.timedelta(days=365)


def plan_facts(plan: AccountPlan, *, today: datetime.date | None = None) -> PlanFacts:
    """Aggregates the completeness rules need: a fixed number of queries whatever the plan's size."""
    today = today or timezone.localdate()
    account_id = plan.account_id
    latest_change = OrgChange.objects.filter(account_id=account_id).aggregate(latest=Max("recorded_at"))["latest"]
    decision_makers = Contact.objects.filter(account_id=account_id, status=Contact.Status.ACTIVE, is_decision_maker=True).count()
    opportunities = Opportunity.objects.filter(account_id=account_id, stage__in=Opportunity.OPEN_STAGES).aggregate(
        total=Count("id"), unmapped=Count("id", filter=Q(sponsor_unit__isnull=True))
    )
    fox_or_kingpin = Q(contact__is_fox=True) | Q(contact__is_kingpin=True)
    actions = ActionItem.objects.filter(plan=plan).aggregate(
        tasks=Count("id", filter=Q(kind=ActionItem.Kind.TASK)),
        milestones=Count("id", filter=Q(kind=ActionItem.Kind.MILESTONE)),
        without_owner=Count("id", filter=Q(owner__isnull=True)),
    )
    ended = [q for q in (1, 2, 3, 4) if plan.period(PeriodKind.QUARTER, q).end < today]
    reviews = QuarterlyReview.objects.filter(plan=plan, quarter__in=ended).aggregate(
        total=Count("id"), signed_off=Count("id", filter=Q(status=QuarterlyReview.Status.SIGNED_OFF))
    )
    kpis, target_problems = plan_target_facts(plan)
    return PlanFacts(
        latest_org_change_at=latest_change,
        decision_makers=decision_makers,
        open_opportunities=opportunities["total"],
        unmapped_opportunities=opportunities["unmapped"],
        strategic_tasks=StrategicTask.objects.filter(plan=plan).count(),
        marketing_actions_with_fox_or_kingpin=MarketingAction.objects.filter(plan=plan).filter(fox_or_kingpin).count(),
        tasks=actions["tasks"],
        milestones=actions["milestones"],
        actions_without_owner=actions["without_owner"],
        kpis=kpis,
        target_problems=target_problems,
        ended_quarters=len(ended),
        reviews_of_ended_quarters=reviews["total"],
        signed_off_reviews_of_ended_quarters=reviews["signed_off"],
    )


def plan_kpis(plan: AccountPlan) -> list[KpiDefinition]:
    """The KPIs the plan chose, in catalogue order."""
    return [row.kpi for row in PlanKpi.objects.filter(plan=plan).select_related("kpi").order_by("kpi__sort_order", "kpi__code")]


def plan_target_inputs(plan: AccountPlan, kpis: list[KpiDefinition]) -> dict[int, TargetInput]:
    """The account's targets for the plan's year for these KPIs, and the year targets of the two years
    after it (the 3-year targets), as entered values keyed by KPI id."""
    year = plan.fiscal_year
    rows = KpiTarget.objects.filter(account_id=plan.account_id, kpi__in=kpis).filter(
        Q(fiscal_year=year) | Q(fiscal_year__in=[year + 1, year + 2], period_kind=PeriodKind.YEAR)
    )
    return inputs_from_rows(rows, fiscal_year=year)


def plan_target_facts(plan: AccountPlan) -> tuple[int, list[str]]:
    """How many KPIs the plan chose, and what is wrong with their targets."""
    kpis = plan_kpis(plan)
    inputs = plan_target_inputs(plan, kpis)
    problems = []
    for kpi in kpis:
        problems += target_problems(kpi, inputs.get(kpi.pk, TargetInput(chosen=True)))
    return len(kpis), problems


def target_candidates(plan: AccountPlan) -> list[KpiDefinition]:
    """The KPIs step 4 offers: the active ones for the account's team type, plus any already chosen."""
    chosen = set(PlanKpi.objects.filter(plan=plan).values_list("kpi_id", flat=True))
    team = f"applies_to_{plan.account.team_type}"
    return list(
        KpiDefinition.objects.filter(Q(is_active=True, **{team: True}) | Q(pk__in=chosen)).order_by("sort_order", "code")
    )


def target_grid(plan: AccountPlan) -> tuple[list[KpiDefinition], dict[int, TargetInput], dict[int, TargetInput]]:
    """Step 4's targets form: the candidate KPIs, what the plan chose and entered, and the account's other targets.

    Targets of a KPI the plan has not chosen (set by imports, the API or the performance pages)
    are not the plan's: they come back apart, as context, and the form's cells stay empty.
    """
    candidates = target_candidates(plan)
    chosen = set(PlanKpi.objects.filter(plan=plan).values_list("kpi_id", flat=True))
    stored = plan_target_inputs(plan, candidates)
    inputs, others = {}, {}
    for kpi in candidates:
        if kpi.pk in chosen:
            inputs[kpi.pk] = stored.get(kpi.pk, TargetInput())
            inputs[kpi.pk].chosen = True
        else:
            inputs[kpi.pk] = TargetInput()
            if kpi.pk in stored:
                others[kpi.pk] = stored[kpi.pk]
    return candidates, inputs, others


def _json_number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def plan_target_rows(plan: AccountPlan) -> list[dict]:
    """The plan's targets per chosen KPI, as the snapshot, the meeting view and the exports show them."""
    kpis = plan_kpis(plan)
    inputs = plan_target_inputs(plan, kpis)
    month_labels = [formats.date_format(plan.period(PeriodKind.MONTH, i).start, "M") for i in range(1, 13)]
    rows = []
    for kpi in kpis:
        target = inputs.get(kpi.pk, TargetInput(chosen=True))
        halves = target.halves(kpi)
        is_money = kpi.unit == KpiDefinition.Unit.MONEY
        share = None
        if is_money and plan.tam and target.year is not None:
            share = f"{target.year / plan.tam * 100:.1f}%"
        rows.append(
            {
                "key": kpi.code,
                "kpi": kpi.display_name,
                "unit": kpi.get_unit_display() if not is_money else plan.account.currency,
                "is_money": is_money,
                "periods": [
                    *({"label": f"Q{i + 1}", "value": _json_number(v)} for i, v in enumerate(target.quarters)),
                    *({"label": f"H{i + 1}", "value": _json_number(v)} for i, v in enumerate(halves)),
                    {"label": f"FY {plan.fiscal_year}", "value": _json_number(target.year)},
                ],
                "months": [
                    {"month": index, "label": label, "value": _json_number(v)}
                    for index, (label, v) in enumerate(zip(month_labels, target.months, strict=True), start=1)
                ],
                "tam_share": share,
            }
        )
    return rows


def review_kpi_rows(
    plan: AccountPlan, period: Period, *, as_of: datetime.date | None = None, year_to_date: bool = False
) -> list[dict]:
    """Target against actual for each KPI the plan chose, over one period of its year (as of today).

    With `year_to_date`, each row also holds the fiscal year to the period's end (`row["ytd"]`).
    """
    kpis = plan_kpis(plan)
    if not kpis:
        return []
    today = as_of or timezone.localdate()
    slots = SlotPlan.for_periods(start_month=plan.start_month, periods=[period.previous(), period], as_of=today)
    table = kpi_values(kpis=kpis, plan=slots, account_months={plan.account_id: plan.start_month}, slots=[1])
    rows = [review_kpi_row(kpi, table.get(plan.account_id, kpi.code, 1)) for kpi in kpis]
    if year_to_date:
        ytd = _year_to_date_table(kpis, period, {plan.account_id: plan.start_month}, as_of=today)
        for row, kpi in zip(rows, kpis, strict=True):
            row["ytd"] = _ytd_part(review_kpi_row(kpi, ytd.get(plan.account_id, kpi.code, 1)))
    return rows


def _year_to_date_table(kpis: list[KpiDefinition], period: Period, account_months: dict[int, int], *, as_of: datetime.date):
    """KPI values over the fiscal year of `period`, counted up to the end of `period` (or `as_of` if earlier)."""
    year = Period(PeriodKind.YEAR, period.fiscal_year, 1, period.start_month)
    slots = SlotPlan.for_periods(start_month=period.start_month, periods=[year.previous(), year], as_of=min(as_of, period.end))
    return kpi_values(kpis=kpis, plan=slots, account_months=account_months, slots=[1])


def _ytd_part(row: dict) -> dict:
    return {key: row[key] for key in ("target", "expected", "actual", "status", "percent", "met")}


def review_year_to_date_rows(snapshot: list[dict]) -> list[dict]:
    """A review snapshot's year-to-date lines, shaped like its quarter lines (empty for older reviews)."""
    return [{"key": row.get("key"), "kpi": row["kpi"], "is_money": row["is_money"], **row["ytd"]} for row in snapshot if row.get("ytd")]


def review_kpi_rows_bulk(
    plans: list[AccountPlan], period: Period, kpis_by_plan: dict[int, list[KpiDefinition]], *, as_of: datetime.date
) -> dict[int, list[dict]]:
    """`review_kpi_rows(..., year_to_date=True)` for many plans sharing one fiscal calendar and period.

    Plans of the same account and year share the calendar by construction (the caller groups by
    start month, fiscal year and quarter), so the query count does not grow with the plans.
    """
    wanted = {kpi.pk: kpi for plan in plans for kpi in kpis_by_plan.get(plan.pk, ())}
    if not wanted:
        return {plan.pk: [] for plan in plans}
    slots = SlotPlan.for_periods(start_month=period.start_month, periods=[period.previous(), period], as_of=as_of)
    account_months = {plan.account_id: period.start_month for plan in plans}
    table = kpi_values(kpis=list(wanted.values()), plan=slots, account_months=account_months, slots=[1])
    ytd = _year_to_date_table(list(wanted.values()), period, account_months, as_of=as_of)
    rows = {}
    for plan in plans:
        rows[plan.pk] = []
        for kpi in kpis_by_plan.get(plan.pk, ()):
            row = review_kpi_row(kpi, table.get(plan.account_id, kpi.code, 1))
            row["ytd"] = _ytd_part(review_kpi_row(kpi, ytd.get(plan.account_id, kpi.code, 1)))
            rows[plan.pk].append(row)
    return rows


def review_kpi_row(kpi: KpiDefinition, value) -> dict:
    """One KPI's line of a review's snapshot, as JSON."""
    return {
        "key": kpi.code,
        "kpi": kpi.display_name,
        "is_money": kpi.unit == KpiDefinition.Unit.MONEY,
        "target": _json_number(value.target),
        "expected": _json_number(value.expected.quantize(Decimal("0.01")) if value.expected is not None else None),
        "actual": _json_number(value.actual.quantize(Decimal("0.01")) if value.actual is not None else None),
        "status": value.status,
        "percent": None if value.achievement is None else int(value.achievement.to_integral_value()),
        "met": None if value.target is None or value.actual is None else value.status == KpiStatus.ON_TRACK,
    }


def plan_states(plan: AccountPlan) -> dict[int, StepState]:
    return plan_step_states(plan, plan_facts(plan))


def team_users(plan: AccountPlan) -> list[User]:
    """Our people on the account's team, who may own actions and tasks."""
    members = AccountTeamMember.objects.filter(account_id=plan.account_id).select_related("user").order_by("user__first_name")
    users = {member.user_id: member.user for member in members}
    if plan.owner_id and plan.owner_id not in users:
        users[plan.owner_id] = plan.owner
    return list(users.values())


def org_changes_since(plan: AccountPlan, since: datetime.date) -> dict[str, list[OrgChange]]:
    """The org-change log since `since`, sorted into what step 1 asks about."""
    changes = (
        OrgChange.objects.filter(account_id=plan.account_id, happened_on__gte=since)
        .select_related("contact", "org_unit", "recorded_by")
        .order_by("-happened_on", "-recorded_at")
    )
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


def org_baseline_changes(plan: AccountPlan, contacts: list[Contact]) -> dict[str, list[str]]:
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


def active_contacts(plan: AccountPlan) -> list[Contact]:
    return list(
        Contact.objects.filter(account_id=plan.account_id, status=Contact.Status.ACTIVE)
        .select_related("org_unit")
        .order_by("org_unit__name", "name")
    )


def org_units(plan: AccountPlan) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(account_id=plan.account_id).order_by("name"))


def open_opportunities(plan: AccountPlan) -> list[Opportunity]:
    return list(
        Opportunity.objects.filter(account_id=plan.account_id, stage__in=Opportunity.OPEN_STAGES)
        .select_related("sponsor_unit")
        .order_by("tier", "-amount", "id")
    )


def plan_actions(plan: AccountPlan) -> list[ActionItem]:
    """The action plan in WBS order: each parent followed by its children, with `depth` set."""
    actions = list(ActionItem.objects.filter(plan=plan).select_related("owner").order_by("start_on", "id"))
    return wbs_order(actions)


def wbs_order(actions: list) -> list:
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


def plan_strategic_tasks(plan: AccountPlan) -> list[StrategicTask]:
    return list(StrategicTask.objects.filter(plan=plan).select_related("owner"))


def plan_marketing_actions(plan: AccountPlan) -> list[MarketingAction]:
    return list(MarketingAction.objects.filter(plan=plan).select_related("contact"))


def plan_support_requests(plan: AccountPlan) -> list[SupportRequest]:
    return list(SupportRequest.objects.filter(plan=plan).select_related("offering"))


def plan_attachments(plan: AccountPlan) -> list[PlanAttachment]:
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


def plan_versions(plan: AccountPlan) -> list[PlanVersion]:
    """The plan's versions, newest first, with their decision, step comments and agenda slot."""
    return list(
        PlanVersion.objects.filter(plan=plan)
        .select_related("submitted_by", "decision__decided_by", "agenda_item__meeting")
        .prefetch_related("decision__step_comments", "decision__grants")
        .defer("snapshot")
        .order_by("-number")
    )


def version_get(*, plan: AccountPlan, number: int) -> PlanVersion:
    version = (
        PlanVersion.objects.filter(plan=plan, number=number)
        .select_related("submitted_by", "decision__decided_by", "agenda_item__meeting")
        .prefetch_related("decision__step_comments", "decision__grants")
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    return version


def plan_reviews(plan: AccountPlan) -> dict[int, QuarterlyReview]:
    reviews = QuarterlyReview.objects.filter(plan=plan).select_related("owner", "signed_off_by").annotate(
        comment_count=Count("comments")
    )
    return {review.quarter: review for review in reviews}


def review_get(*, plan: AccountPlan, quarter: int) -> QuarterlyReview:
    """A quarterly review of a plan the caller already reached through `plan_get_for_user`; otherwise 404."""
    review = (
        QuarterlyReview.objects.filter(plan=plan, quarter=quarter)
        .select_related("owner", "signed_off_by")
        .prefetch_related(Prefetch("comments", queryset=ReviewComment.objects.select_related("author").order_by("created_at", "id")))
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def meetings_list() -> QuerySet[ConsensusMeeting]:
    return ConsensusMeeting.objects.annotate(
        item_count=Count("items", distinct=True),
        decided_count=Count("items", filter=Q(items__version__decision__isnull=False), distinct=True),
    ).order_by("-scheduled_for")


def meeting_get(meeting_id: int) -> ConsensusMeeting:
    meeting = ConsensusMeeting.objects.select_related("created_by", "chair", "closed_by").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def meeting_agenda(meeting: ConsensusMeeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related(
            "version__plan__account", "version__plan__owner", "version__submitted_by", "version__decision__decided_by"
        )
        .defer("version__snapshot")
        .order_by("position", "id")
    )


def versions_awaiting_meeting() -> list[PlanVersion]:
    """Submitted versions of plans still waiting for a decision and on no agenda."""
    return list(
        PlanVersion.objects.filter(agenda_item__isnull=True, decision__isnull=True, plan__status=PlanStatus.SUBMITTED)
        .select_related("plan__account", "submitted_by")
        .defer("snapshot")
        .order_by("submitted_at")
    )


def meeting_open_reviews(meeting: ConsensusMeeting, *, now: datetime.datetime | None = None) -> list[QuarterlyReview]:
    """Open quarterly reviews, which go on the agenda of the next consensus meeting (and only that one)."""
    now = now or timezone.now()
    next_meeting = ConsensusMeeting.objects.filter(scheduled_for__gte=now - datetime.timedelta(hours=12)).order_by("scheduled_for", "pk").values_list("pk", flat=True).first()
    if next_meeting != meeting.pk:
        return []
    return list(
        QuarterlyReview.objects.filter(status=QuarterlyReview.Status.OPEN)
        .select_related("plan__account", "owner")
        .defer("kpi_snapshot")
        .order_by("due_on", "plan__account__name")
    )


def upcoming_meetings(*, now: datetime.datetime | None = None) -> list[ConsensusMeeting]:
    """Meetings a plan can still be put on: not closed, from twelve hours ago on."""
    now = now or timezone.now()
    return list(
        ConsensusMeeting.objects.filter(scheduled_for__gte=now - datetime.timedelta(hours=12))
        .exclude(status=MeetingStatus.CLOSED).order_by("scheduled_for")[:20]
    )


def latest_step_comments(*, plan: AccountPlan, step: int) -> dict | None:
    """The last decision's comment on this step and the whole plan, if the plan was sent back or rejected
    and has not been submitted again: what the KAM must answer on the step's page. One query."""
    latest = (
        PlanVersion.objects.filter(plan=plan).order_by("-number")
        .select_related("decision__decided_by").defer("snapshot").prefetch_related("decision__step_comments").first()
    )
    decision = getattr(latest, "decision", None) if latest else None
    if decision is None or decision.outcome == "approved":
        return None
    texts = [c.text for c in decision.step_comments.all() if c.step == step]
    if not texts and not decision.comment:
        return None
    return {"decision": decision, "step_texts": texts, "version": latest}


def meeting_attendees(meeting: ConsensusMeeting) -> list[MeetingAttendee]:
    return list(MeetingAttendee.objects.filter(meeting=meeting).select_related("user").order_by("role", "user__username"))


def executives() -> list[User]:
    """Active executives, who chair meetings and attend them as such."""
    return list(User.objects.filter(is_active=True, groups__name=Role.EXECUTIVE).order_by("username").distinct())


def invitable_users(meeting: ConsensusMeeting, *, limit: int = 300) -> list[User]:
    """Active users not attending yet (executives first), for the invitation list."""
    return list(
        User.objects.filter(is_active=True).exclude(pk__in=MeetingAttendee.objects.filter(meeting=meeting).values("user_id"))
        .order_by("username")[:limit]
    )


def item_opinions(item: AgendaItem) -> list[Opinion]:
    return list(Opinion.objects.filter(item=item).select_related("author").order_by("recorded_at", "id"))


def user_attends(*, user: User, meeting: ConsensusMeeting) -> bool:
    return user.is_authenticated and MeetingAttendee.objects.filter(meeting=meeting, user=user).exists()


def agenda_item_get(*, meeting: ConsensusMeeting, item_id: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(meeting=meeting, pk=item_id)
        .select_related("version__plan__account", "version__submitted_by", "version__decision__decided_by")
        .prefetch_related("version__decision__step_comments", "version__decision__grants")
        .first()
    )
    if item is None:
        raise Http404("No such agenda item.")
    return item


def plan_history(plan: AccountPlan, *, limit: int = 200) -> list[dict]:
    """Every recorded change of the plan and its parts, newest first, with who, when and which fields.

    One query per audited model and one per model a changed foreign key points to; the
    differences between consecutive records are computed here rather than with `diff_against`,
    which would query once per record.
    """
    def attribute(name):
        return lambda row: str(getattr(row, name))

    def target_label(row):
        period = Period(row.period_kind, row.fiscal_year, row.period_index, plan.start_month)
        return f"{row.kpi} · {period.label}: {number(row.value)}"

    sources = [
        (AccountPlan.history.filter(id=plan.pk), None),
        (PlanKpi.history.filter(plan_id=plan.pk).select_related("kpi"), attribute("kpi")),
        (KpiTarget.history.filter(account_id=plan.account_id, fiscal_year=plan.fiscal_year).select_related("kpi"), target_label),
        (StrategicTask.history.filter(plan_id=plan.pk), attribute("title")),
        (MarketingAction.history.filter(plan_id=plan.pk), attribute("title")),
        (SupportRequest.history.filter(plan_id=plan.pk), attribute("description")),
        (ActionItem.history.filter(plan_id=plan.pk), attribute("title")),
        (PlanAttachment.history.filter(plan_id=plan.pk), attribute("original_name")),
        (QuarterlyReview.history.filter(plan_id=plan.pk), lambda row: f"Q{row.quarter}"),
    ]
    entries = []
    references: dict = defaultdict(set)
    for queryset, label_of in sources:
        model = queryset.model.instance_type
        fields = [f for f in queryset.model.tracked_fields if f.name not in ("id", "plan", "created_at", "updated_at")]
        rows = list(queryset.select_related("history_user").order_by("id", "history_date", "history_id"))
        previous_by_id: dict = {}
        for row in rows:
            previous = previous_by_id.get(row.id)
            changed = []
            if previous is not None and row.history_type == "~":
                for model_field in fields:
                    old, new = getattr(previous, model_field.attname), getattr(row, model_field.attname)
                    if old != new:
                        changed.append([model_field, old, new])
                        if model_field.is_relation:
                            references[model_field.related_model].update(v for v in (old, new) if v is not None)
            previous_by_id[row.id] = row
            if row.history_type == "~" and previous is not None and not changed:
                continue
            entries.append(
                {
                    "when": row.history_date,
                    "who": row.history_user,
                    "type": row.history_type,
                    "model": str(model._meta.verbose_name),
                    "label": "" if label_of is None else label_of(row),
                    "changes": changed,
                }
            )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    entries = entries[:limit]
    names = {model: model._default_manager.in_bulk(ids) for model, ids in references.items()}
    for entry in entries:
        entry["changes"] = [
            {"field": str(f.verbose_name), "old": _describe(f, old, names), "new": _describe(f, new, names)}
            for f, old, new in entry["changes"]
        ]
    return entries


def _describe(model_field, value, names: dict) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if model_field.is_relation:
        value = names.get(model_field.related_model, {}).get(value, value)
    elif model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    return _short(value)


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def key_people(plan: AccountPlan) -> list[Contact]:
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



def marketing_contacts(plan: AccountPlan) -> list[Contact]:
    """The account's active contacts, Foxes and Kingpins first: the people marketing actions are with."""
    return list(
        Contact.objects.filter(account_id=plan.account_id, status=Contact.Status.ACTIVE)
        .order_by("-is_kingpin", "-is_fox", "name")
    )


def next_year_plan(plan: AccountPlan) -> AccountPlan | None:
    return AccountPlan.objects.filter(account_id=plan.account_id, fiscal_year=plan.fiscal_year + 1).first()


def year_results(plan: AccountPlan) -> list[dict]:
    """The fiscal year's targets against actuals, KPI by KPI."""
    return review_kpi_rows(plan, plan.period())


def unmet_targets(plan: AccountPlan) -> list[dict]:
    """The KPIs whose actual for the year fell short of the target."""
    return [row for row in year_results(plan) if row.get("met") is False]


# The weekly dashboard's "Account plans" tile (registered with performance in PlanningConfig.ready()).
def plan_status_counts(*, accounts: QuerySet[Account]) -> dict[str, int]:
    """How many of these accounts' running and upcoming plans (not yet ended) are in each status.

    One grouped query; statuses in the state machine's order, labels translated, empty ones left out.
    """
    counts = dict(
        AccountPlan.objects.filter(account__in=accounts, period_end__gte=timezone.localdate())
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
    )
    return {str(status.label): counts[status.value] for status in PlanStatus if counts.get(status.value)}
