from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _team_changed(sender, instance, **kwargs) -> None:
    """A KAM joined, left or changed role: the account's open plans follow (others change nothing)."""
    from planning.models import AccountPlan, PlanStatus
    from planning.services import plan_owners_follow_kam

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
        # The plan's KAM is its account's KAM: a change of the account's team reaches its open plans.
        from accounts.models import AccountTeamMember

        post_save.connect(_team_changed, sender=AccountTeamMember, dispatch_uid="planning-plan-kam")
        post_delete.connect(_team_changed, sender=AccountTeamMember, dispatch_uid="planning-plan-kam-delete")
