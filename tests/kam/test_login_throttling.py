"""Five failed sign-ins lock the username/IP pair for 15 minutes with a clear message."""

import pytest
from django.urls import reverse

from tests.factories import make_account_manager

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-enough-passw0rd"


@pytest.fixture
def user():
    user = make_account_manager(username="locky")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, password, *, username="locky", ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failed_sign_ins_lock_the_pair_even_for_the_right_password(client, user):
    for attempt in range(4):
        response = _sign_in(client, "wrong")
        assert response.status_code == 200
        assert f"{4 - attempt} attempt" in response.content.decode()
    response = _sign_in(client, "wrong")
    assert "Sign-in is locked for 15 minutes" in response.content.decode()
    response = _sign_in(client, PASSWORD)
    assert response.status_code == 200
    assert "Sign-in is locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_is_per_username_and_ip_address(client, user):
    for _ in range(5):
        _sign_in(client, "wrong")
    response = _sign_in(client, PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_lock_ends_after_the_lockout_period(client, user, settings):
    from django.core.cache import cache

    settings.KAM_LOGIN_LOCKOUT_SECONDS = 60
    for _ in range(5):
        _sign_in(client, "wrong")
    assert "locked for 1 minutes" in _sign_in(client, PASSWORD).content.decode()
    cache.clear()  # what the cache's expiry does after the lockout period
    assert _sign_in(client, PASSWORD).status_code == 302


def test_successful_sign_in_clears_earlier_failures(client, user):
    for _ in range(4):
        _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD).status_code == 302


def test_username_case_does_not_escape_the_lock(client, user):
    for name in ("locky", "LOCKY", "Locky", "lockY", "LOcky"):
        _sign_in(client, "wrong", username=name)
    assert "Sign-in is locked" in _sign_in(client, PASSWORD).content.decode()


def test_admin_login_page_is_throttled_too(client, user):
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "locky", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(reverse("admin:login"), {"username": "locky", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert "Sign-in is locked" in response.content.decode()


def test_password_validators_reject_short_common_and_numeric_passwords(user):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1", "password123", "12345678901", "locky123"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=user)
    validate_password(PASSWORD, user=user)
