"""The roles hold for team members too (accounts.permissions), the same through the API as on the web."""

import datetime

import pytest

from accounts.models import AccountTeamMember, Contact, CustomerActivity, Order, OrgUnit
from tests.factories import (
    AccountFactory,
    ContactFactory,
    CustomerActivityFactory,
    OfferingFactory,
    OrgUnitFactory,
    TeamMemberFactory,
    make_account_manager,
    make_complete_plan,
    make_executive,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(account):
    """An executive on the account's team as its executive sponsor."""
    user = make_executive(username="sponsor")
    TeamMemberFactory(account=account, user=user, role=AccountTeamMember.Role.EXECUTIVE_SPONSOR)
    return user


def test_an_executive_sponsor_writes_no_account_data(api_for, account, sponsor):
    client = api_for(sponsor)
    contact = ContactFactory(account=account, name="Kim")
    offering = OfferingFactory()
    answers = [
        client.patch(f"/api/v1/accounts/{account.pk}/", {"description": "Mine"}, format="json"),
        client.post("/api/v1/contacts/", {"account": account.pk, "name": "Lee", "title": "CIO"}, format="json"),
        client.patch(f"/api/v1/contacts/{contact.pk}/", {"title": "CEO"}, format="json"),
        client.post(f"/api/v1/accounts/{account.pk}/grade/", {"grade": None, "reason": "Why not"}, format="json"),
        client.post("/api/v1/orders/bulk/", [{
            "account": account.pk, "offering": offering.pk, "reference": "PO-1", "ordered_on": "2026-01-05",
            "amount": 1000,
        }], format="json"),
    ]
    assert [answer.status_code for answer in answers] == [403] * len(answers)
    account.refresh_from_db()
    assert account.description != "Mine"
    assert list(Contact.objects.values_list("name", "title")) == [("Kim", contact.title)]
    assert not Order.objects.exists()


def test_an_executive_sponsor_records_customer_activities_on_their_account(api_for, account, other_account, sponsor):
    client = api_for(sponsor)
    payload = {"account": account.pk, "kind": "workshop", "title": "CEO breakfast", "starts_on": "2026-09-01"}
    created = client.post("/api/v1/customer-activities/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert client.patch(f"/api/v1/customer-activities/{created.json()['id']}/", {"title": "CEO dinner"}, format="json").status_code == 200
    # Not on another account's team: reads it (an executive), records nothing there.
    elsewhere = client.post("/api/v1/customer-activities/", {**payload, "account": other_account.pk}, format="json")
    assert elsewhere.status_code == 403
    assert list(CustomerActivity.objects.values_list("title", flat=True)) == ["CEO dinner"]


def test_an_executive_on_no_team_records_no_activity(api_for, account, executive):
    activity = CustomerActivityFactory(account=account, title="Kick-off")
    client = api_for(executive)
    assert client.post("/api/v1/customer-activities/", {"account": account.pk}, format="json").status_code == 403
    assert client.patch(f"/api/v1/customer-activities/{activity.pk}/", {"title": "x"}, format="json").status_code == 403


def test_an_executive_sponsor_cannot_start_submit_or_decide_their_own_plan(api_for, account, account_manager, sponsor):
    plan = make_complete_plan(account=account, user=account_manager)
    client = api_for(sponsor)
    assert client.post(f"/api/v1/plans/{plan.pk}/submit/", {}, format="json").status_code == 403
    # The KAM submits; the sponsor, who wrote nothing of it, decides.
    assert api_for(account_manager).post(f"/api/v1/plans/{plan.pk}/submit/", {}, format="json").status_code == 200
    decided = client.post(f"/api/v1/plans/{plan.pk}/decide/", {"decision": "approve"}, format="json")
    assert decided.status_code == 200, decided.json()
    assert client.post(f"/api/v1/plans/{plan.pk}/revise/", {}, format="json").status_code == 403


def test_an_account_manager_on_no_team_gets_404_for_writes_to_what_they_cannot_see(api_for, account):
    loner = make_account_manager(username="loner")
    contact = ContactFactory(account=account)
    activity = CustomerActivityFactory(account=account)
    client = api_for(loner)
    answers = [
        client.patch(f"/api/v1/accounts/{account.pk}/", {"description": "x"}, format="json"),
        client.patch(f"/api/v1/contacts/{contact.pk}/", {"title": "x"}, format="json"),
        client.delete(f"/api/v1/customer-activities/{activity.pk}/"),
        client.post(f"/api/v1/accounts/{account.pk}/key-account/", {"is_key_account": False}, format="json"),
        client.post(f"/api/v1/accounts/{account.pk}/grade/", {"grade": None, "reason": "x"}, format="json"),
    ]
    assert [answer.status_code for answer in answers] == [404] * len(answers)


def test_a_parent_unit_of_another_account_is_refused_with_a_message(api_for, account, other_account, kam_admin):
    foreign = OrgUnitFactory(account=other_account, name="Their HQ")
    unit = OrgUnitFactory(account=account, name="Our IT")
    response = api_for(kam_admin).patch(f"/api/v1/org-units/{unit.pk}/", {"parent": foreign.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["parent"] == ["The parent unit belongs to another account: choose a unit of the same account."]
    unit.refresh_from_db()
    assert unit.parent_id is None


def test_the_plan_kam_is_the_account_kam_whoever_opens_the_plan(account, account_manager):
    from planning.services import plan_create

    rep = make_account_manager(username="rep")
    TeamMemberFactory(account=account, user=rep, role=AccountTeamMember.Role.SALES_REP)
    plan = plan_create(account=account, fiscal_year=2031, acting_user=rep)
    assert plan.owner == account_manager
    assert plan.created_by == rep


def test_a_plan_of_an_account_with_no_kam_has_none(kam_admin):
    from planning.services import plan_create

    account = AccountFactory(name="No KAM")
    assert plan_create(account=account, fiscal_year=2031, acting_user=kam_admin).owner is None


def test_the_migration_gives_open_plans_their_account_kam(account, account_manager):
    from importlib import import_module

    from django.apps import apps

    from planning.models import AccountPlan, PlanStatus

    rep = make_account_manager(username="rep")
    TeamMemberFactory(account=account, user=rep, role=AccountTeamMember.Role.SALES_REP)
    plan = make_complete_plan(account=account, user=account_manager)
    closed = make_complete_plan(account=account, user=account_manager, fiscal_year=plan.fiscal_year - 1)
    AccountPlan.objects.filter(pk=plan.pk).update(owner=rep)
    AccountPlan.objects.filter(pk=closed.pk).update(owner=rep, status=PlanStatus.CLOSED)
    migration = import_module("planning.migrations.0002_plan_kam_is_account_kam")
    migration.plans_follow_the_account_kam(apps, None)
    assert AccountPlan.objects.get(pk=plan.pk).owner == account_manager
    assert AccountPlan.objects.get(pk=closed.pk).owner == rep


def test_frozen_versions_and_decisions_are_read_only_in_the_admin(client_for, kam_admin, account, account_manager, executive):
    from django.urls import reverse

    from planning.models import Decision, PlanVersion
    from planning.services import plan_decide, plan_submit

    kam_admin.is_staff = True
    kam_admin.save()
    plan = make_complete_plan(account=account, user=account_manager)
    version = plan_submit(plan=plan, acting_user=account_manager)
    decision = plan_decide(version=version, outcome=Decision.Outcome.APPROVED, acting_user=executive)
    client = client_for(kam_admin)
    for name, obj in (("planversion", version), ("decision", decision)):
        change = reverse(f"admin:planning_{name}_change", args=[obj.pk])
        page = client.get(change)
        assert page.status_code == 200
        assert 'name="_save"' not in page.text
        assert client.post(change, {"note": "changed"}).status_code == 403
        assert client.post(reverse(f"admin:planning_{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert PlanVersion.objects.get(pk=version.pk).note == version.note
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_the_admin_offers_and_accepts_only_parents_of_the_units_account(client_for, kam_admin, account, other_account):
    from django.urls import reverse

    kam_admin.is_staff = True
    kam_admin.save()
    ours = OrgUnitFactory(account=account, name="Our HQ")
    theirs = OrgUnitFactory(account=other_account, name="Their HQ")
    unit = OrgUnitFactory(account=account, name="Our IT")
    client = client_for(kam_admin)
    change = reverse("admin:accounts_orgunit_change", args=[unit.pk])
    page = client.get(change)
    assert f'value="{ours.pk}"' in page.text and f'value="{theirs.pk}"' not in page.text
    added = client.post(reverse("admin:accounts_orgunit_add"), {"account": account.pk, "name": "New", "parent": theirs.pk})
    assert added.status_code == 200
    assert "The parent unit belongs to another account: choose a unit of the same account." in added.text
    assert not OrgUnit.objects.filter(name="New").exists()


def test_an_executive_sponsor_on_the_web_records_activities_and_edits_nothing_else(client_for, account, sponsor):
    from django.urls import reverse

    client = client_for(sponsor)
    assert client.get(reverse("accounts:activity-add", args=[account.pk])).status_code == 200
    response = client.post(reverse("accounts:activity-add", args=[account.pk]), {
        "kind": "workshop", "title": "CEO breakfast", "starts_on": datetime.date(2026, 9, 1).isoformat(),
    })
    assert response.status_code == 302
    assert CustomerActivity.objects.filter(title="CEO breakfast", recorded_by=sponsor).exists()
    assert client.get(reverse("accounts:contact-add", args=[account.pk])).status_code == 403
    assert client.get(reverse("planning:plan-create")).status_code == 200
    assert client.post(reverse("planning:plan-create"), {"account": account.pk, "fiscal_year": 2031}).status_code == 403


def test_a_new_kam_on_the_team_becomes_the_kam_of_the_open_plans(account, account_manager):
    from planning.models import PlanStatus

    plan = make_complete_plan(account=account, user=account_manager)
    closed = make_complete_plan(account=account, user=account_manager, fiscal_year=plan.fiscal_year - 1)
    type(closed).objects.filter(pk=closed.pk).update(status=PlanStatus.CLOSED)
    AccountTeamMember.objects.filter(account=account, user=account_manager).delete()
    plan.refresh_from_db()
    assert plan.owner is None
    successor = make_account_manager(username="successor")
    TeamMemberFactory(account=account, user=successor, role=AccountTeamMember.Role.KAM)
    plan.refresh_from_db()
    closed.refresh_from_db()
    assert plan.owner == successor
    assert closed.owner == account_manager
