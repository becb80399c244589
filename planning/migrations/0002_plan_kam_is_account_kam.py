"""The plan's KAM (`owner`) is the account's KAM, not whoever opened the plan: existing open plans
(and their open quarterly reviews) take their account's KAM. Closed plans keep theirs (the KAM of
their year); plans of accounts with no KAM on the team are left as they are."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

KAM = "kam"


def plans_follow_the_account_kam(apps, schema_editor):
    AccountPlan = apps.get_model("planning", "AccountPlan")
    AccountTeamMember = apps.get_model("accounts", "AccountTeamMember")
    QuarterlyReview = apps.get_model("planning", "QuarterlyReview")
    kam = AccountTeamMember.objects.filter(account_id=OuterRef("account_id"), role=KAM).values("user_id")[:1]
    plans = AccountPlan.objects.exclude(status="closed").filter(account__team__role=KAM)
    plans.update(owner_id=Subquery(kam))
    plan_kam = AccountPlan.objects.filter(pk=OuterRef("plan_id")).values("owner_id")[:1]
    QuarterlyReview.objects.filter(status="open", plan__in=plans.values("pk")).update(owner_id=Subquery(plan_kam))


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_initial"),
        ("accounts", "0010_user_level_one_kam"),
    ]

    operations = [migrations.RunPython(plans_follow_the_account_kam, migrations.RunPython.noop)]
