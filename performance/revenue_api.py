"""REST resource for revenue lines (매출), mounted by kam.api: CRUD on the account-data base and `POST bulk/`,
an all-or-nothing upsert by natural key (account, reference) like orders'. Who writes: as for orders."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

import django_filters

from accounts.api.base import AccountBatchSerializer, AccountDataFilterSet, VisibleRelatedField
from accounts.models import Order, RevenueLine, User
from accounts.selectors.visibility import visible_rows
from core.api import fields
from performance.orders_api import ErpBatchSerializer, ErpBulkResultSerializer, ErpBulkRowSerializer, ErpRecordSerializer, ErpRecordViewSet
from performance.revenue import RevenueLineRow, revenue_line_delete, revenue_line_save, revenue_lines_upsert

MONTH_HELP = gettext_lazy("The first day of the month the revenue is recognised in, from 2000-01-01 to this month.")


class RevenueLineSerializer(ErpRecordSerializer):
    order = VisibleRelatedField(
        queryset=Order.objects.all(), required=False, allow_null=True,
        help_text=gettext_lazy("The order this revenue comes from, if any; an order of the same account."),
    )

    class Meta(ErpRecordSerializer.Meta):
        model = RevenueLine
        fields = ["id", "account", "reference", "month", "amount", "cost", "profit", "order", "source"]
        read_only_fields = ["source"]
        extra_kwargs = {**ErpRecordSerializer.Meta.extra_kwargs, "month": {"help_text": MONTH_HELP}}
        # The model's unique check runs in full_clean, as a field error.
        validators = []

    def save_instance(self, instance, **extra):
        return revenue_line_save(line=instance, acting_user=self.acting_user)


class RevenueLineBulkRowSerializer(ErpBulkRowSerializer):
    """One revenue line of a batch; `account` + `reference` is the natural key."""

    reference = fields.CharField(max_length=64, help_text=gettext_lazy("The revenue line's number in the ERP; unique per account."))
    month = serializers.DateField(help_text=MONTH_HELP)
    order = fields.IntegerField(min_value=1, max_value=fields.MAX_ID, required=False, allow_null=True, default=None)


def _visible_orders(user: User):
    return visible_rows(Order.objects.all(), user, "account")


class RevenueLineBatchSerializer(ErpBatchSerializer):
    child = RevenueLineBulkRowSerializer()
    related = {**AccountBatchSerializer.related, "order": _visible_orders}


class RevenueLineFilter(AccountDataFilterSet):
    month_since = django_filters.DateFilter(field_name="month", lookup_expr="gte")
    month_until = django_filters.DateFilter(field_name="month", lookup_expr="lte")

    class Meta:
        model = RevenueLine
        fields = ["account", "order", "reference", "month", "month_since", "month_until", "source"]


class RevenueLineViewSet(ErpRecordViewSet):
    """Revenue recognised per account and month (매출), apart from orders (수주, order intake).
    `POST bulk/` upserts a batch by (account, reference), all or nothing. Lines written here are recorded
    (`source`); lines made from orders (`performance.order_revenue`) say `order`."""

    serializer_class = RevenueLineSerializer
    filterset_class = RevenueLineFilter
    ordering_fields = ["month", "amount", "id"]
    bulk_serializer_class = RevenueLineBatchSerializer

    def base_queryset(self):
        return RevenueLine.objects.all()

    def perform_destroy(self, instance):
        revenue_line_delete(line=instance, acting_user=self.request.user)

    @extend_schema(
        request=RevenueLineBulkRowSerializer(many=True),
        responses={200: ErpBulkResultSerializer},
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


# Mounted under /api/v1/ by kam.api.urls.
routes = [("revenue-lines", RevenueLineViewSet, "revenue-line")]
