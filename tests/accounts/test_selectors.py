import pytest
from django.http import Http404

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from accounts.models import Account, Contact, Order
from accounts.selectors import account_get_for_user, accounts_visible_to, user_can_edit_account, visible_q, visible_rows
from tests.factories import AccountFactory, ContactFactory, OrderFactory, TeamMemberFactory, make_account_manager

pytestmark = pytest.mark.django_db


def test_account_manager_sees_accounts_of_their_teams_only(account, other_account, account_manager):
    assert list(accounts_visible_to(account_manager)) == [account]


def test_sales_rep_on_team_sees_that_account(account):
    rep = make_account_manager(username="rep")
    TeamMemberFactory(account=account, user=rep, role="sales_rep")
    assert list(accounts_visible_to(rep)) == [account]


def test_executive_and_admin_see_all(account, other_account, executive, kam_admin):
    assert accounts_visible_to(executive).count() == 2
    assert accounts_visible_to(kam_admin).count() == 2


def test_user_with_two_memberships_sees_account_once(account, account_manager):
    TeamMemberFactory(account=AccountFactory(), user=account_manager)
    assert accounts_visible_to(account_manager).count() == 2


def test_anonymous_sees_nothing(account):
    from django.contrib.auth.models import AnonymousUser

    assert not accounts_visible_to(AnonymousUser()).exists()


def test_account_get_for_user_hides_foreign_account(account, other_account_manager):
    with pytest.raises(Http404):
        account_get_for_user(user=other_account_manager, account_id=account.pk)


def test_only_team_and_admins_may_edit(account, account_manager, executive, kam_admin, other_account_manager):
    assert user_can_edit_account(user=account_manager, account=account)
    assert user_can_edit_account(user=kam_admin, account=account)
    assert not user_can_edit_account(user=executive, account=account)
    assert not user_can_edit_account(user=other_account_manager, account=account)


def test_korean_names_read_family_name_first():
    from accounts.models import User

    assert User(first_name="서연", last_name="김").get_full_name() == "김서연"
    assert str(User(first_name="Jane", last_name="Park", username="jp")) == "Jane Park"
    assert str(User(username="solo")) == "solo"


def test_visible_rows_keeps_the_same_rows_as_visible_q_each_once_with_its_account_key(
    account, other_account, account_manager, other_account_manager, executive
):
    # Others on the same team must not repeat a row through the join.
    TeamMemberFactory(account=account, user=other_account_manager, role="sales_rep")
    TeamMemberFactory(account=account, user=make_account_manager(username="eng"), role="engineer")
    for acc in (account, other_account):
        ContactFactory(account=acc)
        ContactFactory(account=acc)
    nobody = make_account_manager(username="nobody")
    for user in (account_manager, other_account_manager, executive, nobody, AnonymousUser()):
        rows = visible_rows(Contact.objects.all(), user).order_by("account_key", "id")
        expected = Contact.objects.filter(visible_q(user)).order_by("account_id", "id") if user.is_authenticated else []
        assert [(c.pk, c.account_key) for c in rows] == [(c.pk, c.account_id) for c in expected], user
    accounts = visible_rows(Account.objects.all(), other_account_manager, "pk")
    assert sorted((a.pk, a.account_key) for a in accounts) == sorted((a.pk, a.pk) for a in (account, other_account))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_an_account_managers_page_is_read_down_their_team_index_not_sorted_whole(account, account_manager):
    # With the IN list of visible_q, SQLite first reads every account of the user; with the join it walks
    # the user's team rows in order and sorts only each account's own rows.
    for _ in range(3):
        OrderFactory(account=account)
    rows = visible_rows(Order.objects.all(), account_manager).order_by("account_key", "id")[:51]
    plan = rows.explain()
    assert "team_user_account_idx" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
