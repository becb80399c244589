import pytest
from django.urls import reverse

from tests.factories import ContactFactory, OpportunityFactory, OrgUnitFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(account):
    return reverse("accounts:detail", args=[account.pk])


def test_team_member_opens_account_and_may_edit(client_for, account, account_manager):
    response = client_for(account_manager).get(url(account))
    assert response.status_code == 200
    assert "한빛전자" in response.text
    assert "You are on this account's team" in response.text


def test_account_manager_of_other_accounts_gets_404(client_for, account, other_account_manager):
    assert client_for(other_account_manager).get(url(account)).status_code == 404


def test_executive_reads_any_account_read_only(client_for, account, executive):
    response = client_for(executive).get(url(account))
    assert response.status_code == 200
    assert "Read only" in response.text


def test_admin_opens_any_account(client_for, account, kam_admin):
    assert client_for(kam_admin).get(url(account)).status_code == 200


def test_anonymous_is_sent_to_login(client, account):
    response = client.get(url(account))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_account_is_404(client_for, executive):
    assert client_for(executive).get(reverse("accounts:detail", args=[999999])).status_code == 404


def test_pipeline_totals_by_tier_count_only_open_opportunities(client_for, account, account_manager):
    OpportunityFactory(account=account, tier=2, amount=300_000_000)
    OpportunityFactory(account=account, tier=2, amount=200_000_000)
    OpportunityFactory(account=account, tier=2, amount=900_000_000, stage="won")
    response = client_for(account_manager).get(url(account))
    tier2 = next(row for row in response.context["pipeline"] if row["tier"] == 2)
    assert tier2["count"] == 2 and tier2["amount"] == 500_000_000


def test_contact_names_are_escaped(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account)
    contact = ContactFactory(account=account, org_unit=unit, name="<script>alert(1)</script>")
    OpportunityFactory(account=account, name="<b>bold</b>", sponsor_unit=unit)
    response = client_for(account_manager).get(url(account))
    assert "<b>bold</b>" not in response.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in response.text
    assert contact.name not in response.text


@pytest.mark.parametrize("size", [3, 60])
def test_account_page_query_count_is_fixed(client_for, account, account_manager, django_assert_max_num_queries, size):
    unit = OrgUnitFactory(account=account)
    for number in range(size):
        ContactFactory(account=account, org_unit=unit)
        OpportunityFactory(account=account, sponsor_unit=unit, tier=number % 4 + 1)
        TeamMemberFactory(account=account, user=UserFactory(), role="sales_rep")
    client = client_for(account_manager)
    with django_assert_max_num_queries(15):
        assert client.get(url(account)).status_code == 200
