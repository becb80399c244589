"""REST resources for the resources a consensus meeting grants (배정) and the budget spent against them.

Mounted by kam.api (`routes` below). Grants are written by the chair's decision
(`agenda-items/{id}/decide/`, planning.api_meetings); here they are read by whoever sees the plan,
and the account's team (and admins) record the budget spent, through `planning.grants.resource_spend_add`.
"""

from django.db.models import F, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.permissions import role_writes_account_data
from accounts.selectors import visible_rows
from core.api import fields
from core.api.exceptions import call_service
from core.api.filters import IntegerFilter, StrictFilterSet
from planning import grants
from planning.models import ResourceGrant, ResourceSpend


class GrantSerializer(serializers.ModelSerializer):
    """What the approval grants against one support request of step 5, and what was spent of it."""

    plan = serializers.IntegerField(source="decision.version.plan_id", read_only=True)
    account = serializers.IntegerField(source="decision.version.plan.account_id", read_only=True)
    fiscal_year = serializers.IntegerField(source="decision.version.plan.fiscal_year", read_only=True)
    version = serializers.IntegerField(source="decision.version_id", read_only=True)
    requested_amount = fields.DecimalField(max_digits=16, decimal_places=0, coerce_to_string=False, read_only=True)
    granted_amount = fields.DecimalField(max_digits=16, decimal_places=0, coerce_to_string=False, read_only=True)
    spent = fields.DecimalField(max_digits=18, decimal_places=0, coerce_to_string=False, read_only=True, allow_null=True,
                                help_text=gettext_lazy("Budget spent against the grant so far (in the grants list)."))

    class Meta:
        model = ResourceGrant
        fields = ["id", "decision", "plan", "account", "fiscal_year", "version", "support_request", "kind", "description",
                  "requested_amount", "granted_amount", "status", "reason", "spent"]
        read_only_fields = fields


class GrantFilter(StrictFilterSet):
    plan = IntegerFilter(field_name="decision__version__plan")
    account = IntegerFilter(field_name="decision__version__plan__account", help_text=gettext_lazy("Only this account's records."))
    fiscal_year = IntegerFilter(field_name="decision__version__plan__fiscal_year")

    class Meta:
        model = ResourceGrant
        fields = ["plan", "account", "fiscal_year", "status", "kind"]


class ResourceGrantViewSet(viewsets.ReadOnlyModelViewSet):
    """Resources granted (배정) against the support requests of step 5, by the decisions on the plans the
    caller sees, with the budget spent against each. Grants are written by the decision (`agenda-items/{id}/decide/`)."""

    serializer_class = GrantSerializer
    filterset_class = GrantFilter
    ordering = ["account_key", "id"]
    ordering_fields = ["id"]
    lookup_value_converter = "int"

    def get_queryset(self):
        spent = (ResourceSpend.objects.filter(grant=OuterRef("pk")).order_by().values("grant")
                 .annotate(total=Sum("amount")).values("total"))
        rows = ResourceGrant.objects.select_related("decision__version__plan").annotate(spent=Subquery(spent))
        return visible_rows(rows, self.request.user, "decision__version__plan__account")


class SpendSerializer(serializers.ModelSerializer):
    grant = fields.PrimaryKeyRelatedField(
        queryset=ResourceGrant.objects.all(),
        help_text=gettext_lazy("A budget granted by the approval of a plan of the caller's account."),
    )
    spent_on = serializers.DateField()
    amount = fields.DecimalField(max_digits=16, decimal_places=0, min_value=1, coerce_to_string=False)
    note = fields.CharField(max_length=300, required=False, allow_blank=True, default="")

    class Meta:
        model = ResourceSpend
        fields = ["id", "grant", "spent_on", "amount", "note", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "recorded_by", "recorded_at"]

    def get_fields(self):
        result = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # Only the approved version's grants, of plans the caller sees: any other id "does not exist".
            result["grant"].queryset = visible_rows(
                ResourceGrant.objects.filter(decision__version_id=F("decision__version__plan__approved_version_id"))
                .select_related("decision__version__plan__account"),
                request.user, "decision__version__plan__account",
            )
        return result


class SpendFilter(StrictFilterSet):
    plan = IntegerFilter(field_name="grant__decision__version__plan")
    account = IntegerFilter(field_name="grant__decision__version__plan__account",
                            help_text=gettext_lazy("Only this account's records."))

    class Meta:
        model = ResourceSpend
        fields = ["grant", "plan", "account"]


class ResourceSpendViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Budget spent against the grants (step 6 sets it against them): read by whoever sees the plan,
    recorded by the account's team and admins, within the plan's fiscal year."""

    serializer_class = SpendSerializer
    filterset_class = SpendFilter
    ordering = ["account_key", "spent_on", "id"]
    ordering_fields = ["spent_on", "id"]
    lookup_value_converter = "int"

    def get_queryset(self):
        return visible_rows(ResourceSpend.objects.all(), self.request.user, "grant__decision__version__plan__account")

    def create(self, request, *args, **kwargs):
        if not role_writes_account_data(request.user):
            raise PermissionDenied(_("Only the account's team records what it spent."))
        payload = SpendSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        spend = call_service(grants.resource_spend_add, acting_user=request.user, **payload.validated_data)
        return Response(SpendSerializer(spend, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


# Mounted under /api/v1/ by kam.api.urls.
routes = [
    ("resource-grants", ResourceGrantViewSet, "resource-grant"),
    ("resource-spends", ResourceSpendViewSet, "resource-spend"),
]
