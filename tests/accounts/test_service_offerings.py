"""24/7 service and special offerings for key accounts, on the account's whitespace and pricing pages."""

import pytest
from django.urls import reverse

from tests.factories import OfferingFactory, OrderFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(account):
    OrgUnitFactory(account=account, name="IT")
    care = OfferingFactory(name="Premium Care", has_24x7_support=True)
    workshop = OfferingFactory(name="Innovation Workshop", is_key_account_special=True)
    OfferingFactory(name="Plain Storage")
    OrderFactory(account=account, offering=care)
    return {"care": care, "workshop": workshop}


def test_pricing_page_lists_special_offerings_and_24_7_service(client_for, account, account_manager, catalogue):
    text = client_for(account_manager).get(reverse("accounts:pricing", args=[account.pk])).text
    card = text.split('id="service-offerings"')[1].split("</ul>")[0]
    assert "Premium Care" in card and "24/7 service" in card and "Bought" in card
    assert "Innovation Workshop" in card and "Key accounts only" in card
    assert "Not for this account (not a key account)" in card  # the fixture's account is not a key account
    assert "Plain Storage" not in card


def test_whitespace_marks_24_7_and_special_offerings(client_for, account, account_manager, catalogue):
    text = client_for(account_manager).get(reverse("accounts:whitespace", args=[account.pk])).text
    assert text.count('aria-label="24/7 service"') == 1
    assert text.count('aria-label="special offering for key accounts"') == 1


def test_pricing_page_in_korean(client_for, account, account_manager, catalogue):
    response = client_for(account_manager).get(reverse("accounts:pricing", args=[account.pk]), headers={"Accept-Language": "ko"})
    assert "연중무휴" in response.text or "24/7 서비스" in response.text


@pytest.mark.parametrize("size", [3, 30])
def test_pricing_page_query_count_does_not_grow(client_for, account, account_manager, django_assert_max_num_queries, size):
    for index in range(size):
        OfferingFactory(has_24x7_support=index % 2 == 0, is_key_account_special=index % 2 == 1)
    client = client_for(account_manager)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("accounts:pricing", args=[account.pk])).status_code == 200
