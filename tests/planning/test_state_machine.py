"""The plan's state machine: every status × action × role, allowed or refused, from one table."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planning.models import PlanStatus
from planning.services import TRANSITIONS, Actor, PlanAction, allowed_actions, transition_for
from tests.factories import AccountPlanFactory

pytestmark = pytest.mark.django_db

ROLES = ("team", "other_account_manager", "executive", "admin")
EXPECTED = {
    (PlanStatus.DRAFT, PlanAction.SUBMIT): (PlanStatus.SUBMITTED, Actor.TEAM),
    (PlanStatus.CHANGES_REQUESTED, PlanAction.SUBMIT): (PlanStatus.SUBMITTED, Actor.TEAM),
    (PlanStatus.SUBMITTED, PlanAction.APPROVE): (PlanStatus.APPROVED, Actor.EXECUTIVE),
    (PlanStatus.SUBMITTED, PlanAction.REQUEST_CHANGES): (PlanStatus.CHANGES_REQUESTED, Actor.EXECUTIVE),
    (PlanStatus.SUBMITTED, PlanAction.REJECT): (PlanStatus.REJECTED, Actor.EXECUTIVE),
    (PlanStatus.APPROVED, PlanAction.REVISE): (PlanStatus.DRAFT, Actor.TEAM),
    (PlanStatus.REJECTED, PlanAction.REVISE): (PlanStatus.DRAFT, Actor.TEAM),
    (PlanStatus.APPROVED, PlanAction.CLOSE): (PlanStatus.CLOSED, Actor.TEAM),
}
# Who counts as which actor: the account's team and admins write plans; executives decide.
MAY_ACT = {
    Actor.TEAM: {"team", "admin"},
    Actor.EXECUTIVE: {"executive"},
}


def test_the_transitions_table_is_exactly_the_documented_one():
    assert {(t.source, t.action): (t.target, t.actor) for t in TRANSITIONS} == EXPECTED


@pytest.fixture
def users(account_manager, other_account_manager, executive, kam_admin):
    return {"team": account_manager, "other_account_manager": other_account_manager, "executive": executive, "admin": kam_admin}


@pytest.mark.parametrize("status", PlanStatus.values)
@pytest.mark.parametrize("action", PlanAction.values)
@pytest.mark.parametrize("role", ROLES)
def test_every_transition_is_allowed_only_from_its_status_and_for_its_role(users, account, other_account, status, action, role):
    plan = AccountPlanFactory(account=account, status=status)
    user = users[role]
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(ValidationError):
            transition_for(plan=plan, action=action, acting_user=user)
        assert action not in allowed_actions(plan=plan, user=user)
    elif role in MAY_ACT[expected[1]]:
        transition = transition_for(plan=plan, action=action, acting_user=user)
        assert transition.target == expected[0]
        assert action in allowed_actions(plan=plan, user=user)
    else:
        with pytest.raises(PermissionDenied):
            transition_for(plan=plan, action=action, acting_user=user)
        assert action not in allowed_actions(plan=plan, user=user)


def test_forbidden_transition_message_names_status_and_action(account, account_manager):
    plan = AccountPlanFactory(account=account, status=PlanStatus.CLOSED)
    with pytest.raises(ValidationError, match="Closed"):
        transition_for(plan=plan, action=PlanAction.SUBMIT, acting_user=account_manager)
