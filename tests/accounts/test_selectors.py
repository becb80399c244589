import pytest
from django.http import Http404

from accounts.selectors import account_get_for_user, accounts_visible_to, user_can_edit_account
from tests.factories import AccountFactory, TeamMemberFactory, make_account_manager

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
