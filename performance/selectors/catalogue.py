"""The KPI catalogue: which KPIs apply to a team, and their names for rendering frozen snapshots."""

from performance.models import KpiDefinition


def kpis_for_team(team_type: str, *, only_dashboard: bool = False) -> list[KpiDefinition]:
    """The active KPIs that apply to an account team of this type, in catalogue order."""
    kpis = KpiDefinition.objects.filter(is_active=True, **{f"applies_to_{team_type}": True})
    if only_dashboard:
        kpis = kpis.filter(show_on_dashboard=True)
    return list(kpis)


KPI_NAMES_CACHE_KEY = "performance:kpi-names"


def kpi_catalogue_names() -> dict[str, tuple[str, str, str]]:
    """code -> (name, Korean name, unit) of the KPI catalogue, for rendering frozen snapshots in the
    reader's language. Cached; a KPI definition's save or delete clears it (PerformanceConfig.ready)."""
    from django.core.cache import cache

    names = cache.get(KPI_NAMES_CACHE_KEY)
    if names is None:
        names = {code: (name, name_ko, unit) for code, name, name_ko, unit in KpiDefinition.objects.values_list("code", "name", "name_ko", "unit")}
        cache.set(KPI_NAMES_CACHE_KEY, names, 3600)
    return names


def kpi_catalogue_names_clear(**_kwargs) -> None:
    from django.core.cache import cache

    cache.delete(KPI_NAMES_CACHE_KEY)
