"""Cursor pagination as a client sees it: `next` and `previous` links that reach every row once, and clear 400s."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Order
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OfferingFactory,
    OpportunityFactory,
    OrderFactory,
    RelationshipFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

OPPORTUNITIES = "/api/v1/opportunities/"
PAGE_SIZE_MESSAGE = "Use a whole number from 1 to 500."


def forward(client, url, params=None) -> list[dict]:
    """Every page from the first, following `next`."""
    pages, response = [], client.get(url, params)
    for _ in range(1000):
        assert response.status_code == 200, response.json()
        pages.append(response.json())
        if pages[-1]["next"] is None:
            return pages
        response = client.get(pages[-1]["next"])
    pytest.fail("`next` never ends")


def backward(client, last_page: dict) -> list[dict]:
    """The pages before `last_page`, nearest first, following `previous`."""
    pages, link = [], last_page["previous"]
    while link is not None:
        assert len(pages) < 1000, "`previous` never ends"
        response = client.get(link)
        assert response.status_code == 200, response.json()
        pages.append(response.json())
        link = pages[-1]["previous"]
    return pages


def ids(pages: list[dict]) -> list[int]:
    return [row["id"] for page in pages for row in page["results"]]


ROWS = {
    "contacts": lambda account: ContactFactory(account=account),
    "opportunities": lambda account: OpportunityFactory(account=account),
    "orders": lambda account: OrderFactory(account=account),
    "relationships": lambda account: RelationshipFactory(contact=ContactFactory(account=account)),
}


@pytest.mark.parametrize("resource", sorted(ROWS))
def test_account_manager_walks_every_page_and_gets_each_visible_row_once(
    api_for, account, other_account, account_manager, resource
):
    second = AccountFactory()
    TeamMemberFactory(account=second, user=account_manager)
    make = ROWS[resource]
    # Interleaved, so that id order and account order differ.
    visible = [make(acc).pk for _ in range(3) for acc in (second, account)]
    for _ in range(3):
        make(other_account)
    client = api_for(account_manager)
    pages = forward(client, f"/api/v1/{resource}/", {"page_size": 2})
    assert [len(page["results"]) for page in pages] == [2, 2, 2]
    assert sorted(ids(pages)) == sorted(visible)
    # By account, then id.
    assert [row.get("account") for page in pages for row in page["results"]] == [account.pk] * 3 + [second.pk] * 3
    assert pages[0]["previous"] is None


def test_previous_leads_back_through_the_same_pages(api_for, account, account_manager):
    for _ in range(7):
        ContactFactory(account=account)
    client = api_for(account_manager)
    pages = forward(client, "/api/v1/contacts/", {"page_size": 3})
    assert [len(page["results"]) for page in pages] == [3, 3, 1]
    back = backward(client, pages[-1])
    assert [page["results"] for page in back] == [page["results"] for page in reversed(pages[:-1])]
    # The first page reached backwards links forward again to the second.
    assert client.get(back[-1]["next"]).json()["results"] == pages[1]["results"]


def test_client_ordering_with_equal_values_reaches_every_row_once_both_ways(api_for, account, account_manager):
    for amount in (300, 100, 200, 200, 200, 100, 200):
        OpportunityFactory(account=account, amount=Decimal(amount))
    client = api_for(account_manager)
    pages = forward(client, OPPORTUNITIES, {"ordering": "-amount", "page_size": 2})
    amounts = [row["amount"] for page in pages for row in page["results"]]
    assert amounts == [300, 200, 200, 200, 200, 100, 100]
    assert len(set(ids(pages))) == 7
    back = backward(client, pages[-1])
    assert ids(list(reversed(back))) == ids(pages[:-1])


@pytest.mark.parametrize(("ordering", "nulls_first"), [("expected_close_date", False), ("-expected_close_date", True)])
def test_ordering_by_a_field_that_may_be_empty_reaches_every_row(api_for, account, account_manager, ordering, nulls_first):
    today = datetime.date(2026, 6, 1)
    for days in (None, 3, 1, None, 2, None, 1):
        OpportunityFactory(account=account, expected_close_date=None if days is None else today + datetime.timedelta(days))
    client = api_for(account_manager)
    pages = forward(client, OPPORTUNITIES, {"ordering": ordering, "page_size": 2})
    dates = [row["expected_close_date"] for page in pages for row in page["results"]]
    known = sorted((d for d in dates if d is not None), reverse=ordering.startswith("-"))
    assert dates == ([None] * 3 + known if nulls_first else known + [None] * 3)
    assert len(set(ids(pages))) == 7
    assert ids(list(reversed(backward(client, pages[-1])))) == ids(pages[:-1])


def test_an_account_with_more_rows_than_drfs_offset_cap_is_walked_to_the_end(api_for, account, account_manager):
    # DRF's own cursor would skip rows of one account by an offset capped at 1,000 and repeat its 4th page.
    offering = OfferingFactory()
    Order.objects.bulk_create(
        Order(account=account, offering=offering, reference=f"SO-{n:05d}", ordered_on=datetime.date(2026, 1, 1), amount=1)
        for n in range(1600)
    )
    pages = forward(api_for(account_manager), "/api/v1/orders/", {"page_size": 500})
    assert [len(page["results"]) for page in pages] == [500, 500, 500, 100]
    assert ids(pages) == sorted(Order.objects.values_list("pk", flat=True))


def test_page_size_gives_that_many_rows_and_is_capped_at_500(api_for, account, account_manager):
    for _ in range(5):
        ContactFactory(account=account)
    client = api_for(account_manager)
    assert len(client.get("/api/v1/contacts/", {"page_size": 3}).json()["results"]) == 3
    assert len(client.get("/api/v1/contacts/", {"page_size": 10_000}).json()["results"]) == 5
    assert len(client.get("/api/v1/contacts/").json()["results"]) == 5


@pytest.mark.parametrize("value", ["0", "-5", "x", "", "2.0", "٣"])
def test_a_bad_page_size_is_a_400_saying_what_to_use(api_for, account_manager, value):
    response = api_for(account_manager).get("/api/v1/contacts/", {"page_size": value})
    assert response.status_code == 400 and response.json() == {"page_size": [PAGE_SIZE_MESSAGE]}


def test_a_bad_or_altered_cursor_is_a_400_naming_the_parameter(api_for, account, account_manager):
    for amount in (1, 2, 3):
        OpportunityFactory(account=account, amount=amount)
    client = api_for(account_manager)
    cursor = client.get(OPPORTUNITIES, {"ordering": "amount", "page_size": 1}).json()["next"].split("cursor=")[1].split("&")[0]
    for query in ({"cursor": "garbage"}, {"cursor": ""}, {"cursor": cursor[:-2] + "xx"},
                  # A cursor made for one ordering does not fit another.
                  {"cursor": cursor, "ordering": "-amount"}, {"cursor": cursor}):
        response = client.get(OPPORTUNITIES, query)
        assert response.status_code == 400, query
        assert "follow the next and previous links" in response.json()["cursor"][0]


def test_page_numbers_are_refused_with_a_pointer_to_the_links(api_for, account_manager):
    response = api_for(account_manager).get("/api/v1/contacts/", {"page": 2})
    assert response.status_code == 400 and "next and previous links" in response.json()["page"][0]


@pytest.mark.parametrize("size", [3, 50])
@pytest.mark.parametrize("resource", sorted(ROWS))
def test_a_page_reached_by_a_cursor_costs_the_queries_of_the_first(
    api_for, account, account_manager, django_assert_max_num_queries, resource, size
):
    for _ in range(size):
        ROWS[resource](account)
    client = api_for(account_manager)
    next_link = client.get(f"/api/v1/{resource}/", {"page_size": 2}).json()["next"]
    with django_assert_max_num_queries(5):
        assert len(client.get(next_link).json()["results"]) == min(2, size - 2)


def test_an_opportunitys_moves_page_latest_first(api_for, account, account_manager):
    opportunity = OpportunityFactory(account=account, tier=4)
    client = api_for(account_manager)
    for tier in (3, 2, 1):
        client.post(f"{OPPORTUNITIES}{opportunity.pk}/move/", {"tier": tier}, format="json")
    pages = forward(client, f"{OPPORTUNITIES}{opportunity.pk}/moves/", {"page_size": 1})
    assert [row["to_tier"] for page in pages for row in page["results"]] == [1, 2, 3]


def test_a_next_link_past_deleted_rows_gives_an_empty_page_that_leads_back(api_for, account, account_manager):
    orders = [OrderFactory(account=account) for _ in range(4)]
    client = api_for(account_manager)
    first = client.get("/api/v1/orders/", {"page_size": 2}).json()
    Order.objects.filter(pk__in=[order.pk for order in orders[2:]]).delete()
    empty = client.get(first["next"]).json()
    assert empty["results"] == [] and empty["next"] is None
    assert client.get(empty["previous"]).json()["results"] == first["results"]
