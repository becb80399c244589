from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _team_changed(sender, instance, **kwargs) -> None:
    """A KAM joined, left or changed role: the account's open plans follow (others change nothing)."""
    from planning.models import AccountPlan, PlanStatus
    from planning.services.workflow import plan_owners_follow_kam

    if kwargs.get("raw"):
        return
    if instance.role != sender.Role.KAM and not (
        AccountPlan.objects.filter(account_id=instance.account_id, owner_id=instance.user_id)
        .exclude(status=PlanStatus.CLOSED)
        .exists()
    ):
        return
    plan_owners_follow_kam(account_id=instance.account_id)


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
        from planning.selectors.plans import plan_status_counts

        portfolio_cache.watch("planning.AccountPlan", portfolio_cache.PLANS)
        portfolio_cache.watch("planning.ActionItem", portfolio_cache.PLANS)  # My work's overdue actions
        register_dashboard_panel(
            DashboardPanel(
                key="plans", title=_("Account plans"), counts=plan_status_counts, depends=(portfolio_cache.PLANS,)
            )
        )
        register_param_labels(NotificationKind.PLAN_DECISION, "outcome", Decision.Outcome)

        # The plan's KAM is its account's KAM: a change of the account's team reaches its open plans.
        from accounts.models import AccountTeamMember

        post_save.connect(_team_changed, sender=AccountTeamMember, dispatch_uid="planning-plan-kam")
        post_delete.connect(_team_changed, sender=AccountTeamMember, dispatch_uid="planning-plan-kam-delete")

        from accounts.timeline import register_source
        from planning.account_events import plan_events

        register_source(kind="plan", label=_("Plan events"), read=plan_events)

        # Stale plans show on the account summary's risk card and as a tile of the executive dashboard;
        # the tile is kept for the day, or until a write to plans or KPI snapshots (like the daily sweep's notices).
        from accounts.risks import register_risk_source
        from planning.freshness import stale_plan_panel
        from planning.selectors.work import stale_plan_risks

        register_risk_source("stale_plans", stale_plan_risks)
        register_dashboard_panel(
            DashboardPanel(
                key="stale_plans", title=_("Stale plans"), content=stale_plan_panel,
                depends=(portfolio_cache.PLANS, portfolio_cache.SNAPSHOTS),
            )
        )
        # Resources granted against their use per vertical unit (a table card of the executive dashboard),
        # kept for the day or until a grant, a spend or a plan changes.
        from planning.resource_use import resource_use_by_unit

        portfolio_cache.watch("planning.ResourceGrant", portfolio_cache.PLANS)
        portfolio_cache.watch("planning.ResourceSpend", portfolio_cache.PLANS)
        register_dashboard_panel(
            DashboardPanel(
                key="resource_use", title=_("Resources granted and used"), table=resource_use_by_unit,
                depends=(portfolio_cache.PLANS, portfolio_cache.SNAPSHOTS),
            )
        )
        # The organisation's handover and people pages learn of plans, actions and reviews here.
        from planning.handover import register

        register()

        # The account and the plan point at each other: the account page's plan card, and "My work" on home.
        from accounts.sections import Section, register_account_section, register_home_section
        from planning.selectors.work import account_plan_card, my_work

        register_account_section(Section("plan", "planning/includes/account_plan_card.html", account_plan_card))
        register_home_section(Section("my_work", "planning/includes/my_work.html", my_work))
