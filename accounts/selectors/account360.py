"""Account 360 reads: each section of the account page reads through one function here, with a fixed
number of queries; the summary (revenue from revenue lines: `accounts.revenue`), risks, retention health
and customer activities."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum

from accounts.models import (
    Account,
    AccountRisk,
    AccountTeamMember,
    Contact,
    CustomerActivity,
    Opportunity,
    User,
)
from accounts.interactions import contact_last_contact
from accounts.revenue import revenue_figures, revenue_windows_on, windows_from_months
from accounts.risks import registered_risks


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


def key_contacts_on(*, account: Account, days: Sequence[datetime.date]) -> list[Contact]:
    """Active decision makers, Foxes and Kingpins by name, in one query, each with `last_interactions`: the
    date of their latest interaction in the log up to each of `days` (None when there is none)."""
    contacts = list(
        account.contacts.filter(KEY_CONTACT, status=Contact.Status.ACTIVE)
        .annotate(**{f"last_interaction_{index}": contact_last_contact(day) for index, day in enumerate(days)})
        .order_by("name")
    )
    for contact in contacts:
        contact.last_interactions = tuple(getattr(contact, f"last_interaction_{index}") for index in range(len(days)))
    return contacts


def account_risks(*, account: Account, pipeline: list[dict], today: datetime.date) -> list[dict]:
    """Risks derived from the data: a decision maker left, Kingpins and Foxes out of touch, no Tier 1,
    and the risks other apps register (stale plans)."""
    stale_before = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    # Decision makers who left in the last year and the active key contacts, in one query: the sources
    # registered below (planning's stale plans: decision makers and Kingpins out of touch) read them too.
    contacts = list(
        account.contacts.filter(
            Q(status=Contact.Status.LEFT, is_decision_maker=True, left_on__gte=today - datetime.timedelta(days=365))
            | Q(KEY_CONTACT, status=Contact.Status.ACTIVE)
        )
        .annotate(last_interaction=contact_last_contact(today))
        .order_by("name")
    )
    left = sorted((c for c in contacts if c.status == Contact.Status.LEFT), key=lambda c: c.left_on, reverse=True)
    risks = [{"kind": "decision_maker_left", "contact": contact, "date": contact.left_on} for contact in left]
    for contact in contacts:
        if contact.status == Contact.Status.ACTIVE and (contact.is_fox or contact.is_kingpin) and (
            contact.last_interaction is None or contact.last_interaction < stale_before
        ):
            risks.append({"kind": "kingpin_fox_silent", "contact": contact, "date": contact.last_interaction})
    if not pipeline[0]["count"]:
        risks.append({"kind": "no_tier_1"})
    # What higher apps register (planning: its stale-plan signals), `accounts.risks`.
    active = [contact for contact in contacts if contact.status == Contact.Status.ACTIVE]
    risks.extend(registered_risks(account=account, today=today, key_contacts=active))
    return risks


def account_summary(*, account: Account, today: datetime.date) -> dict:
    """What the summary section shows: team, revenue and profit with trend, pipeline by tier, risks."""
    pipeline = open_pipeline_by_tier(opportunities=account.opportunities.all())
    team = account_team(account=account)
    revenue, monthly = revenue_figures(account=account, today=today)
    return {
        "team": team,
        "kam_member": next((member for member in team if member.role == AccountTeamMember.Role.KAM), None),
        "revenue": revenue,
        "monthly_revenue": monthly,
        "pipeline": pipeline,
        "pipeline_total": {
            "count": sum(row["count"] for row in pipeline),
            "amount": sum((row["amount"] for row in pipeline), Decimal(0)),
            "weighted": sum((row["weighted"] for row in pipeline), Decimal(0)),
        },
        "risks": account_risks(account=account, pipeline=pipeline, today=today),
        **risk_register(account=account),
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
    return retention_health_on(account=account, days=[today])[0]


def retention_health_on(
    *, account: Account, days: Sequence[datetime.date], key_contacts: list[Contact] | None = None,
    revenue_months: dict | None = None,
) -> list[dict]:
    """`retention_health` as of each of `days` (today's contacts and open incidents, the log and the revenue
    up to each day), in three queries for all of them; two when the caller already read `key_contacts`
    (`key_contacts_on` with the same days), one when it also read `revenue_months` (`revenue_by_month` from 24
    months before the earliest day's month to the latest day)."""
    key = key_contacts_on(account=account, days=days) if key_contacts is None else key_contacts
    activity = account.activities.aggregate(
        **{
            f"engagement_{index}": Count(
                "id",
                filter=~Q(kind=CustomerActivity.Kind.SUPPORT_INCIDENT)
                & Q(starts_on__gt=day - datetime.timedelta(days=ENGAGEMENT_WINDOW_DAYS), starts_on__lte=day),
            )
            for index, day in enumerate(days)
        },
        open_incidents=Count("id", filter=Q(kind=CustomerActivity.Kind.SUPPORT_INCIDENT, resolved_on__isnull=True)),
    )
    windows = (revenue_windows_on(account=account, days=days) if revenue_months is None
               else windows_from_months(by_month=revenue_months, days=days))
    return [
        _health(key=key, index=index, day=day, engagement=activity[f"engagement_{index}"],
                open_incidents=activity["open_incidents"], revenue=windows[index])
        for index, day in enumerate(days)
    ]


def _health(*, key: list[Contact], index: int, day: datetime.date, engagement: int, open_incidents: int, revenue: dict) -> dict:
    stale_before = day - datetime.timedelta(days=STALE_AFTER_DAYS)
    covered = sum(1 for c in key if c.last_interactions[index] is not None and c.last_interactions[index] >= stale_before)
    if revenue["previous_revenue"]:
        ratio = revenue["revenue"] / revenue["previous_revenue"]
        revenue_part = min(Decimal(1), max(Decimal(0), (ratio - Decimal("0.8")) / Decimal("0.4")))
    else:
        ratio = None
        revenue_part = Decimal(1) if revenue["revenue"] else Decimal(0)
    parts = {
        "coverage": Decimal(covered) / len(key) if key else Decimal(0),
        "engagement": Decimal(min(engagement, ENGAGEMENT_TARGET)) / ENGAGEMENT_TARGET,
        "revenue": revenue_part,
        "support": 1 - Decimal(min(open_incidents, OPEN_INCIDENTS_LIMIT)) / OPEN_INCIDENTS_LIMIT,
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
        "engagement": engagement,
        "open_incidents": open_incidents,
        "revenue_ratio": ratio,
    }


def customer_activities(*, account: Account) -> list[CustomerActivity]:
    """The account's activities, newest first, each with `contact_names` (their participants' names, by name)
    and `people` (ours, by last and first name): three queries, the participants grouped here (a prefetch
    builds two querysets per activity)."""
    activities = list(account.activities.order_by("-starts_on", "-id"))
    names: dict[int, list[str]] = defaultdict(list)
    for activity_id, name in (
        CustomerActivity.contacts.through.objects.filter(customeractivity__account=account)
        .order_by("contact__name").values_list("customeractivity_id", "contact__name")
    ):
        names[activity_id].append(name)
    people: dict[int, list[User]] = defaultdict(list)
    for link in (
        CustomerActivity.our_people.through.objects.filter(customeractivity__account=account)
        .select_related("user").order_by("user__last_name", "user__first_name")
    ):
        people[link.customeractivity_id].append(link.user)
    for activity in activities:
        activity.contact_names = names.get(activity.pk, [])
        activity.people = people.get(activity.pk, [])
    return activities


def open_risks(*, account: Account) -> list[AccountRisk]:
    """The account's open risks (open or being mitigated), most severe first (impact × likelihood), with their owners."""
    risks = list(
        account.risks.filter(status__in=AccountRisk.OPEN_STATUSES).select_related("owner_user", "owner_contact")
    )
    return sorted(risks, key=_severest_first)


def open_risks_and_closed_since(*, account: Account, day: datetime.date | None) -> tuple[list[AccountRisk], int]:
    """`open_risks` without their owners, and how many risks open on `day` (raised by then) were closed after
    it (0 without a day), in one query."""
    wanted = Q(status__in=AccountRisk.OPEN_STATUSES)
    if day is not None:
        wanted |= Q(status=AccountRisk.Status.CLOSED, raised_on__lte=day, closed_on__gt=day)
    rows = list(account.risks.filter(wanted))
    risks = sorted((risk for risk in rows if risk.status in AccountRisk.OPEN_STATUSES), key=_severest_first)
    return risks, len(rows) - len(risks)


def _severest_first(risk: AccountRisk) -> tuple:
    return (-risk.severity, -risk.impact, risk.raised_on, risk.pk)


def risk_register(*, account: Account, closed_limit: int = 5) -> dict[str, list[AccountRisk]]:
    """`open_risks` and `recently_closed_risks` in one query: the open ones and the last closed ones read together."""
    last_closed = (
        account.risks.filter(status=AccountRisk.Status.CLOSED).order_by("-closed_on", "-pk").values("pk")[:closed_limit]
    )
    risks = list(
        account.risks.filter(Q(status__in=AccountRisk.OPEN_STATUSES) | Q(pk__in=last_closed))
        .select_related("owner_user", "owner_contact")
    )
    closed = [risk for risk in risks if risk.status == AccountRisk.Status.CLOSED]
    return {
        "open_risks": sorted(
            (risk for risk in risks if risk.status != AccountRisk.Status.CLOSED),
            key=_severest_first,
        ),
        # A closed risk always has its closing day (a constraint): newest first, as `recently_closed_risks`.
        "closed_risks": sorted(closed, key=lambda risk: (risk.closed_on, risk.pk), reverse=True),
    }


def recently_closed_risks(*, account: Account, limit: int = 5) -> list[AccountRisk]:
    """The account's last closed risks, newest first: shown under the open ones so a risk closed by mistake can be reopened."""
    return list(account.risks.filter(status=AccountRisk.Status.CLOSED).order_by("-closed_on", "-pk")[:limit])


def lifecycle_changes(*, account: Account) -> list[dict]:
    """The account's lifecycle changes (active, on hold, withdrawn), newest first, read from its history:
    each with the status, since when, why, and who recorded it."""
    rows = account.history.order_by("history_date", "history_id").values(
        "lifecycle", "lifecycle_since", "lifecycle_reason", "history_user__username", "history_date"
    )
    changes: list[dict] = []
    previous = None
    for row in rows.iterator():
        key = (row["lifecycle"], row["lifecycle_since"], row["lifecycle_reason"])
        if key != previous and (previous is not None or row["lifecycle_since"] is not None):
            changes.append({
                "lifecycle": Account.Lifecycle(row["lifecycle"]).label,
                "since": row["lifecycle_since"],
                "reason": row["lifecycle_reason"],
                "by": row["history_user__username"],
                "recorded_at": row["history_date"],
            })
        previous = key
    return changes[::-1]
