"""Each order becomes one revenue line recognised in its order month, with the same amount and cost, so
revenue figures stay as they were for a user who imports only orders, until revenue lines are imported."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

BATCH = 1000


def orders_to_revenue_lines(apps, schema_editor):
    Order = apps.get_model("accounts", "Order")
    RevenueLine = apps.get_model("accounts", "RevenueLine")
    existing = set(RevenueLine.objects.values_list("account_id", "reference"))
    batch = []
    orders = Order.objects.order_by("pk").values_list("pk", "account_id", "reference", "ordered_on", "amount", "cost")
    for pk, account_id, reference, ordered_on, amount, cost in orders.iterator(chunk_size=BATCH):
        if (account_id, reference) in existing:
            continue
        batch.append(RevenueLine(
            account_id=account_id, order_id=pk, reference=reference, month=ordered_on.replace(day=1), amount=amount, cost=cost
        ))
        if len(batch) >= BATCH:
            RevenueLine.objects.bulk_create(batch)
            batch = []
    RevenueLine.objects.bulk_create(batch)


def revenue_lines_to_orders(apps, schema_editor):
    """Back: drop the lines this migration made (an order's own line, under the order's number)."""
    Order = apps.get_model("accounts", "Order")
    RevenueLine = apps.get_model("accounts", "RevenueLine")
    own_reference = Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("reference")[:1])
    RevenueLine.objects.filter(order__isnull=False).annotate(order_reference=own_reference).filter(
        reference=F("order_reference")
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0016_revenue_lines"),
    ]

    operations = [
        migrations.RunPython(orders_to_revenue_lines, revenue_lines_to_orders, elidable=False),
    ]
