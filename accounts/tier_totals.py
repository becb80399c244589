"""Each account's open opportunities summed by tier (`OpportunityTierTotal`), kept at write time.

The weekly dashboard's tier funnel adds these rows up for the accounts in scope (at most four per
account) instead of every open opportunity. Every single save or delete of an opportunity recomputes
its account's rows (and those of the account it left) from its opportunities; writes of many rows
at once (`portfolio_cache.bulk_writes()`: the demo) recompute every account's at the end. A write
that bypasses both (a queryset `update()`) calls `tier_totals_refresh()` itself.
"""

from collections.abc import Iterable

from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.signals import post_delete, post_save, pre_save

from accounts.models import Opportunity, OpportunityTierTotal


def weighted_amount():
    """An opportunity's amount times its probability, as the funnel has always summed it."""
    return ExpressionWrapper(
        F("amount") * F("probability") / 100, output_field=DecimalField(max_digits=20, decimal_places=2)
    )


def tier_totals_from_opportunities(opportunities: QuerySet[Opportunity]) -> QuerySet:
    """Open opportunities summed by account and tier, read from the opportunities themselves."""
    return (
        opportunities.filter(stage__in=Opportunity.OPEN_STAGES)
        .order_by()
        .values("account_id", "tier")
        # The weighted amount first: after `amount=Sum(...)` its F("amount") would name the sum, not the column.
        .annotate(weighted=Sum(weighted_amount()), count=Count("id"), amount=Sum("amount"))
    )


def tier_totals_refresh(*, account_ids: Iterable[int] | None = None) -> None:
    """Recompute the stored tier totals of these accounts (of every account when None): two queries."""
    stored = OpportunityTierTotal.objects.all()
    opportunities = Opportunity.objects.all()
    if account_ids is not None:
        account_ids = list(account_ids)
        stored = stored.filter(account_id__in=account_ids)
        opportunities = opportunities.filter(account_id__in=account_ids)
    rows = [OpportunityTierTotal(**row) for row in tier_totals_from_opportunities(opportunities)]
    stored.delete()
    OpportunityTierTotal.objects.bulk_create(rows, batch_size=1000)


def _remember_account(sender, instance, raw=False, **kwargs) -> None:
    from accounts.portfolio_cache import in_bulk_writes

    # An opportunity moved to another account leaves its old account's totals to recompute too.
    instance._tier_totals_left = None
    if not in_bulk_writes() and instance.pk is not None and not instance._state.adding:
        instance._tier_totals_left = (
            Opportunity.objects.filter(pk=instance.pk).values_list("account_id", flat=True).first()
        )


def _opportunity_changed(sender, instance, **kwargs) -> None:
    from accounts.portfolio_cache import in_bulk_writes

    if in_bulk_writes():
        return  # recomputed for every account when the bulk write ends
    left = getattr(instance, "_tier_totals_left", None)
    tier_totals_refresh(account_ids={instance.account_id} | ({left} if left else set()))


def connect_signals() -> None:
    pre_save.connect(_remember_account, sender=Opportunity, dispatch_uid="tier-totals-pre-save")
    post_save.connect(_opportunity_changed, sender=Opportunity, dispatch_uid="tier-totals-save")
    post_delete.connect(_opportunity_changed, sender=Opportunity, dispatch_uid="tier-totals-delete")
