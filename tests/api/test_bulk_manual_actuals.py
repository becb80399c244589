"""`POST /api/v1/manual-actuals/bulk/`: finance sends a batch of manual KPI actuals, upserted all or nothing."""

import pytest

from accounts.models import AccountTeamMember
from performance.models import ManualActual
from tests.factories import AccountFactory, ManualActualFactory, ManualKpiFactory, TeamMemberFactory, kpi

pytestmark = pytest.mark.django_db

BULK = "/api/v1/manual-actuals/bulk/"


@pytest.fixture
def workshops(db):
    return ManualKpiFactory(code="workshops", name="Workshops held")


def row(account, kpi_def, value=3, *, year=2026, kind="month", index=10, **extra):
    return {"account": account.pk, "kpi": kpi_def.pk, "fiscal_year": year, "period_kind": kind, "period_index": index,
            "value": value, **extra}


def snapshot():
    return list(
        ManualActual.objects.order_by("pk").values_list(
            "pk", "account_id", "kpi_id", "fiscal_year", "period_kind", "period_index", "value", "note", "recorded_by",
            "updated_at",
        )
    )


def test_creates_and_updates_by_account_kpi_and_period_in_one_batch(api_for, account, account_manager, workshops):
    stored = ManualActualFactory(account=account, kpi=workshops, fiscal_year=2026, period_kind="month", period_index=9, value=2)
    batch = [row(account, workshops, 5, index=9, note="Corrected"), row(account, workshops, 4, index=10)]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0)
    new = ManualActual.objects.get(period_index=10)
    assert body["results"] == [
        {"id": stored.pk, "account": account.pk, "kpi": workshops.pk, "fiscal_year": 2026, "period_kind": "month",
         "period_index": 9, "outcome": "updated"},
        {"id": new.pk, "account": account.pk, "kpi": workshops.pk, "fiscal_year": 2026, "period_kind": "month",
         "period_index": 10, "outcome": "created"},
    ]
    stored.refresh_from_db()
    assert (stored.value, stored.note, stored.recorded_by) == (5, "Corrected", account_manager)
    assert (new.value, new.recorded_by) == (4, account_manager)


def test_sending_the_same_batch_twice_changes_nothing(api_for, account, account_manager, workshops):
    client = api_for(account_manager)
    batch = [row(account, workshops, n, index=n, note=f"Month {n}") for n in range(1, 6)]
    assert client.post(BULK, batch, format="json").json()["created"] == 5
    before = snapshot()
    again = client.post(BULK, batch, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert snapshot() == before


def test_the_same_value_written_as_another_number_is_unchanged(api_for, account, account_manager, workshops):
    ManualActualFactory(account=account, kpi=workshops, fiscal_year=2026, period_kind="month", period_index=10, value=3)
    body = api_for(account_manager).post(BULK, [row(account, workshops, 3.0)], format="json").json()
    assert body["unchanged"] == 1


def test_a_bad_row_fails_the_whole_batch_with_errors_by_position(api_for, account, account_manager, workshops):
    ManualActualFactory(account=account, kpi=workshops, fiscal_year=2026, period_kind="month", period_index=1, value=1)
    before = snapshot()
    batch = [
        row(account, workshops, 9, index=1),
        row(account, workshops, 2, kind="quarter", index=5),
        row(account, workshops, 2, index=2),
        row(account, workshops, "7", index=3),
    ]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"1", "3"}
    assert list(errors["1"]) == ["period_index"] and list(errors["3"]) == ["value"]
    assert snapshot() == before


def test_a_computed_kpi_fails_the_whole_batch_on_its_row(api_for, account, account_manager, workshops):
    batch = [row(account, workshops), row(account, kpi("revenue"), 100)]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["1"] and "kpi" in response.json()["1"]
    assert not ManualActual.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("account", "1"), ("kpi", True), ("fiscal_year", "2026"), ("period_kind", 3), ("period_index", 1.5),
     ("value", "12"), ("value", None), ("note", 5), ("account", 2**63)],
)
def test_a_value_of_the_wrong_json_type_is_a_row_error(api_for, account, account_manager, workshops, field, value):
    batch = [row(account, workshops, index=1), {**row(account, workshops, index=2), field: value}]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["1"] and field in response.json()["1"]
    assert not ManualActual.objects.exists()


@pytest.mark.parametrize("body", [{}, [], "actuals", [1, 2], {"0": {}}])
def test_a_batch_that_is_not_a_list_of_actuals_is_a_400(api_for, account, account_manager, body):
    assert api_for(account_manager).post(BULK, body, format="json").status_code == 400


def test_a_row_of_an_account_the_caller_does_not_see_does_not_exist(api_for, account, other_account, account_manager, workshops):
    batch = [row(account, workshops), row(other_account, workshops)]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert response.json() == {"1": {"account": [f'Invalid pk "{other_account.pk}" - object does not exist.']}}
    assert not ManualActual.objects.exists()


def test_an_unknown_kpi_is_a_row_error(api_for, account, account_manager, workshops):
    response = api_for(account_manager).post(BULK, [{**row(account, workshops), "kpi": 999999}], format="json")
    assert response.status_code == 400 and "kpi" in response.json()["0"]


def test_a_period_twice_in_one_batch_is_an_error_on_the_later_row(api_for, account, account_manager, workshops):
    response = api_for(account_manager).post(BULK, [row(account, workshops, 1), row(account, workshops, 2)], format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["1"] and "period_index" in response.json()["1"]
    assert not ManualActual.objects.exists()


def test_executive_cannot_record_actuals(api_for, account, executive, workshops):
    assert api_for(executive).post(BULK, [row(account, workshops)], format="json").status_code == 403
    assert not ManualActual.objects.exists()


def test_an_executive_sponsor_on_the_team_writes_no_actuals(api_for, account, other_account, executive, workshops):
    TeamMemberFactory(account=account, user=executive, role=AccountTeamMember.Role.EXECUTIVE_SPONSOR)
    for batch in ([row(account, workshops)], [row(account, workshops), row(other_account, workshops)]):
        assert api_for(executive).post(BULK, batch, format="json").status_code == 403
    assert not ManualActual.objects.exists()


def test_anonymous_caller_cannot_record_actuals(api_for, account, workshops):
    assert api_for(None).post(BULK, [row(account, workshops)], format="json").status_code == 401
    assert not ManualActual.objects.exists()


def test_admin_records_actuals_of_any_account(api_for, account, other_account, kam_admin, workshops):
    batch = [row(account, workshops), row(other_account, workshops)]
    assert api_for(kam_admin).post(BULK, batch, format="json").json()["created"] == 2


def test_a_batch_above_the_cap_is_refused(api_for, account, account_manager, workshops):
    batch = [row(account, workshops, index=1)] * 1001
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400 and "1000" in str(response.json())
    assert not ManualActual.objects.exists()


def test_a_batch_at_the_cap_is_taken(api_for, account, account_manager, workshops, monkeypatch):
    monkeypatch.setattr("performance.api.ManualActualViewSet.bulk_max_rows", 3)
    client = api_for(account_manager)
    assert client.post(BULK, [row(account, workshops, index=n) for n in range(1, 5)], format="json").status_code == 400
    assert client.post(BULK, [row(account, workshops, index=n) for n in range(1, 4)], format="json").json()["created"] == 3


@pytest.mark.parametrize("size", [3, 50])
def test_bulk_query_count_does_not_grow_with_the_batch(
    api_for, account, account_manager, workshops, django_assert_max_num_queries, size
):
    second = AccountFactory()
    TeamMemberFactory(account=second, user=account_manager)
    visits = ManualKpiFactory(code="site_visits")
    periods = [(year, index) for year in range(2020, 2027) for index in range(1, 13)]
    batch = [
        row((account, second)[n % 2], (workshops, visits)[n // 2 % 2], n, year=periods[n][0], index=periods[n][1])
        for n in range(size)
    ]
    client = api_for(account_manager)
    with django_assert_max_num_queries(12):
        assert client.post(BULK, batch, format="json").json()["created"] == size
    with django_assert_max_num_queries(12):
        assert client.post(BULK, [{**r, "value": 1000} for r in batch], format="json").json()["updated"] == size
    with django_assert_max_num_queries(12):
        assert client.post(BULK, [{**r, "value": 1000} for r in batch], format="json").json()["unchanged"] == size


def test_a_changing_batch_refreshes_the_kpi_snapshots_after_commit_and_a_repeated_one_does_not(
    api_for, account, account_manager, workshops, django_capture_on_commit_callbacks, monkeypatch
):
    refreshed = []
    monkeypatch.setattr("performance.services._refresh_after_import", lambda ids, *, orders: refreshed.append((ids, orders)))
    client = api_for(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BULK, [row(account, workshops)], format="json")
    assert refreshed == [([account.pk], False)]
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(BULK, [row(account, workshops)], format="json")
    assert callbacks == []
