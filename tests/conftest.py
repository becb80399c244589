import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import AccountFactory, TeamMemberFactory, make_account_manager, make_admin, make_executive


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached portfolio values must not outlive a test's rollback,
    nor login-throttling counters reach the next test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in Korean leaves Korean active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def kam_admin(db):
    return make_admin(username="admin-user")


@pytest.fixture
def executive(db):
    return make_executive(username="exec-user")


@pytest.fixture
def account_manager(db):
    return make_account_manager(username="am-user")


@pytest.fixture
def other_account_manager(db):
    return make_account_manager(username="am-other")


@pytest.fixture
def account(account_manager):
    """An account whose team has `account_manager` as KAM."""
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=account, user=account_manager)
    return account


@pytest.fixture
def other_account(other_account_manager):
    account = AccountFactory(name="Nordwind Logistics Korea", english_name="")
    TeamMemberFactory(account=account, user=other_account_manager)
    return account


@pytest.fixture
def client_for(client):
    """Log a user in on the test client and return the client."""

    def login(user):
        client.force_login(user)
        return client

    return login
