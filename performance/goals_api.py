"""REST resource for personal goals (개인 목표), mounted by kam.api: each team member's share of an account's
targets per KPI and fiscal month. Read as account data (whoever sees the account); `POST` sets one goal by
its natural key, `POST bulk/` a batch, all or nothing; `DELETE` removes one. The account's KAM and admins
write (`accounts.permissions.user_sets_personal_goals`), as on the web page."""

import django_filters
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.api.base import (
    AccountBatchSerializer,
    AccountBulkOutcomeSerializer,
    AccountBulkWriteMixin,
    AccountDataFilterSet,
    AccountDataViewSet,
    VisibleRelatedField,
)
from accounts.models import Account, User
from accounts.permissions import accounts_personal_goals_not_settable_by, user_sets_personal_goals
from core.api import fields
from core.api.bulk import BULK_MAX_ROWS, BulkResultSerializer
from core.api.exceptions import field_errors
from core.api.filters import UpdatedSinceMixin
from core.bulk import Outcome, RowErrors
from performance.goals import PersonalGoalRow, personal_goal_delete, personal_goals_upsert
from performance.models import KpiDefinition, PersonalGoal
from performance.periods import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR

SETTERS_MESSAGE = gettext_lazy("Only the account's KAM and admins set personal goals.")
KPI_HELP = gettext_lazy("A KPI counted per person: orders signed, order intake, revenue or profit.")
MONTH_HELP = gettext_lazy("The fiscal month, 1–12, counted from the start of the account's fiscal year.")
USER_HELP = gettext_lazy("A member of the account's team.")
GOAL = {"max_digits": 20, "decimal_places": 4, "min_value": 0, "coerce_to_string": False}


class PersonalGoalSerializer(serializers.ModelSerializer):
    kpi_code = serializers.CharField(source="kpi.code", read_only=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False, read_only=True)

    class Meta:
        model = PersonalGoal
        fields = ["id", "account", "user", "kpi", "kpi_code", "fiscal_year", "month", "value", "set_by", "created_at",
                  "updated_at"]
        read_only_fields = fields


class PersonalGoalBulkRowSerializer(serializers.Serializer):
    """One goal of a batch; (account, user, kpi, fiscal_year, month) is the natural key."""

    account = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    user = fields.IntegerField(min_value=1, max_value=fields.MAX_ID, help_text=USER_HELP)
    kpi = fields.IntegerField(min_value=1, max_value=fields.MAX_ID, help_text=KPI_HELP)
    fiscal_year = fields.IntegerField(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)
    month = fields.IntegerField(min_value=1, max_value=12, help_text=MONTH_HELP)
    value = fields.DecimalField(**GOAL)


class PersonalGoalInputSerializer(PersonalGoalBulkRowSerializer):
    """Set one person's goal for one account, KPI and fiscal month; the same key again replaces the value."""

    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    user = fields.PrimaryKeyRelatedField(queryset=User.objects.all(), help_text=USER_HELP)
    kpi = fields.PrimaryKeyRelatedField(queryset=KpiDefinition.objects.all(), help_text=KPI_HELP)


class PersonalGoalBatchSerializer(AccountBatchSerializer):
    child = PersonalGoalBulkRowSerializer()
    related = {
        **AccountBatchSerializer.related,
        "user": lambda user: User.objects.all(),
        "kpi": lambda user: KpiDefinition.objects.all(),
    }
    key_fields = ("account", "user", "kpi", "fiscal_year", "month")
    key_error_field = "month"
    key_error_message = gettext_lazy("This month appears twice for the same person, account and KPI in the batch.")


class PersonalGoalBulkOutcomeSerializer(AccountBulkOutcomeSerializer):
    user = serializers.IntegerField()
    kpi = serializers.IntegerField()
    fiscal_year = serializers.IntegerField()
    month = serializers.IntegerField()


class PersonalGoalBulkResultSerializer(BulkResultSerializer):
    results = PersonalGoalBulkOutcomeSerializer(many=True)


class PersonalGoalFilter(AccountDataFilterSet, UpdatedSinceMixin):
    kpi_code = django_filters.CharFilter(field_name="kpi__code", help_text=gettext_lazy("Only this KPI (by its code)."))

    class Meta:
        model = PersonalGoal
        fields = ["account", "user", "kpi", "kpi_code", "fiscal_year", "month"]


def _row(data: dict) -> PersonalGoalRow:
    return PersonalGoalRow(
        account=data["account"], user=data["user"], kpi=data["kpi"], fiscal_year=data["fiscal_year"],
        month=data["month"], value=data["value"],
    )


class PersonalGoalViewSet(AccountBulkWriteMixin, AccountDataViewSet):
    """Personal goals: each account team member's share of the account's targets, per KPI (orders signed, order
    intake, revenue, profit) and fiscal month. `POST` sets a goal (replacing the one of the same key); `DELETE`
    removes it; `POST bulk/` sets a batch, all or nothing. The account's KAM and admins write; the rest read."""

    serializer_class = PersonalGoalSerializer
    filterset_class = PersonalGoalFilter
    ordering_fields = ["fiscal_year", "month", "updated_at", "id"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    bulk_serializer_class = PersonalGoalBatchSerializer

    def base_queryset(self):
        return PersonalGoal.objects.select_related("kpi")

    def may_write(self, user, account) -> bool:
        return user_sets_personal_goals(user=user, account=account)

    def accounts_not_writable(self, user, account_ids):
        return accounts_personal_goals_not_settable_by(user, account_ids)

    def bulk_refuse(self) -> None:
        raise PermissionDenied(SETTERS_MESSAGE)

    def permission_denied(self, request, message=None, code=None):
        # A write refused on an account the caller sees: say who may set goals (anonymous callers get a 401 first).
        super().permission_denied(request, message=SETTERS_MESSAGE, code=code)

    @extend_schema(request=PersonalGoalInputSerializer, responses={200: PersonalGoalSerializer, 201: PersonalGoalSerializer})
    def create(self, request, *args, **kwargs):
        payload = PersonalGoalInputSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        if not self.may_write(request.user, payload.validated_data["account"]):
            raise PermissionDenied(SETTERS_MESSAGE)
        try:
            [(goal, outcome)] = personal_goals_upsert(rows=[_row(payload.validated_data)], acting_user=request.user)
        except RowErrors as exc:
            raise serializers.ValidationError(field_errors(exc.errors[0])) from None
        return Response(
            self.get_serializer(goal).data, status=status.HTTP_201_CREATED if outcome == Outcome.CREATED else status.HTTP_200_OK
        )

    def perform_destroy(self, instance):
        personal_goal_delete(goal=instance, acting_user=self.request.user)

    @extend_schema(
        request=PersonalGoalBulkRowSerializer(many=True),
        responses={200: PersonalGoalBulkResultSerializer},
        description=f"Set up to {BULK_MAX_ROWS} personal goals by their natural key (account, user, KPI, fiscal year, "
        "fiscal month), all or nothing. Each person must be on the account's team; the KPI is orders signed, order "
        "intake, revenue or profit; the value is 0 or more. Sending the same batch again changes nothing. Errors come keyed by the "
        'failing rows\' positions (`{"3": {"user": ["…"]}}`).',
        examples=[
            OpenApiExample(
                "Two sales reps' revenue goals for the fiscal year's first month",
                request_only=True,
                value=[
                    {"account": 1, "user": 7, "kpi": 2, "fiscal_year": 2026, "month": 1, "value": 150000000},
                    {"account": 1, "user": 9, "kpi": 2, "fiscal_year": 2026, "month": 1, "value": 100000000},
                ],
            )
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        return self.bulk_response(request)

    def bulk_write(self, rows):
        return personal_goals_upsert(rows=[_row(row) for row in rows], acting_user=self.request.user)

    def bulk_key(self, goal):
        return {"user": goal.user_id, "kpi": goal.kpi_id, "fiscal_year": goal.fiscal_year, "month": goal.month}


# Mounted under /api/v1/ by kam.api.urls.
routes = [("personal-goals", PersonalGoalViewSet, "personal-goal")]
