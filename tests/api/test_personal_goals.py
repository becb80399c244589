"""`/api/v1/personal-goals/`: read as account data, written by the account's KAM and admins; `POST bulk/`
all or nothing by natural key. And the orders' sales rep (영업 담당), single and in bulk."""

import pytest

from accounts.models import Order
from performance.models import PersonalGoal
from tests.factories import OfferingFactory, OrderFactory, TeamMemberFactory, UserFactory, kpi, make_admin, make_executive

pytestmark = pytest.mark.django_db

LIST = "/api/v1/personal-goals/"
BULK = "/api/v1/personal-goals/bulk/"


@pytest.fixture
def rep(account):
    person = UserFactory(username="rep-lee")
    TeamMemberFactory(account=account, user=person, role="sales_rep")
    return person


def goal(account, user, value=100, *, code="revenue", month=1, year=2026):
    return {"account": account.pk, "user": user.pk, "kpi": kpi(code).pk, "fiscal_year": year, "month": month, "value": value}


def snapshot():
    return list(PersonalGoal.objects.order_by("pk").values_list("pk", "user_id", "kpi_id", "month", "value", "updated_at"))


def test_the_kam_sets_a_goal_and_the_same_key_replaces_it(api_for, account, account_manager, rep):
    client = api_for(account_manager)
    response = client.post(LIST, goal(account, rep, 150_000_000), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["user"], body["kpi_code"], body["value"], body["set_by"]) == (rep.pk, "revenue", 150_000_000, account_manager.pk)
    response = client.post(LIST, goal(account, rep, 90), format="json")
    assert response.status_code == 200 and response.json()["id"] == body["id"] and response.json()["value"] == 90


def test_the_team_reads_goals_others_do_not_see_them(api_for, account, other_account, account_manager, rep,
                                                     other_account_manager):
    PersonalGoal.objects.create(account=account, user=rep, kpi=kpi("orders"), fiscal_year=2026, month=1, value=3)
    assert [row["user"] for row in api_for(rep).get(LIST, {"kpi_code": "orders"}).json()["results"]] == [rep.pk]
    assert api_for(other_account_manager).get(LIST).json()["results"] == []
    assert len(api_for(make_executive()).get(LIST).json()["results"]) == 1


@pytest.mark.parametrize(("who", "answer"), [("rep", 403), ("executive", 403), ("stranger", 400), ("admin", 201)])
def test_only_the_kam_and_admins_write(api_for, account, rep, other_account_manager, who, answer):
    user = {"rep": rep, "executive": make_executive(), "stranger": other_account_manager, "admin": make_admin()}[who]
    response = api_for(user).post(LIST, goal(account, rep), format="json")
    assert response.status_code == answer
    if answer == 403:
        assert "KAM" in response.json()["detail"]
    if answer == 400:  # an account they cannot see does not exist for them
        assert "account" in response.json()
    assert PersonalGoal.objects.exists() == (answer == 201)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"value": -1}, "value"), ({"value": "abc"}, "value"), ({"month": 13}, "month"), ({"kpi": "nps"}, "kpi"),
     ({"user": "stranger"}, "user"), ({"fiscal_year": 1999}, "fiscal_year")],
)
def test_bad_payloads_are_400_with_the_field(api_for, account, account_manager, rep, change, field):
    payload = goal(account, rep)
    if change.get("kpi") == "nps":
        change = {"kpi": kpi("nps").pk}
    if change.get("user") == "stranger":
        change = {"user": UserFactory().pk}
    response = api_for(account_manager).post(LIST, {**payload, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PersonalGoal.objects.exists()


def test_the_kam_deletes_a_goal_a_sales_rep_may_not(api_for, account, account_manager, rep):
    stored = PersonalGoal.objects.create(account=account, user=rep, kpi=kpi("orders"), fiscal_year=2026, month=1, value=3)
    assert api_for(rep).delete(f"{LIST}{stored.pk}/").status_code == 403
    assert api_for(account_manager).delete(f"{LIST}{stored.pk}/").status_code == 204
    assert not PersonalGoal.objects.exists()


def test_bulk_upserts_by_natural_key_and_again_changes_nothing(api_for, account, account_manager, rep):
    stored = PersonalGoal.objects.create(account=account, user=rep, kpi=kpi("revenue"), fiscal_year=2026, month=1, value=5)
    batch = [goal(account, rep, 7), goal(account, rep, 8, month=2), goal(account, account_manager, 9, code="orders")]
    client = api_for(account_manager)
    response = client.post(BULK, batch, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 1, 0)
    assert body["results"][0] == {"id": stored.pk, "account": account.pk, "user": rep.pk, "kpi": kpi("revenue").pk,
                                  "fiscal_year": 2026, "month": 1, "outcome": "updated"}
    before = snapshot()
    again = client.post(BULK, batch, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert snapshot() == before


def test_bulk_bad_rows_are_keyed_by_position_and_nothing_is_written(api_for, account, account_manager, rep):
    stranger = UserFactory()
    response = api_for(account_manager).post(BULK, [goal(account, rep, 7), goal(account, rep, -1, month=2)], format="json")
    assert response.status_code == 400 and list(response.json()) == ["1"] and "value" in response.json()["1"]
    response = api_for(account_manager).post(BULK, [goal(account, rep, 7), goal(account, rep, 3)], format="json")
    assert response.status_code == 400 and list(response.json()) == ["1"] and "month" in response.json()["1"]
    response = api_for(account_manager).post(BULK, [goal(account, rep, 7), goal(account, stranger, 1)], format="json")
    assert response.status_code == 400 and list(response.json()) == ["1"] and "user" in response.json()["1"]
    assert not PersonalGoal.objects.exists()


def test_bulk_by_a_sales_rep_is_refused_whole(api_for, account, rep):
    response = api_for(rep).post(BULK, [goal(account, rep, 7)], format="json")
    assert response.status_code == 403 and not PersonalGoal.objects.exists()


# The orders' sales rep ------------------------------------------------------------------------------------
def test_an_order_names_its_sales_rep_single_and_in_bulk(api_for, account, account_manager, rep):
    offering = OfferingFactory()
    client = api_for(account_manager)
    response = client.post("/api/v1/orders/", {"account": account.pk, "offering": offering.pk, "reference": "SO-1",
                                               "ordered_on": "2026-09-30", "amount": 1000, "sales_rep": rep.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["sales_rep"] == rep.pk
    batch = [{"account": account.pk, "reference": "SO-1", "offering": offering.pk, "ordered_on": "2026-09-30",
              "amount": 1000, "sales_rep": account_manager.pk},
             {"account": account.pk, "reference": "SO-2", "offering": offering.pk, "ordered_on": "2026-09-30", "amount": 5}]
    response = client.post("/api/v1/orders/bulk/", batch, format="json")
    assert response.status_code == 200, response.json()
    assert dict(Order.objects.values_list("reference", "sales_rep")) == {"SO-1": account_manager.pk, "SO-2": None}


def test_an_unknown_or_inactive_sales_rep_is_a_400(api_for, account, account_manager):
    order = OrderFactory(account=account)
    gone = UserFactory(is_active=False)
    client = api_for(account_manager)
    assert client.patch(f"/api/v1/orders/{order.pk}/", {"sales_rep": gone.pk}, format="json").status_code == 400
    batch = [{"account": account.pk, "reference": "SO-9", "offering": order.offering_id, "ordered_on": "2026-09-30",
              "amount": 5, "sales_rep": 999_999}]
    response = client.post("/api/v1/orders/bulk/", batch, format="json")
    assert response.status_code == 400 and "sales_rep" in response.json()["0"]
    order.refresh_from_db()
    assert order.sales_rep is None and not Order.objects.filter(reference="SO-9").exists()
