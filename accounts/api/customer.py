"""The customer's organisation: org units, contacts, our relationships with them, customer activities and
the interaction log (with its bulk upsert)."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from accounts.models import (
    Account,
    Contact,
    CustomerActivity,
    Interaction,
    OrgUnit,
    Relationship,
    User,
    level_from_title,
)
from accounts.interactions import (
    InteractionRow,
    interaction_delete,
    interaction_save,
    interactions_upsert,
    relationships_with_last_contact,
)
from accounts.permissions import (
    accounts_not_recordable_by,
    role_records_interactions,
    user_can_record_interaction,
)
from accounts.services import (
    contact_save,
    customer_activity_save,
    org_unit_save,
    relationship_save,
)
from core.api import fields
from core.api.bulk import BULK_MAX_ROWS, BulkResultSerializer
from core.api.filters import IntegerFilter, StrictFilterSet, UpdatedSinceMixin
from core.api.serializers import TEXT, ServiceModelSerializer

from .base import (
    AccountBatchSerializer,
    AccountBulkOutcomeSerializer,
    AccountBulkWriteMixin,
    AccountDataFilterSet,
    AccountDataViewSet,
    VisibleRelatedField,
)


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


def _their_people(help_text) -> VisibleRelatedField:
    """Participants on the customer's side: contacts of accounts the caller sees (the service checks that
    they are contacts of the record's account)."""
    return VisibleRelatedField(queryset=Contact.objects.all(), many=True, required=False, help_text=help_text)


def _our_people(help_text) -> fields.PrimaryKeyRelatedField:
    """Participants on our side: active users."""
    return fields.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False, help_text=help_text
    )


def _with_participant_ids(queryset: QuerySet, *, theirs: str, ours: str) -> QuerySet:
    """`queryset` with the ids of its participants on both sides, in one query per side."""
    return queryset.prefetch_related(
        Prefetch(ours, queryset=User.objects.only("id")), Prefetch(theirs, queryset=Contact.objects.only("id"))
    )


class CustomerActivitySerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    contacts = _their_people(_("Customer participants: contacts of this account."))
    our_people = _our_people(_("Our participants: active users."))

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
        return _with_participant_ids(CustomerActivity.objects.all(), theirs="contacts", ours="our_people")


# --- The interaction log ---------------------------------------------------------------------


class InteractionSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    their_attendees = _their_people(_("Their attendees: contacts of this account (at least one)."))
    our_attendees = _our_people(_("Our attendees: active users (at least one)."))

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


STRANGERS = _("Their attendees must be contacts of this account.")


class InteractionBatchSerializer(AccountBatchSerializer):
    """A batch of interactions: our attendees are active users, theirs are contacts of the row's account."""

    child = InteractionBulkRowSerializer()
    related = {
        **AccountBatchSerializer.related,
        "our_attendees": lambda user: User.objects.filter(is_active=True),
        "their_attendees": lambda user: Contact.objects.all(),
    }
    missing_messages = {"their_attendees": STRANGERS}
    key_fields = ("account", "reference")
    key_error_field = "reference"
    key_error_message = _("This reference appears twice for the same account in the batch.")

    def check_row(self, row, errors):
        if "their_attendees" in errors:
            return
        account = None if "account" in errors else row["account"]
        if any(account is None or contact.account_id != account.pk for contact in row["their_attendees"]):
            errors["their_attendees"] = [STRANGERS]


class InteractionBulkOutcomeSerializer(AccountBulkOutcomeSerializer):
    reference = serializers.CharField()


class InteractionBulkResultSerializer(BulkResultSerializer):
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


class InteractionViewSet(AccountBulkWriteMixin, AccountDataViewSet):
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
    bulk_serializer_class = InteractionBatchSerializer

    def base_queryset(self):
        return _with_participant_ids(Interaction.objects.all(), theirs="their_attendees", ours="our_attendees")

    def get_queryset(self):
        queryset = super().get_queryset()
        if {"contact", "user"} & set(self.request.query_params):
            # One row per interaction even when a filter joins the attendees.
            queryset = queryset.distinct()
        return queryset

    def may_write(self, user, account) -> bool:
        return user_can_record_interaction(user=user, account=account)

    def accounts_not_writable(self, user, account_ids):
        return accounts_not_recordable_by(user, account_ids)

    def bulk_refuse(self):
        raise NotFound(NOT_RECORDABLE)

    def _require_recordable(self, account) -> None:
        if not self.may_write(self.request.user, account):
            raise NotFound(NOT_RECORDABLE)

    def perform_create(self, serializer):
        self._require_recordable(serializer.validated_data["account"])
        serializer.save()

    def perform_update(self, serializer):
        self._require_recordable(serializer.instance.account)
        serializer.save()

    def perform_destroy(self, instance):
        self._require_recordable(instance.account)
        try:
            interaction_delete(interaction=instance, acting_user=self.request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"activity": exc.messages}) from None

    @extend_schema(
        request=InteractionBulkRowSerializer(many=True),
        responses={200: InteractionBulkResultSerializer},
        description=f"Create or update up to {BULK_MAX_ROWS} interactions by their natural key (account, reference), "
        "all or nothing. Sending the same batch again changes nothing. Errors come keyed by the failing rows' positions "
        '(`{"3": {"their_attendees": ["…"]}}`).',
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        return self.bulk_response(request)

    def bulk_write(self, rows):
        return interactions_upsert(rows=[InteractionRow(**row) for row in rows], acting_user=self.request.user)

    def bulk_key(self, interaction):
        return {"reference": interaction.reference}
