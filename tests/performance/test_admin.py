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
