"""The weekly dashboard filtered to a person: the accounts whose team they are on, in any role (a sales rep's
or an engineer's weekly check, not only a KAM's)."""

import pytest
from django.urls import reverse

from tests.factories import TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("performance:dashboard")


def names_in_grid(response) -> set[str]:
    return {account.name for account in response.context["rows"]}


def test_the_dashboard_filters_to_a_team_member_in_any_role(client_for, executive, portfolio):
    accounts = portfolio(4)
    engineer = UserFactory(username="eng-kim")
    TeamMemberFactory(account=accounts[1], user=engineer, role="engineer")
    TeamMemberFactory(account=accounts[2], user=engineer, role="sales_rep")
    client = client_for(executive)
    response = client.get(URL, {"person": engineer.pk})
    assert names_in_grid(response) == {accounts[1].name, accounts[2].name}
    assert engineer.pk in [value for value, _label in response.context["form"].fields["person"].choices]


def test_an_account_manager_is_offered_only_the_people_of_their_own_teams(client_for, account_manager, portfolio):
    accounts = portfolio(4)
    stranger = UserFactory(username="stranger")
    TeamMemberFactory(account=next(a for a in accounts if not a.team.filter(user=account_manager).exists()), user=stranger,
                      role="engineer")
    choices = client_for(account_manager).get(URL).context["form"].fields["person"].choices
    assert stranger.pk not in [value for value, _label in choices]
    # Asking for someone off their teams shows nothing of the other accounts.
    response = client_for(account_manager).get(URL, {"person": stranger.pk})
    assert names_in_grid(response) <= {a.name for a in accounts if a.team.filter(user=account_manager).exists()}
