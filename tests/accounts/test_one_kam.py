"""Every account has exactly one key account manager (KAM), its accountable owner."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Account, AccountTeamMember
from accounts.services import account_kam_set
from tests.factories import AccountFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def roles(account):
    return dict(account.team.values_list("user__username", "role"))


def test_naming_another_kam_replaces_the_kam_and_keeps_the_previous_one_on_the_team(account, account_manager, kam_admin):
    newcomer = UserFactory(username="new-kam")
    account_kam_set(account=account, user=newcomer, acting_user=kam_admin)
    assert roles(account) == {"am-user": "sales_rep", "new-kam": "kam"}
    assert account.kam == newcomer


def test_naming_a_team_member_kam_changes_their_role(account, kam_admin):
    engineer = TeamMemberFactory(account=account, role=AccountTeamMember.Role.ENGINEER).user
    account_kam_set(account=account, user=engineer, acting_user=kam_admin)
    assert roles(account)[engineer.username] == "kam"
    assert account.team.filter(role="kam").count() == 1


def test_only_admins_name_the_kam(account, account_manager, executive):
    for user in (account_manager, executive):
        with pytest.raises(PermissionDenied):
            account_kam_set(account=account, user=UserFactory(), acting_user=user)
    assert roles(account) == {"am-user": "kam"}


def test_an_inactive_user_cannot_be_kam(account, kam_admin):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        account_kam_set(account=account, user=gone, acting_user=kam_admin)
    assert roles(account) == {"am-user": "kam"}


# Admin -----------------------------------------------------------------------------------


def _team_post(account, rows):
    data = {
        "name": account.name, "english_name": account.english_name, "kind": account.kind, "industry": account.industry,
        "vertical_unit": account.vertical_unit_id, "fiscal_year_start_month": account.fiscal_year_start_month,
        "currency": account.currency, "team_type": account.team_type, "description": "", "lifecycle": account.lifecycle,
        "team-TOTAL_FORMS": len(rows), "team-INITIAL_FORMS": sum(1 for row in rows if row.get("id")),
        "team-MIN_NUM_FORMS": 0, "team-MAX_NUM_FORMS": 1000,
        "org_units-TOTAL_FORMS": 0, "org_units-INITIAL_FORMS": 0, "org_units-MIN_NUM_FORMS": 0, "org_units-MAX_NUM_FORMS": 1000,
        "contacts-TOTAL_FORMS": 0, "contacts-INITIAL_FORMS": 0, "contacts-MIN_NUM_FORMS": 0, "contacts-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"team-{index}-{key}"] = value
        data[f"team-{index}-account"] = account.pk
    return data


@pytest.fixture
def staff_admin(kam_admin):
    kam_admin.is_staff = True
    kam_admin.save()
    return kam_admin


def test_admin_refuses_removing_the_last_kam(client_for, staff_admin, account, account_manager):
    member = account.team.get()
    url = reverse("admin:accounts_account_change", args=[account.pk])
    data = _team_post(account, [{"id": member.pk, "user": account_manager.pk, "role": "kam", "DELETE": "on"}])
    response = client_for(staff_admin).post(url, data)
    assert response.status_code == 200
    assert "exactly one key account manager" in response.text
    assert roles(account) == {"am-user": "kam"}


def test_admin_refuses_a_team_without_a_kam(client_for, staff_admin, account, account_manager):
    member = account.team.get()
    url = reverse("admin:accounts_account_change", args=[account.pk])
    response = client_for(staff_admin).post(url, _team_post(account, [{"id": member.pk, "user": account_manager.pk, "role": "sales_rep"}]))
    assert "exactly one key account manager" in response.text
    assert roles(account) == {"am-user": "kam"}


def test_admin_replaces_the_kam_in_one_save(client_for, staff_admin, account, account_manager):
    member = account.team.get()
    newcomer = UserFactory(username="new-kam")
    url = reverse("admin:accounts_account_change", args=[account.pk])
    data = _team_post(account, [
        {"id": member.pk, "user": account_manager.pk, "role": "sales_rep"},
        {"user": newcomer.pk, "role": "kam"},
    ])
    response = client_for(staff_admin).post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.text)
    assert roles(account) == {"am-user": "sales_rep", "new-kam": "kam"}


def test_admin_list_flags_accounts_without_a_kam(client_for, staff_admin, account):
    orphan = AccountFactory(name="Orphan Corp")
    client = client_for(staff_admin)
    response = client.get(reverse("admin:accounts_account_changelist"))
    assert "No KAM" in response.text
    response = client.get(reverse("admin:accounts_account_changelist"), {"has_kam": "no"})
    assert "Orphan Corp" in response.text and "한빛전자" not in response.text
    response = client.get(reverse("admin:accounts_account_change", args=[orphan.pk]))
    assert "This account has no key account manager" in response.text


# Account page ------------------------------------------------------------------------------


def test_account_page_warns_when_the_team_has_no_kam(client_for, executive, account):
    orphan = AccountFactory()
    client = client_for(executive)
    assert 'id="no-kam-warning"' in client.get(reverse("accounts:detail", args=[orphan.pk])).text
    assert 'id="no-kam-warning"' not in client.get(reverse("accounts:detail", args=[account.pk])).text


def test_admin_swaps_the_kam_between_two_members_whatever_their_order(client_for, staff_admin, account, account_manager):
    kam_row = account.team.get()
    rep_row = TeamMemberFactory(account=account, user=UserFactory(username="rep"), role="sales_rep")
    url = reverse("admin:accounts_account_change", args=[account.pk])
    data = _team_post(account, [
        {"id": rep_row.pk, "user": rep_row.user_id, "role": "kam"},
        {"id": kam_row.pk, "user": account_manager.pk, "role": "engineer"},
    ])
    response = client_for(staff_admin).post(url, data)
    assert response.status_code == 302
    assert roles(account) == {"am-user": "engineer", "rep": "kam"}


def test_every_demo_account_has_exactly_one_kam():
    from django.core.management import call_command
    from django.db.models import Count, Q

    call_command("seed_demo", "--accounts", "12", stdout=open("/dev/null", "w"))
    counts = Account.objects.annotate(kams=Count("team", filter=Q(team__role="kam")))
    assert counts.exists()
    assert set(counts.values_list("kams", flat=True)) == {1}
