"""The three writes by natural key (orders, manual actuals, NPS answers): what each does with a row that is new,
changed or the same as the stored one, and how many statements a batch takes whatever its size."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Order
from performance.models import ManualActual, NpsResponse
from performance.periods import Period, PeriodKind
from performance.services import (
    ManualActualRow,
    NpsAnswer,
    OrderRow,
    Outcome,
    RowErrors,
    manual_actual_record,
    manual_actuals_upsert,
    nps_responses_record,
    orders_upsert,
)
from tests.factories import (
    AccountFactory,
    ManualActualFactory,
    ManualKpiFactory,
    NpsResponseFactory,
    OfferingFactory,
    OrderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 1)


def statements(call):
    """The call's result and the number of SQL statements it ran on data (savepoints are the caller's nesting)."""
    with CaptureQueriesContext(connection) as captured:
        result = call()
    sqls = [query["sql"] for query in captured.captured_queries]
    return result, len([sql for sql in sqls if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))])


# Orders ------------------------------------------------------------------------------------
def order_rows(size: int):
    """`size` stored orders left as they are, `size` changed and `size` new, as rows in that order."""
    account, offering = AccountFactory(), OfferingFactory()
    same = [OrderFactory(account=account, offering=offering, reference=f"S-{n}", ordered_on=DAY) for n in range(size)]
    changed = [OrderFactory(account=account, offering=offering, reference=f"C-{n}", ordered_on=DAY) for n in range(size)]

    def row(reference, amount, cost=Decimal("7000000")):
        return OrderRow(account_id=account.pk, reference=reference, offering_id=offering.pk, ordered_on=DAY,
                        amount=amount, cost=cost)

    rows = [row(order.reference, Decimal("10000000.00")) for order in same]
    rows += [row(order.reference, Decimal(5)) for order in changed]
    rows += [row(f"N-{n}", Decimal(3), cost=Decimal(1)) for n in range(size)]
    return account, rows


@pytest.mark.parametrize("size", [1, 20])
def test_orders_upsert_creates_updates_and_leaves_alone_in_a_fixed_number_of_statements(
    account_manager, django_capture_on_commit_callbacks, size
):
    account, rows = order_rows(size)
    with django_capture_on_commit_callbacks() as callbacks:
        outcomes, count = statements(lambda: orders_upsert(rows=rows, acting_user=account_manager))
    # Orders: read, insert, update; their revenue lines: is revenue recorded?, read, insert, update; the sales stamp.
    assert count == 8
    assert [outcome for _order, outcome in outcomes] == (
        [Outcome.UNCHANGED] * size + [Outcome.UPDATED] * size + [Outcome.CREATED] * size)
    assert [order.reference for order, _outcome in outcomes] == [row.reference for row in rows]
    assert all(order.pk for order, _outcome in outcomes)
    stored = {order.reference: (order.amount, order.cost) for order in Order.objects.filter(account=account)}
    assert stored == {row.reference: (row.amount, row.cost) for row in rows}
    assert len(callbacks) == 1  # revenue and Pareto classes are recomputed once


def test_orders_upsert_of_the_same_batch_again_changes_nothing_and_refreshes_nothing(
    account_manager, django_capture_on_commit_callbacks
):
    _account, rows = order_rows(1)
    orders_upsert(rows=rows, acting_user=account_manager)
    with django_capture_on_commit_callbacks() as callbacks:
        outcomes, count = statements(lambda: orders_upsert(rows=rows, acting_user=account_manager))
    assert [outcome for _order, outcome in outcomes] == [Outcome.UNCHANGED] * 3
    assert count == 1 and callbacks == []  # the read


def test_orders_upsert_refuses_a_key_twice_in_a_batch(account_manager):
    _account, rows = order_rows(1)
    with pytest.raises(ValueError):
        orders_upsert(rows=[rows[2], rows[2]], acting_user=account_manager)
    assert Order.objects.count() == 2


# Manual actuals ------------------------------------------------------------------------------
Q1 = Period(PeriodKind.QUARTER, 2025, 1, 1)


def actual_rows(size: int):
    """`size` stored actuals left as they are, `size` changed and `size` new (one KPI each), in that order."""
    account, recorder = AccountFactory(fiscal_year_start_month=1), UserFactory()
    kpis = [ManualKpiFactory() for _ in range(3 * size)]
    for kpi in kpis[: 2 * size]:
        ManualActualFactory(account=account, kpi=kpi, fiscal_year=2025, period_kind="quarter", period_index=1,
                            value=Decimal(4), note="as is", recorded_by=recorder)
    rows = [ManualActualRow(account=account, kpi=kpi, period=Q1, value=Decimal("4.00"), note="as is")
            for kpi in kpis[:size]]
    rows += [ManualActualRow(account=account, kpi=kpi, period=Q1, value=Decimal(4), note="corrected")
             for kpi in kpis[size: 2 * size]]
    rows += [ManualActualRow(account=account, kpi=kpi, period=Q1, value=Decimal(9)) for kpi in kpis[2 * size:]]
    return account, recorder, rows


@pytest.mark.parametrize("size", [1, 20])
def test_manual_actuals_upsert_creates_updates_and_leaves_alone_in_a_fixed_number_of_statements(
    kam_admin, django_capture_on_commit_callbacks, size
):
    account, recorder, rows = actual_rows(size)
    before = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        outcomes, count = statements(lambda: manual_actuals_upsert(rows=rows, acting_user=kam_admin))
    assert count == 3  # read, insert (or update on conflict), update
    assert [outcome for _actual, outcome in outcomes] == (
        [Outcome.UNCHANGED] * size + [Outcome.UPDATED] * size + [Outcome.CREATED] * size)
    stored = {actual.kpi_id: actual for actual in ManualActual.objects.filter(account=account)}
    for row, (actual, outcome) in zip(rows, outcomes, strict=True):
        assert actual.pk == stored[row.kpi.pk].pk and stored[row.kpi.pk].value == row.value
        changed = outcome != Outcome.UNCHANGED
        assert stored[row.kpi.pk].recorded_by == (kam_admin if changed else recorder)
        assert (stored[row.kpi.pk].updated_at >= before) == changed
    assert len(callbacks) == 1  # the account's snapshots are refreshed once
    with CaptureQueriesContext(connection) as captured:
        [(actual.account.name, actual.kpi.code, actual.recorded_by) for actual, _outcome in outcomes]
    assert [query["sql"] for query in captured.captured_queries if "performance_" in query["sql"]] == []


def test_manual_actuals_upsert_of_the_same_batch_again_changes_nothing(kam_admin, django_capture_on_commit_callbacks):
    _account, _recorder, rows = actual_rows(1)
    manual_actuals_upsert(rows=rows, acting_user=kam_admin)
    with django_capture_on_commit_callbacks() as callbacks:
        outcomes, count = statements(lambda: manual_actuals_upsert(rows=rows, acting_user=kam_admin))
    assert [outcome for _actual, outcome in outcomes] == [Outcome.UNCHANGED] * 3
    assert count == 1 and callbacks == []  # the read


def test_manual_actuals_upsert_refuses_a_key_twice_in_a_batch(kam_admin):
    _account, _recorder, rows = actual_rows(1)
    with pytest.raises(ValueError):
        manual_actuals_upsert(rows=[rows[2], rows[2]], acting_user=kam_admin)
    assert ManualActual.objects.count() == 2


def test_manual_actual_record_creates_then_corrects_in_a_fixed_number_of_statements(kam_admin):
    account, kpi = AccountFactory(), ManualKpiFactory()
    row = {"account": account, "kpi": kpi, "period": Q1, "acting_user": kam_admin}
    created, count = statements(lambda: manual_actual_record(value=Decimal(1), **row))
    assert count == 2  # read, insert
    corrected, count = statements(lambda: manual_actual_record(value=Decimal(2), **row))
    assert count == 2 and corrected.pk == created.pk  # read, update
    assert ManualActual.objects.get().value == 2


# NPS answers ----------------------------------------------------------------------------------
def nps_answers(size: int):
    """`size` answers stored already and `size` new ones, in that order."""
    account = AccountFactory()
    for n in range(size):
        NpsResponseFactory(account=account, respondent_name=f"Same {n}", score=8, responded_on=DAY)
    answers = [NpsAnswer(account=account, contact=None, respondent_name=f"Same {n}", score=8, responded_on=DAY)
               for n in range(size)]
    answers += [NpsAnswer(account=account, contact=None, respondent_name=f"New {n}", score=3, responded_on=DAY)
                for n in range(size)]
    return account, answers


@pytest.mark.parametrize("size", [1, 20])
def test_nps_responses_record_creates_and_leaves_alone_in_a_fixed_number_of_statements(
    account_manager, django_capture_on_commit_callbacks, size
):
    account, answers = nps_answers(size)
    with django_capture_on_commit_callbacks() as callbacks:
        outcomes, count = statements(lambda: nps_responses_record(answers=answers, acting_user=account_manager))
    assert count == 2  # read, insert
    assert [outcome for _response, outcome in outcomes] == [Outcome.UNCHANGED] * size + [Outcome.CREATED] * size
    assert all(response.pk for response, _outcome in outcomes)
    assert NpsResponse.objects.filter(account=account).count() == 2 * size
    assert NpsResponse.objects.filter(recorded_by=account_manager).count() == size
    assert len(callbacks) == 1


def test_nps_responses_record_of_the_same_batch_again_changes_nothing(account_manager, django_capture_on_commit_callbacks):
    _account, answers = nps_answers(1)
    nps_responses_record(answers=answers, acting_user=account_manager)
    with django_capture_on_commit_callbacks() as callbacks:
        outcomes, count = statements(lambda: nps_responses_record(answers=answers, acting_user=account_manager))
    assert [outcome for _response, outcome in outcomes] == [Outcome.UNCHANGED] * 2
    assert count == 1 and callbacks == []  # the read


def test_nps_responses_record_refuses_a_changed_answer_and_writes_nothing(account_manager):
    account, answers = nps_answers(1)
    changed = NpsAnswer(account=account, contact=None, respondent_name="Same 0", score=2, responded_on=DAY)
    with pytest.raises(RowErrors) as refused, translation.override("en"):
        nps_responses_record(answers=[answers[1], changed], acting_user=account_manager)
    messages = {index: error.messages for index, error in refused.value.errors.items()}
    assert list(messages) == [1] and "answers are not edited" in messages[1][0]
    assert isinstance(refused.value.errors[1], ValidationError)
    assert NpsResponse.objects.get().score == 8
