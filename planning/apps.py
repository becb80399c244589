from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        # Lower apps learn of planning only here: the portfolio stamp its plans bump, the dashboard's
        # plan tile, the labels of its decisions in notifications.
        from accounts import portfolio_cache
        from notifications.models import NotificationKind, register_param_labels
        from performance.panels import DashboardPanel, register_dashboard_panel
        from planning.models import Decision
        from planning.selectors import plan_status_counts

        portfolio_cache.watch("planning.AccountPlan", portfolio_cache.PLANS)
        register_dashboard_panel(
            DashboardPanel(
                key="plans", title=_("Account plans"), counts=plan_status_counts, depends=(portfolio_cache.PLANS,)
            )
        )
        register_param_labels(NotificationKind.PLAN_DECISION, "outcome", Decision.Outcome)
