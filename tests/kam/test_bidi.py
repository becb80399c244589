"""Text that could rearrange the page: direction and zero-width characters are dropped from what
people type (forms, API, imports: core.text), and user text put into sentences is isolated."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts.models import Contact, OrgChange
from core.text import clean_name, clean_text, isolate
from tests.accounts.test_views_org_chart import HX, chart_url, person
from tests.factories import OfferingFactory, OrderFactory

pytestmark = pytest.mark.django_db

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
            "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\x00", "\x1b"]


@pytest.mark.parametrize("control", CONTROLS)
def test_clean_name_and_clean_text_drop_direction_zero_width_and_control_characters(control):
    assert clean_name(f"Kim{control} Minsu") == "Kim Minsu"
    assert clean_text(f"line one{control}\nline\ttwo") == "line one\nline\ttwo"


@pytest.mark.parametrize("control", [c for c in CONTROLS if c not in ("\x00", "\x1b")])
def test_strip_invisible_drops_format_characters_and_leaves_control_characters_to_validators(control):
    from core.text import strip_invisible

    assert strip_invisible(f"Kim{control} Minsu\x00") == "Kim Minsu\x00"


def test_clean_name_keeps_korean_and_composes_it():
    assert clean_name("김민수") == "김민수"
    assert clean_name("\u1100\u1161") == "가"  # decomposed jamo are composed (NFC)
    assert clean_name("a\nb\tc") == "abc"


def test_a_name_typed_with_a_direction_override_is_stored_without_it(client_for, account, account_manager):
    client = client_for(account_manager)
    response = client.post(reverse("accounts:contact-add", args=[account.pk]),
                           person(name="Park\u202e Jiwoo\u200b", title="\u2067Buyer\u2069"), headers=HX)
    assert response.headers["HX-Refresh"] == "true"
    added = Contact.objects.get(account=account)
    assert (added.name, added.title) == ("Park Jiwoo", "Buyer")


def test_a_name_of_only_invisible_characters_is_required_again(client_for, account, account_manager):
    client = client_for(account_manager)
    response = client.post(reverse("accounts:contact-add", args=[account.pk]), person(name="\u202e\u200b"), headers=HX)
    assert "This field is required." in response.text
    assert not Contact.objects.filter(account=account).exists()


def test_the_api_drops_direction_characters_too(api_client_for_am):
    client, account = api_client_for_am
    response = client.patch(f"/api/v1/accounts/{account.pk}/", {"description": "Gumi\u202e plant\u200b"}, format="json")
    assert response.status_code == 200, response.json()
    account.refresh_from_db()
    assert account.description == "Gumi plant"


@pytest.fixture
def api_client_for_am(account, account_manager):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(account_manager)
    return client, account


def test_the_org_change_log_isolates_names_in_its_sentences(client_for, account, account_manager):
    client = client_for(account_manager)
    client.post(reverse("accounts:contact-add", args=[account.pk]), person(name="قاسم", title="CFO"), headers=HX)
    change = OrgChange.objects.get(account=account)
    with translation.override("en"):
        assert change.text == f"{isolate('قاسم')} joined as {isolate('CFO')}"
    text = client.get(chart_url(account, since="2026-01-01"), headers={"Accept-Language": "en"}).text
    assert f"{isolate('قاسم')} joined as {isolate('CFO')}" in text


def test_the_bdi_filter_isolates_and_escapes_user_text_even_inside_blocktranslate():
    rendered = Template('{% load i18n %}{% blocktranslate with name=name|bdi %}Hello {{ name }}.{% endblocktranslate %}').render(
        Context({"name": "<b>Kim</b>\u202e"})
    )
    assert rendered == "Hello <bdi>&lt;b&gt;Kim&lt;/b&gt;\u202e</bdi>."


def test_notifications_isolate_plan_and_action_names():
    from notifications.models import Notification, NotificationKind

    note = Notification(kind=NotificationKind.ACTION_DUE, params={"title": "Call\u202e", "plan": "Hanbit · FY 2026", "due": "2026-03-05"})
    assert note.message == f"Action “{isolate('Call\u202e')}” of {isolate('Hanbit · FY 2026')} is due on 2026-03-05."


def test_api_and_import_share_one_rule_for_order_dates(api_client_for_am):
    client, account = api_client_for_am
    offering = OfferingFactory()
    today = datetime.date.today()
    for day, ok in [("0001-01-01", False), ("1999-12-31", False), ("2000-01-01", True),
                    ((today + datetime.timedelta(days=2)).isoformat(), False), ("9999-12-31", False)]:
        body = {"account": account.pk, "offering": offering.pk, "reference": f"SO-{day}", "ordered_on": day, "amount": 1}
        response = client.post("/api/v1/orders/", body, format="json")
        assert (response.status_code == 201) == ok, (day, response.json())
        bulk = client.post("/api/v1/orders/bulk/", [{**body, "reference": f"B-{day}"}], format="json")
        assert (bulk.status_code == 200) == ok, (day, bulk.json())
    order = OrderFactory(account=account, offering=offering)
    response = client.patch(f"/api/v1/orders/{order.pk}/", {"ordered_on": "1999-01-01"}, format="json")
    assert response.status_code == 400
