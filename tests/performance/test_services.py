import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from performance.models import KpiDefinition, KpiTarget, ManualActual, NpsResponse
from performance.periods import Period, PeriodKind
from performance.services import (
    ManualActualRow,
    NpsAnswer,
    Outcome,
    RowErrors,
    kpi_target_set,
    manual_actual_record,
    manual_actuals_upsert,
    nps_response_record,
    nps_responses_record,
)
from tests.factories import (
    AccountFactory,
    ContactFactory,
    KpiTargetFactory,
    ManualActualFactory,
    ManualKpiFactory,
    NpsResponseFactory,
    UserFactory,
    kpi,
)

pytestmark = pytest.mark.django_db

Q1 = Period(PeriodKind.QUARTER, 2025, 1, 4)


def test_kpi_target_set_creates_then_updates_one_target_per_period(kam_admin):
    account = AccountFactory(fiscal_year_start_month=4)
    kpi_target_set(account=account, kpi=kpi("revenue"), period=Q1, value=Decimal(100), acting_user=kam_admin)
    kpi_target_set(account=account, kpi=kpi("revenue"), period=Q1, value=Decimal(250), acting_user=kam_admin)
    target = KpiTarget.objects.get()
    assert (target.value, target.fiscal_year, target.period_kind, target.period_index) == (250, 2025, "quarter", 1)
    assert target.set_by == kam_admin
    assert target.period.start == datetime.date(2025, 4, 1)


def test_kpi_target_set_with_no_value_removes_the_target(kam_admin):
    account = AccountFactory()
    kpi_target_set(account=account, kpi=kpi("revenue"), period=Q1, value=Decimal(100), acting_user=kam_admin)
    kpi_target_set(account=account, kpi=kpi("revenue"), period=Q1, value=None, acting_user=kam_admin)
    assert not KpiTarget.objects.exists()


def test_database_refuses_two_targets_for_the_same_period():
    target = KpiTargetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiTargetFactory(account=target.account, kpi=target.kpi)


@pytest.mark.parametrize(("kind", "index"), [("quarter", 5), ("half", 3), ("year", 2), ("month", 13)])
def test_database_refuses_a_period_index_out_of_range(kind, index):
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiTargetFactory(period_kind=kind, period_index=index)


def test_database_refuses_a_computed_kpi_with_an_unknown_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiDefinition.objects.create(code="made_up", name="x", formula="x", unit="count", source="computed")


def test_database_refuses_thresholds_in_the_wrong_order():
    revenue = kpi("revenue")
    revenue.on_track_percent, revenue.at_risk_percent = 50, 80
    with pytest.raises(IntegrityError), transaction.atomic():
        revenue.save()


def test_manual_actual_record_refuses_a_computed_kpi(kam_admin):
    with pytest.raises(ValidationError):
        manual_actual_record(account=AccountFactory(), kpi=kpi("revenue"), period=Q1, value=Decimal(1),
                             acting_user=kam_admin)
    assert not ManualActual.objects.exists()


def test_manual_actual_record_corrects_the_same_period(kam_admin):
    account, visits = AccountFactory(), ManualKpiFactory()
    manual_actual_record(account=account, kpi=visits, period=Q1, value=Decimal(3), acting_user=kam_admin)
    manual_actual_record(account=account, kpi=visits, period=Q1, value=Decimal(5), acting_user=kam_admin)
    assert ManualActual.objects.get().value == 5


def test_nps_response_record_keeps_the_respondents_name(account_manager):
    contact = ContactFactory(name="Kim Minji")
    response = nps_response_record(account=contact.account, contact=contact, score=9,
                                   responded_on=datetime.date(2025, 5, 1), acting_user=account_manager)
    assert response.respondent_name == "Kim Minji"
    assert response.category == "promoter"


def test_nps_response_record_refuses_a_contact_of_another_account(account_manager):
    contact = ContactFactory()
    with pytest.raises(ValidationError):
        nps_response_record(account=AccountFactory(), contact=contact, score=9,
                            responded_on=datetime.date(2025, 5, 1), acting_user=account_manager)
    assert not NpsResponse.objects.exists()


@pytest.mark.parametrize("score", [-1, 11])
def test_nps_response_record_refuses_a_score_outside_0_to_10(account_manager, score):
    contact = ContactFactory()
    with pytest.raises(ValidationError):
        nps_response_record(account=contact.account, contact=contact, score=score,
                            responded_on=datetime.date(2025, 5, 1), acting_user=account_manager)
    assert not NpsResponse.objects.exists()


def test_nps_response_record_refuses_a_future_date(account_manager):
    contact = ContactFactory()
    with pytest.raises(ValidationError):
        nps_response_record(account=contact.account, contact=contact, score=9,
                            responded_on=datetime.date.today() + datetime.timedelta(days=2), acting_user=account_manager)


def test_manual_actuals_upsert_leaves_an_unchanged_actual_and_its_recorder_alone(kam_admin, account_manager):
    account, visits = AccountFactory(fiscal_year_start_month=4), ManualKpiFactory()
    manual_actuals_upsert(rows=[ManualActualRow(account=account, kpi=visits, period=Q1, value=Decimal(3))], acting_user=account_manager)
    stored = ManualActual.objects.get()
    rows = [ManualActualRow(account=account, kpi=visits, period=Q1, value=Decimal("3.0000")),
            ManualActualRow(account=account, kpi=visits, period=Period(PeriodKind.QUARTER, 2025, 2, 4), value=Decimal(1))]
    outcomes = manual_actuals_upsert(rows=rows, acting_user=kam_admin)
    assert [(actual.pk == stored.pk, outcome) for actual, outcome in outcomes] == [(True, Outcome.UNCHANGED), (False, Outcome.CREATED)]
    again = ManualActual.objects.get(pk=stored.pk)
    assert (again.recorded_by, again.updated_at) == (account_manager, stored.updated_at)


def test_manual_actuals_upsert_refuses_computed_kpis_by_position_and_writes_nothing(kam_admin):
    account = AccountFactory()
    rows = [ManualActualRow(account=account, kpi=ManualKpiFactory(), period=Q1, value=Decimal(1)),
            ManualActualRow(account=account, kpi=kpi("revenue"), period=Q1, value=Decimal(1))]
    with pytest.raises(RowErrors) as refused:
        manual_actuals_upsert(rows=rows, acting_user=kam_admin)
    assert list(refused.value.errors) == [1] and "kpi" in refused.value.errors[1].message_dict
    assert not ManualActual.objects.exists()


def test_manual_actuals_upsert_updates_a_key_written_by_someone_else_after_its_read(kam_admin, monkeypatch):
    account, visits = AccountFactory(fiscal_year_start_month=4), ManualKpiFactory()
    racer = ManualActualFactory(account=account, kpi=visits, fiscal_year=2025, period_kind="quarter", period_index=1, value=1)
    # The read before the write misses the row, as it would if another request inserted it in between.
    monkeypatch.setattr(ManualActual.objects, "select_for_update", lambda: ManualActual.objects.none())
    manual_actuals_upsert(rows=[ManualActualRow(account=account, kpi=visits, period=Q1, value=Decimal(7))], acting_user=kam_admin)
    stored = ManualActual.objects.get()
    assert (stored.pk, stored.value, stored.recorded_by) == (racer.pk, 7, kam_admin)


def test_manual_actual_record_is_one_row_of_the_batch_and_refreshes_nothing(kam_admin, django_capture_on_commit_callbacks):
    account, visits = AccountFactory(), ManualKpiFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        actual = manual_actual_record(account=account, kpi=visits, period=Q1, value=Decimal(3), acting_user=kam_admin)
    assert callbacks == [] and actual.pk == ManualActual.objects.get().pk


def nps(account, name="Kim Minji", score=9, **extra):
    return NpsAnswer(account=account, contact=None, respondent_name=name, score=score,
                     responded_on=datetime.date(2025, 5, 1), **extra)


def test_nps_responses_record_creates_and_leaves_the_same_answer_alone(account_manager):
    account = AccountFactory()
    contact = ContactFactory(account=account, name="Park Jiho")
    stored = NpsResponseFactory(account=account, respondent_name="Kim Minji", score=9, responded_on=datetime.date(2025, 5, 1),
                                recorded_by=UserFactory())
    answers = [nps(account), NpsAnswer(account=account, contact=contact, score=4, responded_on=datetime.date(2025, 5, 1))]
    outcomes = nps_responses_record(answers=answers, acting_user=account_manager)
    assert [(response.respondent_name, outcome) for response, outcome in outcomes] == [
        ("Kim Minji", Outcome.UNCHANGED), ("Park Jiho", Outcome.CREATED)]
    assert outcomes[0][0].pk == stored.pk and NpsResponse.objects.count() == 2


def test_nps_responses_record_reports_every_bad_answer_by_position_and_writes_nothing(account_manager):
    account = AccountFactory()
    NpsResponseFactory(account=account, respondent_name="Kim Minji", score=9, responded_on=datetime.date(2025, 5, 1))
    answers = [nps(account, "Lee Sora"), nps(account, "Kim Minji", score=2), nps(account, "Cho Hana", score=11),
               nps(account, "Lee Sora", comment="Again")]
    with pytest.raises(RowErrors) as refused, translation.override("en"):
        nps_responses_record(answers=answers, acting_user=account_manager)
    errors = refused.value.errors
    assert list(errors) == [1, 2, 3]
    assert "score" in errors[2].message_dict
    assert "answers are not edited" in errors[1].messages[0] and "twice" in errors[3].messages[0]
    assert NpsResponse.objects.count() == 1
