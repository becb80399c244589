"""The organisation's writes: units, account moves, teams and the KAM, levels, handovers; each recorded."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import services_org
from accounts.models import AccountTeamMember, BusinessUnit, Level, OrganisationEvent
from notifications.models import Notification, NotificationKind
from planning.models import ActionItem, PlanStatus, QuarterlyReview
from tests.factories import (
    AccountFactory,
    AccountPlanFactory,
    ActionItemFactory,
    BusinessUnitFactory,
    TeamMemberFactory,
    make_account_manager,
)

pytestmark = pytest.mark.django_db
Role = AccountTeamMember.Role
Kind = OrganisationEvent.Kind


def test_unit_create_records_who_and_what(kam_admin):
    unit = services_org.unit_create(name="  Finance   sector ", kind="vertical", acting_user=kam_admin)
    assert unit.name == "Finance sector"
    event = OrganisationEvent.objects.get()
    assert (event.kind, event.acting_user, event.subject, event.unit) == (Kind.UNIT_CREATED, kam_admin, "Finance sector", unit)


def test_only_admins_change_the_organisation(executive, account_manager):
    for user in (executive, account_manager):
        with pytest.raises(PermissionDenied):
            services_org.unit_create(name="X", kind="vertical", acting_user=user)
    assert not BusinessUnit.objects.filter(name="X").exists()


def test_unit_parent_must_be_same_kind_and_no_cycle(kam_admin):
    vertical = services_org.unit_create(name="Industry", kind="vertical", acting_user=kam_admin)
    with pytest.raises(ValidationError):
        services_org.unit_create(name="Cloud", kind="horizontal", parent=vertical, acting_user=kam_admin)
    child = services_org.unit_create(name="Banks", kind="vertical", parent=vertical, acting_user=kam_admin)
    vertical.parent = child
    with pytest.raises(ValidationError):
        vertical.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessUnit.objects.filter(pk=vertical.pk).update(parent=vertical)


def test_unit_name_unique_case_insensitive(kam_admin):
    services_org.unit_create(name="Energy", kind="vertical", acting_user=kam_admin)
    with pytest.raises(ValidationError):
        services_org.unit_create(name="energy", kind="vertical", acting_user=kam_admin)


def test_rename_records_before_and_after(kam_admin):
    unit = services_org.unit_create(name="Telco", kind="vertical", acting_user=kam_admin)
    services_org.unit_rename(unit=unit, name="Telecommunications", acting_user=kam_admin)
    event = OrganisationEvent.objects.filter(kind=Kind.UNIT_RENAMED).get()
    assert (event.before, event.after) == ("Telco", "Telecommunications")


def test_merge_moves_accounts_people_children_and_closes_source(kam_admin):
    source = BusinessUnitFactory(name="Old")
    target = BusinessUnitFactory(name="New")
    child = BusinessUnitFactory(name="Old child", parent=source)
    accounts = [AccountFactory(vertical_unit=source) for _ in range(3)]
    person = make_account_manager(username="p")
    person.business_unit = source
    person.save()
    services_org.unit_merge(source=source, target=target, acting_user=kam_admin)
    source.refresh_from_db()
    child.refresh_from_db()
    person.refresh_from_db()
    assert not source.is_active and source.closed_at
    assert child.parent == target and person.business_unit == target
    assert {a.vertical_unit_id for a in type(accounts[0]).objects.filter(pk__in=[a.pk for a in accounts])} == {target.pk}
    assert OrganisationEvent.objects.filter(kind=Kind.UNIT_MERGED, unit=target).exists()


def test_merge_refuses_other_kind_and_own_descendant(kam_admin):
    vertical = BusinessUnitFactory(name="V")
    horizontal = BusinessUnitFactory(name="H", kind="horizontal")
    child = BusinessUnitFactory(name="V child", parent=vertical)
    with pytest.raises(ValidationError):
        services_org.unit_merge(source=vertical, target=horizontal, acting_user=kam_admin)
    with pytest.raises(ValidationError):
        services_org.unit_merge(source=vertical, target=child, acting_user=kam_admin)
    assert BusinessUnit.objects.get(pk=vertical.pk).is_active


def test_close_refuses_a_unit_with_accounts(kam_admin, account):
    unit = account.vertical_unit
    with pytest.raises(ValidationError):
        services_org.unit_close(unit=unit, acting_user=kam_admin)
    empty = BusinessUnitFactory(name="Empty")
    services_org.unit_close(unit=empty, acting_user=kam_admin)
    assert not BusinessUnit.objects.get(pk=empty.pk).is_active


def test_account_move_records_units(kam_admin, account):
    before = account.vertical_unit.name
    target = BusinessUnitFactory(name="Target")
    services_org.account_move(account=account, unit=target, acting_user=kam_admin)
    account.refresh_from_db()
    assert account.vertical_unit == target
    event = OrganisationEvent.objects.get(kind=Kind.ACCOUNT_MOVED)
    assert (event.before, event.after, event.account) == (before, "Target", account)


def test_account_move_refuses_horizontal_or_closed_unit(kam_admin, account):
    for unit in (BusinessUnitFactory(name="H", kind="horizontal"), BusinessUnit.objects.create(name="Closed", kind="vertical", is_active=False, closed_at="2026-01-01T00:00Z")):
        with pytest.raises(ValidationError):
            services_org.account_move(account=account, unit=unit, acting_user=kam_admin)


def test_kam_replaced_in_one_step_previous_stays_as_sales_rep(kam_admin, account, account_manager):
    new = make_account_manager(username="new-kam")
    services_org.kam_set(account=account, user=new, acting_user=kam_admin)
    roles = dict(AccountTeamMember.objects.filter(account=account).values_list("user__username", "role"))
    assert roles == {"am-user": Role.SALES_REP, "new-kam": Role.KAM}
    event = OrganisationEvent.objects.get(kind=Kind.KAM_SET)
    assert (event.before, event.after) == (str(account_manager), str(new))


def test_kam_replaced_previous_leaves(kam_admin, account):
    new = make_account_manager(username="new-kam")
    services_org.kam_set(account=account, user=new, previous_stays=False, acting_user=kam_admin)
    assert list(AccountTeamMember.objects.filter(account=account).values_list("user__username", "role")) == [("new-kam", Role.KAM)]


def test_team_member_add_change_remove(kam_admin, account):
    engineer = make_account_manager(username="eng")
    services_org.team_member_set(account=account, user=engineer, role=Role.ENGINEER, acting_user=kam_admin)
    services_org.team_member_set(account=account, user=engineer, role=Role.EXECUTIVE_SPONSOR, acting_user=kam_admin)
    member = AccountTeamMember.objects.get(account=account, user=engineer)
    assert member.role == Role.EXECUTIVE_SPONSOR
    services_org.team_member_remove(member=member, acting_user=kam_admin)
    assert list(OrganisationEvent.objects.order_by("id").values_list("kind", flat=True)) == [Kind.MEMBER_ADDED, Kind.MEMBER_ROLE, Kind.MEMBER_REMOVED]


def test_deactivated_person_cannot_join_a_team(kam_admin, account):
    gone = make_account_manager(username="gone")
    gone.is_active = False
    gone.save()
    for role in (Role.SALES_REP, Role.KAM):
        with pytest.raises(ValidationError):
            services_org.team_member_set(account=account, user=gone, role=role, acting_user=kam_admin)
    with pytest.raises(ValidationError):
        AccountTeamMember(account=account, user=gone, role=Role.ENGINEER).full_clean()


def test_level_set_recorded_and_shown_as_label(kam_admin, account_manager):
    services_org.user_level_set(user=account_manager, level=Level.MANAGER, acting_user=kam_admin)
    event = OrganisationEvent.objects.get(kind=Kind.LEVEL_SET)
    assert event.after_shown == "Middle manager" and event.before_shown == ""
    with pytest.raises(ValidationError):
        services_org.user_level_set(user=account_manager, level="boss", acting_user=kam_admin)


@pytest.fixture
def leaver_world(kam_admin, account, account_manager):
    """`account_manager` is KAM of `account` and sales rep of a second; owns a draft, an open and a done action, an open review
    (all on `account`: a plan's KAM is its account's KAM)."""
    second = AccountFactory(name="Second")
    TeamMemberFactory(account=second, user=make_account_manager(username="kam2"), role=Role.KAM)
    TeamMemberFactory(account=second, user=account_manager, role=Role.SALES_REP)
    draft = AccountPlanFactory(account=account, owner=account_manager)
    approved = AccountPlanFactory(account=account, owner=account_manager, fiscal_year=2020, status=PlanStatus.APPROVED)
    open_action = ActionItemFactory(plan=approved, owner=account_manager)
    done_action = ActionItemFactory(plan=approved, owner=account_manager, status=ActionItem.Status.DONE)
    review = QuarterlyReview.objects.create(
        plan=approved, quarter=1, period_start="2020-01-01", period_end="2020-03-31", due_on="2020-04-15", owner=account_manager
    )
    return {"second": second, "draft": draft, "approved": approved, "open_action": open_action, "done_action": done_action, "review": review}


def test_handover_preview_lists_everything_and_moves_nothing(leaver_world, account_manager):
    preview = services_org.handover_preview(person=account_manager)
    assert len(preview["memberships"]) == 2
    counts = {section["key"]: len(section["items"]) for section in preview["sections"]}
    assert counts == {"drafts": 1, "actions": 1, "reviews": 1}
    assert AccountTeamMember.objects.filter(user=account_manager).count() == 2


def test_handover_moves_accounts_and_work_and_deactivates(leaver_world, kam_admin, account, account_manager, django_capture_on_commit_callbacks):
    successor = make_account_manager(username="successor")
    with django_capture_on_commit_callbacks(execute=True):
        services_org.user_deactivate_and_handover(person=account_manager, successor=successor, acting_user=kam_admin)
    account_manager.refresh_from_db()
    assert not account_manager.is_active
    assert not AccountTeamMember.objects.filter(user=account_manager).exists()
    roles = dict(AccountTeamMember.objects.filter(user=successor).values_list("account__name", "role"))
    assert roles == {account.name: Role.KAM, "Second": Role.SALES_REP}
    w = leaver_world
    for obj in (w["draft"], w["open_action"], w["review"]):
        obj.refresh_from_db()
        assert obj.owner == successor
    w["done_action"].refresh_from_db()
    assert w["done_action"].owner == account_manager  # history stays attributed
    kinds = list(OrganisationEvent.objects.values_list("kind", flat=True))
    assert Kind.PERSON_DEACTIVATED in kinds and Kind.HANDED_OVER in kinds
    notification = Notification.objects.get(user=successor)
    assert notification.kind == NotificationKind.HANDOVER and str(account_manager) in notification.message


def test_handover_to_a_team_member_promotes_them_to_kam(leaver_world, kam_admin, account, account_manager):
    colleague = make_account_manager(username="colleague")
    TeamMemberFactory(account=account, user=colleague, role=Role.ENGINEER)
    services_org.user_deactivate_and_handover(person=account_manager, successor=colleague, acting_user=kam_admin)
    assert AccountTeamMember.objects.get(account=account, user=colleague).role == Role.KAM


def test_handover_splits_account_and_work_successors(leaver_world, kam_admin, account_manager):
    teams, work = make_account_manager(username="teams"), make_account_manager(username="work")
    done = services_org.user_deactivate_and_handover(person=account_manager, successor=teams, work_successor=work, acting_user=kam_admin)
    for key in ("draft", "open_action", "review"):
        leaver_world[key].refresh_from_db()
    # The plan's KAM is its account's KAM: the draft and the plan's open review go with the account
    # to its new KAM; the open action goes to the successor for work.
    assert leaver_world["draft"].owner == teams and leaver_world["review"].owner == teams
    assert leaver_world["open_action"].owner == work
    assert AccountTeamMember.objects.filter(user=teams).count() == 2
    assert list(done.moved.values()) == [2, 1, 1, 1]  # what left the person: teams, drafts, actions, reviews


def test_handover_refuses_bad_successors_and_changes_nothing(leaver_world, kam_admin, account_manager):
    gone = make_account_manager(username="gone")
    gone.is_active = False
    gone.save()
    for successor in (account_manager, gone):
        with pytest.raises(ValidationError):
            services_org.user_deactivate_and_handover(person=account_manager, successor=successor, acting_user=kam_admin)
    with pytest.raises(ValidationError):
        services_org.user_deactivate_and_handover(person=kam_admin, successor=account_manager, acting_user=kam_admin)
    account_manager.refresh_from_db()
    assert account_manager.is_active and AccountTeamMember.objects.filter(user=account_manager).count() == 2
    assert not OrganisationEvent.objects.exists()
    assert not mail.outbox
