import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Actions get `updated_at` (the stale-plan signal "an action not updated in N days"); existing actions
    count as updated when this runs, so no plan is flagged for time it could not have measured."""

    dependencies = [
        ("planning", "0009_snapshot_kpi_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionitem",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="updated at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalactionitem",
            name="updated_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, verbose_name="updated at"),
            preserve_default=False,
        ),
    ]
