"""Bad input of every kind answers 4xx with field errors and writes nothing (schemathesis explores the rest)."""

import json

import pytest

from accounts.models import Contact, Opportunity, Order
from tests.factories import OfferingFactory

pytestmark = pytest.mark.django_db

OPPORTUNITIES = "/api/v1/opportunities/"


@pytest.fixture
def client(api_for, account_manager, account):
    return api_for(account_manager)


def valid_opportunity(account):
    return {"account": account.pk, "name": "MES upgrade", "tier": 2, "amount": 1000, "probability": 40}


def test_malformed_json_is_a_400(client):
    response = client.post(OPPORTUNITIES, '{"name": "x",', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", "application/xml"])
def test_a_body_that_is_not_json_is_a_415(client, account, content_type):
    response = client.generic("POST", OPPORTUNITIES, "name=x&tier=2", content_type=content_type)
    assert response.status_code == 415
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tier", "high"), ("tier", "2"), ("tier", 2.5), ("tier", True), ("tier", [2]), ("tier", None),
        ("amount", "lots"), ("amount", "1000"), ("amount", False), ("amount", 1.5), ("amount", 10**20), ("amount", "NaN"), ("amount", "Infinity"),
        ("probability", 101), ("probability", -1), ("probability", {"v": 1}),
        ("account", "x"), ("account", str(1)), ("account", 1.0), ("account", 999999), ("account", -1), ("account", 10**30),
        ("offerings", 1), ("offerings", ["x"]), ("offerings", [999999]),
        ("owner", 999999), ("sponsor_unit", "unit"),
        ("expected_close_date", "31/12/2026"), ("expected_close_date", "2026-02-30"),
        ("stage", "won!"), ("stage", 1), ("stage", ["rfq"]), ("name", ""), ("name", 42), ("name", "x" * 201), ("name", "bad\x00name"), ("name", {"ko": "x"}),
        ("description", "x" * 10_001),
    ],
)
def test_a_wrong_value_is_a_field_error_and_nothing_is_saved(client, account, field, value):
    response = client.post(OPPORTUNITIES, {**valid_opportunity(account), field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("missing", ["account", "name", "tier"])
def test_a_missing_field_is_a_field_error(client, account, missing):
    payload = valid_opportunity(account)
    del payload[missing]
    response = client.post(OPPORTUNITIES, payload, format="json")
    assert response.status_code == 400 and missing in response.json()


@pytest.mark.parametrize("body", ["[]", "null", "42", '"text"', "[1, 2]"])
def test_a_body_that_is_not_an_object_is_a_400(client, body):
    response = client.post(OPPORTUNITIES, body, content_type="application/json")
    assert response.status_code == 400


def test_a_huge_body_is_refused_with_a_4xx(client, account):
    payload = {**valid_opportunity(account), "description": "x" * 3_000_000}
    response = client.post(OPPORTUNITIES, json.dumps(payload), content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("influence", 0), ("influence", 9), ("email", "not-an-email"), ("level", "ceo"),
                         ("status", "gone"), ("left_on", "yesterday"), ("phone", "1" * 41),
                         ("phone", "\u00a0" + "1" * 40),  # 41 as sent, though 40 once trimmed (found by schemathesis)
                         ("is_fox", "maybe"), ("is_fox", "true"),
                         ("is_fox", 1), ("title", 7), ("email", ["a@b.co"])],
)
def test_bad_contact_values_are_field_errors(client, account, field, value):
    response = client.post("/api/v1/contacts/", {"account": account.pk, "name": "Kim", field: value}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("amount", -1), ("cost", -1), ("ordered_on", "soon"), ("reference", "R" * 65), ("offering", 999999)],
)
def test_bad_order_values_are_field_errors(client, account, field, value):
    payload = {"account": account.pk, "reference": "SO-1", "offering": OfferingFactory().pk, "ordered_on": "2026-09-30",
               "amount": 10, field: value}
    response = client.post("/api/v1/orders/", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "query", [{"tier": "x"}, {"account": "x"}, {"stage": "nope"}, {"updated_since": "2026-13-01"}, {"page": "x"},
              {"page": 10**6}, {"ordering": "password"}, {"page_size": -5}, {"owner": "\x00"}],
)
def test_bad_query_parameters_are_4xx_or_ignored(client, query):
    response = client.get(OPPORTUNITIES, query)
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize("path", ["/api/v1/opportunities/abc/", "/api/v1/opportunities/99999999999999999999999/", "/api/v1/orders/-1/"])
def test_unknown_or_malformed_ids_in_the_path_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query", [{"account": -(10**25)}, {"account": 10**30}, {"account": "1.0"}, {"tier": "2.0"}, {"tier": 10**30},
              {"page": ""}, {"page": "0"}, {"page_size": ""}, {"page_size": "0"}, {"cursor": ""}, {"cursor": "cD0x"}],
)
def test_numbers_beyond_the_database_range_bad_pages_and_cursors_are_400(client, query):
    assert client.get(OPPORTUNITIES, query).status_code == 400


def test_bulk_ids_beyond_the_database_range_are_row_errors(client, account):
    row = {"account": 10**30, "reference": "SO-1", "offering": 1, "ordered_on": "2026-09-30", "amount": 1}
    response = client.post("/api/v1/orders/bulk/", [row], format="json")
    assert response.status_code == 400 and "account" in response.json()["0"]
