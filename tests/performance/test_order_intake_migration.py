"""performance 0010 on a database from before it: the catalogue gains order intake (수주액), the orders count is
relabelled "Orders signed" (수주 건수) under its old code, its targets stay, and an admin's own wording stays."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.migrations import leaf_nodes, migrate

BEFORE = [("performance", "0009_personal_goals")]
AFTER = [("performance", "0010_order_intake_kpi")]


@pytest.mark.django_db(transaction=True)
def test_an_existing_catalogue_gains_order_intake_and_the_orders_count_says_what_it_is():
    leaves = leaf_nodes()
    try:
        old = migrate(BEFORE)
        Kpi = old.get_model("performance", "KpiDefinition")
        # An earlier test that flushed the database may have taken the seeded catalogue with it.
        Kpi.objects.filter(code__in=["orders", "revenue", "order_intake"]).delete()
        orders = Kpi.objects.create(code="orders", name="Orders", name_ko="수주", formula="Orders booked",
                                    unit="count", source="computed", sort_order=10)
        Kpi.objects.create(code="revenue", name="Revenue", name_ko="매출 실적", formula="Revenue lines", unit="money",
                           source="computed", sort_order=20)
        unit = old.get_model("accounts", "BusinessUnit").objects.create(name="Manufacturing", kind="vertical")
        account = old.get_model("accounts", "Account").objects.create(name="Acme", vertical_unit=unit)
        target = old.get_model("performance", "KpiTarget").objects.create(
            account_id=account.pk, kpi_id=orders.pk, fiscal_year=2026, period_kind="quarter", period_index=1,
            value=Decimal(12),
        )

        new = migrate(AFTER)
        Kpi = new.get_model("performance", "KpiDefinition")
        intake = Kpi.objects.get(code="order_intake")
        assert (intake.name, intake.name_ko, intake.unit, intake.rollup, intake.source, intake.show_on_dashboard) == (
            "Order intake", "수주액", "money", "sum", "computed", True
        )
        orders = Kpi.objects.get(code="orders")
        assert (orders.name, orders.name_ko) == ("Orders signed", "수주 건수")
        assert new.get_model("performance", "KpiTarget").objects.get(pk=target.pk).kpi_id == orders.pk
        assert Kpi.objects.get(code="revenue").name_ko == "매출 실적"  # not as shipped: left alone
        # Personal goals take it; the catalogue still refuses a computed KPI nobody computes.
        user = new.get_model("accounts", "User").objects.create(username="lee")
        new.get_model("performance", "PersonalGoal").objects.create(
            account_id=account.pk, user_id=user.pk, kpi_id=intake.pk, fiscal_year=2026, month=1, value=Decimal(5)
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Kpi.objects.create(code="bookings", name="Bookings", formula="?", unit="money", source="computed")

        back = migrate(BEFORE)
        Kpi = back.get_model("performance", "KpiDefinition")
        assert Kpi.objects.get(code="order_intake").source == "manual"  # its goals and targets kept
        assert (Kpi.objects.get(code="orders").name, Kpi.objects.get(code="orders").name_ko) == ("Orders", "수주")

        again = migrate(AFTER)
        assert again.get_model("performance", "KpiDefinition").objects.get(code="order_intake").source == "computed"
    finally:
        migrate(leaves)
