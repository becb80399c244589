"""KPI definitions (everyone reads, admins write), KPI targets and manual actuals (the account team writes)."""

import pytest

from performance.models import KpiDefinition, KpiTarget, ManualActual
from tests.factories import AccountFactory, KpiTargetFactory, ManualActualFactory, ManualKpiFactory, kpi

pytestmark = pytest.mark.django_db

DEFINITIONS = "/api/v1/kpi-definitions/"
TARGETS = "/api/v1/kpi-targets/"
ACTUALS = "/api/v1/manual-actuals/"


@pytest.fixture
def manual_kpi(db):
    return ManualKpiFactory(code="workshops", name="Workshops held")


def period_value(account, kpi_def, value=12, **extra):
    return {"account": account.pk, "kpi": kpi_def.pk, "fiscal_year": 2026, "period_kind": "quarter", "period_index": 2,
            "value": value, **extra}


# --- KPI definitions ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["account_manager", "executive", "kam_admin"])
def test_everyone_signed_in_reads_the_kpi_catalogue(api_for, request, manual_kpi, role):
    client = api_for(request.getfixturevalue(role))
    codes = [row["code"] for row in client.get(DEFINITIONS, {"page_size": 500}).json()["results"]]
    assert "workshops" in codes
    assert client.get(f"{DEFINITIONS}{manual_kpi.pk}/").json()["name"] == "Workshops held"


def test_anonymous_caller_cannot_read_the_kpi_catalogue(api_for, manual_kpi):
    assert api_for(None).get(DEFINITIONS).status_code == 401


def test_admin_adds_and_renames_a_kpi(api_for, kam_admin):
    client = api_for(kam_admin)
    payload = {"code": "site_visits", "name": "Site visits", "formula": "Visits logged by the team.", "unit": "count"}
    response = client.post(DEFINITIONS, payload, format="json")
    assert response.status_code == 201, response.json()
    assert client.patch(f"{DEFINITIONS}{response.json()['id']}/", {"name": "Customer site visits"}, format="json").status_code == 200
    assert KpiDefinition.objects.get(code="site_visits").name == "Customer site visits"


@pytest.mark.parametrize("role", ["account_manager", "executive"])
def test_only_admins_change_the_kpi_catalogue(api_for, request, manual_kpi, role):
    client = api_for(request.getfixturevalue(role))
    payload = {"code": "site_visits", "name": "Site visits", "formula": "x", "unit": "count"}
    assert client.post(DEFINITIONS, payload, format="json").status_code == 403
    assert client.patch(f"{DEFINITIONS}{manual_kpi.pk}/", {"name": "Renamed"}, format="json").status_code == 403
    manual_kpi.refresh_from_db()
    assert manual_kpi.name == "Workshops held"


@pytest.mark.parametrize(
    ("field", "value"),
    [("code", 5), ("code", "not a slug!"), ("code", "workshops"), ("unit", "parsecs"), ("on_track_percent", "high"),
     ("at_risk_percent", -1), ("source", "computed")],
)
def test_a_bad_kpi_definition_is_a_field_error(api_for, kam_admin, manual_kpi, field, value):
    payload = {"code": "site_visits", "name": "Site visits", "formula": "x", "unit": "count", field: value}
    response = api_for(kam_admin).post(DEFINITIONS, payload, format="json")
    assert response.status_code == 400, response.content
    assert not KpiDefinition.objects.filter(name="Site visits").exists()


def test_thresholds_out_of_order_are_refused(api_for, kam_admin):
    payload = {"code": "x_kpi", "name": "X", "formula": "x", "unit": "count", "on_track_percent": 50, "at_risk_percent": 80}
    assert api_for(kam_admin).post(DEFINITIONS, payload, format="json").status_code == 400


def test_a_kpi_is_not_deleted_through_the_api(api_for, kam_admin, manual_kpi):
    assert api_for(kam_admin).delete(f"{DEFINITIONS}{manual_kpi.pk}/").status_code == 405


@pytest.mark.parametrize("size", [3, 50])
def test_kpi_definition_list_query_count_is_fixed(api_for, account_manager, django_assert_max_num_queries, size):
    for _ in range(size):
        ManualKpiFactory()
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert client.get(DEFINITIONS, {"page_size": 500}).status_code == 200


# --- KPI targets -------------------------------------------------------------------------------


def test_account_manager_lists_targets_of_their_accounts_only(api_for, account, other_account, account_manager, manual_kpi):
    mine = KpiTargetFactory(account=account, kpi=manual_kpi)
    KpiTargetFactory(account=other_account, kpi=manual_kpi)
    rows = api_for(account_manager).get(TARGETS).json()["results"]
    assert [(r["id"], r["kpi_code"]) for r in rows] == [(mine.pk, "workshops")]


def test_anonymous_caller_cannot_list_targets(api_for):
    assert api_for(None).get(TARGETS).status_code == 401


def test_other_manager_gets_404_for_a_target(api_for, account, other_account, other_account_manager, manual_kpi):
    target = KpiTargetFactory(account=account, kpi=manual_kpi)
    assert api_for(other_account_manager).get(f"{TARGETS}{target.pk}/").status_code == 404
    assert api_for(other_account_manager).delete(f"{TARGETS}{target.pk}/").status_code == 404


def test_executive_reads_targets_of_every_account(api_for, account, other_account, executive, manual_kpi):
    KpiTargetFactory(account=account, kpi=manual_kpi)
    KpiTargetFactory(account=other_account, kpi=manual_kpi)
    assert len(api_for(executive).get(TARGETS).json()["results"]) == 2


def test_filters_targets_by_account_kpi_and_period(api_for, account, other_account, executive, manual_kpi):
    wanted = KpiTargetFactory(account=account, kpi=manual_kpi, fiscal_year=2026, period_kind="quarter", period_index=2)
    KpiTargetFactory(account=account, kpi=manual_kpi, fiscal_year=2026, period_kind="quarter", period_index=3)
    KpiTargetFactory(account=other_account, kpi=manual_kpi, fiscal_year=2026, period_kind="quarter", period_index=2)
    query = {"account": account.pk, "kpi_code": "workshops", "fiscal_year": 2026, "period_kind": "quarter", "period_index": 2}
    assert [r["id"] for r in api_for(executive).get(TARGETS, query).json()["results"]] == [wanted.pk]


def test_team_member_sets_a_target_and_setting_it_again_replaces_it(api_for, account, account_manager, manual_kpi):
    client = api_for(account_manager)
    first = client.post(TARGETS, period_value(account, manual_kpi, 12, note="Two a month"), format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["value"] == 12 and first.json()["set_by"] == account_manager.pk
    again = client.post(TARGETS, period_value(account, manual_kpi, 15), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert KpiTarget.objects.get().value == 15


def test_team_member_removes_a_target(api_for, account, account_manager, manual_kpi):
    target = KpiTargetFactory(account=account, kpi=manual_kpi)
    assert api_for(account_manager).delete(f"{TARGETS}{target.pk}/").status_code == 204
    assert not KpiTarget.objects.exists()


def test_executive_cannot_set_or_remove_a_target(api_for, account, executive, manual_kpi):
    target = KpiTargetFactory(account=account, kpi=manual_kpi, value=5)
    client = api_for(executive)
    assert client.post(TARGETS, period_value(account, manual_kpi, 99), format="json").status_code == 403
    assert client.delete(f"{TARGETS}{target.pk}/").status_code == 403
    assert KpiTarget.objects.get().value == 5


def test_a_target_for_a_foreign_account_is_a_field_error(api_for, account, other_account, account_manager, manual_kpi):
    response = api_for(account_manager).post(TARGETS, period_value(other_account, manual_kpi), format="json")
    assert response.status_code == 400 and "account" in response.json()
    assert not KpiTarget.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("period_index", 5), ("period_index", 0), ("period_kind", "week"), ("fiscal_year", 1999), ("fiscal_year", "2026"),
     ("value", "12"), ("value", 10**20), ("value", 1.23456), ("kpi", 999999), ("account", None), ("note", "x" * 301)],
)
def test_a_bad_target_is_a_field_error_and_nothing_is_saved(api_for, account, account_manager, manual_kpi, field, value):
    response = api_for(account_manager).post(TARGETS, {**period_value(account, manual_kpi), field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not KpiTarget.objects.exists()


def test_targets_are_not_edited_in_place(api_for, account, account_manager, manual_kpi):
    target = KpiTargetFactory(account=account, kpi=manual_kpi)
    assert api_for(account_manager).patch(f"{TARGETS}{target.pk}/", {"value": 1}, format="json").status_code == 405


@pytest.mark.parametrize("size", [3, 50])
def test_target_list_query_count_is_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    for _ in range(size):
        KpiTargetFactory(account=account, kpi=ManualKpiFactory(), fiscal_year=2026)
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(TARGETS, {"page_size": 100}).json()["results"]) == size


# --- Manual actuals ----------------------------------------------------------------------------


def test_account_manager_lists_actuals_of_their_accounts_only(api_for, account, other_account, account_manager, manual_kpi):
    mine = ManualActualFactory(account=account, kpi=manual_kpi)
    ManualActualFactory(account=other_account, kpi=manual_kpi)
    assert [r["id"] for r in api_for(account_manager).get(ACTUALS).json()["results"]] == [mine.pk]


def test_anonymous_caller_cannot_list_actuals(api_for):
    assert api_for(None).get(ACTUALS).status_code == 401


def test_other_manager_gets_404_for_an_actual(api_for, account, other_account, other_account_manager, manual_kpi):
    actual = ManualActualFactory(account=account, kpi=manual_kpi)
    assert api_for(other_account_manager).get(f"{ACTUALS}{actual.pk}/").status_code == 404


def test_executive_reads_an_actual(api_for, account, executive, manual_kpi):
    actual = ManualActualFactory(account=account, kpi=manual_kpi, value=7)
    assert api_for(executive).get(f"{ACTUALS}{actual.pk}/").json()["value"] == 7


def test_team_member_records_an_actual_and_recording_it_again_corrects_it(api_for, account, account_manager, manual_kpi):
    client = api_for(account_manager)
    assert client.post(ACTUALS, period_value(account, manual_kpi, 3), format="json").status_code == 201
    assert client.post(ACTUALS, period_value(account, manual_kpi, 4), format="json").status_code == 200
    actual = ManualActual.objects.get()
    assert (actual.value, actual.recorded_by) == (4, account_manager)


def test_a_computed_kpi_takes_no_hand_entered_actual(api_for, account, account_manager):
    response = api_for(account_manager).post(ACTUALS, period_value(account, kpi("revenue"), 100), format="json")
    assert response.status_code == 400 and "kpi" in response.json()
    assert not ManualActual.objects.exists()


def test_executive_cannot_record_an_actual(api_for, account, executive, manual_kpi):
    assert api_for(executive).post(ACTUALS, period_value(account, manual_kpi), format="json").status_code == 403
    assert not ManualActual.objects.exists()


def test_admin_records_an_actual_for_any_account(api_for, other_account, kam_admin, manual_kpi):
    assert api_for(kam_admin).post(ACTUALS, period_value(other_account, manual_kpi), format="json").status_code == 201


def test_a_bad_actual_is_a_field_error(api_for, account, account_manager, manual_kpi):
    response = api_for(account_manager).post(ACTUALS, period_value(account, manual_kpi, period_kind="half", period_index=3), format="json")
    assert response.status_code == 400 and "period_index" in response.json()


@pytest.mark.parametrize("size", [3, 50])
def test_actual_list_query_count_is_fixed(api_for, account_manager, django_assert_max_num_queries, size):
    account = AccountFactory()
    account.team.create(user=account_manager, role="kam")
    for _ in range(size):
        ManualActualFactory(account=account, kpi=ManualKpiFactory())
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(ACTUALS, {"page_size": 100, "updated_since": "2000-01-01"}).json()["results"]) == size


# --- Computed actuals (read only) --------------------------------------------------------------

KPI_ACTUALS = "/api/v1/kpi-actuals/"


def test_kpi_actuals_show_orders_revenue_and_a_manual_actual_against_targets(api_for, account, account_manager, manual_kpi):
    import datetime

    from tests.factories import OrderFactory

    kpi("revenue")
    this_year = datetime.date.today().year
    account.fiscal_year_start_month = 1
    account.save()
    OrderFactory(account=account, ordered_on=datetime.date(this_year, 1, 15), amount=700, cost=100)
    KpiTargetFactory(account=account, kpi=kpi("revenue"), fiscal_year=this_year, period_kind="year", period_index=1, value=1000)
    ManualActualFactory(account=account, kpi=manual_kpi, fiscal_year=this_year, period_kind="year", period_index=1, value=4)
    query = {"account": account.pk, "fiscal_year": this_year, "period_kind": "year", "period_index": 1}
    response = api_for(account_manager).get(KPI_ACTUALS, query)
    assert response.status_code == 200, response.json()
    rows = {row["kpi_code"]: row for row in response.json()}
    assert (rows["revenue"]["actual"], rows["revenue"]["target"]) == (700, 1000)
    assert rows["workshops"]["actual"] == 4 and rows["workshops"]["source"] == "manual"


def test_executive_reads_kpi_actuals_of_any_account(api_for, other_account, executive):
    query = {"account": other_account.pk, "fiscal_year": 2026, "period_kind": "quarter", "period_index": 1}
    assert api_for(executive).get(KPI_ACTUALS, query).status_code == 200


def test_other_manager_gets_404_for_kpi_actuals(api_for, account, other_account, other_account_manager):
    query = {"account": account.pk, "fiscal_year": 2026, "period_kind": "quarter", "period_index": 1}
    assert api_for(other_account_manager).get(KPI_ACTUALS, query).status_code == 404


def test_anonymous_caller_cannot_read_kpi_actuals(api_for):
    assert api_for(None).get(KPI_ACTUALS).status_code == 401


@pytest.mark.parametrize(
    "query",
    [{}, {"fiscal_year": 2026, "period_kind": "quarter", "period_index": 1},
     {"account": "x", "fiscal_year": 2026, "period_kind": "quarter", "period_index": 1},
     {"account": "me", "fiscal_year": 1999, "period_kind": "quarter", "period_index": 1},
     {"account": "me", "fiscal_year": 2026, "period_kind": "quarter", "period_index": 5},
     {"account": "me", "fiscal_year": 2026, "period_kind": "week", "period_index": 1}],
)
def test_a_bad_kpi_actuals_query_is_a_400(api_for, account, account_manager, query):
    query = {**query, "account": account.pk} if query.get("account") == "me" else query
    assert api_for(account_manager).get(KPI_ACTUALS, query).status_code == 400


def test_the_first_fiscal_period_there_is_has_actuals_too(api_for, account, account_manager):
    query = {"account": account.pk, "fiscal_year": 2000, "period_kind": "month", "period_index": 1}
    assert api_for(account_manager).get(KPI_ACTUALS, query).status_code == 200


@pytest.mark.parametrize("extra_kpis", [0, 20])
def test_kpi_actuals_query_count_does_not_grow_with_the_catalogue(
    api_for, account, account_manager, django_assert_max_num_queries, extra_kpis
):
    kpi("revenue")
    for _ in range(extra_kpis):
        ManualKpiFactory()
    query = {"account": account.pk, "fiscal_year": 2026, "period_kind": "quarter", "period_index": 2}
    client = api_for(account_manager)
    with django_assert_max_num_queries(14):
        assert client.get(KPI_ACTUALS, query).status_code == 200
