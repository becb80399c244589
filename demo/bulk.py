"""Fast bulk inserts for the demo seed: `executemany` of plain tuples, primary keys reserved ahead.

`bulk_create` is the right tool for the application, but at millions of rows its per-row work
(a placeholder list per row, field-by-field preparation, `RETURNING` batches of ~100 rows on
SQLite) is most of what `seed_demo --accounts 20000` spends. The seed writes into tables it has
just emptied, inside its own transaction, sends no signals and needs no history rows for these
kinds, so it can insert the way a loader does:

- the primary keys are reserved before the insert (SQLite: above the table's largest id and its
  AUTOINCREMENT counter, under the transaction's write lock; PostgreSQL: from the sequence), so
  every object gets its `pk` as `bulk_create` would give it;
- values are read straight from the instances; only fields whose Python value is not what the
  driver takes (date-times, JSON, …) go through `get_db_prep_save`;
- one prepared statement, executed for many rows at a time.

`insert_rows` goes one step further for the largest tables (orders, revenue lines, interactions, targets, NPS,
time entries, KPI snapshots) and the link tables: the builder hands over plain tuples, so no model
instance is made at all (`reserve_ids` gives the keys first). Where the builders need instances
(parents whose keys later rows take, objects they keep deciding on), `new` makes them without
`Model.__init__`'s field-by-field work. `sqlite_loading` gives SQLite a large page cache and no
fsync while the seed writes; `sqlite_indexes_deferred` drops the plain indexes of the tables being
loaded and builds them again, from the same SQL, once their rows are in; `sqlite_checks_skipped`
skips SQLite's per-row CHECK constraints for rows the caller has checked itself in one pass;
`gc_paused` keeps the cyclic garbage collector from walking the seed's millions of live objects
again and again.

Other databases fall back to `bulk_create`.
"""

import contextlib
import datetime
import gc
import itertools
import operator
import sqlite3
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.constants import OnConflict
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

CHUNK = 5000

# Fields whose instance value the SQLite and PostgreSQL drivers take as it is (Django registers
# an adapter for dates on SQLite; choices are str / int subclasses). Decimals go through the
# field, which rounds them to its places as `bulk_create` would.
_AS_IS = (
    models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField, models.BooleanField,
    models.CharField, models.TextField, models.ForeignKey,
)


def _as_is(field) -> bool:
    if isinstance(field, models.DateTimeField):
        return False
    if type(field) is models.DateField:
        return not (field.auto_now or field.auto_now_add)
    return isinstance(field, _AS_IS)


def _sqlite_datetime(field, connection):
    last = [None, None]  # the last moment converted and its text: most rows share one (`auto_now`, `now`)

    def to_db(value):
        if value is last[0] and value is not None:
            return last[1]
        # What the SQLite backend stores for an aware moment (USE_TZ, the connection in UTC): naive UTC text.
        if value is None or value.tzinfo is None:
            return field.get_db_prep_save(value, connection)
        last[:] = value, str(value.astimezone(datetime.UTC).replace(tzinfo=None))
        return last[1]
    return to_db


def _converter(field, connection):
    """None when the driver takes the instance's value as it is, else a function of the value."""
    if _as_is(field):
        return None
    if isinstance(field, models.DateTimeField) and settings.USE_TZ and connection.vendor == "sqlite" \
            and connection.timezone_name == "UTC":
        return _sqlite_datetime(field, connection)
    if isinstance(field, (models.DateTimeField, models.DecimalField)) and connection.vendor == "postgresql":
        return None
    if isinstance(field, models.DecimalField):
        return lambda value: value if type(value) is Decimal else field.get_db_prep_save(value, connection)
    return lambda value: field.get_db_prep_save(value, connection)


def reserve_ids(model, count: int) -> list[int]:
    """`count` primary keys for rows of `model` about to be inserted, in increasing order.

    On SQLite the keys follow the table's largest id, so they are only reserved while the caller's
    transaction holds the write lock (as the seed's does) and the rows go in before another insert.
    """
    connection = connections[router.db_for_write(model)]
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}")
            largest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(largest, row[0] if row else 0) + 1
            return list(range(start, start + count))
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _insert_sql(connection, model, fields: list, *, ignore_conflicts: bool) -> str:
    quote = connection.ops.quote_name
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    return "{} {} ({}) VALUES ({}) {}".format(
        connection.ops.insert_statement(on_conflict=on_conflict),
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
        connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None) if ignore_conflicts else "",
    )


def bulk_insert(model, objs: list, *, ignore_conflicts: bool = False) -> list:
    """Insert `objs` (unsaved instances of `model`) and give them their primary keys; returns `objs`.

    With `ignore_conflicts`, rows that collide with a unique constraint are skipped (their
    objects then keep no primary key, as with `bulk_create`).
    """
    if not objs:
        return objs
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor not in ("sqlite", "postgresql"):
        return model.objects.bulk_create(objs, batch_size=1000, ignore_conflicts=ignore_conflicts)
    meta = model._meta
    pk_field = meta.pk
    # A generated column (`GeneratedField`) is the database's to fill.
    fields = [field for field in meta.concrete_fields if not (field is pk_field and ignore_conflicts) and not field.generated]
    if not ignore_conflicts and isinstance(pk_field, models.AutoField):
        missing = [obj for obj in objs if obj.__dict__.get(pk_field.attname) is None]
        for obj, pk in zip(missing, reserve_ids(model, len(missing)), strict=True):
            obj.__dict__[pk_field.attname] = pk
    # Objects assigned before they were saved (a manager inserted one level up): take their keys now.
    # Read and written through `__dict__`, not the descriptors: setattr would drop the cached object.
    relations = [(field.attname, field.name) for field in fields if field.is_relation]
    for obj in objs:
        values, cache = obj.__dict__, obj._state.fields_cache
        for attname, name in relations:
            if values[attname] is None and cache.get(name) is not None:
                related = cache[name]
                if related.pk is None:
                    raise ValueError(f"{model.__name__}.{name} refers to an unsaved {type(related).__name__}.")
                values[attname] = related.pk
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            # One moment for the whole insert, as `insert_rows` gives.
            moment = now if isinstance(field, models.DateTimeField) else datetime.date.today()
            for obj in objs:
                if obj.__dict__[field.attname] is None:
                    obj.__dict__[field.attname] = moment
    values_of = operator.itemgetter(*(field.attname for field in fields))
    if len(fields) == 1:
        values_of = lambda values, _get=values_of: (_get(values),)  # noqa: E731
    converters = [(index, to_db) for index, field in enumerate(fields)
                  if (to_db := _converter(field, connection)) is not None]

    def row(obj) -> tuple:
        row = values_of(obj.__dict__)
        if converters:
            row = list(row)
            for index, to_db in converters:
                row[index] = to_db(row[index])
        return row

    sql = _insert_sql(connection, model, fields, ignore_conflicts=ignore_conflicts)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), CHUNK):
            cursor.executemany(sql, [row(obj) for obj in objs[start:start + CHUNK]])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    return objs


def insert_rows(model, columns: Sequence[str], rows: Iterable[tuple], *, ignore_conflicts: bool = False) -> int:
    """Insert plain tuples, one value per name in `columns` (field attnames: `account_id`, not `account`).

    Values are what one would assign to an instance's fields; those the driver does not take as
    they are go through the field as in `bulk_insert`. Every other field but the key gets its
    default, computed once for all the rows (`auto_now` fields: the moment of the call). Name
    `id` (from `reserve_ids`) to know the keys. Returns the number of rows handed to the database.
    """
    alias = router.db_for_write(model)
    connection = connections[alias]
    named = [model._meta.get_field(name) for name in columns]
    if connection.vendor not in ("sqlite", "postgresql"):
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=1000, ignore_conflicts=ignore_conflicts)
        return len(objs)
    now = timezone.now()
    others = [
        field for field in model._meta.concrete_fields if field not in named and not field.primary_key and not field.generated
    ]
    constants = tuple(
        now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
        for field in others
    )
    constants = tuple(
        value if to_db is None else to_db(value)
        for field, value in zip(others, constants, strict=True)
        for to_db in [_converter(field, connection)]
    )
    # (index, converter, the one type of value the converter hands back unchanged, if any)
    converters = [(index, to_db, Decimal if isinstance(field, models.DecimalField) else None)
                  for index, field in enumerate(named) if (to_db := _converter(field, connection)) is not None]

    def complete(chunk: tuple[tuple, ...]) -> list[tuple]:
        # Column by column, with C loops (`zip`, `map`): a column whose values all pass unchanged
        # (decimals, found by their types alone) is not converted one value at a time.
        columns = list(zip(*chunk, strict=True))
        if not columns:
            return [constants] * len(chunk)
        for index, to_db, unchanged in converters:
            if unchanged is None or set(map(type, columns[index])) != {unchanged}:
                columns[index] = list(map(to_db, columns[index]))
        return list(zip(*columns, *(itertools.repeat(value) for value in constants)))

    sql = _insert_sql(connection, model, named + others, ignore_conflicts=ignore_conflicts)
    count = 0
    with connection.cursor() as cursor:
        for chunk in itertools.batched(rows, CHUNK):
            cursor.executemany(sql, complete(chunk) if converters or constants else chunk)
            count += len(chunk)
    return count


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection while the block runs (as it was after). The seed keeps millions of
    instances and tuples alive until it ends, which the collector would otherwise walk again and again
    for cycles they do not form."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Page cache while loading (negative: KiB): the indexes of the largest tables stay in memory
# instead of being read back from the file for every few rows.
LOADING_CACHE_KIB = 512 * 1024


@contextlib.contextmanager
def sqlite_loading(using: str = "default"):
    """On SQLite, while the seed writes: a page cache of `LOADING_CACHE_KIB` and, unless a transaction
    is open already (SQLite allows the change only outside one), no fsync: a seed that dies half way is
    run again, never recovered; dates handed to the driver as `date.isoformat` text, the very text of
    Django's adapter, without a Python call per value. The connection's settings and the driver's date
    adapter before are restored after. Other databases: nothing changes."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    pragmas = {"cache_size": -LOADING_CACHE_KIB}
    if not connection.in_atomic_block:
        pragmas["synchronous"] = 0  # OFF
    with connection.cursor() as cursor:
        before = {}
        for name, value in pragmas.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {value}")
    date_key = (datetime.date, sqlite3.PrepareProtocol)
    date_adapter = sqlite3.adapters.get(date_key)
    sqlite3.register_adapter(datetime.date, datetime.date.isoformat)
    try:
        yield
    finally:
        if date_adapter is None:
            del sqlite3.adapters[date_key]
        else:
            sqlite3.register_adapter(datetime.date, date_adapter)
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")


@contextlib.contextmanager
def sqlite_checks_skipped(using: str = "default"):
    """On SQLite, no CHECK constraint is evaluated for the rows the block writes (`PRAGMA
    ignore_check_constraints`), as it was after. Only for rows the caller has checked itself, in
    one pass over them: SQLite evaluates a check of a date part (`month__day=1`) with a Python call per
    row. The constraints stay in the schema for every other write. Other databases: nothing changes."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA ignore_check_constraints")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA ignore_check_constraints = 1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA ignore_check_constraints = {before}")


@contextlib.contextmanager
def sqlite_indexes_deferred(*models_, using: str = "default"):
    """On SQLite, drop the plain (not unique) indexes of these models' tables while the block inserts,
    then create them again from the very SQL they were made with (read from `sqlite_master`), so the
    schema after is the schema before. Building an index once over the loaded rows is much cheaper
    than updating it row by row. Unique indexes stay: conflicts and ignored duplicates are still found.
    Queries inside the block read these tables without those indexes. Its own savepoint: if the block
    fails, the indexes are back as they were. Other databases: nothing changes."""
    connection = connections[using]
    if connection.vendor != "sqlite" or not models_:
        yield
        return
    tables = sorted({model._meta.db_table for model in models_})
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND sql NOT LIKE 'CREATE UNIQUE %%' AND tbl_name IN ({', '.join(['%s'] * len(tables))})"
            " ORDER BY tbl_name, name",
            tables,
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        for _name, sql in indexes:
            cursor.execute(sql)


# Per model: (default values computed once, fields whose default is a callable, relations by name as
# (their attname, the attname of the key they take from the related object), attnames).
_BLUEPRINTS: dict = {}


def _blueprint(model) -> tuple:
    blueprint = _BLUEPRINTS.get(model)
    if blueprint is None:
        fields = model._meta.concrete_fields
        # A field without a default (`NOT_PROVIDED`, itself callable) has a constant one: None or "".
        factories = [field for field in fields if field.has_default() and callable(field.default)]
        constants = {field.attname: field.get_default() for field in fields if field not in factories}
        relations = {field.name: (field.attname, field.target_field.attname) for field in fields if field.is_relation}
        blueprint = _BLUEPRINTS[model] = (constants, factories, relations, {field.attname for field in fields})
    return blueprint


def new(model, **values):
    """`model(**values)` for the seed's builders, with the defaults worked out once per model instead
    of field by field for every instance. A related object given by name is cached as the field's
    descriptor would (its key copied now, or by `bulk_insert` once it is saved). Models with init
    signal receivers are made the ordinary way, so the result is the same either way."""
    if (pre_init.receivers or post_init.receivers) and (pre_init.has_listeners(model) or post_init.has_listeners(model)):
        return model(**values)
    constants, factories, relations, attnames = _blueprint(model)
    obj = model.__new__(model)
    obj._state = state = ModelState()
    data = obj.__dict__
    data.update(constants)
    for field in factories:
        data[field.attname] = field.get_default()
    for name, value in values.items():
        relation = relations.get(name)
        if relation is not None:
            attname, key = relation
            data[attname] = None if value is None else getattr(value, key)
            state.fields_cache[name] = value
        elif name in attnames:
            data[name] = value
        else:
            raise TypeError(f"{model.__name__}() got an unexpected keyword argument {name!r}")
    return obj
