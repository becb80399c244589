"""Every section of the account page: who may read, who may edit, and a fixed query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Contact, CustomerActivity, Opportunity, OrgUnit, Relationship, UnmetNeed
from tests.factories import (
    AccountFactory,
    ContactFactory,
    OfferingFactory,
    OpportunityFactory,
    OrgUnitFactory,
    TeamMemberFactory,
    build_account_360,
)

pytestmark = pytest.mark.django_db

SECTIONS = [
    "accounts:detail",
    "accounts:org-chart",
    "accounts:relationships",
    "accounts:opportunities",
    "accounts:whitespace",
    "accounts:pricing",
    "accounts:experience",
]


def section_url(name, account):
    return reverse(name, args=[account.pk])


def edit_urls(account):
    """One URL per edit form of the account page, with the data each needs."""
    unit = OrgUnitFactory(account=account)
    contact = ContactFactory(account=account, org_unit=unit)
    opportunity = OpportunityFactory(account=account, sponsor_unit=unit)
    offering = OfferingFactory()
    return {
        "contact-add": reverse("accounts:contact-add", args=[account.pk]),
        "contact-edit": reverse("accounts:contact-edit", args=[account.pk, contact.pk]),
        "org-unit-add": reverse("accounts:org-unit-add", args=[account.pk]),
        "org-unit-edit": reverse("accounts:org-unit-edit", args=[account.pk, unit.pk]),
        "relationship-add": reverse("accounts:relationship-add", args=[account.pk]),
        "opportunity-add": reverse("accounts:opportunity-add", args=[account.pk]),
        "opportunity-edit": reverse("accounts:opportunity-edit", args=[account.pk, opportunity.pk]),
        "unmet-need": reverse("accounts:unmet-need", args=[account.pk, unit.pk, offering.pk]),
        "grade-change": reverse("accounts:grade-change", args=[account.pk]),
        "activity-add": reverse("accounts:activity-add", args=[account.pk]),
    }


@pytest.mark.parametrize("name", SECTIONS)
def test_team_member_reads_every_section_with_edit_controls(client_for, account, account_manager, name):
    response = client_for(account_manager).get(section_url(name, account))
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert "You are on this account's team" in response.text


@pytest.mark.parametrize("name", SECTIONS)
def test_account_manager_of_other_accounts_gets_404_on_every_section(client_for, account, other_account_manager, name):
    assert client_for(other_account_manager).get(section_url(name, account)).status_code == 404


@pytest.mark.parametrize("name", SECTIONS)
def test_executive_reads_every_section_without_edit_controls(client_for, account, executive, name):
    build_account_360(account, people=5, opportunities=4)
    response = client_for(executive).get(section_url(name, account))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert "Read only" in response.text
    assert 'hx-target="#kam-modal-content"' not in response.text
    assert "/move/" not in response.text


@pytest.mark.parametrize("name", SECTIONS)
def test_anonymous_is_sent_to_login_from_every_section(client, account, name):
    response = client.get(section_url(name, account))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_team_member_opens_every_edit_form(client_for, account, account_manager):
    client = client_for(account_manager)
    for key, url in edit_urls(account).items():
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, key
        assert 'hx-post="' in response.text, key


def test_edit_forms_work_without_javascript_as_pages(client_for, account, account_manager):
    client = client_for(account_manager)
    for key, url in edit_urls(account).items():
        response = client.get(url)
        assert response.status_code == 200, key
        assert "<html" in response.text and "hx-post" not in response.text, key


def test_executive_may_not_open_or_post_any_edit_form(client_for, account, executive):
    client = client_for(executive)
    urls = edit_urls(account)
    counts = (Contact.objects.count(), OrgUnit.objects.count(), Opportunity.objects.count(), UnmetNeed.objects.count())
    for key, url in urls.items():
        assert client.get(url).status_code == 403, key
        assert client.post(url, {"name": "x", "note": "x", "title": "x"}).status_code == 403, key
    opportunity = Opportunity.objects.get()
    move = reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk])
    assert client.post(move, {"tier": 1}).status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.tier == 3
    assert counts == (Contact.objects.count(), OrgUnit.objects.count(), Opportunity.objects.count(), UnmetNeed.objects.count())


def test_account_manager_of_other_accounts_gets_404_on_every_edit_form(client_for, account, other_account_manager):
    client = client_for(other_account_manager)
    for key, url in edit_urls(account).items():
        assert client.get(url).status_code == 404, key
        assert client.post(url, {"name": "x"}).status_code == 404, key
    opportunity = Opportunity.objects.get()
    assert client.post(reverse("accounts:opportunity-move", args=[account.pk, opportunity.pk]), {"tier": 1}).status_code == 404


def test_admin_may_edit_any_account(client_for, account, kam_admin):
    response = client_for(kam_admin).get(reverse("accounts:org-chart", args=[account.pk]))
    assert response.context["can_edit"] is True


def test_a_record_of_another_account_is_404_in_this_accounts_urls(client_for, account, account_manager):
    foreign = ContactFactory(account=AccountFactory())
    url = reverse("accounts:contact-edit", args=[account.pk, foreign.pk])
    assert client_for(account_manager).get(url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", SECTIONS)
def test_section_makes_the_same_number_of_queries_for_3_and_60_contacts(client_for, account_manager, name):
    small = AccountFactory()
    large = AccountFactory()
    for target in (small, large):
        TeamMemberFactory(account=target, user=account_manager)
    build_account_360(small, people=3, opportunities=3)
    build_account_360(large, people=60, opportunities=40)
    client = client_for(account_manager)
    _queries(client, section_url(name, small))  # warm the session and caches alike for both
    small_count = _queries(client, section_url(name, small))
    large_count = _queries(client, section_url(name, large))
    assert small_count == large_count
    assert large_count <= 20


def test_list_and_pareto_make_the_same_number_of_queries_for_3_and_300_accounts(client_for, executive):
    client = client_for(executive)
    counts = {}
    for size, new in ((3, 3), (300, 297)):
        for _ in range(new):
            account = AccountFactory()
            OpportunityFactory(account=account)
            TeamMemberFactory(account=account)
        counts[size] = (_queries(client, reverse("accounts:home")), _queries(client, reverse("accounts:pareto")))
    assert counts[3] == counts[300]
    assert max(counts[300]) <= 13  # the first visit after a write: see test_views_home


def test_htmx_save_refreshes_the_page_and_leaves_a_message(client_for, account, account_manager):
    client = client_for(account_manager)
    response = client.post(
        reverse("accounts:org-unit-add", args=[account.pk]), {"name": "Purchasing"}, headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Refresh"] == "true"
    assert "Org unit Purchasing saved." in client.get(reverse("accounts:org-chart", args=[account.pk])).text


def test_page_save_without_javascript_redirects_to_the_section(client_for, account, account_manager):
    response = client_for(account_manager).post(reverse("accounts:org-unit-add", args=[account.pk]), {"name": "Purchasing"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:org-chart", args=[account.pk])


def test_every_section_escapes_names(client_for, account, account_manager):
    evil = "<script>alert(1)</script>"
    unit = OrgUnitFactory(account=account, name=evil)
    contact = ContactFactory(account=account, name=evil, org_unit=unit, is_decision_maker=True)
    Relationship.objects.create(user=account_manager, contact=contact, strength=2)
    opportunity = OpportunityFactory(account=account, name=evil, sponsor_unit=unit, tier=1)
    opportunity.offerings.add(OfferingFactory(name=evil))
    CustomerActivity.objects.create(account=account, kind="workshop", title=evil, starts_on="2026-01-05")
    client = client_for(account_manager)
    for name in [section for section in SECTIONS if section != "accounts:pricing"]:  # pricing shows no names
        text = client.get(section_url(name, account)).text
        assert evil not in text, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, name
