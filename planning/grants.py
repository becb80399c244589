"""Resources granted against the support requests of step 5 (배정), and their use while the plan runs.

The chair's approval grants each support request of the submitted version in full, in part or not at
all, with the reason; step 6's quarterly reviews set the budget spent (ResourceSpend) and the
people-days worked (performance.TimeEntry) against the grants.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_can_edit_account
from performance.models import TimeEntry
from planning.models import AccountPlan, Decision, GrantStatus, PlanVersion, ResourceGrant, ResourceSpend, SupportRequest
from planning.models.meeting import COMMITTED_BUDGET

HOURS_PER_DAY = Decimal(8)


@dataclass(frozen=True)
class GrantInput:
    support_request_id: int
    status: str
    amount: Decimal | None = None
    reason: str = ""


def grants_check(*, version: PlanVersion, grants: list[GrantInput]) -> list[ResourceGrant]:
    """Unsaved grants for the version's support requests, or ValidationError listing every problem."""
    requested = {row["id"]: row for row in (version.snapshot or {}).get("execution", {}).get("support_requests", [])}
    errors, rows, seen = [], [], set()
    for grant in grants:
        row = requested.get(grant.support_request_id)
        if row is None or grant.support_request_id in seen:
            errors.append(_("A grant refers to a support request that is not in this version."))
            continue
        seen.add(grant.support_request_id)
        asked = Decimal(row["amount"] or 0)
        amount = grant.amount
        reason = grant.reason.strip()
        name = row["description"]
        if grant.status not in GrantStatus.values:
            errors.append(_("“%(request)s”: choose granted, partly or refused.") % {"request": name})
            continue
        if grant.status == GrantStatus.GRANTED:
            amount = asked if amount is None else amount
        elif grant.status == GrantStatus.REFUSED:
            amount = Decimal(0) if amount is None else amount
            if amount != 0:
                errors.append(_("“%(request)s”: a refused request is granted nothing.") % {"request": name})
        elif amount is None or not 0 < amount < asked:
            errors.append(_("“%(request)s”: a partial grant is more than 0 and less than the %(asked)s requested.")
                          % {"request": name, "asked": asked})
        if amount is not None and amount < 0:
            errors.append(_("“%(request)s”: the amount granted cannot be negative.") % {"request": name})
        if grant.status != GrantStatus.GRANTED and not reason:
            errors.append(_("“%(request)s”: say why it is not granted in full.") % {"request": name})
        rows.append(ResourceGrant(
            support_request_id=grant.support_request_id, kind=row["kind"], description=name[:300],
            requested_amount=asked, granted_amount=amount or Decimal(0), status=grant.status, reason=reason,
        ))
    if errors:
        raise ValidationError(errors)
    return rows


def grants_save(*, decision: Decision, rows: list[ResourceGrant], committed_budget: Decimal | None, committed_people: str) -> None:
    """Write the approval's grants (in the decision's transaction). Resources given the old way, as a
    budget figure and a line of people, become grants too, so the grants are all the approval commits."""
    live = set(SupportRequest.objects.filter(pk__in=[r.support_request_id for r in rows]).values_list("pk", flat=True))
    for row in rows:
        row.decision = decision
        if row.support_request_id not in live:
            row.support_request_id = None
    if committed_budget is not None:
        rows.append(ResourceGrant(decision=decision, kind=SupportRequest.Kind.BUDGET, description=_(COMMITTED_BUDGET),
                                  requested_amount=committed_budget, granted_amount=committed_budget, status=GrantStatus.GRANTED))
    if committed_people:
        rows.append(ResourceGrant(decision=decision, kind=SupportRequest.Kind.PEOPLE, description=committed_people[:300],
                                  status=GrantStatus.GRANTED))
    ResourceGrant.objects.bulk_create(rows)


@dataclass
class GrantUse:
    grant: ResourceGrant
    used: Decimal | None  # budget spent or people-days worked; None for products
    unit: str  # "money", "days" or ""

    @property
    def percent(self) -> int | None:
        if self.unit != "money" or self.used is None or not self.grant.granted_amount:
            return None
        return round(self.used * 100 / self.grant.granted_amount)


def plan_grants(plan: AccountPlan) -> list[ResourceGrant]:
    """The approved version's grants (none before approval)."""
    if plan.approved_version_id is None:
        return []
    return list(ResourceGrant.objects.filter(decision__version_id=plan.approved_version_id).order_by("kind", "id"))


def people_days(plan: AccountPlan, *, until: datetime.date) -> Decimal:
    """Days our people worked on the account's customer work from the plan's start to `until` (8 hours a day)."""
    hours = TimeEntry.objects.filter(
        account_id=plan.account_id, worked_on__gte=plan.period_start, worked_on__lte=until,
        kind__in=[TimeEntry.Kind.BILLABLE, TimeEntry.Kind.NON_BILLABLE],
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return (hours / HOURS_PER_DAY).quantize(Decimal("0.1"))


def grant_use(plan: AccountPlan, *, until: datetime.date) -> list[GrantUse]:
    """Each grant against its use up to `until`: budget spent per grant; the people grants share the
    account's people-days (shown on the first of them, so they are not counted twice). Three queries."""
    grants = plan_grants(plan)
    if not grants:
        return []
    spent = dict(
        ResourceSpend.objects.filter(grant__in=grants, spent_on__lte=until).values("grant_id")
        .annotate(total=Sum("amount")).values_list("grant_id", "total")
    )
    days = people_days(plan, until=until) if any(g.kind == SupportRequest.Kind.PEOPLE for g in grants) else None
    rows, people_shown = [], False
    for grant in grants:
        if grant.kind == SupportRequest.Kind.BUDGET:
            rows.append(GrantUse(grant, spent.get(grant.pk, Decimal(0)), "money"))
        elif grant.kind == SupportRequest.Kind.PEOPLE and not people_shown:
            rows.append(GrantUse(grant, days, "days"))
            people_shown = True
        else:
            rows.append(GrantUse(grant, None, ""))
    return rows


def resource_spend_add(
    *, grant: ResourceGrant, spent_on: datetime.date, amount: Decimal, acting_user: User, note: str = ""
) -> ResourceSpend:
    """The account team records budget spent against a budget grant of its approved plan, within the plan's year."""
    plan = grant.decision.version.plan
    if not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team records what it spent."))
    if grant.kind != SupportRequest.Kind.BUDGET or grant.status == GrantStatus.REFUSED:
        raise ValidationError(_("Spending is recorded against a budget that was granted."))
    if amount is None or amount <= 0:
        raise ValidationError(_("The amount spent is more than 0."))
    if not plan.period_start <= spent_on <= plan.period_end:
        raise ValidationError(_("The date is outside the plan's fiscal year."))
    return ResourceSpend.objects.create(grant=grant, spent_on=spent_on, amount=amount, note=note.strip(), recorded_by=acting_user)
