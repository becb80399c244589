import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"


def test_drf_create_token_makes_a_token_that_authenticates(account_manager):
    call_command("drf_create_token", "am-user", stdout=open("/dev/null", "w"))
    token = Token.objects.get(user=account_manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(ME).json()["username"] == "am-user"


def test_a_wrong_token_is_a_401(account_manager):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(ME).status_code == 401


def test_a_token_of_a_deactivated_user_is_a_401(api_for, account_manager):
    client = api_for(account_manager)
    account_manager.is_active = False
    account_manager.save()
    assert client.get(ME).status_code == 401


def test_a_signed_in_browser_session_reads_the_api(client, account_manager):
    client.force_login(account_manager)
    assert client.get(ME).json()["username"] == "am-user"


def test_session_writes_need_the_csrf_token(account, account_manager):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(account_manager)
    response = client.patch(f"/api/v1/accounts/{account.pk}/", {"description": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_anonymous_callers_are_throttled(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "100/minute"}}
    client = APIClient()
    assert [client.get(ME).status_code for _ in range(3)] == [401, 401, 429]


def test_each_user_is_throttled_on_their_own(settings, api_for, account_manager, executive):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100/minute", "user": "2/minute"}}
    am, boss = api_for(account_manager), api_for(executive)
    assert [am.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    assert "Retry-After" in am.get(ME)
    assert boss.get(ME).status_code == 200


def test_guessing_tokens_is_throttled_like_anonymous_calls(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "100/minute"}}
    client = APIClient()
    statuses = []
    for attempt in range(3):
        client.credentials(HTTP_AUTHORIZATION=f"Token guess-{attempt}")
        statuses.append(client.get(ME).status_code)
    assert statuses == [401, 401, 429]
