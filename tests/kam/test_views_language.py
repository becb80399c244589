"""The navbar's language switch stores a signed-in user's choice; signing in brings it back."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _switch(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_switching_while_signed_in_stores_the_language(client_for, account_manager):
    client = client_for(account_manager)
    response = _switch(client, "ko")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies[COOKIE].value == "ko"
    account_manager.refresh_from_db()
    assert account_manager.language == "ko"
    assert 'lang="ko"' in client.get(reverse("accounts:home")).text


def test_switching_back_stores_the_new_choice(client_for, account_manager):
    account_manager.language = "ko"
    account_manager.save()
    client = client_for(account_manager)
    _switch(client, "en")
    account_manager.refresh_from_db()
    assert account_manager.language == "en"
    assert client.cookies[COOKIE].value == "en"


def test_anonymous_switching_sets_the_cookie_and_stores_nothing(client, account_manager):
    response = _switch(client, "ko", reverse("login"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.cookies[COOKIE].value == "ko"
    assert 'lang="ko"' in client.get(reverse("login")).text
    assert not User.objects.exclude(language="").exists()


@pytest.mark.parametrize("language", ["fr", "xx", "", "ko'--"])
def test_a_language_not_offered_is_refused_and_nothing_saved(client_for, account_manager, language):
    account_manager.language = "ko"
    account_manager.save()
    client = client_for(account_manager)
    response = _switch(client, language)
    # "fr" passes Django's own check (Django is translated into French), so ours must refuse it.
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    account_manager.refresh_from_db()
    assert account_manager.language == "ko"
    assert "That language is not offered. Nothing was changed." in client.get(reverse("accounts:home")).text


def test_a_get_changes_nothing(client_for, account_manager):
    client = client_for(account_manager)
    response = client.get(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    account_manager.refresh_from_db()
    assert account_manager.language == ""


def test_the_switch_still_refuses_a_post_without_csrf_token(account_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(account_manager)
    assert _switch(client, "ko").status_code == 403
    account_manager.refresh_from_db()
    assert account_manager.language == ""


def _sign_in(client, username="am-user"):
    return client.post(reverse("login"), {"username": username, "password": "kamdemo"}, follow=True)


def test_signing_in_applies_the_stored_language(client, account, account_manager):
    account_manager.language = "ko"
    account_manager.save()
    response = _sign_in(client)
    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    assert client.cookies[COOKIE].value == "ko"
    assert 'lang="ko"' in response.text and "어카운트" in response.text


def test_the_stored_language_wins_over_the_one_chosen_before_signing_in(client, account, account_manager):
    account_manager.language = "ko"
    account_manager.save()
    _switch(client, "en", reverse("login"))
    response = _sign_in(client)
    assert 'lang="ko"' in response.text


def test_signing_in_without_a_stored_language_keeps_the_browsers_choice(client, account, account_manager):
    _switch(client, "ko", reverse("login"))
    response = _sign_in(client)
    assert 'lang="ko"' in response.text
    account_manager.refresh_from_db()
    assert account_manager.language == ""


def test_a_failed_sign_in_does_not_apply_the_stored_language(client, account_manager):
    account_manager.language = "ko"
    account_manager.save()
    response = client.post(reverse("login"), {"username": "am-user", "password": "wrong"})
    assert response.status_code == 200
    assert COOKIE not in response.cookies
