"""accounts 0017: each order becomes one revenue line in its order month (same amount and cost); back, those lines go."""

import datetime
from decimal import Decimal

import pytest

from tests.migrations import leaf_nodes, migrate

# The account lifecycle (0016_account_lifecycle) is a sibling branch, merged in 0018: it stays applied, so the
# models of the time include its columns.
LIFECYCLE = ("accounts", "0016_account_lifecycle")
BEFORE = [("accounts", "0016_revenue_lines"), LIFECYCLE]
AFTER = [("accounts", "0017_revenue_lines_from_orders"), LIFECYCLE]


@pytest.mark.django_db(transaction=True)
def test_each_order_becomes_one_revenue_line_in_its_month_and_back():
    leaves = leaf_nodes()
    try:
        old = migrate(BEFORE)
        # Written with the models as they were then: later migrations may add columns today's factories write.
        BusinessUnit = old.get_model("accounts", "BusinessUnit")
        unit = BusinessUnit.objects.create(name="Manufacturing", kind="vertical")
        acme = old.get_model("accounts", "Account").objects.create(name="Acme", vertical_unit=unit)
        beta = old.get_model("accounts", "Account").objects.create(name="Beta", vertical_unit=unit)
        product = BusinessUnit.objects.create(name="Products", kind="horizontal")
        offering = old.get_model("accounts", "Offering").objects.create(name="MES", owner_unit=product)
        Order = old.get_model("accounts", "Order")
        signed = Order.objects.create(account_id=acme.pk, offering_id=offering.pk, ordered_on=datetime.date(2026, 3, 17),
                                      amount=Decimal(1_200_000_000), cost=Decimal(700_000_000), reference="SO-1")
        other = Order.objects.create(account_id=beta.pk, offering_id=offering.pk, ordered_on=datetime.date(2025, 12, 31),
                                     amount=Decimal(50_000_000), reference="SO-1")
        # A line imported before the migration ran keeps its place (its reference is taken).
        OldLine = old.get_model("accounts", "RevenueLine")
        OldLine.objects.create(account_id=beta.pk, reference="SO-1", month=datetime.date(2026, 1, 1), amount=Decimal(7))

        new = migrate(AFTER)
        RevenueLine = new.get_model("accounts", "RevenueLine")
        lines = {(line.account_id, line.reference): line for line in RevenueLine.objects.all()}
        assert len(lines) == 2
        acme_line = lines[(acme.pk, "SO-1")]
        assert (acme_line.month, acme_line.amount, acme_line.cost, acme_line.order_id) == (
            datetime.date(2026, 3, 1), Decimal(1_200_000_000), Decimal(700_000_000), signed.pk
        )
        assert lines[(beta.pk, "SO-1")].amount == Decimal(7)
        assert other.pk not in {line.order_id for line in lines.values()}

        back = migrate(BEFORE)
        remaining = back.get_model("accounts", "RevenueLine").objects.all()
        assert [(line.account_id, line.amount) for line in remaining] == [(beta.pk, Decimal(7))]
        assert back.get_model("accounts", "Order").objects.count() == 2
    finally:
        migrate(leaves)


@pytest.mark.django_db(transaction=True)
def test_the_lines_made_from_orders_are_marked_as_such_and_the_others_recorded():
    """accounts 0019: a line under its order's own number (as 0017 made them) is "order"; any other is "recorded"."""
    before, after = [("accounts", "0018_lifecycle_and_revenue_lines")], [("accounts", "0019_revenue_line_source")]
    leaves = leaf_nodes()
    try:
        old = migrate(before)
        BusinessUnit = old.get_model("accounts", "BusinessUnit")
        unit = BusinessUnit.objects.create(name="Manufacturing", kind="vertical")
        acme = old.get_model("accounts", "Account").objects.create(name="Acme", vertical_unit=unit)
        offering = old.get_model("accounts", "Offering").objects.create(
            name="MES", owner_unit=BusinessUnit.objects.create(name="Products", kind="horizontal"))
        order = old.get_model("accounts", "Order").objects.create(
            account_id=acme.pk, offering_id=offering.pk, ordered_on=datetime.date(2026, 3, 17), amount=Decimal(9),
            reference="SO-1")
        Line = old.get_model("accounts", "RevenueLine")
        month = datetime.date(2026, 3, 1)
        Line.objects.create(account_id=acme.pk, order_id=order.pk, reference="SO-1", month=month, amount=Decimal(9))
        Line.objects.create(account_id=acme.pk, order_id=order.pk, reference="AR-1", month=month, amount=Decimal(3))
        Line.objects.create(account_id=acme.pk, reference="AR-2", month=month, amount=Decimal(4))

        new = migrate(after)
        sources = dict(new.get_model("accounts", "RevenueLine").objects.values_list("reference", "source"))
        assert sources == {"SO-1": "order", "AR-1": "recorded", "AR-2": "recorded"}
    finally:
        migrate(leaves)
