import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttling counts requests in the cache; user ids repeat across tests, so start each test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_for(db):
    """An API client authenticated by the user's token (as another system would call), or anonymous for None."""

    def make(user):
        client = APIClient()
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
