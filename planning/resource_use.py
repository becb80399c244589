"""Resources granted against their use, per vertical unit, for the executive dashboard (자원의 효율적 운영).

The plans counted are the approved plans running today (each account's fiscal year), their grants
those of the approved version's decision: budget granted against budget spent (ResourceSpend), and
people granted against the people-days worked on the account since the plan started (TimeEntry, as
`planning.grants.people_days` counts them). Four queries, whatever the number of accounts.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.models import TimeEntry
from performance.panels import PanelColumn, PanelTable
from planning.grants import HOURS_PER_DAY
from planning.models import AccountPlan, GrantStatus, ResourceGrant, ResourceSpend, SupportRequest


def _percent(part: Decimal, whole: Decimal) -> int | None:
    return round(part * 100 / whole) if whole else None


def resource_use_by_unit(*, accounts: QuerySet, today: datetime.date | None = None) -> PanelTable:
    """One row per vertical unit (budget granted, spent, its share; people granted, people-days worked), with totals."""
    today = today or timezone.localdate()
    plans = list(
        AccountPlan.objects.filter(
            account__in=accounts, approved_version__isnull=False, period_start__lte=today, period_end__gte=today,
        ).values_list("pk", "approved_version_id", "account__vertical_unit__name")
    )
    unit_of_version = {version_id: unit or _("No vertical unit") for _pk, version_id, unit in plans}
    unit_of_plan = {pk: unit or _("No vertical unit") for pk, _version_id, unit in plans}
    rows: dict[str, dict] = defaultdict(lambda: {"granted": Decimal(0), "spent": Decimal(0), "people": 0, "days": Decimal(0)})
    if plans:
        versions = [version_id for _pk, version_id, _unit in plans]
        granted = (
            ResourceGrant.objects.filter(decision__version_id__in=versions, kind__in=[SupportRequest.Kind.BUDGET,
                                                                                    SupportRequest.Kind.PEOPLE])
            .exclude(status=GrantStatus.REFUSED).order_by()
            .values_list("decision__version_id", "decision__version__plan_id", "kind")
            .annotate(total=Sum("granted_amount"), count=Count("id"))
        )
        staffed = set()
        for version_id, plan_id, kind, total, count in granted:
            row = rows[unit_of_version[version_id]]
            if kind == SupportRequest.Kind.BUDGET:
                row["granted"] += total
            else:
                row["people"] += count
                staffed.add(plan_id)
        spent = (
            ResourceSpend.objects.filter(grant__decision__version_id__in=versions, spent_on__lte=today).order_by()
            .values_list("grant__decision__version_id").annotate(total=Sum("amount"))
        )
        for version_id, total in spent:
            rows[unit_of_version[version_id]]["spent"] += total
        if staffed:
            hours = (
                TimeEntry.objects.filter(
                    account__plans__id__in=staffed, worked_on__gte=F("account__plans__period_start"), worked_on__lte=today,
                    kind__in=[TimeEntry.Kind.BILLABLE, TimeEntry.Kind.NON_BILLABLE],
                ).order_by().values_list("account__plans__id").annotate(total=Sum("hours"))
            )
            for plan_id, total in hours:
                rows[unit_of_plan[plan_id]]["days"] += total / HOURS_PER_DAY
    body = [
        (unit, row["granted"], row["spent"], _percent(row["spent"], row["granted"]), row["people"],
         row["days"].quantize(Decimal("0.1")))
        for unit, row in sorted(rows.items())
    ]
    totals = None
    if body:
        granted_total, spent_total = sum(r[1] for r in body), sum(r[2] for r in body)
        totals = (_("Total"), granted_total, spent_total, _percent(spent_total, granted_total), sum(r[4] for r in body),
                  sum(r[5] for r in body))
    return PanelTable(
        columns=(
            PanelColumn(_("Vertical unit")), PanelColumn(_("Budget granted"), "money"),
            PanelColumn(_("Budget spent"), "money"), PanelColumn(_("Spent"), "percent"),
            PanelColumn(_("People granted"), "number"), PanelColumn(_("People-days worked"), "days"),
        ),
        rows=body, totals=totals,
        empty=_("No resources are granted to the approved plans running this fiscal year. Grants are made when the "
                "consensus meeting approves a plan."),
        note=_("Approved plans running today; people-days count the account's customer work since the plan started "
               "(8 hours a day)."),
    )
