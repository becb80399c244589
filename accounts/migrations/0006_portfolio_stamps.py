import uuid

from django.db import migrations

STAMPS = ("portfolio", "opportunities", "plans", "snapshots")


def create(apps, schema_editor):
    PortfolioStamp = apps.get_model("accounts", "PortfolioStamp")
    for name in STAMPS:
        PortfolioStamp.objects.get_or_create(name=name, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    """The portfolio cache's stamps exist from the start, so a bump is a single UPDATE."""

    dependencies = [("accounts", "0005_portfolio_stamp")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
