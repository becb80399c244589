from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from accounts.timeline import register_source
        from planning.account_events import plan_events

        register_source(kind="plan", label=_("Plan events"), read=plan_events)
