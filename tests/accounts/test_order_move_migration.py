"""Order moved from performance to accounts in Django's state only (accounts 0011, performance 0005):
rows written before the move are read as `accounts.Order` after it, and back."""

import datetime
from decimal import Decimal

import pytest

from tests.migrations import leaf_nodes, migrate

BEFORE = [("accounts", "0010_user_level_one_kam"), ("performance", "0004_snapshot_covering_index")]
AFTER = [("accounts", "0011_order_from_performance"), ("performance", "0005_order_to_accounts")]


@pytest.mark.django_db(transaction=True)
def test_orders_written_before_the_move_are_accounts_orders_after_it():
    leaves = leaf_nodes()
    try:
        old = migrate(BEFORE)
        OldOrder = old.get_model("performance", "Order")
        ContentType = old.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label="accounts", model="order").delete()
        ContentType.objects.get_or_create(app_label="performance", model="order")
        # Written with the models as they were then: later migrations add columns today's factories write.
        unit = old.get_model("accounts", "BusinessUnit").objects.create(name="Manufacturing", kind="vertical")
        account = old.get_model("accounts", "Account").objects.create(name="Acme", vertical_unit=unit)
        product = old.get_model("accounts", "BusinessUnit").objects.create(name="Products", kind="horizontal")
        offering = old.get_model("accounts", "Offering").objects.create(name="MES", owner_unit=product)
        before = OldOrder.objects.create(
            account_id=account.pk, offering_id=offering.pk, ordered_on=datetime.date(2026, 1, 5), amount=Decimal(1000), reference="SO-1"
        )

        new = migrate(AFTER)
        Order = new.get_model("accounts", "Order")
        moved = Order.objects.get()
        assert (moved.pk, moved.reference, moved.amount, moved.account_id) == (before.pk, "SO-1", Decimal(1000), account.pk)
        assert Order._meta.db_table == "performance_order"
        content_types = new.get_model("contenttypes", "ContentType").objects.filter(model="order")
        assert list(content_types.values_list("app_label", flat=True)) == ["accounts"]

        back = migrate(BEFORE)
        assert back.get_model("performance", "Order").objects.get().reference == "SO-1"
        assert list(back.get_model("contenttypes", "ContentType").objects.filter(model="order").values_list("app_label", flat=True)) == ["performance"]
    finally:
        migrate(leaves)
