"""The plan's state machine: every status × action × role, allowed or refused, from one table."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AccountTeamMember, User
from accounts.roles import Role
from planning import services
from planning.authorship import version_authors
from planning.models import Decision, PlanStatus
from planning.services import TRANSITIONS, Actor, PlanAction, allowed_actions, transition_for
from tests.factories import AccountPlanFactory, TeamMemberFactory, make_complete_plan, make_executive

pytestmark = pytest.mark.django_db

# team: the account's KAM; sponsor: an executive on the account's team as executive sponsor.
ROLES = ("team", "other_account_manager", "executive", "sponsor", "admin")
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
# Who counts as which actor: the account's team and admins write plans; executives decide, on the
# account's team or not, and write nothing.
MAY_ACT = {
    Actor.TEAM: {"team", "admin"},
    Actor.EXECUTIVE: {"executive", "sponsor"},
}


def test_the_transitions_table_is_exactly_the_documented_one():
    assert {(t.source, t.action): (t.target, t.actor) for t in TRANSITIONS} == EXPECTED


@pytest.fixture
def sponsor(account):
    user = make_executive(username="sponsor")
    TeamMemberFactory(account=account, user=user, role=AccountTeamMember.Role.EXECUTIVE_SPONSOR)
    return user


@pytest.fixture
def users(account_manager, other_account_manager, executive, sponsor, kam_admin):
    return {
        "team": account_manager, "other_account_manager": other_account_manager, "executive": executive,
        "sponsor": sponsor, "admin": kam_admin,
    }


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


# --- Separation of duties: nobody decides on a plan version they submitted or edited ------------

DECISIONS = (Decision.Outcome.APPROVED, Decision.Outcome.CHANGES_REQUESTED, Decision.Outcome.REJECTED)


def _decide(version, outcome, user):
    return services.plan_decide(version=version, outcome=outcome, acting_user=user, comment="Reason.")


def promote(user: User) -> User:
    """The user made an executive too (as after a promotion): a fresh object, without cached roles."""
    user.groups.add(Group.objects.get_or_create(name=Role.EXECUTIVE)[0])
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("outcome", DECISIONS)
def test_the_submitter_may_not_decide_on_their_version(account, account_manager, outcome):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    plan.refresh_from_db()
    promoted = promote(account_manager)
    with pytest.raises(PermissionDenied, match="another executive"):
        _decide(version, outcome, promoted)
    assert not Decision.objects.exists()
    assert not set(services.DECISION_ACTIONS.values()) & allowed_actions(plan=plan, user=promoted)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("outcome", DECISIONS)
def test_an_editor_of_the_version_may_not_decide_on_it(account, account_manager, executive, kam_admin, outcome):
    """An admin who is also an executive edits a step; another team member submits: the admin may not decide."""
    editor = promote(kam_admin)
    plan = make_complete_plan(account=account, user=account_manager)
    services.plan_step_save(
        plan=plan, step=1, acting_user=editor, expected_lock_version=plan.lock_version,
        fields={"org_review_notes": "Read by the admin."},
    )
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    assert editor.pk in version_authors(version=version)
    with pytest.raises(PermissionDenied):
        _decide(version, outcome, editor)
    # Another executive, who neither submitted nor edited it, decides.
    assert _decide(version, outcome, executive).decided_by == executive


def test_an_editor_of_a_content_row_counts_and_a_decision_does_not(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    _decide(version, Decision.Outcome.CHANGES_REQUESTED, executive)
    plan.refresh_from_db()
    # The executive's decision moved the plan's status: a status move is not an edit of the next version.
    second = services.plan_submit(plan=plan, acting_user=account_manager)
    assert executive.pk not in version_authors(version=second)
    assert account_manager.pk in version_authors(version=second)
    assert _decide(second, Decision.Outcome.APPROVED, executive).outcome == Decision.Outcome.APPROVED


def test_the_decision_stays_with_executives_who_did_not_write_the_plan(account, account_manager, executive, sponsor):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    assert services.decision_allowed(version=version, user=executive)
    assert services.decision_allowed(version=version, user=sponsor)
    assert not services.decision_allowed(version=version, user=account_manager)


def test_an_author_of_the_reviewed_version_may_not_sign_the_review_off(account, account_manager, executive):
    plan = make_complete_plan(account=account, user=account_manager)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    _decide(version, Decision.Outcome.APPROVED, executive)
    plan.refresh_from_db()
    review, _created = services.quarterly_review_create(plan=plan, quarter=1)
    promoted = promote(account_manager)
    assert not services.review_sign_off_allowed(review=review, user=promoted)
    with pytest.raises(PermissionDenied):
        services.quarterly_review_sign_off(review=review, acting_user=promoted)
    assert services.quarterly_review_sign_off(review=review, acting_user=executive).signed_off_by == executive


@pytest.mark.parametrize("status", PlanStatus.values)
@pytest.mark.parametrize("role", ROLES)
def test_allowed_actions_told_the_users_right_are_those_it_finds_itself(users, account, status, role):
    from planning.selectors.plans import user_can_edit_plan

    plan = AccountPlanFactory(account=account, status=status)
    user = users[role]
    can_edit = user_can_edit_plan(user=user, plan=plan)
    assert allowed_actions(plan=plan, user=user, can_edit=can_edit) == allowed_actions(plan=plan, user=user)
