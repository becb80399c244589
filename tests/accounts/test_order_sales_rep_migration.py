"""accounts 0020 and performance 0009: orders get an optional sales rep (existing orders have none), and the
personal goals table holds its invariants in the database."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.migrations import leaf_nodes, migrate

BEFORE = [("accounts", "0019_revenue_line_source"), ("performance", "0008_revenue_lines")]
AFTER = [("accounts", "0020_order_sales_rep"), ("performance", "0009_personal_goals")]


@pytest.mark.django_db(transaction=True)
def test_existing_orders_have_no_sales_rep_and_goals_keep_their_rules():
    leaves = leaf_nodes()
    try:
        old = migrate(BEFORE)
        BusinessUnit = old.get_model("accounts", "BusinessUnit")
        unit = BusinessUnit.objects.create(name="Manufacturing", kind="vertical")
        account = old.get_model("accounts", "Account").objects.create(name="Acme", vertical_unit=unit)
        offering = old.get_model("accounts", "Offering").objects.create(
            name="MES", owner_unit=BusinessUnit.objects.create(name="Products", kind="horizontal")
        )
        order = old.get_model("accounts", "Order").objects.create(
            account_id=account.pk, offering_id=offering.pk, ordered_on=datetime.date(2026, 3, 17), amount=Decimal(5),
            reference="SO-1",
        )

        new = migrate(AFTER)
        assert new.get_model("accounts", "Order").objects.get(pk=order.pk).sales_rep_id is None
        user = new.get_model("accounts", "User").objects.create(username="lee")
        # An earlier test that flushed the database may have taken the seeded catalogue with it.
        kpi, _created = new.get_model("performance", "KpiDefinition").objects.get_or_create(
            code="revenue", defaults={"name": "Revenue", "formula": "Revenue lines", "unit": "money", "source": "computed"}
        )
        Goal = new.get_model("performance", "PersonalGoal")
        fields = {"account_id": account.pk, "user_id": user.pk, "kpi_id": kpi.pk, "fiscal_year": 2026}
        Goal.objects.create(**fields, month=1, value=Decimal(10))
        for bad in ({"month": 1, "value": Decimal(3)}, {"month": 13, "value": Decimal(1)},
                    {"month": 2, "value": Decimal(-1)}):
            with pytest.raises(IntegrityError), transaction.atomic():
                Goal.objects.create(**fields, **bad)

        back = migrate(BEFORE)
        assert back.get_model("accounts", "Order").objects.count() == 1
    finally:
        migrate(leaves)
