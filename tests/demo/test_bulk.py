"""demo.bulk: the seed's fast inserts give rows what bulk_create would."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Contact, OpportunityMove, OrgUnit
from demo.bulk import (
    LOADING_CACHE_KIB,
    bulk_insert,
    insert_rows,
    new,
    reserve_ids,
    sqlite_indexes_deferred,
    sqlite_loading,
)
from performance.models import NpsResponse
from tests.factories import AccountFactory, OpportunityFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_bulk_insert_gives_keys_above_existing_rows_and_links_parents_saved_first():
    account = AccountFactory()
    existing = OrgUnitFactory(account=account)
    top = OrgUnit(account=account, name="Top")
    child = OrgUnit(account=account, name="Child", parent=top)  # parent unsaved when assigned
    bulk_insert(OrgUnit, [top])
    bulk_insert(OrgUnit, [child])
    assert existing.pk < top.pk < child.pk
    assert OrgUnit.objects.get(pk=child.pk).parent_id == top.pk
    assert not child._state.adding
    # The next ordinary save continues after the reserved keys.
    assert OrgUnitFactory(account=account).pk > child.pk


def test_bulk_insert_refuses_a_parent_never_saved():
    account = AccountFactory()
    orphan = OrgUnit(account=account, name="Child", parent=OrgUnit(account=account, name="Never saved"))
    with pytest.raises(ValueError):
        bulk_insert(OrgUnit, [orphan])
    assert not OrgUnit.objects.filter(name="Child").exists()


def test_bulk_insert_keeps_a_given_auto_now_add_moment_and_fills_a_missing_one():
    opportunity = OpportunityFactory()
    then = timezone.now() - datetime.timedelta(days=30)
    old = OpportunityMove(opportunity=opportunity, from_tier=2, to_tier=1, from_stage="rfi", to_stage="rfq")
    old.moved_at = then
    new = OpportunityMove(opportunity=opportunity, from_tier=2, to_tier=1, from_stage="rfi", to_stage="rfq")
    bulk_insert(OpportunityMove, [old, new])
    assert OpportunityMove.objects.get(pk=old.pk).moved_at == then
    assert OpportunityMove.objects.get(pk=new.pk).moved_at > then


def test_bulk_insert_ignoring_conflicts_skips_rows_that_exist():
    account = AccountFactory()
    day = datetime.date(2026, 3, 2)
    row = dict(account=account, respondent_name="Kim", score=9, responded_on=day)
    bulk_insert(NpsResponse, [NpsResponse(**row)], ignore_conflicts=True)
    bulk_insert(NpsResponse, [NpsResponse(**row), NpsResponse(**{**row, "respondent_name": "Lee"})],
                ignore_conflicts=True)
    assert sorted(NpsResponse.objects.values_list("respondent_name", flat=True)) == ["Kim", "Lee"]


def test_insert_rows_fills_defaults_and_auto_now_and_takes_reserved_keys():
    account = AccountFactory()
    existing = OrgUnitFactory(account=account)
    first, second = reserve_ids(OrgUnit, 2)
    assert existing.pk < first < second
    count = insert_rows(OrgUnit, ("id", "account_id", "name"), [(first, account.pk, "A"), (second, account.pk, "B")])
    assert count == 2
    made = OrgUnit.objects.get(pk=second)
    reference = OrgUnit(account=account, name="B")
    assert (made.name, made.parent_id, made.is_purchasing) == ("B", reference.parent_id, reference.is_purchasing)
    answered = datetime.date(2026, 3, 2)
    insert_rows(NpsResponse, ("account_id", "respondent_name", "score", "responded_on"), [(account.pk, "Kim", 9, answered)])
    response = NpsResponse.objects.get()
    assert (response.comment, response.survey, response.contact_id) == ("", "", None)
    assert timezone.now() - response.created_at < datetime.timedelta(minutes=1)


def test_insert_rows_ignoring_conflicts_skips_rows_that_exist():
    account = AccountFactory()
    columns = ("account_id", "respondent_name", "score", "responded_on")
    day = datetime.date(2026, 3, 2)
    insert_rows(NpsResponse, columns, [(account.pk, "Kim", 9, day)], ignore_conflicts=True)
    insert_rows(NpsResponse, columns, [(account.pk, "Kim", 3, day), (account.pk, "Lee", 7, day)], ignore_conflicts=True)
    assert sorted(NpsResponse.objects.values_list("respondent_name", "score")) == [("Kim", 9), ("Lee", 7)]


def _pragmas() -> list:
    values = []
    with connection.cursor() as cursor:
        for name in ("cache_size", "synchronous"):
            cursor.execute(f"PRAGMA {name}")
            values.append(cursor.fetchone()[0])
    return values


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
@pytest.mark.django_db(transaction=True)
def test_sqlite_loading_restores_the_connection_settings():
    before = _pragmas()
    with sqlite_loading():
        assert _pragmas() == [-LOADING_CACHE_KIB, 0]
    assert _pragmas() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
def test_sqlite_loading_inside_a_transaction_keeps_fsync():
    before = _pragmas()
    with sqlite_loading():
        assert _pragmas() == [-LOADING_CACHE_KIB, before[1]]
    assert _pragmas() == before


def test_new_makes_the_instance_the_model_makes():
    account = AccountFactory()
    unsaved = OrgUnit(account=account, name="Top")
    values = dict(account=account, org_unit=unsaved, name="Kim", title="CEO", reports_to=None, influence=5)
    made, reference = new(Contact, **values), Contact(**values)
    fields = [field.attname for field in Contact._meta.concrete_fields]
    assert [getattr(made, name) for name in fields] == [getattr(reference, name) for name in fields]
    assert made.org_unit is unsaved and made.account is account and made._state.adding
    bulk_insert(OrgUnit, [unsaved])
    bulk_insert(Contact, [made])
    assert Contact.objects.get(pk=made.pk).org_unit_id == unsaved.pk
    with pytest.raises(TypeError):
        new(Contact, account=account, nickname="Kim")


def _indexes(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s ORDER BY name", [table])
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite indexes")
def test_indexes_deferred_drops_the_plain_indexes_and_makes_the_same_ones_again():
    table = Contact._meta.db_table
    before = _indexes(table)
    assert any(sql and sql.startswith("CREATE INDEX") for _name, sql in before)
    account = AccountFactory()
    unit = OrgUnitFactory(account=account)
    with sqlite_indexes_deferred(Contact):
        assert all(sql is None or sql.startswith("CREATE UNIQUE") for _name, sql in _indexes(table))
        insert_rows(Contact, ("account_id", "org_unit_id", "name"), [(account.pk, unit.pk, "Kim"), (account.pk, unit.pk, "Lee")])
    assert _indexes(table) == before
    assert Contact.objects.filter(account=account).count() == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite indexes")
def test_indexes_deferred_keeps_unique_indexes_so_duplicates_are_still_skipped():
    account = AccountFactory()
    columns = ("account_id", "respondent_name", "score", "responded_on")
    day = datetime.date(2026, 3, 2)
    with sqlite_indexes_deferred(NpsResponse):
        insert_rows(NpsResponse, columns, [(account.pk, "Kim", 9, day), (account.pk, "Kim", 3, day)], ignore_conflicts=True)
    assert list(NpsResponse.objects.values_list("respondent_name", "score")) == [("Kim", 9)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite indexes")
def test_indexes_deferred_puts_the_indexes_back_when_the_block_fails():
    table = Contact._meta.db_table
    before = _indexes(table)
    with pytest.raises(RuntimeError), sqlite_indexes_deferred(Contact):
        raise RuntimeError("load failed")
    assert _indexes(table) == before
