"""Accounts and their teams, our business units and people, grade changes, key accounts and account risks."""

import django_filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import (
    Account,
    AccountRisk,
    AccountTeamMember,
    BusinessUnit,
    Contact,
    GradeChange,
    PricingTier,
    User,
)
from accounts.roles import is_admin, user_roles
from accounts.services import (
    account_grade_change,
    account_kam_set,
    account_risk_save,
    account_key_account_set,
    account_lifecycle_set,
)
from core.api import fields
from core.api.exceptions import call_service
from core.api.filters import UpdatedSinceMixin
from core.api.serializers import TEXT, ServiceModelSerializer

from .base import (
    ADMIN_ONLY_MESSAGE,
    AccountDataFilterSet,
    AccountDataViewSet,
    AccountPermission,
    AdminWritesOthersRead,
    ChoosesKeyAccounts,
    SetsAccountLifecycle,
    VisibleRelatedField,
)


class BusinessUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessUnit
        fields = ["id", "name", "kind", "parent", "description"]


class BusinessUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units of our matrix organisation: verticals own accounts, horizontals own offerings."""

    serializer_class = BusinessUnitSerializer
    queryset = BusinessUnit.objects.all()
    filterset_fields = ["kind"]
    ordering = ["kind", "name", "id"]
    ordering_fields = ["name", "id"]
    lookup_value_converter = "int"


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "job_title", "business_unit", "level", "is_active"]
        # Admins set a person's level here (the relationship map matches levels one-to-one); the rest is read only.
        read_only_fields = ["id", "username", "first_name", "last_name", "job_title", "business_unit", "is_active"]

    def validate(self, attrs):
        # Read-only fields are normally ignored; refused here so that a caller does not believe they changed.
        sent = [name for name in self.Meta.read_only_fields if name in getattr(self, "initial_data", {})]
        if sent:
            raise serializers.ValidationError(
                {name: [_("Only the level changes through the API; the rest is kept in the admin.")] for name in sent}
            )
        return super().validate(attrs)


class MeSerializer(UserSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "roles"]

    def get_roles(self, user) -> list[str]:
        return sorted(user_roles(user))


class UserViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Our people, for the ids that opportunities (owner) and relationships (user) refer to.

    Admins set a person's level (executive, middle manager, staff) with `PATCH`; everyone signed in reads.
    """

    serializer_class = UserSerializer
    queryset = User.objects.all()
    permission_classes = [IsAuthenticated, AdminWritesOthersRead]
    http_method_names = ["get", "patch", "head", "options"]
    filterset_fields = ["is_active", "business_unit"]
    ordering = ["username", "id"]
    ordering_fields = ["username", "id"]
    lookup_value_converter = "int"

    @extend_schema(responses=MeSerializer)
    @action(detail=False, filter_backends=[], pagination_class=None)
    def me(self, request):
        """The caller, with their roles."""
        return Response(MeSerializer(request.user).data)


class TeamMemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = AccountTeamMember
        fields = ["user", "username", "role"]


class AccountSerializer(ServiceModelSerializer):
    # Our matrix mapping: set by admins only. The grade and the key-account flag change
    # through their own actions (grade/, key-account/), which record who and why.
    ADMIN_FIELDS = ("kind", "parent", "vertical_unit", "kam")

    parent = VisibleRelatedField(account_path="pk", queryset=Account.objects.all(), allow_null=True, required=False)
    vertical_unit = fields.PrimaryKeyRelatedField(queryset=BusinessUnit.objects.filter(kind=BusinessUnit.Kind.VERTICAL))
    kam = fields.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_(
            "The account's one key account manager (KAM), its accountable owner. Required when an admin creates an "
            "account; naming another replaces the KAM (the previous one stays on the team as a sales rep)."
        ),
    )
    team = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Account
        fields = [
            "id", "name", "english_name", "kind", "parent", "industry", "vertical_unit", "is_key_account", "grade",
            "fiscal_year_start_month", "currency", "team_type", "description", "kam", "team",
            "revenue_ttm", "profit_ttm", "pareto_class", "revenue_refreshed_at", "lifecycle", "lifecycle_since",
            "lifecycle_reason", "created_at", "updated_at",
        ]
        service_fields = ["kam"]
        read_only_fields = [
            "is_key_account", "grade", "revenue_ttm", "profit_ttm", "pareto_class", "revenue_refreshed_at",
            "lifecycle", "lifecycle_since", "lifecycle_reason",
        ]
        # (name, parent) is unique only under a parent (NULLs are distinct); full_clean checks it the
        # database's way, where DRF's validator would make `parent` required.
        validators = []
        extra_kwargs = {
            "description": TEXT,
            "revenue_ttm": {"coerce_to_string": False},
            "profit_ttm": {"coerce_to_string": False},
        }

    # Fields that change only through an action, which records who and why.
    ACTION_FIELDS = {
        "grade": _("Change the grade with POST /api/v1/accounts/{id}/grade/, which records the reason."),
        "is_key_account": _("Executives and admins flag key accounts with POST /api/v1/accounts/{id}/key-account/."),
        "lifecycle": _("Admins change the status with POST /api/v1/accounts/{id}/lifecycle/, with its date and reason."),
    }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        current = {
            "grade": getattr(self.instance, "grade_id", None),
            "is_key_account": getattr(self.instance, "is_key_account", False),
            "lifecycle": getattr(self.instance, "lifecycle", Account.Lifecycle.ACTIVE),
        }
        # Read-only fields are normally ignored; these are refused when they would change,
        # so that a caller who sends them does not believe they changed.
        refused = {
            field: [message]
            for field, message in self.ACTION_FIELDS.items()
            if field in self.initial_data and self.initial_data[field] != current[field]
        }
        if refused:
            raise serializers.ValidationError(refused)
        if self.instance is not None and not is_admin(self.acting_user):
            changed = [f for f in self.ADMIN_FIELDS if f in attrs and attrs[f] != getattr(self.instance, f)]
            if changed:
                raise PermissionDenied(ADMIN_ONLY_MESSAGE)
        if self.instance is None and attrs.get("kam") is None:
            raise serializers.ValidationError({"kam": [_("Name the account's key account manager (KAM): every account has exactly one.")]})
        parent = attrs.get("parent")
        if parent is not None and self.instance is not None:
            # Walk up from the new parent: meeting this account would close a loop.
            seen, ancestor = set(), parent
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.instance.pk:
                    raise serializers.ValidationError({"parent": [_("An account cannot sit under itself.")]})
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        return attrs

    def save_instance(self, instance, **extra):
        instance.full_clean()
        instance.save()
        kam = extra.get("kam")
        if kam is not None and kam != instance.kam:
            account_kam_set(account=instance, user=kam, acting_user=self.acting_user)
            instance._prefetched_objects_cache = {}
        return instance


class GradeChangeRequestSerializer(serializers.Serializer):
    grade = fields.PrimaryKeyRelatedField(queryset=PricingTier.objects.all(), allow_null=True)
    reason = fields.CharField(max_length=300)
    changed_on = serializers.DateField(required=False, help_text=_("When the change applies (today if omitted)."))


class GradeChangeSerializer(serializers.ModelSerializer):
    changed_by_username = serializers.CharField(source="changed_by.username", read_only=True, default=None)

    class Meta:
        model = GradeChange
        fields = ["id", "from_grade", "to_grade", "changed_on", "reason", "changed_by", "changed_by_username", "recorded_at"]


class LifecycleRequestSerializer(serializers.Serializer):
    lifecycle = serializers.ChoiceField(choices=Account.Lifecycle.choices)
    lifecycle_since = serializers.DateField(help_text=_("When the change happened (not in the future)."))
    lifecycle_reason = fields.CharField(max_length=300, help_text=_("Why the status changes."))


class KeyAccountRequestSerializer(serializers.Serializer):
    is_key_account = fields.BooleanField()


class AccountFilter(UpdatedSinceMixin):
    search = django_filters.CharFilter(method="filter_search", help_text=_("Part of the name or English name."))

    class Meta:
        model = Account
        fields = ["industry", "is_key_account", "pareto_class", "vertical_unit", "kind", "lifecycle"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(english_name__icontains=value))


class AccountViewSet(AccountDataViewSet):
    """Customer accounts the caller sees: all for executives and admins, their own for account managers.

    Admins create accounts and change the matrix mapping (unit, parent, kind); the account team
    edits the rest and changes the grade (`grade/`, recorded with its reason); executives and
    admins flag key accounts (`key-account/`).
    """

    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    ordering = ["account_key"]  # the id (see `visible_rows`)
    ordering_fields = ["name", "revenue_ttm", "updated_at", "id"]
    permission_classes = [IsAuthenticated, AccountPermission]
    account_field = "pk"

    def base_queryset(self):
        return Account.objects.prefetch_related(
            Prefetch("team", queryset=AccountTeamMember.objects.select_related("user").order_by("role", "user__username"))
        )

    def account_of(self, obj) -> Account:
        return obj

    def perform_create(self, serializer) -> None:
        serializer.save()

    @extend_schema(request=GradeChangeRequestSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def grade(self, request, pk=None):
        """Give the account another customer grade (or none), with the reason; the change is recorded."""
        account = self.get_object()
        payload = GradeChangeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(account_grade_change, account=account, acting_user=request.user, **payload.validated_data)
        return Response(self.get_serializer(account).data)

    @extend_schema(responses=GradeChangeSerializer(many=True))
    @action(
        detail=True, methods=["get"], url_path="grade-changes", filter_backends=[],
        ordering=["-changed_on", "-recorded_at", "-id"],
    )
    def grade_changes(self, request, pk=None):
        """The account's grade changes, latest first."""
        changes = self.get_object().grade_changes.select_related("changed_by")
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(GradeChangeSerializer(page, many=True).data)

    @extend_schema(request=LifecycleRequestSerializer, responses=AccountSerializer)
    @action(
        detail=True, methods=["post"], filter_backends=[], permission_classes=[IsAuthenticated, SetsAccountLifecycle],
    )
    def lifecycle(self, request, pk=None):
        """Put the account on hold, withdraw it (어카운트 철수) or make it active again, with the date and reason: admins only.

        The change is kept in the account's history; a withdrawn account keeps its data and leaves the
        account list, dashboards, the Pareto ranking, plan creation and the sweep.
        """
        account = self.get_object()
        payload = LifecycleRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        call_service(
            account_lifecycle_set, account=account, acting_user=request.user, lifecycle=data["lifecycle"],
            since=data["lifecycle_since"], reason=data["lifecycle_reason"],
        )
        return Response(self.get_serializer(account).data)

    @extend_schema(request=KeyAccountRequestSerializer, responses=AccountSerializer)
    @action(
        detail=True, methods=["post"], url_path="key-account", filter_backends=[],
        permission_classes=[IsAuthenticated, ChoosesKeyAccounts],
    )
    def key_account(self, request, pk=None):
        """Flag or unflag a key account: executives and admins choose key accounts."""
        account = self.get_object()
        payload = KeyAccountRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        account_key_account_set(account=account, acting_user=request.user, **payload.validated_data)
        return Response(self.get_serializer(account).data)


class AccountRiskSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    owner_contact = VisibleRelatedField(
        queryset=Contact.objects.all(), allow_null=True, required=False,
        help_text=_("The customer's owner (a contact of this account) when `owner_side` is customer."),
    )
    owner_user = fields.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False,
        help_text=_("Our owner when `owner_side` is ours."),
    )
    raised_on = serializers.DateField(required=False, help_text=_("When the risk was raised (today if omitted)."))
    impact = fields.IntegerField(min_value=1, max_value=3, required=False, help_text=_("1 low, 2 medium, 3 high."))
    likelihood = fields.IntegerField(min_value=1, max_value=3, required=False, help_text=_("1 low, 2 medium, 3 high."))

    class Meta:
        model = AccountRisk
        fields = [
            "id", "account", "title", "description", "owner_side", "owner_user", "owner_contact", "impact", "likelihood",
            "status", "shared_with_customer", "raised_on", "closed_on", "recorded_by", "updated_at",
        ]
        read_only_fields = ["closed_on", "recorded_by"]
        extra_kwargs = {"description": TEXT}
        fixed_on_update = ["account"]

    def save_instance(self, instance, **extra):
        return account_risk_save(risk=instance, acting_user=self.acting_user)


class AccountRiskFilter(AccountDataFilterSet, UpdatedSinceMixin):
    class Meta:
        model = AccountRisk
        fields = ["account", "status", "owner_side", "shared_with_customer"]


class AccountRiskViewSet(AccountDataViewSet):
    """The accounts' risk registers (리스크 공유: risks shared with the customer, and our own).

    The account team and admins write; executives read. Closing a risk (`status` closed) dates it.
    """

    serializer_class = AccountRiskSerializer
    filterset_class = AccountRiskFilter
    ordering_fields = ["raised_on", "updated_at", "id"]

    def base_queryset(self):
        return AccountRisk.objects.all()
