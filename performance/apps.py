from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance")

    def ready(self) -> None:
        from accounts import portfolio_cache

        portfolio_cache.watch("performance.KpiDefinition", portfolio_cache.PORTFOLIO)
        # Snapshots are written in bulk by `kpi_snapshot_refresh` (which bumps); a single save is rare.
        portfolio_cache.watch("performance.KpiSnapshot", portfolio_cache.SNAPSHOTS, deletes=False)

        from performance.load import register

        register()
