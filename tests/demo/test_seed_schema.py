"""A seed leaves the database's schema as the migrations made it (it drops and remakes indexes while it loads)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def _schema() -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%%'")
        else:
            cursor.execute(
                "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            )
        return sorted(cursor.fetchall())


def test_seed_leaves_the_schema_of_a_migrated_empty_database():
    migrated = _schema()
    call_command("seed_demo", "--accounts", "4", stdout=StringIO())
    assert _schema() == migrated
