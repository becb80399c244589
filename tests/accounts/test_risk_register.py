"""The account's risk register: ours and the customer's risks, shared with the customer or not (리스크 공유)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountRisk
from accounts.selectors import open_risks, open_risks_and_closed_since, recently_closed_risks, risk_register
from accounts.services import account_risk_save
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def risk(account, **fields):
    values = {"title": "Budget freeze", "raised_on": D(2026, 1, 5)} | fields
    return account_risk_save(risk=AccountRisk(account=account, **values), acting_user=None)


def test_open_risks_come_most_severe_first_and_leave_closed_ones_out(account):
    risk(account, title="Low", impact=1, likelihood=1)
    risk(account, title="Severe", impact=3, likelihood=3)
    risk(account, title="Closed", impact=3, likelihood=3, status="closed")
    risk(account, title="Mitigating", impact=2, likelihood=3, status="mitigating")
    assert [r.title for r in open_risks(account=account)] == ["Severe", "Mitigating", "Low"]


def test_risk_register_reads_the_open_and_the_last_closed_risks_as_the_two_selectors_do(account, django_assert_num_queries):
    risk(account, title="Low", impact=1, likelihood=1)
    risk(account, title="Severe", impact=3, likelihood=3, status="mitigating")
    for day in (3, 9, 1, 7, 5, 9, 2):
        AccountRisk.objects.create(
            account=account, title=f"Closed {day}", raised_on=D(2026, 1, 1), status="closed", closed_on=D(2026, 2, day),
            owner_side="ours",
        )
    with django_assert_num_queries(1):
        register = risk_register(account=account)
    assert register["open_risks"] == open_risks(account=account)
    assert register["closed_risks"] == recently_closed_risks(account=account)
    assert [r.title for r in register["closed_risks"]] == ["Closed 9", "Closed 9", "Closed 7", "Closed 5", "Closed 3"]


def test_open_risks_and_those_closed_since_a_day_come_in_one_query(account, django_assert_num_queries):
    risk(account, title="Low", impact=1, likelihood=1)
    risk(account, title="Severe", impact=3, likelihood=3)
    risk(account, title="Mitigating", impact=2, likelihood=3, status="mitigating")
    risk(account, title="Closed since", raised_on=D(2026, 1, 5), status="closed", closed_on=D(2026, 3, 1))
    risk(account, title="Closed before", raised_on=D(2026, 1, 5), status="closed", closed_on=D(2026, 1, 20))
    risk(account, title="Raised and closed since", raised_on=D(2026, 2, 10), status="closed", closed_on=D(2026, 3, 1))
    with django_assert_num_queries(1):
        risks, closed_since = open_risks_and_closed_since(account=account, day=D(2026, 2, 1))
    assert risks == open_risks(account=account) and [r.title for r in risks] == ["Severe", "Mitigating", "Low"]
    assert closed_since == 1
    assert open_risks_and_closed_since(account=account, day=None) == (risks, 0)


def test_closing_a_risk_dates_it_and_reopening_clears_the_date(account, account_manager):
    saved = risk(account)
    assert saved.closed_on is None
    saved.status = "closed"
    account_risk_save(risk=saved, acting_user=account_manager)
    assert saved.closed_on == timezone.localdate()
    saved.status = "open"
    account_risk_save(risk=saved, acting_user=account_manager)
    assert saved.closed_on is None


def test_the_customers_owner_is_a_contact_of_this_account(account):
    stranger = ContactFactory(account=AccountFactory())
    with pytest.raises(ValidationError):
        risk(account, owner_side="customer", owner_contact=stranger)
    assert not AccountRisk.objects.exists()
    theirs = risk(account, owner_side="customer", owner_contact=ContactFactory(account=account, name="CIO Han"))
    assert theirs.owner.name == "CIO Han"


def test_the_database_keeps_the_owner_on_its_side(account, account_manager):
    contact = ContactFactory(account=account)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountRisk.objects.create(account=account, title="x", raised_on=D(2026, 1, 1), owner_side="ours", owner_contact=contact)


def test_account_summary_shows_open_risks_with_sharing_and_owner(client_for, account, account_manager):
    risk(account, title="Plant move delays the rollout", impact=3, likelihood=2, shared_with_customer=True,
         owner_side="ours", owner_user=account_manager)
    risk(account, title="Old closed one", status="closed")
    text = client_for(account_manager).get(reverse("accounts:detail", args=[account.pk])).text
    register = text.split('id="risk-register"')[1].split('class="card border-0 shadow-sm mb-3"')[0]
    open_part, closed_part = register.split("<details")
    assert "Plant move delays the rollout" in open_part and "Shared with the customer" in open_part
    # A closed risk leaves the open ones; it is listed under the recently closed, to be reopened if need be.
    assert "Old closed one" not in open_part and "Old closed one" in closed_part


def test_account_summary_says_when_the_register_is_empty(client_for, account, account_manager):
    text = client_for(account_manager).get(reverse("accounts:detail", args=[account.pk])).text
    assert "No open risk in the register." in text


@pytest.mark.parametrize("size", [3, 30])
def test_account_summary_query_count_does_not_grow_with_risks(client_for, account, account_manager, django_assert_max_num_queries, size):
    for index in range(size):
        risk(account, title=f"Risk {index}", owner_side="customer", owner_contact=ContactFactory(account=account))
    client = client_for(account_manager)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("accounts:detail", args=[account.pk])).status_code == 200
