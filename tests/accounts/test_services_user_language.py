"""A user's language: only they choose it, only among settings.LANGUAGES, "" meaning the site's default."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.services import user_language_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ko", "en", ""])
def test_user_language_set_stores_an_offered_language_or_the_site_default(account_manager, language):
    account_manager.language = "en" if language == "" else ""
    account_manager.save()
    user_language_set(user=account_manager, language=language, acting_user=account_manager)
    account_manager.refresh_from_db()
    assert account_manager.language == language


@pytest.mark.parametrize("language", ["fr", "xx", "ko-KR", "KO"])
def test_user_language_set_refuses_a_language_not_offered_and_saves_nothing(account_manager, language):
    account_manager.language = "ko"
    account_manager.save()
    with pytest.raises(ValidationError) as excinfo:
        user_language_set(user=account_manager, language=language, acting_user=account_manager)
    assert "language" in excinfo.value.message_dict
    account_manager.refresh_from_db()
    assert account_manager.language == "ko"


@pytest.mark.parametrize("role_fixture", ["kam_admin", "executive", "other_account_manager"])
def test_nobody_else_sets_a_users_language(request, account_manager, role_fixture):
    with pytest.raises(PermissionDenied):
        user_language_set(user=account_manager, language="ko", acting_user=request.getfixturevalue(role_fixture))
    account_manager.refresh_from_db()
    assert account_manager.language == ""


def test_the_database_refuses_a_language_not_offered(account_manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=account_manager.pk).update(language="fr")
