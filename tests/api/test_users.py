import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_caller_cannot_read_users(api_for):
    assert api_for(None).get("/api/v1/users/").status_code == 401
    assert api_for(None).get("/api/v1/users/me/").status_code == 401


def test_users_list_gives_ids_without_secrets(api_for, account_manager):
    colleague = UserFactory(username="lee")
    client = api_for(account_manager)
    rows = client.get("/api/v1/users/").json()["results"]
    assert [row["username"] for row in rows] == ["am-user", "lee"]
    assert "password" not in rows[0] and "email" not in rows[0]
    assert client.get(f"/api/v1/users/{colleague.pk}/").json()["username"] == "lee"


def test_only_the_level_of_a_user_changes_through_the_api(api_for, kam_admin):
    colleague = UserFactory(username="lee")
    response = api_for(kam_admin).patch(f"/api/v1/users/{colleague.pk}/", {"username": "x"}, format="json")
    assert response.status_code == 400
    colleague.refresh_from_db()
    assert colleague.username == "lee"
    assert api_for(kam_admin).put(f"/api/v1/users/{colleague.pk}/", {"level": "staff"}, format="json").status_code == 405
    assert api_for(kam_admin).delete(f"/api/v1/users/{colleague.pk}/").status_code == 405


def test_admin_sets_a_users_level(api_for, kam_admin):
    colleague = UserFactory(username="lee")
    response = api_for(kam_admin).patch(f"/api/v1/users/{colleague.pk}/", {"level": "executive"}, format="json")
    assert response.status_code == 200
    assert response.json()["level"] == "executive"
    colleague.refresh_from_db()
    assert colleague.level == "executive"
    assert api_for(kam_admin).patch(f"/api/v1/users/{colleague.pk}/", {"level": "boss"}, format="json").status_code == 400
    colleague.refresh_from_db()
    assert colleague.level == "executive"


@pytest.mark.parametrize("role", ["account_manager", "executive"])
def test_only_admins_set_a_users_level(api_for, request, role):
    colleague = UserFactory(username="lee")
    response = api_for(request.getfixturevalue(role)).patch(f"/api/v1/users/{colleague.pk}/", {"level": "executive"}, format="json")
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.level == ""


def test_me_gives_the_caller_and_their_roles(api_for, executive):
    body = api_for(executive).get("/api/v1/users/me/").json()
    assert (body["username"], body["roles"]) == ("exec-user", ["Executive"])


@pytest.mark.parametrize("size", [3, 50])
def test_user_list_query_count_is_fixed(api_for, account_manager, django_assert_max_num_queries, size):
    for _ in range(size):
        UserFactory()
    client = api_for(account_manager)
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/users/", {"page_size": 100}).json()["results"]) == size + 1
