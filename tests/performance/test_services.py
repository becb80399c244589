import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from performance.models import KpiDefinition, KpiTarget, ManualActual, NpsResponse
from performance.periods import Period, PeriodKind
from performance.services import kpi_target_set, manual_actual_record, nps_response_record
from tests.factories import (
    AccountFactory,
    ContactFactory,
    KpiTargetFactory,
    ManualKpiFactory,
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
