"""Unmet needs through the API: one note per whitespace cell (org unit × offering), written by the account team."""

import pytest

from accounts.models import UnmetNeed
from tests.factories import OfferingFactory, OrgUnitFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/unmet-needs/"


def detail(need):
    return f"{LIST}{need.pk}/"


@pytest.fixture
def unit(account):
    return OrgUnitFactory(account=account, name="Smart factory division")


@pytest.fixture
def offering():
    return OfferingFactory(name="Edge analytics")


def cell(account, unit, offering, **extra):
    return {"account": account.pk, "org_unit": unit.pk, "offering": offering.pk, "note": "Predictive maintenance", **extra}


def noted(account, unit, offering, note="Predictive maintenance", **extra):
    return UnmetNeed.objects.create(account=account, org_unit=unit, offering=offering, note=note, **extra)


# --- The account team writes -------------------------------------------------------------------


def test_team_member_notes_an_unmet_need_on_a_cell(api_for, account, account_manager, unit, offering):
    response = api_for(account_manager).post(LIST, cell(account, unit, offering, note="  Line sensors  "), format="json")
    assert response.status_code == 201, response.json()
    need = UnmetNeed.objects.get()
    assert (need.org_unit, need.offering, need.note, need.recorded_by) == (unit, offering, "Line sensors", account_manager)
    assert response.json()["id"] == need.pk and response.json()["recorded_by"] == account_manager.pk


def test_posting_to_a_noted_cell_replaces_its_note_with_200(api_for, account, account_manager, unit, offering):
    colleague = UserFactory()
    TeamMemberFactory(account=account, user=colleague, role="sales_rep")
    first = noted(account, unit, offering, recorded_by=colleague)
    response = api_for(account_manager).post(LIST, cell(account, unit, offering, note="Vision QA"), format="json")
    assert response.status_code == 200, response.json()
    need = UnmetNeed.objects.get()
    assert (need.pk, need.note, need.recorded_by) == (first.pk, "Vision QA", account_manager)


def test_team_member_changes_the_note_with_patch_and_put(api_for, account, account_manager, unit, offering):
    need = noted(account, unit, offering)
    client = api_for(account_manager)
    assert client.patch(detail(need), {"note": "Vision QA"}, format="json").status_code == 200
    need.refresh_from_db()
    assert need.note == "Vision QA"
    response = client.put(detail(need), cell(account, unit, offering, note="Digital twin"), format="json")
    assert response.status_code == 200, response.json()
    need.refresh_from_db()
    assert need.note == "Digital twin"


def test_team_member_deletes_an_unmet_need(api_for, account, account_manager, unit, offering):
    need = noted(account, unit, offering)
    assert api_for(account_manager).delete(detail(need)).status_code == 204
    assert not UnmetNeed.objects.exists()


def test_admin_notes_an_unmet_need_on_any_account(api_for, other_account, kam_admin, offering):
    unit = OrgUnitFactory(account=other_account)
    assert api_for(kam_admin).post(LIST, cell(other_account, unit, offering), format="json").status_code == 201


def test_any_offering_may_be_noted_even_a_retired_one(api_for, account, account_manager, unit):
    retired = OfferingFactory(is_active=False)
    assert api_for(account_manager).post(LIST, cell(account, unit, retired), format="json").status_code == 201


# --- Who may not -------------------------------------------------------------------------------


def test_executive_cannot_note_change_or_delete_an_unmet_need(api_for, account, executive, unit, offering):
    need = noted(account, unit, offering)
    client = api_for(executive)
    for response in (
        client.post(LIST, cell(account, unit, OfferingFactory()), format="json"),
        client.patch(detail(need), {"note": "Vision QA"}, format="json"),
        client.delete(detail(need)),
    ):
        assert response.status_code == 403
        assert response.json()["detail"] == "Executives read; only the account team and admins change account data."
    assert list(UnmetNeed.objects.values_list("note", flat=True)) == ["Predictive maintenance"]


def test_other_manager_gets_404_for_an_unmet_need_of_an_account_they_do_not_see(
    api_for, account, other_account, other_account_manager, unit, offering
):
    need = noted(account, unit, offering)
    client = api_for(other_account_manager)
    assert client.get(detail(need)).status_code == 404
    assert client.patch(detail(need), {"note": "Mine now"}, format="json").status_code == 404
    assert client.delete(detail(need)).status_code == 404
    assert UnmetNeed.objects.get().note == "Predictive maintenance"


def test_an_org_unit_or_account_the_caller_does_not_see_does_not_exist(
    api_for, account, other_account, account_manager, offering
):
    foreign_unit = OrgUnitFactory(account=other_account)
    client = api_for(account_manager)
    response = client.post(LIST, cell(account, foreign_unit, offering), format="json")
    assert response.status_code == 400
    assert "does not exist" in response.json()["org_unit"][0]
    response = client.post(LIST, cell(other_account, foreign_unit, offering), format="json")
    assert "does not exist" in response.json()["account"][0]
    assert not UnmetNeed.objects.exists()


def test_anonymous_caller_cannot_write_unmet_needs(api_for, account, unit, offering):
    assert api_for(None).post(LIST, cell(account, unit, offering), format="json").status_code == 401
    assert not UnmetNeed.objects.exists()


# --- Bad input: a 400 naming the field, nothing saved ------------------------------------------


def test_an_org_unit_of_another_account_is_a_400_on_org_unit(api_for, account, other_account, kam_admin, offering):
    foreign_unit = OrgUnitFactory(account=other_account)
    response = api_for(kam_admin).post(LIST, cell(account, foreign_unit, offering), format="json")
    assert response.status_code == 400
    assert response.json() == {"org_unit": ["The org unit belongs to another account."]}
    assert not UnmetNeed.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("note", ""),
        ("note", "   "),
        ("note", "x" * (UnmetNeed.NOTE_MAX_LENGTH + 1)),
        ("note", 5),
        ("note", None),
        ("org_unit", "1"),
        ("org_unit", None),
        ("offering", True),
        ("offering", 999_999),
        ("account", [1]),
    ],
)
def test_a_bad_unmet_need_is_a_field_error_and_nothing_is_saved(
    api_for, account, account_manager, unit, offering, field, value
):
    response = api_for(account_manager).post(LIST, {**cell(account, unit, offering), field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not UnmetNeed.objects.exists()


def test_an_empty_note_is_refused_with_a_pointer_to_delete(api_for, account, account_manager, unit, offering):
    need = noted(account, unit, offering)
    response = api_for(account_manager).patch(detail(need), {"note": ""}, format="json")
    assert response.status_code == 400
    assert response.json() == {"note": ["Write the need; to remove the note, delete the unmet need."]}
    assert UnmetNeed.objects.get().note == "Predictive maintenance"


def test_the_cell_of_a_note_cannot_change(api_for, account, account_manager, unit, offering):
    need = noted(account, unit, offering)
    other_unit = OrgUnitFactory(account=account)
    response = api_for(account_manager).patch(
        detail(need), {"org_unit": other_unit.pk, "offering": OfferingFactory().pk, "note": "Moved"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"org_unit", "offering"}
    need.refresh_from_db()
    assert (need.org_unit, need.offering, need.note) == (unit, offering, "Predictive maintenance")


# --- Queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 300])
def test_unmet_need_list_and_write_query_counts_are_fixed(
    api_for, account, account_manager, unit, django_assert_max_num_queries, size
):
    offerings = OfferingFactory.create_batch(size)
    UnmetNeed.objects.bulk_create(
        UnmetNeed(account=account, org_unit=unit, offering=offering, note="n") for offering in offerings
    )
    new_offering = OfferingFactory()
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(LIST, {"page_size": 500}).json()["results"]) == size
    with django_assert_max_num_queries(16):
        assert client.post(LIST, cell(account, unit, offerings[0], note="Vision QA"), format="json").status_code == 200
    # Six to eight of a write's queries are the savepoints of its nested transactions (serializer, service, upsert).
    with django_assert_max_num_queries(18):
        assert client.post(LIST, cell(account, unit, new_offering), format="json").status_code == 201
