"""Large orders on the account's timeline (registered by PerformanceConfig.ready())."""

from django.conf import settings
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.timeline import TimelineEvent, in_range
from accounts.models import Order


def large_orders(*, account, since, until, limit: int) -> tuple[int, list[TimelineEvent]]:
    """Orders of at least KAM_TIMELINE_ORDER_THRESHOLD, newest first."""
    rows = in_range(
        Order.objects.filter(account=account, amount__gte=settings.KAM_TIMELINE_ORDER_THRESHOLD), "ordered_on", since, until
    )
    if not limit:
        return rows.count(), []
    url = reverse("performance:account-kpis", args=[account.pk])
    return 0, [
        TimelineEvent(
            on=order.ordered_on, kind="order",
            title=_("Order %(reference)s: %(amount)s %(currency)s") % {
                "reference": order.reference, "amount": number_format(order.amount, force_grouping=True),
                "currency": account.currency,
            },
            detail=order.offering.name, icon="receipt", url=url, obj=order, sort_key=(0, order.pk),
        )
        for order in rows.select_related("offering").order_by("-ordered_on", "-id")[:limit]
    ]
