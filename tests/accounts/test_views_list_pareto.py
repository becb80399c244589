from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Account
from tests.factories import AccountFactory, BusinessUnitFactory, PricingTierFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [account.name for account in response.context["page"].object_list]


@pytest.fixture
def portfolio(account_manager):
    """Three accounts of one KAM and one of another, with different industries, units and grades."""
    gold = PricingTierFactory(name="Gold", rank=1)
    finance = BusinessUnitFactory(name="Finance unit")
    alpha = AccountFactory(name="Alpha", industry="finance", vertical_unit=finance, grade=gold, revenue_ttm=300, is_key_account=True)
    beta = AccountFactory(name="Beta", industry="retail", revenue_ttm=100)
    gamma = AccountFactory(name="Gamma", industry="finance", revenue_ttm=200)
    for account in (alpha, beta, gamma):
        TeamMemberFactory(account=account, user=account_manager)
    other_kam = UserFactory(username="kam-two")
    delta = AccountFactory(name="Delta", industry="energy", revenue_ttm=50)
    TeamMemberFactory(account=delta, user=other_kam)
    return {"gold": gold, "finance": finance, "other_kam": other_kam}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"industry": "finance"}, ["Alpha", "Gamma"]),
        ({"key": "yes"}, ["Alpha"]),
        ({"key": "no"}, ["Gamma", "Beta", "Delta"]),
        ({"q": "amm"}, ["Gamma"]),
    ],
)
def test_executive_filters_the_account_list(client_for, executive, portfolio, params, expected):
    assert names(client_for(executive).get(reverse("accounts:home"), params)) == expected


def test_filters_by_vertical_unit_grade_and_owner(client_for, executive, portfolio, account_manager):
    client = client_for(executive)
    assert names(client.get(reverse("accounts:home"), {"vertical_unit": portfolio["finance"].pk})) == ["Alpha"]
    assert names(client.get(reverse("accounts:home"), {"grade": portfolio["gold"].pk})) == ["Alpha"]
    assert names(client.get(reverse("accounts:home"), {"owner": portfolio["other_kam"].pk})) == ["Delta"]
    assert sorted(names(client.get(reverse("accounts:home"), {"owner": account_manager.pk}))) == ["Alpha", "Beta", "Gamma"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["Alpha", "Beta", "Delta", "Gamma"]), ("-name", ["Gamma", "Delta", "Beta", "Alpha"]),
     ("revenue", ["Delta", "Beta", "Gamma", "Alpha"]), ("-revenue", ["Alpha", "Gamma", "Beta", "Delta"])],
)
def test_the_list_sorts_by_column(client_for, executive, portfolio, sort, expected):
    assert names(client_for(executive).get(reverse("accounts:home"), {"sort": sort})) == expected


def test_sorting_keeps_the_filters_in_the_column_links(client_for, executive, portfolio):
    response = client_for(executive).get(reverse("accounts:home"), {"industry": "finance", "sort": "name"})
    assert "?industry=finance&amp;sort=-name" in response.text


def test_account_manager_filters_only_within_their_accounts(client_for, account_manager, portfolio):
    response = client_for(account_manager).get(reverse("accounts:home"), {"industry": "energy"})
    assert names(response) == []
    assert "No account matches these filters." in response.text


def test_pareto_view_ranks_by_revenue_with_cumulative_share_and_candidates(client_for, executive):
    for name, revenue in (("Big", 600), ("Mid", 250), ("Small", 100), ("Tiny", 50), ("None", 0)):
        AccountFactory(name=name, revenue_ttm=Decimal(revenue))
    response = client_for(executive).get(reverse("accounts:pareto"))
    rows = [(r["account"].name, r["cumulative"], r["pareto_class"], r["is_candidate"]) for r in response.context["rows"]]
    assert rows == [
        ("Big", Decimal(60), "A", True),
        ("Mid", Decimal(85), "A", True),
        ("Small", Decimal(95), "B", False),
        ("Tiny", Decimal(100), "C", False),
        ("None", Decimal(100), "C", False),
    ]
    assert response.context["total"] == Decimal(1000)
    assert "Flag Big as key account" in response.text


def test_account_manager_sees_company_wide_shares_for_their_own_accounts_only(client_for, account_manager, other_account):
    mine = AccountFactory(name="Mine", revenue_ttm=Decimal(100))
    TeamMemberFactory(account=mine, user=account_manager)
    Account.objects.filter(pk=other_account.pk).update(revenue_ttm=Decimal(300))
    response = client_for(account_manager).get(reverse("accounts:pareto"))
    assert [(r["account"].name, r["share"], r["rank"]) for r in response.context["rows"]] == [("Mine", Decimal(25), 2)]
    assert "Flag Mine as key account" not in response.text


@pytest.mark.parametrize("role_fixture", ["executive", "kam_admin"])
def test_executives_and_admins_flag_and_unflag_key_accounts(request, client_for, account, role_fixture):
    client = client_for(request.getfixturevalue(role_fixture))
    url = reverse("accounts:key-account-flag", args=[account.pk])
    response = client.post(url, {"is_key_account": "1"}, headers={"HX-Request": "true"})
    account.refresh_from_db()
    assert account.is_key_account
    assert f'id="key-flag-{account.pk}"' in response.text and "<html" not in response.text
    client.post(url, {"is_key_account": "0"})
    account.refresh_from_db()
    assert not account.is_key_account


def test_account_manager_may_not_flag_their_own_account(client_for, account, account_manager):
    assert client_for(account_manager).post(reverse("accounts:key-account-flag", args=[account.pk]), {"is_key_account": "1"}).status_code == 403
    account.refresh_from_db()
    assert not account.is_key_account


def test_account_manager_of_other_accounts_gets_404_when_flagging(client_for, account, other_account_manager):
    url = reverse("accounts:key-account-flag", args=[account.pk])
    assert client_for(other_account_manager).post(url, {"is_key_account": "1"}).status_code == 404


def test_flagging_needs_a_post(client_for, account, executive):
    assert client_for(executive).get(reverse("accounts:key-account-flag", args=[account.pk])).status_code == 405


def test_pareto_view_shows_a_page_of_rows_with_counts_over_every_account(client_for, executive, monkeypatch):
    monkeypatch.setattr("accounts.selectors.lists.PARETO_PAGE_SIZE", 2)
    for name, revenue in (("Big", 600), ("Mid", 250), ("Small", 100), ("Tiny", 50), ("None", 0)):
        AccountFactory(name=name, revenue_ttm=Decimal(revenue), is_key_account=name == "Big")
    client = client_for(executive)
    first = client.get(reverse("accounts:pareto"))
    assert [r["account"].name for r in first.context["rows"]] == ["Big", "Mid"]
    assert (first.context["candidates"], first.context["flagged"], first.context["mismatched"]) == (2, 1, 1)
    assert len(first.context["chart"]["labels"]) == 5
    last = client.get(reverse("accounts:pareto"), {"page": 3})
    assert [(r["account"].name, r["rank"], r["cumulative"]) for r in last.context["rows"]] == [("None", 5, Decimal(100))]


@pytest.mark.parametrize("size", [3, 120])
def test_pareto_query_count_does_not_grow(client_for, executive, django_assert_max_num_queries, size):
    unit = BusinessUnitFactory(name="Bulk unit")
    Account.objects.bulk_create(
        [Account(name=f"Bulk {i:03d}", industry="finance", vertical_unit=unit, revenue_ttm=Decimal(1000 - i), is_key_account=i % 3 == 0) for i in range(size)]
    )
    client = client_for(executive)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:pareto"))
    assert response.status_code == 200
    assert response.text.count('name="is_key_account"') == min(size, 100)
    assert "Unflag Bulk 000 as key account" in response.text and "Flag Bulk 001 as key account" in response.text
