import csv
import datetime
import io

import pytest
from django.urls import reverse

from performance.models import ManualActual, NpsResponse
from tests.factories import ContactFactory, ManualKpiFactory, NpsResponseFactory, kpi

pytestmark = pytest.mark.django_db


def nps_url(account):
    return reverse("performance:account-nps", args=[account.pk])


def actuals_url(account):
    return reverse("performance:account-actuals", args=[account.pk])


def nps_data(contact, **overrides):
    return {"contact": contact.pk, "score": 9, "responded_on": "2025-05-01", "survey": "H1", "comment": "Good", **overrides}


# NPS -----------------------------------------------------------------------------------------
def test_team_member_records_an_nps_response(client_for, account, account_manager):
    contact = ContactFactory(account=account, name="Kim Minji")
    response = client_for(account_manager).post(nps_url(account), nps_data(contact))
    assert response.status_code == 302
    saved = NpsResponse.objects.get()
    assert (saved.respondent_name, saved.score, saved.recorded_by) == ("Kim Minji", 9, account_manager)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("score", "11", "Ensure this value is less than or equal to 10."),
        ("score", "ten", "Enter a whole number."),
        ("responded_on", "2999-01-01", "The response date is in the future."),
        ("responded_on", "yesterday", "Enter a date such as 2026-12-07"),
    ],
)
def test_bad_nps_input_shows_a_message_and_saves_nothing(client_for, account, account_manager, field, value, message):
    contact = ContactFactory(account=account)
    response = client_for(account_manager).post(nps_url(account), nps_data(contact, **{field: value}))
    assert response.status_code == 400
    assert message in response.text
    assert "The response was not saved" in response.text
    assert not NpsResponse.objects.exists()


def test_respondent_from_another_account_is_refused(client_for, account, account_manager, other_account):
    stranger = ContactFactory(account=other_account)
    response = client_for(account_manager).post(nps_url(account), nps_data(stranger))
    assert response.status_code == 400
    assert not NpsResponse.objects.exists()


def test_executive_reads_nps_but_cannot_record(client_for, account, executive):
    contact = ContactFactory(account=account)
    client = client_for(executive)
    response = client.get(nps_url(account))
    assert response.status_code == 200 and "Record a response" not in response.text
    assert client.post(nps_url(account), nps_data(contact)).status_code == 403
    assert not NpsResponse.objects.exists()


def test_other_account_manager_gets_404_on_nps(client_for, account, other_account_manager):
    contact = ContactFactory(account=account)
    client = client_for(other_account_manager)
    assert client.get(nps_url(account)).status_code == 404
    assert client.post(nps_url(account), nps_data(contact)).status_code == 404


def test_anonymous_is_sent_to_login_from_nps(client, account):
    assert "/login/" in client.get(nps_url(account))["Location"]


def test_nps_comments_are_escaped_and_responses_export(client_for, account, account_manager):
    NpsResponseFactory(account=account, comment="<img src=x onerror=alert(1)>", score=3)
    client = client_for(account_manager)
    response = client.get(nps_url(account))
    assert "<img src=x" not in response.text and "&lt;img src=x" in response.text
    export = client.get(nps_url(account), {"export": "responses", "format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][2] == "3" and rows[1][3] == "Detractor"
    assert client.get(nps_url(account), {"export": "responses", "format": "xlsx"}).status_code == 200


@pytest.mark.parametrize("size", [3, 60])
def test_nps_page_query_count_does_not_grow(client_for, account, account_manager, django_assert_max_num_queries, size):
    for number in range(size):
        NpsResponseFactory(account=account, contact=ContactFactory(account=account), score=number % 11)
    client = client_for(account_manager)
    with django_assert_max_num_queries(10):
        assert client.get(nps_url(account)).status_code == 200


# Manual actuals ------------------------------------------------------------------------------
def actual_data(manual_kpi, **overrides):
    return {"kpi": manual_kpi.pk, "fiscal_year": datetime.date.today().year, "period_kind": "quarter",
            "period_index": 1, "value": "12", "note": "", **overrides}


def test_team_member_records_a_manual_actual(client_for, account, account_manager):
    workshops = ManualKpiFactory(code="workshops")
    response = client_for(account_manager).post(actuals_url(account), actual_data(workshops))
    assert response.status_code == 302
    saved = ManualActual.objects.get()
    assert (saved.value, saved.period_kind, saved.period_index, saved.recorded_by) == (12, "quarter", 1, account_manager)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("period_index", "5", "A quarter number runs from 1 to 4."),
        ("value", "lots", "Enter a number."),
        ("fiscal_year", "1999", "Select a valid choice."),
    ],
)
def test_bad_actual_input_shows_a_message_and_saves_nothing(client_for, account, account_manager, field, value, message):
    workshops = ManualKpiFactory(code="workshops")
    response = client_for(account_manager).post(actuals_url(account), actual_data(workshops, **{field: value}))
    assert response.status_code == 400
    assert message in response.text
    assert not ManualActual.objects.exists()


def test_computed_kpi_cannot_be_entered_by_hand(client_for, account, account_manager):
    response = client_for(account_manager).post(actuals_url(account), actual_data(kpi("revenue")))
    assert response.status_code == 400
    assert not ManualActual.objects.exists()


def test_executive_cannot_record_an_actual(client_for, account, executive):
    workshops = ManualKpiFactory(code="workshops")
    client = client_for(executive)
    assert client.get(actuals_url(account)).status_code == 200
    assert client.post(actuals_url(account), actual_data(workshops)).status_code == 403
    assert not ManualActual.objects.exists()


def test_other_account_manager_gets_404_on_actuals(client_for, account, other_account_manager):
    assert client_for(other_account_manager).get(actuals_url(account)).status_code == 404


def test_actuals_export(client_for, account, account_manager):
    workshops = ManualKpiFactory(code="workshops")
    client = client_for(account_manager)
    client.post(actuals_url(account), actual_data(workshops))
    export = client.get(actuals_url(account), {"export": "actuals", "format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][0] == "workshops" and rows[1][4] == "12"


@pytest.mark.parametrize("size", [3, 40])
def test_actuals_page_query_count_does_not_grow(client_for, account, account_manager, django_assert_max_num_queries,
                                                size):
    workshops = ManualKpiFactory(code="workshops")
    from tests.factories import ManualActualFactory

    for number in range(size):
        ManualActualFactory(account=account, kpi=workshops, fiscal_year=2000 + number, period_kind="year",
                            period_index=1, recorded_by=account_manager)
    client = client_for(account_manager)
    with django_assert_max_num_queries(12):
        assert client.get(actuals_url(account)).status_code == 200


# KPI catalogue --------------------------------------------------------------------------------
def test_everyone_signed_in_reads_the_kpi_catalogue(client_for, account_manager):
    response = client_for(account_manager).get(reverse("performance:kpi-catalogue"))
    assert response.status_code == 200
    assert "Repurchase rate by amount" in response.text
    assert "the share spent on repeat purchases" in response.text


def test_kpi_catalogue_exports(client_for, executive):
    response = client_for(executive).get(reverse("performance:kpi-catalogue"), {"export": "kpis", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 14 and [row[0] for row in rows[1:3]] == ["orders", "order_intake"]


def test_kpi_catalogue_query_count(client_for, executive, django_assert_max_num_queries):
    client = client_for(executive)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("performance:kpi-catalogue")).status_code == 200


def test_anonymous_is_sent_to_login_from_the_catalogue_and_actuals(client, account):
    assert "/login/" in client.get(reverse("performance:kpi-catalogue"))["Location"]
    assert "/login/" in client.get(actuals_url(account))["Location"]
