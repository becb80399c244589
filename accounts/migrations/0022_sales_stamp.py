import uuid

from django.db import migrations


def create(apps, schema_editor):
    PortfolioStamp = apps.get_model("accounts", "PortfolioStamp")
    PortfolioStamp.objects.get_or_create(name="sales", defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    """The stamp of orders, revenue lines and personal goals (a person's weekly check), there from the start
    like the others, so a bump is a single UPDATE."""

    dependencies = [("accounts", "0021_opportunity_tier_total")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
