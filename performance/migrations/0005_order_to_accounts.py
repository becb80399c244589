"""Order now belongs to `accounts` (accounts 0011): drop it from this app's state only (the table
`performance_order` stays, with its rows), and hand the content type `performance.order` over to
`accounts.order` so permissions and any generic reference follow the model."""

from django.db import migrations


def content_type_to_accounts(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    old = ContentType.objects.using(db).filter(app_label="performance", model="order").first()
    if old is None:
        return
    if ContentType.objects.using(db).filter(app_label="accounts", model="order").exists():
        return  # `migrate` already created the new one (post_migrate of an earlier run): keep both
    old.app_label = "accounts"
    old.save(update_fields=["app_label"])


def content_type_to_performance(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    new = ContentType.objects.using(db).filter(app_label="accounts", model="order").first()
    if new is None or ContentType.objects.using(db).filter(app_label="performance", model="order").exists():
        return
    new.app_label = "performance"
    new.save(update_fields=["app_label"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_order_from_performance'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('performance', '0004_snapshot_covering_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Order')],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_accounts, content_type_to_performance),
    ]
