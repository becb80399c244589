import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_with_every_resource(api_for, account_manager):
    response = api_for(account_manager).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("accounts", "org-units", "contacts", "relationships", "opportunities", "offerings", "pricing-tiers", "orders"):
        assert f"/api/v1/{path}/" in schema["paths"]
    assert "/api/v1/opportunities/{id}/move/" in schema["paths"]
    for bulk in ("orders", "manual-actuals", "nps-responses"):
        assert f"/api/v1/{bulk}/bulk/" in schema["paths"]
    for path in ("kpi-definitions", "kpi-targets", "manual-actuals", "nps-responses", "unmet-needs", "customer-activities",
                 "plans", "quarterly-reviews"):
        assert f"/api/v1/{path}/" in schema["paths"]
    for transition in ("submit", "decide", "revise", "close"):
        assert f"/api/v1/plans/{{id}}/{transition}/" in schema["paths"]


def test_schema_offers_writes_of_unmet_needs_and_activities(api_for, account_manager):
    paths = api_for(account_manager).get("/api/schema/?format=json").json()["paths"]
    for resource in ("unmet-needs", "customer-activities"):
        assert {"get", "post"} <= set(paths[f"/api/v1/{resource}/"])
        assert {"get", "put", "patch", "delete"} <= set(paths[f"/api/v1/{resource}/{{id}}/"])
    assert set(paths["/api/v1/unmet-needs/"]["post"]["responses"]) >= {"200", "201"}


def test_schema_needs_credentials(api_for):
    assert api_for(None).get("/api/schema/").status_code == 401


def test_docs_page_loads_swagger_ui_from_our_own_static_files(client, account_manager):
    client.force_login(account_manager)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.text
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    # The start-up script is a separate request (no inline script), so a strict CSP can allow it.
    assert "<script>" not in html
    assert client.get("/api/docs/?script=").status_code == 200
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_docs_page_sends_anonymous_visitors_to_login(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_api_root_lists_the_resources(api_for, account_manager):
    body = api_for(account_manager).get("/api/v1/").json()
    assert {"accounts", "orders", "opportunities", "pricing-tiers"} <= set(body)


def test_schemathesis_tests_the_schema_that_is_served(api_for, account_manager):
    from tests.api.test_schemathesis import served_schema

    response = api_for(account_manager).get("/api/schema/?format=json")
    assert response.json() == served_schema()


def test_schema_has_the_consensus_meeting_and_its_resources(api_for, account_manager):
    paths = api_for(account_manager).get("/api/schema/?format=json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/meetings/"])
    assert {"get", "put", "patch"} <= set(paths["/api/v1/meetings/{id}/"])
    for act in ("start", "close", "minutes"):
        assert "post" in paths[f"/api/v1/meetings/{{id}}/{act}/"]
    assert {"get", "post"} <= set(paths["/api/v1/meeting-attendees/"])
    assert {"get", "delete"} <= set(paths["/api/v1/meeting-attendees/{id}/"])
    assert {"get", "post"} <= set(paths["/api/v1/agenda-items/"])
    for act in ("move", "minutes", "opinion", "decide"):
        assert "post" in paths[f"/api/v1/agenda-items/{{id}}/{act}/"]
    assert set(paths["/api/v1/resource-grants/"]) == {"get"}
    assert {"get", "post"} <= set(paths["/api/v1/resource-spends/"])


def test_schema_generates_without_warnings_and_validates(tmp_path):
    """drf-spectacular's warnings (a field it cannot type, two enums under one name) fail the build."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
