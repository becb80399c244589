"""REST resources for orders (수주, order intake), mounted by kam.api, on a base they share with revenue lines
(`performance.revenue_api`): an account's record under its ERP number. Each order names its sales rep (영업 담당);
`POST bulk/` is an all-or-nothing upsert by natural key (account, reference)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from accounts.api.base import (
    AccountBatchSerializer,
    AccountBulkOutcomeSerializer,
    AccountBulkWriteMixin,
    AccountDataFilterSet,
    AccountDataViewSet,
    VisibleRelatedField,
)
from accounts.models import Account, Offering, Order, User
from core.api import fields
from core.api.bulk import BulkResultSerializer
from core.api.serializers import MONEY, ServiceModelSerializer
from performance.services import OrderRow, order_save, orders_delete, orders_upsert
from performance.values import order_date_problem

SALES_REP_HELP = gettext_lazy("Who made the sale (a user id, or null): the order counts towards their personal goals.")


def _sales_reps(user=None):
    """The people an order may be credited to: active users."""
    return User.objects.filter(is_active=True)


def validate_order_date(value) -> None:
    """The order-date rule the import applies too (performance.values.order_date_problem)."""
    problem = order_date_problem(value, timezone.localdate())
    if problem:
        raise serializers.ValidationError(problem)


# --- What orders and revenue lines share: an account's record under its ERP number, with amount and cost ---


class ErpRecordSerializer(ServiceModelSerializer):
    """An account's record as the ERP books it (an order, a revenue line): amount, cost and their profit."""

    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    profit = fields.DecimalField(max_digits=17, decimal_places=0, read_only=True, coerce_to_string=False)

    class Meta:
        extra_kwargs = {"amount": MONEY, "cost": MONEY}
        fixed_on_update = ["account"]


class ErpBulkRowSerializer(serializers.Serializer):
    """One record of a batch; `account` + `reference` (declared by each kind, with its help) is the natural key."""

    account = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    amount = fields.DecimalField(**MONEY)
    cost = fields.DecimalField(**MONEY, default=0)


class ErpBatchSerializer(AccountBatchSerializer):
    key_fields = ("account", "reference")
    key_error_field = "reference"
    key_error_message = gettext_lazy("This reference appears twice for the same account in the batch.")


class ErpBulkOutcomeSerializer(AccountBulkOutcomeSerializer):
    reference = serializers.CharField()


class ErpBulkResultSerializer(BulkResultSerializer):
    results = ErpBulkOutcomeSerializer(many=True)


class ErpRecordViewSet(AccountBulkWriteMixin, AccountDataViewSet):
    """Records of accounts under their ERP numbers, deleted too; `POST bulk/` upserts by (account, reference)."""

    http_method_names = [*AccountDataViewSet.http_method_names, "delete"]

    def bulk_key(self, record):
        return {"reference": record.reference}


# --- Orders ----------------------------------------------------------------------------------------


class OrderSerializer(ErpRecordSerializer):
    sales_rep = fields.PrimaryKeyRelatedField(
        queryset=_sales_reps(), allow_null=True, required=False, help_text=SALES_REP_HELP
    )

    class Meta(ErpRecordSerializer.Meta):
        model = Order
        fields = ["id", "account", "offering", "ordered_on", "amount", "cost", "profit", "reference", "sales_rep"]
        extra_kwargs = {**ErpRecordSerializer.Meta.extra_kwargs, "ordered_on": {"validators": [validate_order_date]}}

    def save_instance(self, instance, **extra):
        return order_save(order=instance, acting_user=self.acting_user)


class OrderBulkRowSerializer(ErpBulkRowSerializer):
    """One order of a batch; `account` + `reference` is the natural key."""

    reference = fields.CharField(max_length=64, help_text=gettext_lazy("The order number in the ERP; unique per account."))
    offering = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    ordered_on = serializers.DateField(validators=[validate_order_date], help_text=gettext_lazy("From 2000-01-01 to today."))
    sales_rep = fields.IntegerField(
        min_value=1, max_value=fields.MAX_ID, required=False, allow_null=True, default=None, help_text=SALES_REP_HELP
    )


class OrderBatchSerializer(ErpBatchSerializer):
    child = OrderBulkRowSerializer()
    related = {**AccountBatchSerializer.related, "offering": lambda user: Offering.objects.all(), "sales_rep": _sales_reps}


class OrderFilter(AccountDataFilterSet):
    ordered_since = django_filters.DateFilter(field_name="ordered_on", lookup_expr="gte")
    ordered_until = django_filters.DateFilter(field_name="ordered_on", lookup_expr="lte")

    class Meta:
        model = Order
        fields = ["account", "offering", "reference", "ordered_since", "ordered_until"]


class OrderViewSet(ErpRecordViewSet):
    """Orders booked with accounts. `POST bulk/` upserts a batch by (account, reference), all or nothing.
    While no revenue line is recorded, each order keeps a revenue line of its own (`performance.order_revenue`).

    Orders keep no `updated_at`, so there is no `updated_since` filter: filter by order date.
    """

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["ordered_on", "amount", "id"]
    bulk_serializer_class = OrderBatchSerializer

    def base_queryset(self):
        return Order.objects.all()

    def perform_destroy(self, instance):
        orders_delete(orders=[instance], acting_user=self.request.user)

    @extend_schema(
        request=OrderBulkRowSerializer(many=True),
        responses={200: ErpBulkResultSerializer},
        description="Create or update up to 1000 orders by their natural key (account, reference), all or nothing. "
        "Sending the same batch again changes nothing. Errors come keyed by the failing rows' positions "
        '(`{"3": {"amount": ["…"]}}`).',
        examples=[
            OpenApiExample(
                "Two orders from the ERP",
                request_only=True,
                value=[
                    {"account": 1, "reference": "SO-2026-0001", "offering": 3, "ordered_on": "2026-10-31",
                     "amount": 125000000, "cost": 81000000, "sales_rep": 7},
                    {"account": 1, "reference": "SO-2026-0002", "offering": 5, "ordered_on": "2026-10-31",
                     "amount": 48000000},
                ],
            )
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        return self.bulk_response(request)

    def bulk_write(self, rows):
        return orders_upsert(rows=[_order_row(row) for row in rows], acting_user=self.request.user)


def _order_row(row: dict) -> OrderRow:
    return OrderRow(
        account_id=row["account"].pk,
        reference=row["reference"],
        offering_id=row["offering"].pk,
        ordered_on=row["ordered_on"],
        amount=row["amount"],
        cost=row["cost"],
        sales_rep_id=row["sales_rep"].pk if row["sales_rep"] else None,
    )


# Mounted under /api/v1/ by kam.api.urls.
routes = [("orders", OrderViewSet, "order")]
