"""REST resources for accounts, org charts, relationships, opportunities, the catalogue, unmet needs and
customer activities (mounted by kam.api)."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import (
    Account,
    AccountRisk,
    AccountTeamMember,
    BusinessUnit,
    Contact,
    CustomerActivity,
    GradeChange,
    Interaction,
    Offering,
    Opportunity,
    OpportunityMove,
    OrgUnit,
    PricingTier,
    Relationship,
    UnmetNeed,
    User,
    level_from_title,
)
from accounts.interactions import (
    InteractionRow,
    InteractionRowErrors,
    interaction_delete,
    interaction_save,
    interactions_upsert,
    relationships_with_last_contact,
)
from accounts.permissions import (
    accounts_not_recordable_by,
    role_records_interactions,
    user_can_record_interaction,
    user_changes_organisation,
    user_sees_organisation,
)
from accounts.roles import is_admin, user_roles
from accounts.selectors import accounts_visible_to
from accounts.services import (
    account_grade_change,
    account_kam_set,
    account_risk_save,
    account_key_account_set,
    contact_save,
    customer_activity_save,
    opportunity_move,
    opportunity_save,
    org_unit_save,
    relationship_save,
    unmet_need_save,
)
from core.api import fields
from core.api.exceptions import call_service
from accounts.api_base import ADMIN_ONLY_MESSAGE, AccountDataFilterSet, AccountDataViewSet, AccountPermission, AdminWritesOthersRead, ChoosesKeyAccounts, VisibleRelatedField
from core.api.filters import IntegerFilter, StrictFilterSet, UpdatedSinceMixin
from core.api.serializers import TEXT_MAX_LENGTH, ServiceModelSerializer

TEXT = {"max_length": TEXT_MAX_LENGTH}
MONEY = {"max_digits": 16, "decimal_places": 0, "min_value": 0, "coerce_to_string": False}


# --- Our organisation and people (read only) -----------------------------------------------


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


# --- Accounts --------------------------------------------------------------------------------


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
            "revenue_ttm", "profit_ttm", "pareto_class", "revenue_refreshed_at", "created_at", "updated_at",
        ]
        service_fields = ["kam"]
        read_only_fields = ["is_key_account", "grade", "revenue_ttm", "profit_ttm", "pareto_class", "revenue_refreshed_at"]
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
    }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        current = {
            "grade": getattr(self.instance, "grade_id", None),
            "is_key_account": getattr(self.instance, "is_key_account", False),
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


class KeyAccountRequestSerializer(serializers.Serializer):
    is_key_account = fields.BooleanField()


class AccountFilter(UpdatedSinceMixin):
    search = django_filters.CharFilter(method="filter_search", help_text=_("Part of the name or English name."))

    class Meta:
        model = Account
        fields = ["industry", "is_key_account", "pareto_class", "vertical_unit", "kind"]

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


# --- Customer org charts ---------------------------------------------------------------------


class OrgUnitSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    parent = VisibleRelatedField(queryset=OrgUnit.objects.all(), allow_null=True, required=False)

    class Meta:
        model = OrgUnit
        fields = ["id", "account", "name", "parent", "is_purchasing"]
        fixed_on_update = ["account"]

    def save_instance(self, instance, **extra):
        return org_unit_save(unit=instance, acting_user=self.acting_user)


class OrgUnitFilter(AccountDataFilterSet):
    class Meta:
        model = OrgUnit
        fields = ["account", "parent", "is_purchasing"]


class OrgUnitViewSet(AccountDataViewSet):
    """Units of a customer's organisation (a tree per account). Changes go to the org-change log."""

    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    ordering_fields = ["name", "id"]

    def base_queryset(self):
        return OrgUnit.objects.all()


class ContactSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    org_unit = VisibleRelatedField(queryset=OrgUnit.objects.all(), allow_null=True, required=False)
    reports_to = VisibleRelatedField(queryset=Contact.objects.all(), allow_null=True, required=False)
    happened_on = serializers.DateField(
        write_only=True, required=False, help_text=_("When the change happened, for the org-change log (today if omitted).")
    )
    level = serializers.ChoiceField(
        choices=Contact.Level.choices,
        required=False,
        allow_blank=True,
        help_text=_(
            "Executive, middle manager or staff, matched one-to-one with our people of the same level. Omitted when "
            "creating, or empty: read from the title (대표, 전무, 상무, 이사, 본부장, director, chief… → executive; "
            "부장, 차장, 과장, 팀장, manager, lead… → middle manager; otherwise staff)."
        ),
    )

    class Meta:
        model = Contact
        fields = [
            "id", "account", "org_unit", "name", "title", "email", "phone", "reports_to", "level",
            *Contact.BUYING_ROLE_FIELDS, "influence", "attitude", "status", "left_on", "notes", "happened_on",
            "created_at", "updated_at",
        ]
        extra_kwargs = {"notes": TEXT}
        fixed_on_update = ["account"]
        service_fields = ["happened_on"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("level") == "" or (self.instance is None and "level" not in attrs):
            title = attrs.get("title", getattr(self.instance, "title", ""))
            attrs["level"] = level_from_title(title or "")
        return attrs

    def save_instance(self, instance, **extra):
        return contact_save(contact=instance, acting_user=self.acting_user, happened_on=extra.get("happened_on"))


class ContactFilter(AccountDataFilterSet, UpdatedSinceMixin):
    class Meta:
        model = Contact
        fields = ["account", "org_unit", "status", "level", "is_decision_maker", "is_fox", "is_kingpin"]


class ContactViewSet(AccountDataViewSet):
    """People in customers' organisations. Joining, leaving, moves and role changes go to the org-change log."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["name", "influence", "updated_at", "id"]

    def base_queryset(self):
        return Contact.objects.all()


class RelationshipSerializer(ServiceModelSerializer):
    contact = VisibleRelatedField(queryset=Contact.objects.all())
    user = fields.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    account = serializers.IntegerField(source="contact.account_id", read_only=True)
    last_interaction_on = serializers.DateField(
        source="last_contact_on", read_only=True, allow_null=True,
        help_text=_("Read only: the latest logged interaction both people attended (POST /interactions/ to log one)."),
    )

    class Meta:
        model = Relationship
        fields = ["id", "user", "contact", "account", "strength", "last_interaction_on", "notes"]
        extra_kwargs = {"notes": TEXT}
        fixed_on_update = ["contact"]
        # The service refuses a second mapping of the same pair, as a field error on `user`.
        validators = []

    def save_instance(self, instance, **extra):
        saved = relationship_save(relationship=instance, acting_user=self.acting_user)
        saved.last_contact_on = (
            relationships_with_last_contact(Relationship.objects.filter(pk=saved.pk)).values_list("last_contact_on", flat=True).get()
        )
        return saved


class RelationshipFilter(StrictFilterSet):
    account = IntegerFilter(field_name="contact__account", help_text=_("Only this account's records."))

    class Meta:
        model = Relationship
        fields = ["account", "contact", "user"]


class RelationshipViewSet(AccountDataViewSet):
    """Our people mapped to customer contacts (the relationship map)."""

    serializer_class = RelationshipSerializer
    filterset_class = RelationshipFilter
    # By the account's key (see `visible_rows`), then contact and id.
    ordering = ["account_key", "contact_id", "id"]
    ordering_fields = ["strength", "id"]
    account_field = "contact__account"
    http_method_names = [*AccountDataViewSet.http_method_names, "delete"]

    def base_queryset(self):
        return relationships_with_last_contact(Relationship.objects.select_related("contact"))

    def get_queryset(self):
        # `account_key > 0` holds for every row (ids start at 1), but without a range on it SQLite reads
        # every relationship and sorts them for the first page, instead of walking the contacts' account index.
        return super().get_queryset().filter(account_key__gt=0)


# --- Opportunities by tier -------------------------------------------------------------------


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


# --- The catalogue ---------------------------------------------------------------------------


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


# --- Account 360: unmet needs and customer activities ------------------------------------------


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


class CustomerActivitySerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    contacts = VisibleRelatedField(
        queryset=Contact.objects.all(), many=True, required=False,
        help_text=_("Customer participants: contacts of this account."),
    )
    our_people = fields.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False,
        help_text=_("Our participants: active users."),
    )

    class Meta:
        model = CustomerActivity
        fields = [
            "id", "account", "kind", "title", "starts_on", "ends_on", "resolved_on", "contacts", "our_people", "notes",
            "recorded_by", "created_at",
        ]
        read_only_fields = ["recorded_by"]
        extra_kwargs = {"notes": TEXT}
        fixed_on_update = ["account"]
        service_fields = ["contacts", "our_people"]

    def save_instance(self, instance, **extra):
        return customer_activity_save(
            activity=instance, acting_user=self.acting_user, contacts=extra.get("contacts"), our_people=extra.get("our_people")
        )


class CustomerActivityFilter(AccountDataFilterSet):
    starts_since = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_until = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = CustomerActivity
        fields = ["account", "kind", "starts_since", "starts_until"]


class CustomerActivityViewSet(AccountDataViewSet):
    """Customer-experience work with accounts: workshops, seminars, training, pilots, support incidents.

    Whoever may record interactions with the account writes (its team, executive sponsors
    included, and admins; with the participants on both sides); other executives read.
    """

    def may_write(self, user, account) -> bool:
        return user_can_record_interaction(user=user, account=account)

    def may_write_some(self, user) -> bool:
        return role_records_interactions(user)

    serializer_class = CustomerActivitySerializer
    filterset_class = CustomerActivityFilter
    ordering_fields = ["starts_on", "id"]
    http_method_names = [*AccountDataViewSet.http_method_names, "delete"]

    def base_queryset(self):
        return CustomerActivity.objects.prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.only("id")),
            Prefetch("our_people", queryset=User.objects.only("id")),
        )


# --- The interaction log ---------------------------------------------------------------------

BULK_MAX_ROWS = 1000


class InteractionSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    their_attendees = VisibleRelatedField(
        queryset=Contact.objects.all(), many=True, required=False,
        help_text=_("Their attendees: contacts of this account (at least one)."),
    )
    our_attendees = fields.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False,
        help_text=_("Our attendees: active users (at least one)."),
    )

    class Meta:
        model = Interaction
        fields = [
            "id", "account", "kind", "occurred_on", "our_attendees", "their_attendees", "note", "next_step", "reference",
            "activity", "recorded_by", "created_at", "updated_at",
        ]
        read_only_fields = ["activity", "recorded_by"]
        extra_kwargs = {"note": {"max_length": Interaction.NOTE_MAX_LENGTH}}
        fixed_on_update = ["account"]
        service_fields = ["our_attendees", "their_attendees"]
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and self.instance.activity_id is not None:
            raise serializers.ValidationError(
                {"activity": [_("This interaction is recorded by a customer activity: change the activity instead.")]}
            )
        return attrs

    def save_instance(self, instance, **extra):
        reference = instance.reference
        if reference and Interaction.objects.filter(account=instance.account, reference=reference).exclude(pk=instance.pk).exists():
            raise DjangoValidationError({"reference": _("Another interaction of this account has this reference.")})
        return interaction_save(
            interaction=instance, acting_user=self.acting_user,
            our_attendees=extra.get("our_attendees"), their_attendees=extra.get("their_attendees"),
        )


class InteractionBulkRowSerializer(serializers.Serializer):
    """One interaction of a batch; `account` + `reference` is the natural key."""

    account = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    reference = fields.CharField(max_length=64, help_text=_("The interaction's id in the calendar or CRM; unique per account."))
    kind = fields.ChoiceField(choices=Interaction.Kind.choices)
    occurred_on = serializers.DateField()
    our_attendees = serializers.ListField(child=fields.IntegerField(min_value=1, max_value=fields.MAX_ID), max_length=50)
    their_attendees = serializers.ListField(child=fields.IntegerField(min_value=1, max_value=fields.MAX_ID), max_length=50)
    note = fields.CharField(max_length=Interaction.NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")
    next_step = fields.CharField(max_length=300, required=False, allow_blank=True, default="")


class InteractionBatchSerializer(serializers.ListSerializer):
    """A batch checked as a whole: ids resolved in a query per kind; errors keyed by the row's position."""

    child = InteractionBulkRowSerializer()

    def validate(self, rows):
        user = self.context["request"].user
        accounts = accounts_visible_to(user).in_bulk({row["account"] for row in rows})
        users = User.objects.filter(is_active=True).in_bulk({pk for row in rows for pk in row["our_attendees"]})
        contacts = Contact.objects.in_bulk({pk for row in rows for pk in row["their_attendees"]})
        errors, seen = {}, set()
        for index, row in enumerate(rows):
            row_errors = {}
            account = accounts.get(row["account"])
            if account is None:
                row_errors["account"] = [_('Invalid pk "%(pk)s" - object does not exist.') % {"pk": row["account"]}]
            missing = [pk for pk in row["our_attendees"] if pk not in users]
            if missing:
                row_errors["our_attendees"] = [_('Invalid pk "%(pk)s" - object does not exist.') % {"pk": missing[0]}]
            strangers = [pk for pk in row["their_attendees"] if pk not in contacts or account is None
                         or contacts[pk].account_id != account.pk]
            if strangers:
                row_errors["their_attendees"] = [_("Their attendees must be contacts of this account.")]
            key = (row["account"], row["reference"])
            if key in seen:
                row_errors["reference"] = [_("This reference appears twice for the same account in the batch.")]
            seen.add(key)
            if row_errors:
                errors[str(index)] = row_errors
                continue
            row["account"] = account
            row["our_attendees"] = [users[pk] for pk in row["our_attendees"]]
            row["their_attendees"] = [contacts[pk] for pk in row["their_attendees"]]
        if errors:
            raise serializers.ValidationError(errors)
        return rows


class InteractionBulkOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.IntegerField()
    reference = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged"])


class InteractionBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    results = InteractionBulkOutcomeSerializer(many=True)


class InteractionFilter(AccountDataFilterSet):
    occurred_since = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_until = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")
    contact = IntegerFilter(field_name="their_attendees", help_text=_("Only interactions this contact attended."))
    user = IntegerFilter(field_name="our_attendees", help_text=_("Only interactions this user of ours attended."))

    class Meta:
        model = Interaction
        fields = ["account", "kind", "reference", "occurred_since", "occurred_until", "contact", "user"]


NOT_RECORDABLE = _("No such account to record interactions on.")


class InteractionViewSet(AccountDataViewSet):
    """The interaction log: every meeting, call, visit, workshop or dinner with the customer's people.

    A relationship's last contact is the latest interaction both people attended. Whoever sees the
    account reads; its team (an executive sponsor included) and admins record; for anyone else a
    write is a 404. `POST bulk/` upserts a batch by (account, reference), all or nothing.
    An interaction that a customer activity records changes with the activity only.
    """

    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    ordering_fields = ["occurred_on", "id"]
    http_method_names = [*AccountDataViewSet.http_method_names, "delete"]
    permission_classes = [IsAuthenticated]

    def base_queryset(self):
        return Interaction.objects.prefetch_related(
            Prefetch("our_attendees", queryset=User.objects.only("id")),
            Prefetch("their_attendees", queryset=Contact.objects.only("id")),
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if {"contact", "user"} & set(self.request.query_params):
            # One row per interaction even when a filter joins the attendees.
            queryset = queryset.distinct()
        return queryset

    def perform_create(self, serializer):
        if not user_can_record_interaction(user=self.request.user, account=serializer.validated_data["account"]):
            raise NotFound(NOT_RECORDABLE)
        serializer.save()

    def perform_update(self, serializer):
        if not user_can_record_interaction(user=self.request.user, account=serializer.instance.account):
            raise NotFound(NOT_RECORDABLE)
        serializer.save()

    def perform_destroy(self, instance):
        if not user_can_record_interaction(user=self.request.user, account=instance.account):
            raise NotFound(NOT_RECORDABLE)
        try:
            interaction_delete(interaction=instance, acting_user=self.request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"activity": exc.messages}) from None

    @extend_schema(
        request=InteractionBulkRowSerializer(many=True),
        responses={200: InteractionBulkResultSerializer},
        description="Create or update up to 1000 interactions by their natural key (account, reference), all or nothing. "
        "Sending the same batch again changes nothing. Errors come keyed by the failing rows' positions "
        '(`{"3": {"their_attendees": ["…"]}}`).',
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        batch = InteractionBatchSerializer(
            data=request.data, context=self.get_serializer_context(), allow_empty=False, max_length=BULK_MAX_ROWS
        )
        batch.is_valid(raise_exception=True)
        if accounts_not_recordable_by(request.user, {row["account"].pk for row in batch.validated_data}):
            raise NotFound(NOT_RECORDABLE)
        try:
            outcomes = interactions_upsert(
                rows=[InteractionRow(**row) for row in batch.validated_data], acting_user=request.user
            )
        except InteractionRowErrors as exc:
            raise serializers.ValidationError(
                {str(index): {name: [message] for name, message in errors.items()} for index, errors in exc.errors.items()}
            ) from None
        counts = {kind: sum(1 for _record, outcome in outcomes if outcome == kind) for kind in ("created", "updated", "unchanged")}
        return Response(
            {
                **counts,
                "results": [
                    {"id": record.pk, "account": record.account_id, "reference": record.reference, "outcome": outcome}
                    for record, outcome in outcomes
                ],
            },
            status=status.HTTP_200_OK,
        )


# Mounted under /api/v1/ by kam.api.urls, in this order.
class MappingRowSerializer(serializers.Serializer):
    """One row of the organisation's mapping, in the CSV's columns (empty: leave as it is)."""

    username = serializers.CharField(max_length=150, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    role = serializers.CharField(max_length=40, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=120, required=False, allow_blank=True)
    unit_kind = serializers.CharField(max_length=12, required=False, allow_blank=True)
    level = serializers.CharField(max_length=20, required=False, allow_blank=True)
    account = serializers.CharField(max_length=160, required=False, allow_blank=True)
    account_vertical_unit = serializers.CharField(max_length=120, required=False, allow_blank=True)
    team_role = serializers.CharField(max_length=20, required=False, allow_blank=True)


class OrganisationMappingViewSet(viewsets.ViewSet):
    """Our people, units and account teams as rows (the web export's columns). Admins and executives
    read it; `POST bulk/` (admins) upserts a batch all or nothing, with the web import's row checks."""

    permission_classes = [IsAuthenticated]
    serializer_class = MappingRowSerializer

    def _require_reader(self, request) -> None:
        if not user_sees_organisation(request.user):
            raise PermissionDenied(_("Only admins and executives see the whole organisation."))

    @extend_schema(responses=MappingRowSerializer(many=True))
    def list(self, request):
        from accounts import mapping

        self._require_reader(request)
        return Response(mapping.export_rows())

    @extend_schema(request=MappingRowSerializer(many=True), responses={200: MappingRowSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        from accounts import mapping

        if not user_changes_organisation(request.user):
            raise PermissionDenied(ADMIN_ONLY_MESSAGE)
        batch = MappingRowSerializer(data=request.data, many=True, allow_empty=False, max_length=mapping.MAX_ROWS)
        batch.is_valid(raise_exception=True)
        rows = [{key: value.strip() for key, value in row.items()} for row in batch.validated_data]
        plan = mapping.plan_import(rows)
        if plan.errors:
            errors: dict[str, list[str]] = {}
            for line, message in plan.errors:
                errors.setdefault(str(line - 2), []).append(message)  # by row position, like the other bulk endpoints
            raise serializers.ValidationError(errors)
        mapping.import_commit(rows=rows, acting_user=request.user)
        return Response({"rows": len(rows), "new_people": len(plan.new_people), "new_units": len(plan.new_units)})


routes = [
    ("accounts", AccountViewSet, "account"),
    ("org-units", OrgUnitViewSet, "org-unit"),
    ("contacts", ContactViewSet, "contact"),
    ("relationships", RelationshipViewSet, "relationship"),
    ("opportunities", OpportunityViewSet, "opportunity"),
    ("offerings", OfferingViewSet, "offering"),
    ("pricing-tiers", PricingTierViewSet, "pricing-tier"),
    ("business-units", BusinessUnitViewSet, "business-unit"),
    ("users", UserViewSet, "user"),
    ("unmet-needs", UnmetNeedViewSet, "unmet-need"),
    ("account-risks", AccountRiskViewSet, "account-risk"),
    ("customer-activities", CustomerActivityViewSet, "customer-activity"),
    ("interactions", InteractionViewSet, "interaction"),
    ("organisation-mapping", OrganisationMappingViewSet, "organisation-mapping"),
]
