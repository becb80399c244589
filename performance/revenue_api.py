"""REST resource for revenue lines (매출), mounted by kam.api: CRUD on the account-data base and `POST bulk/`,
an all-or-nothing upsert by natural key (account, reference) like orders'. Who writes: as for orders."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

import django_filters

from accounts.api.base import (
    AccountBatchSerializer,
    AccountBulkOutcomeSerializer,
    AccountBulkWriteMixin,
    AccountDataFilterSet,
    AccountDataViewSet,
    VisibleRelatedField,
)
from accounts.models import Account, Order, RevenueLine, User
from accounts.selectors.visibility import visible_rows
from core.api import fields
from core.api.bulk import BulkResultSerializer
from core.api.serializers import MONEY, ServiceModelSerializer
from performance.revenue import RevenueLineRow, revenue_line_delete, revenue_line_save, revenue_lines_upsert

MONTH_HELP = gettext_lazy("The first day of the month the revenue is recognised in, from 2000-01-01 to this month.")


class RevenueLineSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    order = VisibleRelatedField(
        queryset=Order.objects.all(), required=False, allow_null=True,
        help_text=gettext_lazy("The order this revenue comes from, if any; an order of the same account."),
    )
    profit = fields.DecimalField(max_digits=17, decimal_places=0, read_only=True, coerce_to_string=False)

    class Meta:
        model = RevenueLine
        fields = ["id", "account", "reference", "month", "amount", "cost", "profit", "order"]
        extra_kwargs = {"amount": MONEY, "cost": MONEY, "month": {"help_text": MONTH_HELP}}
        fixed_on_update = ["account"]
        # The model's unique check runs in full_clean, as a field error.
        validators = []

    def save_instance(self, instance, **extra):
        return revenue_line_save(line=instance, acting_user=self.acting_user)


class RevenueLineBulkRowSerializer(serializers.Serializer):
    """One revenue line of a batch; `account` + `reference` is the natural key."""

    account = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    reference = fields.CharField(max_length=64, help_text=gettext_lazy("The revenue line's number in the ERP; unique per account."))
    month = serializers.DateField(help_text=MONTH_HELP)
    amount = fields.DecimalField(**MONEY)
    cost = fields.DecimalField(**MONEY, default=0)
    order = fields.IntegerField(min_value=1, max_value=fields.MAX_ID, required=False, allow_null=True, default=None)


def _visible_orders(user: User):
    return visible_rows(Order.objects.all(), user, "account")


class RevenueLineBatchSerializer(AccountBatchSerializer):
    child = RevenueLineBulkRowSerializer()
    related = {**AccountBatchSerializer.related, "order": _visible_orders}
    key_fields = ("account", "reference")
    key_error_field = "reference"
    key_error_message = gettext_lazy("This reference appears twice for the same account in the batch.")


class RevenueLineBulkOutcomeSerializer(AccountBulkOutcomeSerializer):
    reference = serializers.CharField()


class RevenueLineBulkResultSerializer(BulkResultSerializer):
    results = RevenueLineBulkOutcomeSerializer(many=True)


class RevenueLineFilter(AccountDataFilterSet):
    month_since = django_filters.DateFilter(field_name="month", lookup_expr="gte")
    month_until = django_filters.DateFilter(field_name="month", lookup_expr="lte")

    class Meta:
        model = RevenueLine
        fields = ["account", "order", "reference", "month", "month_since", "month_until"]


class RevenueLineViewSet(AccountBulkWriteMixin, AccountDataViewSet):
    """Revenue recognised per account and month (매출), apart from orders (수주, order intake).
    `POST bulk/` upserts a batch by (account, reference), all or nothing."""

    serializer_class = RevenueLineSerializer
    filterset_class = RevenueLineFilter
    ordering_fields = ["month", "amount", "id"]
    http_method_names = [*AccountDataViewSet.http_method_names, "delete"]
    bulk_serializer_class = RevenueLineBatchSerializer

    def base_queryset(self):
        return RevenueLine.objects.all()

    def perform_destroy(self, instance):
        revenue_line_delete(line=instance, acting_user=self.request.user)

    @extend_schema(
        request=RevenueLineBulkRowSerializer(many=True),
        responses={200: RevenueLineBulkResultSerializer},
        description="Create or update up to 1000 revenue lines by their natural key (account, reference), all or "
        "nothing. Sending the same batch again changes nothing. Errors come keyed by the failing rows' positions "
        '(`{"3": {"month": ["…"]}}`).',
        examples=[
            OpenApiExample(
                "A twelve-month contract's first two months, from the ERP",
                request_only=True,
                value=[
                    {"account": 1, "reference": "AR-2026-0001", "month": "2026-10-01", "amount": 10000000,
                     "cost": 6500000, "order": 7},
                    {"account": 1, "reference": "AR-2026-0002", "month": "2026-11-01", "amount": 10000000,
                     "cost": 6500000, "order": 7},
                ],
            )
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        return self.bulk_response(request)

    def bulk_write(self, rows):
        return revenue_lines_upsert(
            rows=[
                RevenueLineRow(
                    account_id=row["account"].pk, reference=row["reference"], month=row["month"], amount=row["amount"],
                    cost=row["cost"], order_id=row["order"].pk if row.get("order") else None,
                )
                for row in rows
            ],
            acting_user=self.request.user,
        )

    def bulk_key(self, line):
        return {"reference": line.reference}


# Mounted under /api/v1/ by kam.api.urls.
routes = [("revenue-lines", RevenueLineViewSet, "revenue-line")]
