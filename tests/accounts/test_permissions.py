"""The roles' rules (accounts.permissions), as the README's table says: one row per kind of user."""

import pytest

from accounts.models import AccountTeamMember
from accounts.permissions import (
    accounts_editable_by,
    accounts_not_editable_by,
    role_records_interactions,
    role_writes_account_data,
    user_can_decide_plans,
    user_can_edit_account,
    user_can_record_interaction,
    user_can_sign_off_reviews,
)
from tests.factories import AccountFactory, TeamMemberFactory, make_account_manager, make_admin, make_executive

pytestmark = pytest.mark.django_db

Role = AccountTeamMember.Role

# who: (how the user is made, their role on the account's team or None)
PEOPLE = {
    "admin": (make_admin, None),
    "executive off the team": (make_executive, None),
    "executive sponsor on the team": (make_executive, Role.EXECUTIVE_SPONSOR),
    "executive on the team as KAM": (make_executive, Role.KAM),
    "account manager, KAM on the team": (make_account_manager, Role.KAM),
    "account manager off the team": (make_account_manager, None),
    "sales rep on the team": (make_account_manager, Role.SALES_REP),
    "engineer on the team": (make_account_manager, Role.ENGINEER),
    "account manager as executive sponsor": (make_account_manager, Role.EXECUTIVE_SPONSOR),
}
#                                                 edits  records interactions  decides/signs off
RULES = {
    "admin":                                      (True,  True,  False),
    "executive off the team":                     (False, False, True),
    "executive sponsor on the team":              (False, True,  True),
    "executive on the team as KAM":               (False, True,  True),
    "account manager, KAM on the team":           (True,  True,  False),
    "account manager off the team":               (False, False, False),
    "sales rep on the team":                      (True,  True,  False),
    "engineer on the team":                       (True,  True,  False),
    "account manager as executive sponsor":       (False, True,  False),
}


@pytest.mark.parametrize("who", PEOPLE)
def test_each_kind_of_user_may_do_what_the_table_says(who):
    account = AccountFactory()
    make, team_role = PEOPLE[who]
    user = make()
    if team_role is not None:
        TeamMemberFactory(account=account, user=user, role=team_role)
    edits, records, decides = RULES[who]
    assert user_can_edit_account(user=user, account=account) is edits
    assert user_can_record_interaction(user=user, account=account) is records
    assert user_can_decide_plans(user) is decides
    assert user_can_sign_off_reviews(user) is decides
    assert (account in accounts_editable_by(user)) is edits
    assert accounts_not_editable_by(user, [account.pk]) == (set() if edits else {account.pk})


def test_an_executive_writes_nowhere_and_records_interactions_only_where_on_a_team():
    executive = make_executive()
    assert not role_writes_account_data(executive)
    assert not role_records_interactions(executive)
    TeamMemberFactory(account=AccountFactory(), user=executive, role=Role.EXECUTIVE_SPONSOR)
    assert role_records_interactions(executive)
    assert not accounts_editable_by(executive).exists()


def test_an_account_manager_on_no_team_edits_nothing_but_is_not_refused_by_role():
    """Their writes go on to the record, which they cannot see: 404, not 403."""
    manager = make_account_manager()
    assert role_writes_account_data(manager)
    assert not accounts_editable_by(manager).exists()
