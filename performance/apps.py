from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _

_DASHBOARD_FLAGS = ("is_active", "show_on_dashboard")


def _snapshot_saved(sender, instance, raw=False, **kwargs) -> None:
    """A single snapshot save (bulk writes recompute themselves): its account's attention score that day."""
    from performance.services import account_attention_refresh

    if not raw:
        account_attention_refresh(days=[instance.as_of], account_ids=[instance.account_id])


def _kpi_before_save(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._dashboard_flags_before = None
        return
    before = sender.objects.filter(pk=instance.pk).values_list(*_DASHBOARD_FLAGS).first()
    instance._dashboard_flags_before = before


def _kpi_changed(sender, instance, raw=False, **kwargs) -> None:
    """A KPI joined or left the dashboard (or was deleted, taking its snapshots): every attention score follows."""
    from performance.services import account_attention_refresh

    if raw:
        return
    if kwargs.get("signal") is post_delete or getattr(instance, "_dashboard_flags_before", None) != tuple(
        getattr(instance, flag) for flag in _DASHBOARD_FLAGS
    ):
        account_attention_refresh()


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance")

    def ready(self) -> None:
        from accounts import portfolio_cache

        portfolio_cache.watch("performance.KpiDefinition", portfolio_cache.PORTFOLIO)
        from performance.models import KpiDefinition, KpiSnapshot
        from performance.selectors.catalogue import kpi_catalogue_names_clear

        post_save.connect(kpi_catalogue_names_clear, sender=KpiDefinition, dispatch_uid="kpi-names-save")
        post_delete.connect(kpi_catalogue_names_clear, sender=KpiDefinition, dispatch_uid="kpi-names-delete")
        # Snapshots are written in bulk by `kpi_snapshot_refresh` (which bumps); a single save is rare.
        portfolio_cache.watch("performance.KpiSnapshot", portfolio_cache.SNAPSHOTS, deletes=False)
        # A person's weekly check sums personal goals: the admin's single saves and every delete bump here, the
        # grid's and the API's bulk writes in `performance.goals`.
        portfolio_cache.watch("performance.PersonalGoal", portfolio_cache.SALES)
        # Each account's attention score (`AccountAttention`) follows single snapshot saves and the dashboard's KPIs.
        # Not snapshot deletes: an account's delete would then send one signal per snapshot (its scores cascade).
        post_save.connect(_snapshot_saved, sender=KpiSnapshot, dispatch_uid="kpi-attention-snapshot")
        pre_save.connect(_kpi_before_save, sender=KpiDefinition, dispatch_uid="kpi-attention-before")
        post_save.connect(_kpi_changed, sender=KpiDefinition, dispatch_uid="kpi-attention-save")
        post_delete.connect(_kpi_changed, sender=KpiDefinition, dispatch_uid="kpi-attention-delete")

        from accounts.timeline import register_source
        from performance.timeline import large_orders

        register_source(kind="order", label=_("Large orders"), read=large_orders)
        from performance.load import register

        register()
