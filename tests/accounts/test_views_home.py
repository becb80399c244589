import pytest
from django.urls import reverse

from tests.factories import AccountFactory, OpportunityFactory, TeamMemberFactory, make_account_manager

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_open_to_anonymous_users(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_login_form_signs_in_and_lands_on_account_list(client, account, account_manager):
    response = client.post(reverse("login"), {"username": "am-user", "password": "kamdemo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    assert "한빛전자" in response.text


def test_login_with_wrong_password_shows_message(client, account_manager):
    response = client.post(reverse("login"), {"username": "am-user", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_account_manager_sees_only_own_accounts(client_for, account, other_account, account_manager):
    response = client_for(account_manager).get(reverse("accounts:home"))
    assert "한빛전자" in response.text
    assert "Nordwind Logistics Korea" not in response.text


@pytest.mark.parametrize("role_fixture", ["executive", "kam_admin"])
def test_executives_and_admins_see_every_account(request, client_for, account, other_account, role_fixture):
    response = client_for(request.getfixturevalue(role_fixture)).get(reverse("accounts:home"))
    assert "한빛전자" in response.text
    assert "Nordwind Logistics Korea" in response.text


def test_user_on_no_team_sees_helpful_empty_state(client_for, account):
    loner = make_account_manager(username="loner")
    response = client_for(loner).get(reverse("accounts:home"))
    assert "You are not on any account team yet." in response.text


def test_search_filters_by_korean_or_english_name(client_for, executive, account, other_account):
    client = client_for(executive)
    assert "Nordwind" not in client.get(reverse("accounts:home"), {"q": "hanbit"}).text
    response = client.get(reverse("accounts:home"), {"q": "한빛"})
    assert "한빛전자" in response.text and "Nordwind" not in response.text
    assert "No account matches" in client.get(reverse("accounts:home"), {"q": "zzz"}).text


def test_list_is_paginated_and_keeps_the_search(client_for, executive):
    for number in range(30):
        AccountFactory(name=f"Paged {number:02d}")
    response = client_for(executive).get(reverse("accounts:home"), {"q": "Paged"})
    assert "Page 1 of 2" in response.text
    assert "?q=Paged&amp;page=2" in response.text


@pytest.mark.parametrize("count", [3, 300])
def test_account_list_query_count_does_not_grow_with_accounts(
    client_for, account_manager, django_assert_max_num_queries, count
):
    for _ in range(count):
        account = AccountFactory()
        TeamMemberFactory(account=account, user=account_manager)
        OpportunityFactory(account=account)
    client = client_for(account_manager)
    # session, user, roles, the portfolio stamp and (until the next write) the list's ordered ids, the page's
    # accounts by key, their KAMs, their open pipeline, for the filters' choices the stamp again and (until the
    # next write) the owners (the KAMs of the visible accounts), vertical units and grades, and "My work"
    # (planning's home section: the plans stamp and, until the next write to plans, its counts: none here)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("accounts:home"))
    assert response.status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("accounts:home")).status_code == 200


def test_home_page_renders_in_korean(client_for, account_manager, account):
    client = client_for(account_manager)
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    response = client.get(reverse("accounts:home"))
    assert "어카운트" in response.text
    assert 'lang="ko"' in response.text


@pytest.mark.parametrize("sort", ["", "-pipeline"])
def test_account_list_shows_open_pipeline_whatever_the_sort(client_for, executive, sort):
    from decimal import Decimal

    account = AccountFactory(name="Piped")
    OpportunityFactory(account=account, amount=Decimal(70_000_000), stage="proposal")
    OpportunityFactory(account=account, amount=Decimal(5_000_000), stage="won")
    response = client_for(executive).get(reverse("accounts:home"), {"sort": sort} if sort else {})
    row = next(a for a in response.context["page"].object_list if a.pk == account.pk)
    assert row.open_pipeline == Decimal(70_000_000)


def test_sorting_by_pipeline_follows_a_new_opportunity_at_once(client_for, executive):
    from decimal import Decimal

    small, large = AccountFactory(name="Small pipe"), AccountFactory(name="Large pipe")
    OpportunityFactory(account=large, amount=Decimal(50_000_000), stage="proposal")
    client = client_for(executive)
    names = lambda: [a.name for a in client.get(reverse("accounts:home"), {"sort": "-pipeline"}).context["page"].object_list]  # noqa: E731
    assert names()[:2] == ["Large pipe", "Small pipe"]
    OpportunityFactory(account=small, amount=Decimal(90_000_000), stage="rfq")
    assert names()[:2] == ["Small pipe", "Large pipe"]
    # Each filter is a cache entry of its own.
    page_two = client.get(reverse("accounts:home"), {"sort": "-pipeline", "q": "Large"}).context["page"].object_list
    assert [a.name for a in page_two] == ["Large pipe"]
