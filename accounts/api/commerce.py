"""What we sell: opportunities by tier and their moves, the offering catalogue, pricing tiers and unmet needs."""

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import (
    Account,
    BusinessUnit,
    Offering,
    Opportunity,
    OpportunityMove,
    OrgUnit,
    PricingTier,
    UnmetNeed,
    User,
)
from accounts.services import (
    opportunity_move,
    opportunity_save,
    unmet_need_save,
)
from core.api import fields
from core.api.exceptions import call_service
from core.api.filters import UpdatedSinceMixin
from core.api.serializers import MONEY, TEXT, ServiceModelSerializer

from .base import AccountDataFilterSet, AccountDataViewSet, AdminWritesOthersRead, VisibleRelatedField


class OpportunitySerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    sponsor_unit = VisibleRelatedField(queryset=OrgUnit.objects.all(), allow_null=True, required=False)
    offerings = fields.PrimaryKeyRelatedField(queryset=Offering.objects.all(), many=True, required=False)
    owner = fields.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), allow_null=True, required=False)
    weighted_amount = serializers.DecimalField(max_digits=19, decimal_places=2, read_only=True, coerce_to_string=False)

    class Meta:
        model = Opportunity
        fields = [
            "id", "account", "name", "sponsor_unit", "offerings", "tier", "stage", "amount", "expected_close_date",
            "probability", "owner", "description", "weighted_amount", "created_at", "updated_at",
        ]
        extra_kwargs = {
            "description": TEXT,
            "amount": MONEY,
            "tier": {"help_text": _("1 (nearest to business) to 4. Changes after creation are recorded as moves.")},
            "stage": {"help_text": _("Changes after creation follow the allowed stage moves and are recorded.")},
        }
        fixed_on_update = ["account"]
        service_fields = ["offerings"]

    def save_instance(self, instance, **extra):
        return opportunity_save(opportunity=instance, acting_user=self.acting_user, offerings=extra.get("offerings"))

    def update(self, instance, validated_data):
        # A tier or stage change is a move: it follows the transition table and is recorded.
        tier, stage = validated_data.pop("tier", None), validated_data.pop("stage", None)
        with transaction.atomic():
            opportunity = super().update(instance, validated_data)
            if tier is not None or stage is not None:
                call_service(opportunity_move, opportunity=opportunity, acting_user=self.acting_user, tier=tier, stage=stage)
        return opportunity


class TierMoveSerializer(serializers.Serializer):
    tier = fields.IntegerField(min_value=1, max_value=4, required=False)
    stage = fields.ChoiceField(choices=Opportunity.Stage.choices, required=False)
    note = fields.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if "tier" not in attrs and "stage" not in attrs:
            raise serializers.ValidationError(_("Give a tier, a stage or both."))
        return attrs


class OpportunityMoveSerializer(serializers.ModelSerializer):
    moved_by_username = serializers.CharField(source="moved_by.username", read_only=True, default=None)

    class Meta:
        model = OpportunityMove
        fields = ["id", "from_tier", "to_tier", "from_stage", "to_stage", "moved_by", "moved_by_username", "moved_at", "note"]


class OpportunityFilter(AccountDataFilterSet, UpdatedSinceMixin):
    is_open = django_filters.BooleanFilter(method="filter_open", help_text=_("Only open (or only closed) opportunities."))

    class Meta:
        model = Opportunity
        fields = ["account", "tier", "stage", "owner", "sponsor_unit"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(stage__in=Opportunity.OPEN_STAGES) if value else queryset.exclude(stage__in=Opportunity.OPEN_STAGES)


class OpportunityViewSet(AccountDataViewSet):
    """Business opportunities by tier. Tier and stage changes are moves: recorded, and limited by the stage table."""

    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter
    ordering_fields = ["tier", "amount", "probability", "expected_close_date", "updated_at", "id"]

    def base_queryset(self):
        return Opportunity.objects.prefetch_related(Prefetch("offerings", queryset=Offering.objects.only("id")))

    @extend_schema(request=TierMoveSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def move(self, request, pk=None):
        """Move the opportunity to another tier and/or stage; the move is recorded in its history."""
        opportunity = self.get_object()
        payload = TierMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(opportunity_move, opportunity=opportunity, acting_user=request.user, **payload.validated_data)
        return Response(self.get_serializer(opportunity).data)

    @extend_schema(responses=OpportunityMoveSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], ordering=["-moved_at", "-id"])
    def moves(self, request, pk=None):
        """The opportunity's tier and stage history, latest first."""
        opportunity = self.get_object()
        moves = opportunity.moves.select_related("moved_by")
        page = self.paginate_queryset(moves)
        return self.get_paginated_response(OpportunityMoveSerializer(page, many=True).data)


class OfferingSerializer(ServiceModelSerializer):
    owner_unit = fields.PrimaryKeyRelatedField(queryset=BusinessUnit.objects.filter(kind=BusinessUnit.Kind.HORIZONTAL))

    class Meta:
        model = Offering
        fields = ["id", "name", "kind", "owner_unit", "description", "is_key_account_special", "has_24x7_support", "is_active"]
        extra_kwargs = {"description": TEXT}


class OfferingViewSet(viewsets.ModelViewSet):
    """The offering catalogue: everyone reads, admins write."""

    serializer_class = OfferingSerializer
    queryset = Offering.objects.all()
    permission_classes = [IsAuthenticated, AdminWritesOthersRead]
    filterset_fields = ["kind", "is_active", "owner_unit", "is_key_account_special"]
    ordering = ["name", "id"]
    ordering_fields = ["name", "id"]
    lookup_value_converter = "int"


class PricingTierSerializer(ServiceModelSerializer):
    class Meta:
        model = PricingTier
        fields = ["id", "name", "rank", "discount_percent", "min_annual_amount", "privileges"]
        extra_kwargs = {
            "rank": {"min_value": 1, "max_value": 1000},
            "discount_percent": {"min_value": 0, "max_value": 100, "coerce_to_string": False},
            "min_annual_amount": MONEY,
            "privileges": TEXT,
        }


class PricingTierViewSet(viewsets.ModelViewSet):
    """Customer grades (pricing tiers) with discounts and privileges: everyone reads, admins write."""

    serializer_class = PricingTierSerializer
    queryset = PricingTier.objects.all()
    permission_classes = [IsAuthenticated, AdminWritesOthersRead]
    ordering = ["rank", "id"]
    ordering_fields = ["rank", "name", "id"]
    lookup_value_converter = "int"


class UnmetNeedSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    org_unit = VisibleRelatedField(queryset=OrgUnit.objects.all(), help_text=_("A unit of the account's org chart."))
    offering = fields.PrimaryKeyRelatedField(queryset=Offering.objects.all())
    note = fields.CharField(
        max_length=UnmetNeed.NOTE_MAX_LENGTH,
        error_messages={"blank": _("Write the need; to remove the note, delete the unmet need.")},
    )

    class Meta:
        model = UnmetNeed
        fields = ["id", "account", "org_unit", "offering", "note", "recorded_by", "updated_at"]
        read_only_fields = ["recorded_by"]
        # The org unit and the offering are the whitespace cell the note is on.
        fixed_on_update = ["account", "org_unit", "offering"]
        # One note per cell: a POST for a cell already noted replaces its note (the service's upsert).
        validators = []

    def save_instance(self, instance, **extra):
        # The service refuses an org unit of another account, as an error on `org_unit`.
        return unmet_need_save(
            account=instance.account, org_unit=instance.org_unit, offering=instance.offering, note=instance.note,
            acting_user=self.acting_user,
        )


class UnmetNeedFilter(AccountDataFilterSet, UpdatedSinceMixin):
    class Meta:
        model = UnmetNeed
        fields = ["account", "org_unit", "offering"]


class UnmetNeedViewSet(AccountDataViewSet):
    """Needs of customer org units that no offering of ours meets yet (the whitespace map's notes).

    One note per cell (org unit × offering). The account team and admins write; executives read.
    """

    serializer_class = UnmetNeedSerializer
    filterset_class = UnmetNeedFilter
    ordering_fields = ["updated_at", "id"]
    http_method_names = [*AccountDataViewSet.http_method_names, "delete"]

    def base_queryset(self):
        return UnmetNeed.objects.all()

    @extend_schema(responses={200: UnmetNeedSerializer, 201: UnmetNeedSerializer})
    def create(self, request, *args, **kwargs):
        """Note an unmet need on a cell (org unit × offering): 201 when the cell had no note, 200 when its note was replaced."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cell = serializer.validated_data
        noted = UnmetNeed.objects.filter(org_unit=cell["org_unit"], offering=cell["offering"]).exists()
        self.perform_create(serializer)
        return Response(serializer.data, status=status.HTTP_200_OK if noted else status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        # An empty note is the service's way of removing a cell's note.
        unmet_need_save(
            account=instance.account, org_unit=instance.org_unit, offering=instance.offering, note="",
            acting_user=self.request.user,
        )
