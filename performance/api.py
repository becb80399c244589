"""REST resources for orders (and, later, KPI actuals and NPS responses), mounted by kam.api."""

from collections import Counter

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import Account, Offering
from accounts.selectors import accounts_visible_to
from kam.api import fields
from kam.api.filters import AccountDataFilterSet
from kam.api.permissions import READ_ONLY_MESSAGE, accounts_not_editable_by
from kam.api.serializers import ServiceModelSerializer, VisibleRelatedField
from kam.api.viewsets import AccountDataViewSet
from performance.models import Order
from performance.services import OrderRow, Outcome, orders_upsert

MONEY = {"max_digits": 16, "decimal_places": 0, "min_value": 0, "coerce_to_string": False}
BULK_MAX_ROWS = 1000


class OrderSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    profit = fields.DecimalField(max_digits=17, decimal_places=0, read_only=True, coerce_to_string=False)

    class Meta:
        model = Order
        fields = ["id", "account", "offering", "ordered_on", "amount", "cost", "profit", "reference"]
        extra_kwargs = {"amount": MONEY, "cost": MONEY}
        fixed_on_update = ["account"]


class OrderBulkRowSerializer(serializers.Serializer):
    """One order of a batch; `account` + `reference` is the natural key."""

    account = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    reference = fields.CharField(max_length=64, help_text=gettext_lazy("The order number in the ERP; unique per account."))
    offering = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    ordered_on = serializers.DateField()
    amount = fields.DecimalField(**MONEY)
    cost = fields.DecimalField(**MONEY, default=0)


class OrderBatchSerializer(serializers.ListSerializer):
    """A batch of rows, checked as a whole: ids resolved in two queries, errors keyed by row position."""

    child = OrderBulkRowSerializer()

    def validate(self, rows):
        user = self.context["request"].user
        account_ids = {row["account"] for row in rows}
        visible = set(accounts_visible_to(user).filter(pk__in=account_ids).values_list("pk", flat=True))
        offerings = set(Offering.objects.filter(pk__in={row["offering"] for row in rows}).values_list("pk", flat=True))
        # Row errors keyed by the row's position, as DRF reports errors of the rows' own fields.
        errors, seen = {}, set()
        for index, row in enumerate(rows):
            row_errors = {}
            if row["account"] not in visible:
                row_errors["account"] = [_('Invalid pk "%(pk)s" - object does not exist.') % {"pk": row["account"]}]
            if row["offering"] not in offerings:
                row_errors["offering"] = [_('Invalid pk "%(pk)s" - object does not exist.') % {"pk": row["offering"]}]
            key = (row["account"], row["reference"])
            if key in seen:
                row_errors["reference"] = [_("This reference appears twice for the same account in the batch.")]
            seen.add(key)
            if row_errors:
                errors[str(index)] = row_errors
        if errors:
            raise serializers.ValidationError(errors)
        return rows


class OrderBulkOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.IntegerField()
    reference = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[kind.value for kind in Outcome])


class OrderBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    results = OrderBulkOutcomeSerializer(many=True)


class OrderFilter(AccountDataFilterSet):
    ordered_since = django_filters.DateFilter(field_name="ordered_on", lookup_expr="gte")
    ordered_until = django_filters.DateFilter(field_name="ordered_on", lookup_expr="lte")

    class Meta:
        model = Order
        fields = ["account", "offering", "reference", "ordered_since", "ordered_until"]


class OrderViewSet(AccountDataViewSet):
    """Orders booked with accounts. `POST bulk/` upserts a batch by (account, reference), all or nothing.

    Orders keep no `updated_at`, so there is no `updated_since` filter: filter by order date.
    """

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["ordered_on", "amount", "id"]
    http_method_names = [*AccountDataViewSet.http_method_names, "delete"]

    def base_queryset(self):
        return Order.objects.all()

    @extend_schema(
        request=OrderBulkRowSerializer(many=True),
        responses={200: OrderBulkResultSerializer},
        description="Create or update up to 1000 orders by their natural key (account, reference), all or nothing. "
        "Sending the same batch again changes nothing. Errors come keyed by the failing rows' positions "
        '(`{"3": {"amount": ["…"]}}`).',
        examples=[
            OpenApiExample(
                "Two orders from the ERP",
                request_only=True,
                value=[
                    {"account": 1, "reference": "SO-2026-0001", "offering": 3, "ordered_on": "2026-10-31",
                     "amount": 125000000, "cost": 81000000},
                    {"account": 1, "reference": "SO-2026-0002", "offering": 5, "ordered_on": "2026-10-31",
                     "amount": 48000000},
                ],
            )
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        batch = OrderBatchSerializer(
            data=request.data, context=self.get_serializer_context(), allow_empty=False, max_length=BULK_MAX_ROWS
        )
        batch.is_valid(raise_exception=True)
        if accounts_not_editable_by(request.user, {row["account"] for row in batch.validated_data}):
            raise PermissionDenied(READ_ONLY_MESSAGE)
        outcomes = orders_upsert(rows=[_order_row(row) for row in batch.validated_data], acting_user=request.user)
        counts = Counter(outcome for _order, outcome in outcomes)
        return Response(
            {
                **{kind.value: counts[kind] for kind in Outcome},
                "results": [
                    {"id": order.pk, "account": order.account_id, "reference": order.reference, "outcome": outcome.value}
                    for order, outcome in outcomes
                ],
            },
            status=status.HTTP_200_OK,
        )


def _order_row(row: dict) -> OrderRow:
    return OrderRow(
        account_id=row["account"],
        reference=row["reference"],
        offering_id=row["offering"],
        ordered_on=row["ordered_on"],
        amount=row["amount"],
        cost=row["cost"],
    )


# Mounted under /api/v1/ by kam.api.urls.
routes = [
    ("orders", OrderViewSet, "order"),
]
