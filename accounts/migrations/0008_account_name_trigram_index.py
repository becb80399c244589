"""On PostgreSQL, a trigram index for the account search (a name or English name containing the words).

Django's `icontains` is `UPPER(name::text) LIKE UPPER('%words%')`, which no B-tree can answer; a GIN
index of the trigrams of the same expressions can. pg_trgm ships with PostgreSQL and is a trusted
extension (13+): the database's owner may create it. Where it cannot be created the search still
works, reading every name, and the migration says so. SQLite has no such index: there the search
reads the narrow name indexes of 0007.
"""

from django.db import migrations

INDEX = "account_name_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.db import transaction

    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - no right to create it: the search works without the index
        print(f"\n  pg_trgm is not available ({exc}); the account search will read every name.")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON accounts_account USING gin "
        "(UPPER(name::text) gin_trgm_ops, UPPER(english_name::text) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_account_name_indexes")]

    operations = [migrations.RunPython(create, drop)]
