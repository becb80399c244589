"""Revenue lines say where they come from: the lines 0017 made from orders (an order's own line, under the
order's number) are "order"; every other line was recorded (imported or entered)."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def mark_lines_made_from_orders(apps, schema_editor):
    Order = apps.get_model("accounts", "Order")
    RevenueLine = apps.get_model("accounts", "RevenueLine")
    own_reference = Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("reference")[:1])
    made = RevenueLine.objects.filter(order__isnull=False).annotate(order_reference=own_reference).filter(
        reference=F("order_reference")
    )
    RevenueLine.objects.filter(pk__in=made.values("pk")).update(source="order")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0018_lifecycle_and_revenue_lines"),
    ]

    operations = [
        migrations.AddField(
            model_name="revenueline",
            name="source",
            field=models.CharField(
                choices=[("order", "made from the order"), ("recorded", "recorded")],
                default="recorded",
                help_text="Made from an order (until revenue lines are recorded) or recorded (imported or entered).",
                max_length=10,
                verbose_name="source",
            ),
        ),
        migrations.AddIndex(
            model_name="revenueline",
            index=models.Index(fields=["source"], name="revenue_line_source_idx"),
        ),
        migrations.RunPython(mark_lines_made_from_orders, migrations.RunPython.noop, elidable=False),
    ]
