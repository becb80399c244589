"""Deactivating a person, by every path (the service, the Django admin, the organisation workspace, the API):
they leave every account team, each change is in the organisation's history, a KAM is handed over first,
and a refused deactivation changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import MultiWidget
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services_org
from accounts.models import AccountTeamMember, OrganisationEvent, User
from planning.models import ActionItem, PlanStatus
from tests.factories import (
    AccountFactory,
    AccountPlanFactory,
    ActionItemFactory,
    TeamMemberFactory,
    make_account_manager,
)

pytestmark = pytest.mark.django_db
Role = AccountTeamMember.Role
Kind = OrganisationEvent.Kind


@pytest.fixture
def engineer(account):
    """An engineer on `account`'s team and a sales rep on a second account's; owner of an open action."""
    person = make_account_manager(username="engineer")
    TeamMemberFactory(account=account, user=person, role=Role.ENGINEER)
    second = AccountFactory(name="Second account")
    TeamMemberFactory(account=second, user=make_account_manager(username="kam2"), role=Role.KAM)
    TeamMemberFactory(account=second, user=person, role=Role.SALES_REP)
    plan = AccountPlanFactory(account=account, status=PlanStatus.APPROVED, fiscal_year=2025)
    ActionItemFactory(plan=plan, owner=person)
    return person


def _no_deactivated_person_on_a_team() -> bool:
    return not AccountTeamMember.objects.filter(user__is_active=False).exists()


def _unchanged(person: User, memberships: int) -> None:
    person.refresh_from_db()
    assert person.is_active
    assert AccountTeamMember.objects.filter(user=person).count() == memberships
    assert not OrganisationEvent.objects.exists()


# --- The service ------------------------------------------------------------------------------


def test_deactivate_takes_a_team_member_off_every_team_and_records_it(kam_admin, engineer, account):
    left = services_org.user_deactivate(person=engineer, acting_user=kam_admin)
    assert left == ["Second account", account.name]
    engineer.refresh_from_db()
    assert not engineer.is_active
    assert _no_deactivated_person_on_a_team()
    events = list(OrganisationEvent.objects.order_by("id").values_list("kind", "subject", "before", "role", "acting_user"))
    assert events == [
        (Kind.MEMBER_REMOVED, "Second account", str(engineer), Role.SALES_REP, kam_admin.pk),
        (Kind.MEMBER_REMOVED, account.name, str(engineer), Role.ENGINEER, kam_admin.pk),
        (Kind.PERSON_DEACTIVATED, str(engineer), "Active", "", kam_admin.pk),
    ]
    # Their open work stays theirs (a handover moves it) and the page says so.
    assert ActionItem.objects.filter(owner=engineer, status__in=ActionItem.OPEN_STATUSES).count() == 1


def test_deactivate_refuses_a_kam_naming_their_accounts_and_changes_nothing(kam_admin, account, account_manager):
    with pytest.raises(ValidationError) as refused:
        services_org.user_deactivate(person=account_manager, acting_user=kam_admin)
    message = " ".join(refused.value.messages)
    assert account.name in message and "Hand over first" in message
    _unchanged(account_manager, 1)


def test_kam_of_many_accounts_is_told_the_first_five_and_how_many_more(kam_admin, account_manager):
    for n in range(7):
        TeamMemberFactory(account=AccountFactory(name=f"Account {n}"), user=account_manager)
    message = services_org.deactivation_error(person=account_manager, acting_user=kam_admin)
    assert "Account 0, Account 1, Account 2, Account 3, Account 4 and 2 more" in message


def test_deactivate_refuses_yourself_and_other_roles(kam_admin, executive, engineer):
    with pytest.raises(ValidationError):
        services_org.user_deactivate(person=kam_admin, acting_user=kam_admin)
    with pytest.raises(PermissionDenied):
        services_org.user_deactivate(person=engineer, acting_user=executive)
    _unchanged(engineer, 2)
    kam_admin.refresh_from_db()
    assert kam_admin.is_active


def test_deactivating_someone_deactivated_already_changes_nothing(kam_admin, engineer):
    services_org.user_deactivate(person=engineer, acting_user=kam_admin)
    events = OrganisationEvent.objects.count()
    assert services_org.user_deactivate(person=engineer, acting_user=kam_admin) == []
    assert OrganisationEvent.objects.count() == events


def test_a_deactivated_person_cannot_be_put_back_on_a_team(kam_admin, engineer, account):
    services_org.user_deactivate(person=engineer, acting_user=kam_admin)
    with pytest.raises(ValidationError):
        services_org.team_member_set(account=account, user=engineer, role=Role.ENGINEER, acting_user=kam_admin)
    engineer.refresh_from_db()
    with pytest.raises(ValidationError):
        AccountTeamMember(account=account, user=engineer, role=Role.ENGINEER).full_clean()
    assert _no_deactivated_person_on_a_team()


def test_handover_sends_plan_drafts_to_the_accounts_new_kam(kam_admin, account, account_manager):
    """Issue #13's rule: a plan's KAM is its account's KAM, so drafts follow the account to its new KAM
    even when another person takes the leaver's other work."""
    draft = AccountPlanFactory(account=account, owner=account_manager)
    new_kam, work = make_account_manager(username="new-kam"), make_account_manager(username="work")
    services_org.user_deactivate_and_handover(person=account_manager, successor=new_kam, work_successor=work, acting_user=kam_admin)
    draft.refresh_from_db()
    assert draft.owner == new_kam
    assert _no_deactivated_person_on_a_team()


# --- The Django admin -----------------------------------------------------------------------------


def _change_form_data(client, user: User) -> dict:
    """The admin's change form for `user` as the browser would send it back unchanged."""
    form = client.get(reverse("admin:accounts_user_change", args=[user.pk])).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = part.isoformat() if isinstance(part, datetime.date | datetime.time) else (part or "")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = value
    return data


def test_admin_unticking_active_takes_the_person_off_their_teams(client, kam_admin, engineer, account):
    client.force_login(kam_admin)
    data = _change_form_data(client, engineer)
    del data["is_active"]
    response = client.post(reverse("admin:accounts_user_change", args=[engineer.pk]), data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "is deactivated and off the teams of Second account, 한빛전자" in page
    engineer.refresh_from_db()
    assert not engineer.is_active
    assert _no_deactivated_person_on_a_team()
    assert OrganisationEvent.objects.filter(kind=Kind.PERSON_DEACTIVATED, person=engineer, acting_user=kam_admin).exists()
    assert OrganisationEvent.objects.filter(kind=Kind.MEMBER_REMOVED, person=engineer).count() == 2


def test_admin_refuses_to_deactivate_a_kam_and_saves_nothing(client, kam_admin, account, account_manager):
    client.force_login(kam_admin)
    data = _change_form_data(client, account_manager)
    del data["is_active"]
    data["job_title"] = "Changed in the same save"
    response = client.post(reverse("admin:accounts_user_change", args=[account_manager.pk]), data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["is_active"])
    assert account.name in errors and "Hand over first" in errors
    _unchanged(account_manager, 1)
    assert account_manager.job_title == ""


def test_admin_refuses_to_deactivate_yourself(client, kam_admin):
    client.force_login(kam_admin)
    data = _change_form_data(client, kam_admin)
    del data["is_active"]
    response = client.post(reverse("admin:accounts_user_change", args=[kam_admin.pk]), data)
    assert response.status_code == 200
    assert "You cannot deactivate yourself." in response.context["adminform"].form.errors["is_active"]
    kam_admin.refresh_from_db()
    assert kam_admin.is_active


def test_admin_saving_a_person_unchanged_records_nothing(client, kam_admin, engineer):
    client.force_login(kam_admin)
    response = client.post(reverse("admin:accounts_user_change", args=[engineer.pk]), _change_form_data(client, engineer))
    assert response.status_code == 302
    _unchanged(engineer, 2)


# --- The organisation workspace -------------------------------------------------------------------


def test_workspace_deactivates_a_team_member_after_showing_what_changes(client, kam_admin, engineer, account):
    client.force_login(kam_admin)
    url = reverse("accounts:organisation-deactivate", args=[engineer.pk])
    page = client.get(url).content.decode()
    assert "Second account" in page and account.name in page
    assert "This work stays theirs" in page and "Open actions" in page
    assert not OrganisationEvent.objects.exists()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:organisation-people")
    assert "is deactivated and off the teams of" in response.content.decode()
    engineer.refresh_from_db()
    assert not engineer.is_active and _no_deactivated_person_on_a_team()
    history = client.get(reverse("accounts:organisation-history")).content.decode()
    assert "Person deactivated" in history and "Team member removed" in history


def test_workspace_tells_to_hand_a_kam_over_and_refuses_the_post(client, kam_admin, account, account_manager):
    client.force_login(kam_admin)
    url = reverse("accounts:organisation-deactivate", args=[account_manager.pk])
    page = client.get(url).content.decode()
    assert "Hand over first" in page and reverse("accounts:organisation-handover", args=[account_manager.pk]) in page
    assert 'type="submit"' not in page.split("Hand over first", 1)[1]
    response = client.post(url)
    assert response.status_code == 200
    _unchanged(account_manager, 1)


def test_people_page_offers_deactivate_to_non_kams_only(client, kam_admin, account, account_manager, engineer):
    client.force_login(kam_admin)
    page = client.get(reverse("accounts:organisation-people")).content.decode()
    assert reverse("accounts:organisation-deactivate", args=[engineer.pk]) in page
    assert reverse("accounts:organisation-deactivate", args=[account_manager.pk]) not in page
    assert reverse("accounts:organisation-handover", args=[account_manager.pk]) in page


@pytest.mark.parametrize("role_fixture", ["executive", "account_manager"])
def test_only_admins_deactivate_in_the_workspace(request, client, role_fixture, engineer):
    client.force_login(request.getfixturevalue(role_fixture))
    url = reverse("accounts:organisation-deactivate", args=[engineer.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    _unchanged(engineer, 2)


def test_workspace_deactivate_of_unknown_or_deactivated_person(client, kam_admin, engineer):
    client.force_login(kam_admin)
    assert client.get(reverse("accounts:organisation-deactivate", args=[99999])).status_code == 404
    services_org.user_deactivate(person=engineer, acting_user=kam_admin)
    response = client.post(reverse("accounts:organisation-deactivate", args=[engineer.pk]))
    assert response.status_code == 302 and response.url == reverse("accounts:organisation-people")


@pytest.mark.parametrize("teams", [3, 30])
def test_deactivate_page_budget_does_not_grow_with_teams(client, kam_admin, teams, django_assert_max_num_queries):
    person = make_account_manager(username="many-teams")
    for n in range(teams):
        TeamMemberFactory(account=AccountFactory(name=f"Team {n}"), user=person, role=Role.ENGINEER)
    client.force_login(kam_admin)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("accounts:organisation-deactivate", args=[person.pk])).status_code == 200


# --- The API ----------------------------------------------------------------------------------------


def test_api_does_not_deactivate_people(kam_admin, engineer):
    """Users are read only through the API but for their level: deactivation goes through the admin or the workspace."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=kam_admin)[0].key}")
    response = client.patch(f"/api/v1/users/{engineer.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 400 and "is_active" in response.json()
    _unchanged(engineer, 2)
