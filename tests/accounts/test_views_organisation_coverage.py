"""Coverage across accounts: the customer's decision makers by level, covered one-to-one by our people of the same level."""

import pytest
from django.urls import reverse

from accounts.models import Contact
from accounts.selectors_org import organisation_coverage
from tests.factories import AccountFactory, ContactFactory, RelationshipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _world():
    account = AccountFactory(name="Coverage Co", is_key_account=True)
    our_exec = UserFactory(username="ourexec", level="executive")
    our_staff = UserFactory(username="ourstaff", level="staff")
    ceo = ContactFactory(account=account, level="executive", is_decision_maker=True)
    cfo = ContactFactory(account=account, level="executive", is_decision_maker=True)
    head = ContactFactory(account=account, level="manager", is_decision_maker=True)
    ContactFactory(account=account, level="executive", is_decision_maker=False)  # not a decision maker
    ContactFactory(account=account, level="manager", is_decision_maker=True, status=Contact.Status.LEFT, left_on="2026-01-01")
    RelationshipFactory(user=our_exec, contact=ceo)
    RelationshipFactory(user=our_staff, contact=cfo)  # a staff member on an executive: not one-to-one
    RelationshipFactory(user=our_staff, contact=head)  # nor here
    return account


def test_coverage_counts_same_level_relationships_only(kam_admin):
    account = _world()
    data = organisation_coverage(user=kam_admin, key_only=False, page_number=1)
    row = next(a for a in data["page"].object_list if a.pk == account.pk)
    executive, manager, staff = row.coverage
    assert (executive["covered"], executive["total"], executive["share"]) == (1, 2, 50)
    assert (manager["covered"], manager["total"]) == (0, 1) and manager["heat"] == "zero"
    assert staff["total"] == 0 and staff["heat"] == "none"
    summary = {cell["level"].value: (cell["covered"], cell["total"]) for cell in data["summary"]}
    assert summary == {"executive": (1, 2), "manager": (0, 1), "staff": (0, 0)}


def test_deactivated_counterpart_no_longer_covers(kam_admin):
    account = _world()
    from accounts.models import User

    User.objects.filter(username="ourexec").update(is_active=False)
    data = organisation_coverage(user=kam_admin, key_only=True, page_number=1)
    row = next(a for a in data["page"].object_list if a.pk == account.pk)
    assert row.coverage[0]["covered"] == 0


@pytest.mark.parametrize("accounts", [2, 60])
def test_coverage_page_queries_do_not_grow(client, kam_admin, accounts, django_assert_max_num_queries):
    for i in range(accounts):
        account = AccountFactory(name=f"Heat {i:03d}")
        contact = ContactFactory(account=account, level="executive", is_decision_maker=True)
        RelationshipFactory(user=UserFactory(username=f"u{i}", level="executive"), contact=contact)
    client.force_login(kam_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:organisation-coverage"), {"page": "1"})
    assert response.status_code == 200 and "Heat 000" in response.content.decode()


def test_coverage_roles(client, executive, account_manager):
    client.force_login(executive)
    assert client.get(reverse("accounts:organisation-coverage"), {"key": "1", "page": "x"}).status_code == 200
    client.force_login(account_manager)
    assert client.get(reverse("accounts:organisation-coverage")).status_code == 403
