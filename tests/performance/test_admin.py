import pytest
from django.urls import reverse

from tests.factories import KpiTargetFactory, ManualActualFactory, NpsResponseFactory, OrderFactory, TimeEntryFactory, kpi

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["kpidefinition", "kpitarget", "manualactual", "npsresponse", "timeentry", "kpisnapshot", "importbatch"]
)
def test_admin_lists_every_performance_model(client_for, kam_admin, model):
    KpiTargetFactory()
    ManualActualFactory()
    NpsResponseFactory()
    TimeEntryFactory()
    kam_admin.is_staff = True
    kam_admin.save()
    response = client_for(kam_admin).get(reverse(f"admin:performance_{model}_changelist"))
    assert response.status_code == 200


def test_admin_lists_orders_under_accounts(client_for, kam_admin):
    """Orders moved to accounts (their table is still performance_order)."""
    OrderFactory()
    kam_admin.is_staff = True
    kam_admin.save()
    assert client_for(kam_admin).get(reverse("admin:accounts_order_changelist")).status_code == 200


def test_computed_kpi_code_cannot_be_changed_in_admin(client_for, kam_admin):
    kam_admin.is_staff = True
    kam_admin.save()
    response = client_for(kam_admin).get(reverse("admin:performance_kpidefinition_change", args=[kpi("revenue").pk]))
    assert response.status_code == 200
    assert 'name="code"' not in response.text
    assert 'name="on_track_percent"' in response.text


def test_admin_lists_revenue_lines_and_refuses_an_order_of_another_account(client_for, kam_admin):
    from accounts.models import RevenueLine
    from tests.factories import AccountFactory, RevenueLineFactory

    line = RevenueLineFactory()
    foreign = OrderFactory(account=AccountFactory(), with_revenue=False)
    kam_admin.is_staff = True
    kam_admin.save()
    client = client_for(kam_admin)
    assert client.get(reverse("admin:accounts_revenueline_changelist"), {"q": line.reference}).status_code == 200
    response = client.post(reverse("admin:accounts_revenueline_change", args=[line.pk]), {
        "account": line.account_id, "month": "2026-03-02", "amount": 5, "cost": 0, "order": foreign.pk,
        "reference": line.reference,
    })
    assert response.status_code == 200
    assert "The order is not one of this account&#39;s orders." in response.text
    assert "A revenue line&#39;s month is the first day of the month." in response.text
    assert RevenueLine.objects.get().amount == line.amount


def test_revenue_lines_saved_or_deleted_in_the_admin_refresh_revenue_pareto_and_snapshots(
    client_for, kam_admin, django_capture_on_commit_callbacks
):
    """The admin writes through performance.revenue: the same refresh as the import and the API."""
    import datetime

    from accounts.models import Account, RevenueLine
    from performance.models import KpiSnapshot
    from tests.factories import AccountFactory

    account = AccountFactory()
    month = datetime.date.today().replace(day=1)
    kam_admin.is_staff = True
    kam_admin.save()
    client = client_for(kam_admin)
    form = {"account": account.pk, "month": str(month), "amount": 900, "cost": 300, "reference": "RV-1"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:accounts_revenueline_add"), form).status_code == 302
    account.refresh_from_db()
    assert (account.revenue_ttm, account.profit_ttm, account.pareto_class) == (900, 600, Account.ParetoClass.A)
    assert KpiSnapshot.objects.filter(account=account, kpi__code="revenue", actual=900).exists()
    line = RevenueLine.objects.get()
    assert line.source == RevenueLine.Source.RECORDED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:accounts_revenueline_change", args=[line.pk]), {**form, "amount": 1_000})
    account.refresh_from_db()
    assert (account.revenue_ttm, account.profit_ttm) == (1_000, 700)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:accounts_revenueline_delete", args=[line.pk]), {"post": "yes"})
    account.refresh_from_db()
    assert not RevenueLine.objects.exists()
    assert account.revenue_ttm == 0
    assert not KpiSnapshot.objects.filter(account=account, kpi__code="revenue", actual=1_000).exists()


def test_revenue_lines_deleted_in_bulk_in_the_admin_refresh_their_accounts(
    client_for, kam_admin, django_capture_on_commit_callbacks
):
    from accounts.services import account_revenue_refresh
    from tests.factories import RevenueLineFactory

    lines = [RevenueLineFactory(amount=500), RevenueLineFactory(amount=700)]
    account_revenue_refresh()
    lines[0].account.refresh_from_db()
    assert lines[0].account.revenue_ttm == 500
    kam_admin.is_staff = True
    kam_admin.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(kam_admin).post(reverse("admin:accounts_revenueline_changelist"), {
            "action": "delete_selected", "_selected_action": [line.pk for line in lines], "post": "yes"})
    for line in lines:
        line.account.refresh_from_db()
        assert line.account.revenue_ttm == 0


def test_the_revenue_line_admin_refuses_a_month_not_begun(client_for, kam_admin):
    import datetime

    from accounts.models import RevenueLine
    from tests.factories import AccountFactory

    next_month = (datetime.date.today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    kam_admin.is_staff = True
    kam_admin.save()
    response = client_for(kam_admin).post(reverse("admin:accounts_revenueline_add"), {
        "account": AccountFactory().pk, "month": str(next_month), "amount": 5, "cost": 0, "reference": "RV-1"})
    assert response.status_code == 200
    assert "has not started yet" in response.text
    assert not RevenueLine.objects.exists()
