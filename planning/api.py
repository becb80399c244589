"""REST resources for account plans (read, and the status transitions the caller's role allows) and quarterly reviews.

Mounted by kam.api. The TRANSITIONS table in planning.services.workflow decides who may do what:
a transition the plan's status does not allow is a 400, one the caller's role may not take a 403.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.selectors import visible_rows
from core.api import fields
from core.api.exceptions import call_service
from accounts.api.base import AccountDataFilterSet
from core.api.filters import IntegerFilter, StrictFilterSet, UpdatedSinceMixin
from core.api.serializers import TEXT_MAX_LENGTH
from planning.models import (
    AccountPlan,
    ActionItem,
    Decision,
    MarketingAction,
    PlanKpi,
    PlanVersion,
    QuarterlyReview,
    StrategicTask,
    SupportRequest,
)
from planning.services.decisions import plan_decide, plan_submit
from planning.services.workflow import PlanAction, allowed_actions, plan_close, plan_revise, transition_for

# --- Plans -------------------------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    """A plan's header: whose, which fiscal year, where it stands."""

    account_name = serializers.CharField(source="account.name", read_only=True)
    approved_version_number = serializers.IntegerField(source="approved_version.number", read_only=True, default=None)

    class Meta:
        model = AccountPlan
        fields = [
            "id", "account", "account_name", "fiscal_year", "period_start", "period_end", "status", "revision",
            "owner", "approved_version", "approved_version_number", "previous_plan", "created_at", "updated_at",
        ]


class StrategicTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicTask
        fields = ["id", "title", "description", "owner", "target_year", "status"]


class MarketingActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MarketingAction
        fields = ["id", "kind", "title", "contact", "planned_on", "status"]


class SupportRequestSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=0, coerce_to_string=False, read_only=True)

    class Meta:
        model = SupportRequest
        fields = ["id", "kind", "description", "offering", "amount", "status"]


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "parent", "title", "kind", "owner", "start_on", "due_on", "status", "percent_done"]


class PlanKpiSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="kpi.code", read_only=True)

    class Meta:
        model = PlanKpi
        fields = ["kpi", "code"]


class PlanDetailSerializer(PlanSerializer):
    """The plan with its seven steps' data, and the transitions the caller may take now."""

    cbp_budget = serializers.DecimalField(max_digits=18, decimal_places=0, coerce_to_string=False, read_only=True, allow_null=True)
    tam = serializers.DecimalField(max_digits=18, decimal_places=0, coerce_to_string=False, read_only=True, allow_null=True)
    kpis = PlanKpiSerializer(source="plan_kpis", many=True, read_only=True)
    strategic_tasks = StrategicTaskSerializer(many=True, read_only=True)
    marketing_actions = MarketingActionSerializer(many=True, read_only=True)
    support_requests = SupportRequestSerializer(many=True, read_only=True)
    actions = ActionItemSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=gettext_lazy("The transitions the caller's role allows from the plan's status.")
    )

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            # 1. Org chart review, 2. relationship mapping
            "org_reviewed_by", "org_reviewed_at", "org_review_notes", "mapping_notes",
            # 3. The customer's business plan
            "cbp_summary", "cbp_initiatives", "cbp_budget", "cbp_budget_notes", "cbp_source", "cbp_confidence",
            # 4. Strategy and targets
            "ambition_3y", "plan_1y", "market_review", "competition_review", "swot_strengths", "swot_weaknesses",
            "swot_opportunities", "swot_threats", "strategy_summary", "tam", "kpis", "strategic_tasks",
            # 5. Execution
            "execution_summary", "marketing_actions", "support_requests", "actions",
            # 7. Year-end
            "year_end_evaluation", "wrap_up",
            "allowed_actions",
        ]

    def get_allowed_actions(self, plan) -> list[str]:
        return sorted(allowed_actions(plan=plan, user=self.context["request"].user))


class SubmitRequestSerializer(serializers.Serializer):
    note = fields.CharField(max_length=300, required=False, allow_blank=True, default="",
                            help_text=gettext_lazy("A note to the consensus meeting."))


DECISIONS = {
    PlanAction.APPROVE: Decision.Outcome.APPROVED,
    PlanAction.REQUEST_CHANGES: Decision.Outcome.CHANGES_REQUESTED,
    PlanAction.REJECT: Decision.Outcome.REJECTED,
}


class DecideRequestSerializer(serializers.Serializer):
    decision = fields.ChoiceField(choices=[(action.value, action.label) for action in DECISIONS])
    comment = fields.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="",
                               help_text=gettext_lazy("Required to request changes or reject (or comment on a step)."))
    step_comments = serializers.DictField(
        child=fields.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True), required=False, default=dict,
        help_text=gettext_lazy('Comments per step, keyed by the step number 1–7: {"4": "…"}.'),
    )
    committed_budget = fields.DecimalField(max_digits=18, decimal_places=0, min_value=0, coerce_to_string=False,
                                           required=False, allow_null=True, default=None)
    committed_people = fields.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_step_comments(self, value: dict) -> dict[int, str]:
        steps = {}
        for key, text in value.items():
            if not (key.isascii() and key.isdigit() and 1 <= int(key) <= 7):
                raise serializers.ValidationError(_("Comments belong to steps 1 to 7."))
            steps[int(key)] = text
        return steps


class PlanFilter(AccountDataFilterSet, UpdatedSinceMixin):
    class Meta:
        model = AccountPlan
        fields = ["account", "fiscal_year", "status", "owner"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Account plans of the accounts the caller sees, with their status transitions as actions.

    `submit/` and `revise/` (and `close/`) are the account team's (and admins'); `decide/` is the
    executives'. Which action is possible depends on the plan's status; the detail lists the
    caller's `allowed_actions`. Plans are written in the web app.
    """

    filterset_class = PlanFilter
    ordering = ["account_key", "id"]  # the account's id (see `visible_rows`), then id
    ordering_fields = ["fiscal_year", "updated_at", "id"]
    lookup_value_converter = "int"

    def get_queryset(self):
        plans = visible_rows(AccountPlan.objects.select_related("account", "approved_version"), self.request.user)
        if self.action == "list":
            return plans
        return plans.prefetch_related(
            Prefetch("plan_kpis", queryset=PlanKpi.objects.select_related("kpi")),
            "strategic_tasks", "marketing_actions", "support_requests",
            Prefetch("actions", queryset=ActionItem.objects.order_by("start_on", "id")),
        )

    def get_serializer_class(self):
        return PlanSerializer if self.action == "list" else PlanDetailSerializer

    def _after(self, plan: AccountPlan) -> Response:
        return Response(PlanDetailSerializer(self.get_queryset().get(pk=plan.pk), context=self.get_serializer_context()).data)

    @extend_schema(request=SubmitRequestSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """Submit the plan to the consensus meeting (steps 1–5 must be complete); the version is frozen."""
        plan = self.get_object()
        payload = SubmitRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(plan_submit, plan=plan, acting_user=request.user, **payload.validated_data)
        return self._after(plan)

    @extend_schema(request=DecideRequestSerializer, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        """An executive's decision on the submitted version: approve, request_changes or reject (these two with a reason)."""
        plan = self.get_object()
        payload = DecideRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        decision = data.pop("decision")
        # The table first: a plan that is not submitted, or a caller who may not decide, is refused as such.
        call_service(transition_for, plan=plan, action=decision, acting_user=request.user)
        version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        if version is None:
            raise serializers.ValidationError({"non_field_errors": [_("The plan has no submitted version to decide on.")]})
        call_service(plan_decide, version=version, outcome=DECISIONS[decision], acting_user=request.user, **data)
        return self._after(plan)

    @extend_schema(request=None, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def revise(self, request, pk=None):
        """Open a new revision of an approved or rejected plan; it needs approval again."""
        plan = self.get_object()
        call_service(plan_revise, plan=plan, acting_user=request.user)
        return self._after(plan)

    @extend_schema(request=None, responses=PlanDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        """Close an approved plan at year-end, once the evaluation and wrap-up (step 7) are written."""
        plan = self.get_object()
        call_service(plan_close, plan=plan, acting_user=request.user)
        return self._after(plan)


# --- Quarterly reviews -------------------------------------------------------------------------


class QuarterlyReviewSerializer(serializers.ModelSerializer):
    account = serializers.IntegerField(source="plan.account_id", read_only=True)
    fiscal_year = serializers.IntegerField(source="plan.fiscal_year", read_only=True)

    class Meta:
        model = QuarterlyReview
        fields = [
            "id", "plan", "account", "fiscal_year", "quarter", "period_start", "period_end", "due_on", "status", "owner",
            "kpi_snapshot", "snapshot_taken_at", "signed_off_by", "signed_off_at", "created_at",
        ]


class QuarterlyReviewFilter(StrictFilterSet):
    account = IntegerFilter(field_name="plan__account", help_text=gettext_lazy("Only this account's records."))
    fiscal_year = IntegerFilter(field_name="plan__fiscal_year")

    class Meta:
        model = QuarterlyReview
        fields = ["account", "plan", "fiscal_year", "quarter", "status"]


class QuarterlyReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Quarterly reviews of the plans the caller sees: the KPI figures taken for the quarter, and the sign-off."""

    serializer_class = QuarterlyReviewSerializer
    filterset_class = QuarterlyReviewFilter
    ordering = ["account_key", "plan_id", "quarter", "id"]  # by account (see `visible_rows`), then plan
    ordering_fields = ["due_on", "quarter", "id"]
    lookup_value_converter = "int"

    def get_queryset(self):
        return visible_rows(QuarterlyReview.objects.select_related("plan"), self.request.user, "plan__account")


# Mounted under /api/v1/ by kam.api.urls.
routes = [
    ("plans", PlanViewSet, "plan"),
    ("quarterly-reviews", QuarterlyReviewViewSet, "quarterly-review"),
]
