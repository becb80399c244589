"""The risk register's web form on the account page: the account team and admins add, edit and close risks;
executives read them; bad input shows its message and saves nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountRisk
from tests.factories import ContactFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def add_url(account):
    return reverse("accounts:risk-add", args=[account.pk])


def data(**fields):
    return {"title": "Budget freeze", "owner_side": "ours", "impact": 3, "likelihood": 2, "status": "open"} | fields


def test_the_kam_adds_a_risk_and_sees_it_on_the_summary(client_for, account_manager, account):
    client = client_for(account_manager)
    response = client.post(add_url(account), data(owner_user=account_manager.pk, shared_with_customer="on"))
    assert response.status_code == 302
    risk = AccountRisk.objects.get()
    assert (risk.account, risk.recorded_by, risk.raised_on, risk.shared_with_customer) == (
        account, account_manager, timezone.localdate(), True
    )
    page = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "Budget freeze" in page and reverse("accounts:risk-edit", args=[account.pk, risk.pk]) in page


def test_closing_a_risk_in_the_form_dates_it_and_moves_it_to_the_closed_list(client_for, account_manager, account):
    client = client_for(account_manager)
    client.post(add_url(account), data())
    risk = AccountRisk.objects.get()
    edit = reverse("accounts:risk-edit", args=[account.pk, risk.pk])
    assert client.post(edit, data(status="closed")).status_code == 302
    risk.refresh_from_db()
    assert risk.closed_on == timezone.localdate()
    response = client.get(reverse("accounts:detail", args=[account.pk]))
    assert response.context["open_risks"] == [] and response.context["closed_risks"] == [risk]


def test_a_customer_owned_risk_keeps_the_customers_owner_only(client_for, kam_admin, account, account_manager):
    contact = ContactFactory(account=account, name="CIO Han")
    response = client_for(kam_admin).post(
        add_url(account), data(owner_side="customer", owner_contact=contact.pk, owner_user=account_manager.pk)
    )
    assert response.status_code == 302
    risk = AccountRisk.objects.get()
    assert (risk.owner_contact, risk.owner_user) == (contact, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"raised_on": "2999-01-01"}, "cannot be in the future"),
        ({"impact": 7}, "Select a valid choice"),
        ({"owner_side": "customer", "owner_contact": "other"}, "Choose a contact of this account."),
    ],
)
def test_bad_input_shows_the_message_and_saves_nothing(client_for, account_manager, account, other_account, fields, message):
    if fields.get("owner_contact") == "other":
        fields["owner_contact"] = ContactFactory(account=other_account).pk
    response = client_for(account_manager).post(add_url(account), data(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AccountRisk.objects.exists()


def test_executives_read_the_register_but_do_not_write_it(client_for, executive, account):
    TeamMemberFactory(account=account, user=executive, role="executive_sponsor")
    client = client_for(executive)
    assert client.get(add_url(account)).status_code == 403
    assert client.post(add_url(account), data()).status_code == 403
    assert not AccountRisk.objects.exists()
    assert add_url(account) not in client.get(reverse("accounts:detail", args=[account.pk])).content.decode()


def test_off_team_account_manager_gets_404(client_for, other_account_manager, account):
    assert client_for(other_account_manager).post(add_url(account), data()).status_code == 404


def test_the_form_reads_a_fixed_number_of_queries(client_for, account_manager, account, django_assert_max_num_queries):
    for n in range(30):
        ContactFactory(account=account, name=f"Contact {n}")
    client = client_for(account_manager)
    with django_assert_max_num_queries(10):
        assert client.get(add_url(account)).status_code == 200
