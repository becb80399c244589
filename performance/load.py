"""Performance's column on the organisation's people page (registered in PerformanceConfig.ready()):
each person's utilisation (가동률) over the last 90 days from their time entries."""

import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.handover import LoadMeasure, register_load_measure
from performance.models import TimeEntry

WINDOW_DAYS = 90


def utilisation_by_user(user_ids: list[int]) -> dict[int, str]:
    """Billable ÷ all recorded hours of the last 90 days, per person, in one grouped query."""
    since = timezone.localdate() - datetime.timedelta(days=WINDOW_DAYS)
    rows = (
        TimeEntry.objects.filter(user_id__in=user_ids, worked_on__gte=since)
        .values("user_id")
        .order_by()
        .annotate(total=Sum("hours"), billable=Sum("hours", filter=Q(kind=TimeEntry.Kind.BILLABLE)))
    )
    result = {}
    for row in rows:
        if row["total"]:
            result[row["user_id"]] = f"{(row['billable'] or Decimal(0)) * 100 / row['total']:.0f} %"
    return result


def register() -> None:
    register_load_measure(
        LoadMeasure(key="utilisation", title=lambda: _("Utilisation (90 days)"), values=utilisation_by_user, order=20)
    )
