"""Helpers for the few queries written in SQL."""

from collections.abc import Callable

from django.db import connection


def column_converter(field) -> Callable:
    """What the ORM does to a value of `field`'s column read from the database (dates, decimals on SQLite),
    for a row that raw SQL read."""
    column = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)

    def convert(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return convert
