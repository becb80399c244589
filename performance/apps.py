from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance")

    def ready(self) -> None:
        from accounts import portfolio_cache

        portfolio_cache.watch("performance.KpiDefinition", portfolio_cache.PORTFOLIO)
        from django.db.models.signals import post_delete, post_save

        from performance.models import KpiDefinition
        from performance.selectors.catalogue import kpi_catalogue_names_clear

        post_save.connect(kpi_catalogue_names_clear, sender=KpiDefinition, dispatch_uid="kpi-names-save")
        post_delete.connect(kpi_catalogue_names_clear, sender=KpiDefinition, dispatch_uid="kpi-names-delete")
        # Snapshots are written in bulk by `kpi_snapshot_refresh` (which bumps); a single save is rare.
        portfolio_cache.watch("performance.KpiSnapshot", portfolio_cache.SNAPSHOTS, deletes=False)
        # A person's weekly check sums personal goals: the admin's single saves and every delete bump here, the
        # grid's and the API's bulk writes in `performance.goals`.
        portfolio_cache.watch("performance.PersonalGoal", portfolio_cache.SALES)

        from accounts.timeline import register_source
        from performance.timeline import large_orders

        register_source(kind="order", label=_("Large orders"), read=large_orders)
        from performance.load import register

        register()
