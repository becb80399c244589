"""An account's lifecycle (active, on hold, withdrawn: 어카운트 철수): admins set it with a date and a reason, in
the web, the admin and the API; withdrawn accounts leave the lists, dashboards, the Pareto view, plan creation
and the sweep unless asked for, and their pages say so."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.selectors import lifecycle_changes
from accounts.services import account_lifecycle_set, account_revenue_refresh
from tests.factories import AccountFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def withdraw(account, *, by=None, reason="Customer moved to a competitor", since=None) -> Account:
    return account_lifecycle_set(
        account=account, lifecycle="withdrawn", since=since or TODAY() - datetime.timedelta(days=3), reason=reason,
        acting_user=by,
    )


# --- the service -----------------------------------------------------------------------------


def test_withdrawing_records_date_reason_and_who_in_the_history(account, kam_admin):
    withdraw(account, by=kam_admin)
    account.refresh_from_db()
    assert (account.lifecycle, account.lifecycle_reason) == ("withdrawn", "Customer moved to a competitor")
    assert account.lifecycle_since == TODAY() - datetime.timedelta(days=3)
    account_lifecycle_set(account=account, lifecycle="active", since=TODAY(), reason="New contract signed", acting_user=kam_admin)
    changes = lifecycle_changes(account=account)
    assert [(str(c["lifecycle"]), c["reason"], c["by"]) for c in changes] == [
        ("Active", "New contract signed", "admin-user"),
        ("Withdrawn", "Customer moved to a competitor", "admin-user"),
    ]


@pytest.mark.parametrize(
    ("since", "reason", "field"),
    [(None, "Gone", "lifecycle_since"), ("today", "  ", "lifecycle_reason"), ("tomorrow", "Gone", "lifecycle_since")],
)
def test_a_change_without_date_or_reason_or_dated_in_the_future_is_refused_and_nothing_saved(account, since, reason, field):
    day = {"today": TODAY(), "tomorrow": TODAY() + datetime.timedelta(days=1), None: None}[since]
    with pytest.raises(ValidationError) as error:
        account_lifecycle_set(account=account, lifecycle="withdrawn", since=day, reason=reason, acting_user=None)
    assert field in error.value.message_dict
    account.refresh_from_db()
    assert account.lifecycle == "active" and account.lifecycle_since is None and account.history.count() == 1


def test_the_same_status_again_is_refused(account):
    with pytest.raises(ValidationError):
        account_lifecycle_set(account=account, lifecycle="active", since=TODAY(), reason="x", acting_user=None)


def test_the_database_refuses_a_withdrawn_account_without_reason(account):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(lifecycle="withdrawn", lifecycle_since=TODAY(), lifecycle_reason="")


# --- the web form: admins only ------------------------------------------------------------------


def url(account):
    return reverse("accounts:lifecycle", args=[account.pk])


def test_admin_withdraws_an_account_from_its_page(client_for, kam_admin, account):
    client = client_for(kam_admin)
    page = client.get(reverse("accounts:detail", args=[account.pk]))
    assert url(account) in page.content.decode()
    response = client.post(url(account), {"lifecycle": "withdrawn", "lifecycle_since": TODAY().isoformat(), "lifecycle_reason": "Left us"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.lifecycle == "withdrawn"
    page = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert 'id="lifecycle-banner"' in page and "Left us" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lifecycle": "withdrawn", "lifecycle_since": "", "lifecycle_reason": "Left"}, "This field is required."),
        ({"lifecycle": "withdrawn", "lifecycle_since": "2026-01-01", "lifecycle_reason": ""}, "This field is required."),
        ({"lifecycle": "withdrawn", "lifecycle_since": "2999-01-01", "lifecycle_reason": "Left"}, "cannot be in the future"),
        ({"lifecycle": "active", "lifecycle_since": "2026-01-01", "lifecycle_reason": "Left"}, "Select a valid choice"),
    ],
)
def test_bad_input_shows_the_message_and_saves_nothing(client_for, kam_admin, account, data, message):
    response = client_for(kam_admin).post(url(account), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    account.refresh_from_db()
    assert account.lifecycle == "active" and account.history.count() == 1


@pytest.mark.parametrize("who", ["executive", "account_manager"])
def test_executives_and_the_team_may_not_change_the_status(client_for, request, account, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url(account)).status_code == 403
    response = client.post(url(account), {"lifecycle": "withdrawn", "lifecycle_since": "2026-01-01", "lifecycle_reason": "x"})
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.lifecycle == "active"
    page = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert url(account) not in page


def test_off_team_account_manager_gets_404(client_for, other_account_manager, account):
    assert client_for(other_account_manager).get(url(account)).status_code == 404


def test_the_form_page_reads_a_fixed_number_of_queries(client_for, kam_admin, account, django_assert_max_num_queries):
    for day in range(3):
        account_lifecycle_set(
            account=account, lifecycle=("on_hold", "active", "withdrawn")[day], since=TODAY(), reason=f"r{day}", acting_user=kam_admin
        )
    client = client_for(kam_admin)
    with django_assert_max_num_queries(8):
        response = client.get(url(account))
    assert len(response.context["lifecycle_changes"]) == 3


# --- where withdrawn accounts are left out ---------------------------------------------------------


@pytest.fixture
def gone(account_manager):
    account = AccountFactory(name="Gone Corp", revenue_ttm=900)
    TeamMemberFactory(account=account, user=account_manager)
    withdraw(account)
    return account


def list_names(response):
    return [a.name for a in response.context["page"].object_list]


def test_the_account_list_leaves_withdrawn_accounts_out_unless_filtered(client_for, account_manager, account, gone):
    client = client_for(account_manager)
    assert list_names(client.get(reverse("accounts:home"))) == [account.name]
    assert sorted(list_names(client.get(reverse("accounts:home"), {"lifecycle": "all"}))) == sorted([account.name, "Gone Corp"])
    assert list_names(client.get(reverse("accounts:home"), {"lifecycle": "withdrawn"})) == ["Gone Corp"]


def test_the_pareto_view_and_the_stored_class_leave_withdrawn_accounts_out(client_for, executive, account, gone):
    Account.objects.filter(pk=account.pk).update(revenue_ttm=100)
    rows = client_for(executive).get(reverse("accounts:pareto")).context["rows"]
    assert [row["account"].name for row in rows] == [account.name]
    account_revenue_refresh()
    assert Account.objects.get(pk=gone.pk).pareto_class == ""


def test_the_weekly_dashboard_leaves_withdrawn_accounts_out_unless_asked(client_for, executive, account, gone):
    client = client_for(executive)
    rows = client.get(reverse("performance:dashboard")).context["rows"]
    assert {row.name for row in rows} == {account.name}
    rows = client.get(reverse("performance:dashboard"), {"with_withdrawn": "on"}).context["rows"]
    assert {row.name for row in rows} == {account.name, "Gone Corp"}


def test_plan_creation_offers_no_withdrawn_account_and_refuses_one(client_for, account_manager, account, gone):
    from planning.services import plan_create

    client = client_for(account_manager)
    form = client.get(reverse("planning:plan-create")).context["form"]
    assert list(form.fields["account"].queryset) == [account]
    response = client.post(reverse("planning:plan-create"), {"account": gone.pk, "fiscal_year": TODAY().year + 1})
    assert response.status_code == 200 and not gone.plans.exists()
    with pytest.raises(ValidationError, match="withdrawn"):
        plan_create(account=gone, fiscal_year=TODAY().year + 1, acting_user=account_manager)


def test_the_sweep_skips_the_plans_of_withdrawn_accounts(account_manager):
    from planning.models import QuarterlyReview
    from planning.sweep import quarterly_reviews_create_due
    from tests.factories import make_running_plans

    kept, dropped = make_running_plans(owner=account_manager, count=2, fiscal_year=2025)
    withdraw(dropped.account)
    quarterly_reviews_create_due(as_of=datetime.date(2025, 4, 10))
    assert list(QuarterlyReview.objects.values_list("plan_id", flat=True)) == [kept.pk]


def test_a_withdrawn_accounts_plan_pages_carry_the_banner(client_for, account_manager, gone):
    from tests.factories import AccountPlanFactory

    plan = AccountPlanFactory(account=gone, owner=account_manager)
    page = client_for(account_manager).get(reverse("planning:plan-detail", args=[plan.pk])).content.decode()
    assert 'id="lifecycle-banner"' in page


# --- the API ----------------------------------------------------------------------------------


def api_url(account):
    return f"/api/v1/accounts/{account.pk}/lifecycle/"


def test_admin_withdraws_through_the_api(client_for, kam_admin, account):
    response = client_for(kam_admin).post(
        api_url(account), {"lifecycle": "on_hold", "lifecycle_since": "2026-01-02", "lifecycle_reason": "Budget review"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["lifecycle"] == "on_hold" and response.json()["lifecycle_reason"] == "Budget review"


def test_the_api_refuses_a_future_date_and_saves_nothing(client_for, kam_admin, account):
    response = client_for(kam_admin).post(
        api_url(account), {"lifecycle": "withdrawn", "lifecycle_since": "2999-01-01", "lifecycle_reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "lifecycle_since" in response.json()
    account.refresh_from_db()
    assert account.lifecycle == "active"


def test_the_team_cannot_change_the_status_through_the_api(client_for, account_manager, account):
    client = client_for(account_manager)
    body = {"lifecycle": "withdrawn", "lifecycle_since": "2026-01-02", "lifecycle_reason": "x"}
    assert client.post(api_url(account), body, content_type="application/json").status_code == 403
    response = client.patch(f"/api/v1/accounts/{account.pk}/", {"lifecycle": "withdrawn"}, content_type="application/json")
    assert response.status_code == 400 and "lifecycle" in response.json()
    account.refresh_from_db()
    assert account.lifecycle == "active"


# --- the admin ----------------------------------------------------------------------------------


def test_the_admin_lists_filters_and_edits_the_lifecycle(client_for, kam_admin, account, gone):
    kam_admin.is_staff = kam_admin.is_superuser = True
    kam_admin.save()
    client = client_for(kam_admin)
    response = client.get(reverse("admin:accounts_account_changelist"), {"lifecycle__exact": "withdrawn"})
    assert list(response.context["cl"].result_list) == [gone]
    form = client.get(reverse("admin:accounts_account_change", args=[account.pk])).context["adminform"].form
    assert {"lifecycle", "lifecycle_since", "lifecycle_reason"} <= set(form.fields)
    account.lifecycle = "withdrawn"
    with pytest.raises(ValidationError) as error:
        account.full_clean()
    assert {"lifecycle_since", "lifecycle_reason"} <= set(error.value.message_dict)
