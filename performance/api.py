"""REST resources for the KPI catalogue, KPI targets, manual actuals, NPS responses and computed KPI actuals, mounted by
kam.api (orders: `performance.orders_api`)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.base import (
    READ_ONLY_MESSAGE,
    AccountBatchSerializer,
    AccountBulkOutcomeSerializer,
    AccountBulkWriteMixin,
    AccountDataFilterSet,
    AccountDataViewSet,
    AdminWritesOthersRead,
    VisibleRelatedField,
)
from accounts.models import Account, Contact
from accounts.selectors.visibility import accounts_visible_to
from core.api import fields
from core.api.bulk import BULK_MAX_ROWS, BulkResultSerializer
from core.api.exceptions import call_service
from core.api.filters import UpdatedSinceMixin
from core.api.serializers import TEXT, ServiceModelSerializer
from performance.models import KpiDefinition, KpiTarget, ManualActual, NpsResponse
from performance.periods import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, PERIODS_PER_YEAR, Period, PeriodKind
from performance.selectors import SlotPlan, kpi_values, kpis_for_team
from performance.services import (
    ManualActualRow,
    NpsAnswer,
    kpi_target_set,
    manual_actual_record,
    manual_actuals_upsert,
    nps_response_record,
    nps_responses_record,
)


# --- The KPI catalogue, targets, manual actuals and NPS responses ------------------------------


class KpiDefinitionSerializer(ServiceModelSerializer):
    # A slug, taken only as a JSON string (DRF's SlugField would read 5 as "5").
    code = fields.CharField(max_length=40, help_text=gettext_lazy("A short key used in imports, e.g. revenue or nps."))

    class Meta:
        model = KpiDefinition
        fields = [
            "id", "code", "name", "name_ko", "formula", "formula_ko", "unit", "direction", "source", "rollup",
            "applies_to_sales", "applies_to_operations", "applies_to_mixed", "on_track_percent", "at_risk_percent",
            "show_on_dashboard", "sort_order", "is_active",
        ]
        extra_kwargs = {
            "formula": TEXT,
            "formula_ko": TEXT,
            "on_track_percent": {"coerce_to_string": False, "min_value": 0},
            "at_risk_percent": {"coerce_to_string": False, "min_value": 0},
            "sort_order": {"min_value": 0, "max_value": 32767},
        }
        # The model's unique check runs in full_clean, as a field error.
        validators = []


class KpiDefinitionViewSet(viewsets.ModelViewSet):
    """The KPI catalogue: everyone signed in reads it, admins change it (KPIs in use are never deleted)."""

    serializer_class = KpiDefinitionSerializer
    queryset = KpiDefinition.objects.all()
    permission_classes = [IsAuthenticated, AdminWritesOthersRead]
    filterset_fields = ["source", "unit", "is_active", "show_on_dashboard"]
    ordering = ["sort_order", "code", "id"]
    ordering_fields = ["sort_order", "code", "id"]
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class PeriodValueSerializer(serializers.ModelSerializer):
    """A target or manual actual as stored: one account, KPI and fiscal period."""

    kpi_code = serializers.CharField(source="kpi.code", read_only=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False, read_only=True)

    class Meta:
        fields = [
            "id", "account", "kpi", "kpi_code", "fiscal_year", "period_kind", "period_index", "value", "note",
            "created_at", "updated_at",
        ]


class KpiTargetSerializer(PeriodValueSerializer):
    class Meta(PeriodValueSerializer.Meta):
        model = KpiTarget
        fields = [*PeriodValueSerializer.Meta.fields, "set_by"]


class ManualActualSerializer(PeriodValueSerializer):
    class Meta(PeriodValueSerializer.Meta):
        model = ManualActual
        fields = [*PeriodValueSerializer.Meta.fields, "recorded_by"]


class PeriodValueInputSerializer(serializers.Serializer):
    """Set the value of one KPI for one account and fiscal period; the same key again replaces the value."""

    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    kpi = fields.PrimaryKeyRelatedField(queryset=KpiDefinition.objects.all())
    fiscal_year = fields.IntegerField(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)
    period_kind = fields.ChoiceField(choices=PeriodKind.choices)
    period_index = fields.IntegerField(
        min_value=1, max_value=12, help_text=gettext_lazy("Month 1–12, quarter 1–4, half 1–2, year 1.")
    )
    value = fields.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)
    note = fields.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        count = PERIODS_PER_YEAR[attrs["period_kind"]]
        if attrs["period_index"] > count:
            message = _("A %(kind)s number runs from 1 to %(count)d.") % {
                "kind": PeriodKind(attrs["period_kind"]).label.lower(), "count": count,
            }
            raise serializers.ValidationError({"period_index": [message]})
        return attrs

    def period(self) -> Period:
        data = self.validated_data
        return Period(data["period_kind"], data["fiscal_year"], data["period_index"], data["account"].fiscal_year_start_month)


class PeriodValueFilter(AccountDataFilterSet, UpdatedSinceMixin):
    kpi_code = django_filters.CharFilter(field_name="kpi__code", help_text=gettext_lazy("Only this KPI (by its code)."))

    class Meta:
        fields = ["account", "kpi", "kpi_code", "fiscal_year", "period_kind", "period_index"]


class KpiTargetFilter(PeriodValueFilter):
    class Meta(PeriodValueFilter.Meta):
        model = KpiTarget


class ManualActualFilter(PeriodValueFilter):
    class Meta(PeriodValueFilter.Meta):
        model = ManualActual


class PeriodValueViewSet(AccountDataViewSet):
    """Shared by targets and manual actuals: `POST` sets the value of a key (account, KPI, period)."""

    input_serializer_class = PeriodValueInputSerializer
    ordering_fields = ["fiscal_year", "period_kind", "period_index", "updated_at", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def record(self, payload: PeriodValueInputSerializer):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        payload = self.input_serializer_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not self.may_write(request.user, data["account"]):
            raise PermissionDenied(READ_ONLY_MESSAGE)
        period = payload.period()
        existed = self.base_queryset().filter(
            account=data["account"], kpi=data["kpi"], fiscal_year=period.fiscal_year, period_kind=period.kind,
            period_index=period.index,
        ).exists()
        saved = call_service(self.record, payload=payload, period=period)
        return Response(self.get_serializer(saved).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class KpiTargetViewSet(PeriodValueViewSet):
    """KPI targets per account and fiscal period. `POST` sets a target (replacing the one of the same period);
    `DELETE` removes it. The account team and admins write; executives read."""

    serializer_class = KpiTargetSerializer
    filterset_class = KpiTargetFilter
    http_method_names = [*PeriodValueViewSet.http_method_names, "delete"]

    def base_queryset(self):
        return KpiTarget.objects.select_related("kpi")

    @extend_schema(request=PeriodValueInputSerializer, responses={200: KpiTargetSerializer, 201: KpiTargetSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def record(self, *, payload, period):
        data = payload.validated_data
        return kpi_target_set(
            account=data["account"], kpi=data["kpi"], period=period, value=data["value"], note=data["note"],
            acting_user=self.request.user,
        )

    def perform_destroy(self, instance):
        kpi_target_set(account=instance.account, kpi=instance.kpi, period=instance.period, value=None, acting_user=self.request.user)


class ManualActualBulkRowSerializer(PeriodValueInputSerializer):
    """One actual of a batch: a single `POST`'s fields and checks, the ids resolved for the whole batch.

    (account, kpi, fiscal_year, period_kind, period_index) is the natural key.
    """

    account = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    kpi = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)


class ManualActualBatchSerializer(AccountBatchSerializer):
    child = ManualActualBulkRowSerializer()
    related = {**AccountBatchSerializer.related, "kpi": lambda user: KpiDefinition.objects.all()}
    key_fields = ("account", "kpi", "fiscal_year", "period_kind", "period_index")
    key_error_field = "period_index"
    key_error_message = gettext_lazy("This period appears twice for the same account and KPI in the batch.")


class ManualActualBulkOutcomeSerializer(AccountBulkOutcomeSerializer):
    kpi = serializers.IntegerField()
    fiscal_year = serializers.IntegerField()
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices)
    period_index = serializers.IntegerField()


class ManualActualBulkResultSerializer(BulkResultSerializer):
    results = ManualActualBulkOutcomeSerializer(many=True)


class ManualActualViewSet(AccountBulkWriteMixin, PeriodValueViewSet):
    """Actuals of manual KPIs (those not computed from data) per account and fiscal period. `POST` records
    an actual, replacing the one of the same period; `POST bulk/` records a batch, all or nothing.
    The account team and admins write; executives read."""

    serializer_class = ManualActualSerializer
    filterset_class = ManualActualFilter
    bulk_serializer_class = ManualActualBatchSerializer

    def base_queryset(self):
        return ManualActual.objects.select_related("kpi")

    @extend_schema(request=PeriodValueInputSerializer, responses={200: ManualActualSerializer, 201: ManualActualSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def record(self, *, payload, period):
        data = payload.validated_data
        return manual_actual_record(
            account=data["account"], kpi=data["kpi"], period=period, value=data["value"], note=data["note"],
            acting_user=self.request.user,
        )

    @extend_schema(
        request=ManualActualBulkRowSerializer(many=True),
        responses={200: ManualActualBulkResultSerializer},
        description=f"Record or correct up to {BULK_MAX_ROWS} actuals of manual KPIs by their natural key (account, "
        "KPI, fiscal year, period kind, period number), all or nothing, with the rules of a single `POST`. "
        "A row equal to the stored value and note is left alone, so sending the same batch again changes nothing. "
        "Errors come keyed by the failing rows' positions "
        '(`{"3": {"kpi": ["…"]}}`).',
        examples=[
            OpenApiExample(
                "October's actuals from finance",
                request_only=True,
                value=[
                    {"account": 1, "kpi": 14, "fiscal_year": 2026, "period_kind": "month", "period_index": 10,
                     "value": 3},
                    {"account": 2, "kpi": 14, "fiscal_year": 2026, "period_kind": "month", "period_index": 10,
                     "value": 1.5, "note": "Estimated; final figure in November"},
                ],
            )
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        return self.bulk_response(request)

    def bulk_write(self, rows):
        actuals = [
            ManualActualRow(
                account=row["account"],
                kpi=row["kpi"],
                period=Period(row["period_kind"], row["fiscal_year"], row["period_index"], row["account"].fiscal_year_start_month),
                value=row["value"],
                note=row["note"],
            )
            for row in rows
        ]
        return manual_actuals_upsert(rows=actuals, acting_user=self.request.user)

    def bulk_key(self, actual):
        return {
            "kpi": actual.kpi_id, "fiscal_year": actual.fiscal_year, "period_kind": actual.period_kind,
            "period_index": actual.period_index,
        }


class NpsResponseSerializer(ServiceModelSerializer):
    account = VisibleRelatedField(account_path="pk", queryset=Account.objects.all())
    contact = VisibleRelatedField(queryset=Contact.objects.all(), allow_null=True, required=False)
    category = serializers.CharField(read_only=True)

    class Meta:
        model = NpsResponse
        fields = [
            "id", "account", "contact", "respondent_name", "score", "category", "responded_on", "survey", "comment",
            "recorded_by", "created_at",
        ]
        read_only_fields = ["recorded_by"]
        extra_kwargs = {
            "score": {"min_value": 0, "max_value": 10},
            "comment": TEXT,
            "respondent_name": {
                "required": False,
                "help_text": gettext_lazy("The respondent as answered; the contact's name when omitted."),
            },
        }
        # (account, respondent, date) is checked by the service's full_clean, as a field error.
        validators = []

    def save_instance(self, instance, **extra):
        return nps_response_record(
            account=instance.account, contact=instance.contact, score=instance.score, responded_on=instance.responded_on,
            respondent_name=instance.respondent_name, comment=instance.comment, survey=instance.survey,
            acting_user=self.acting_user,
        )


class NpsResponseFilter(AccountDataFilterSet):
    responded_since = django_filters.DateFilter(field_name="responded_on", lookup_expr="gte")
    responded_until = django_filters.DateFilter(field_name="responded_on", lookup_expr="lte")

    class Meta:
        model = NpsResponse
        fields = ["account", "contact", "score", "survey", "responded_since", "responded_until"]


class NpsResponseBulkRowSerializer(NpsResponseSerializer):
    """One answer of a batch: a single `POST`'s fields and checks, the ids resolved for the whole batch.

    (account, respondent_name, responded_on) is the natural key; the name is the contact's when omitted.
    """

    account = fields.IntegerField(min_value=1, max_value=fields.MAX_ID)
    contact = fields.IntegerField(min_value=1, max_value=fields.MAX_ID, allow_null=True, required=False)

    class Meta(NpsResponseSerializer.Meta):
        fields = ["account", "contact", "respondent_name", "score", "responded_on", "survey", "comment"]
        read_only_fields = []


class NpsResponseBatchSerializer(AccountBatchSerializer):
    # No key check here: the key's name may come from the contact, so the service checks it.
    child = NpsResponseBulkRowSerializer()
    related = {
        **AccountBatchSerializer.related,
        "contact": lambda user: Contact.objects.filter(account__in=accounts_visible_to(user)),
    }


class NpsResponseBulkOutcomeSerializer(AccountBulkOutcomeSerializer):
    respondent_name = serializers.CharField()
    responded_on = serializers.DateField()


class NpsResponseBulkResultSerializer(BulkResultSerializer):
    results = NpsResponseBulkOutcomeSerializer(many=True)


class NpsResponseViewSet(AccountBulkWriteMixin, AccountDataViewSet):
    """NPS survey answers (0–10). `POST` records one; (account, respondent, date) is unique. Answers are not edited.
    `POST bulk/` records a batch, all or nothing; an answer already stored as sent is left alone."""

    serializer_class = NpsResponseSerializer
    filterset_class = NpsResponseFilter
    ordering_fields = ["responded_on", "score", "id"]
    http_method_names = ["get", "post", "head", "options"]
    bulk_serializer_class = NpsResponseBatchSerializer

    def base_queryset(self):
        return NpsResponse.objects.all()

    @extend_schema(
        request=NpsResponseBulkRowSerializer(many=True),
        responses={200: NpsResponseBulkResultSerializer},
        description=f"Record up to {BULK_MAX_ROWS} NPS answers, all or nothing, with the rules of a single `POST`. "
        "An answer's key is (account, respondent name, date), the name being the contact's when omitted. "
        "An answer stored under its key with the same contact, score, comment and survey is left alone "
        "(`unchanged`), so sending the same batch again changes nothing; answers are not edited, so another "
        "answer under a stored key is an error, and `updated` is always 0. Errors come keyed by the failing rows' "
        'positions (`{"3": {"score": ["…"]}}`).',
        examples=[
            OpenApiExample(
                "Two answers from the survey tool",
                request_only=True,
                value=[
                    {"account": 1, "contact": 12, "score": 9, "responded_on": "2026-10-30", "survey": "2026 H2"},
                    {"account": 1, "respondent_name": "Park Jiho", "score": 6, "responded_on": "2026-10-30",
                     "survey": "2026 H2", "comment": "Slow answers from support."},
                ],
            )
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        return self.bulk_response(request)

    def bulk_write(self, rows):
        answers = [
            NpsAnswer(
                account=row["account"],
                contact=row.get("contact"),
                score=row["score"],
                responded_on=row["responded_on"],
                respondent_name=row.get("respondent_name", ""),
                comment=row.get("comment", ""),
                survey=row.get("survey", ""),
            )
            for row in rows
        ]
        return nps_responses_record(answers=answers, acting_user=self.request.user)

    def bulk_key(self, response):
        return {"respondent_name": response.respondent_name, "responded_on": response.responded_on}


# --- KPI actuals, computed (read only) -----------------------------------------------------------


class KpiActualQuerySerializer(serializers.Serializer):
    account = serializers.IntegerField(min_value=1, max_value=fields.MAX_ID, help_text=gettext_lazy("The account."))
    fiscal_year = serializers.IntegerField(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices)
    period_index = serializers.IntegerField(
        min_value=1, max_value=12, help_text=gettext_lazy("Month 1–12, quarter 1–4, half 1–2, year 1.")
    )

    def validate(self, attrs):
        count = PERIODS_PER_YEAR[attrs["period_kind"]]
        if attrs["period_index"] > count:
            message = _("A %(kind)s number runs from 1 to %(count)d.") % {
                "kind": PeriodKind(attrs["period_kind"]).label.lower(), "count": count,
            }
            raise serializers.ValidationError({"period_index": [message]})
        return attrs


class KpiActualSerializer(serializers.Serializer):
    kpi = serializers.IntegerField(source="kpi.pk")
    kpi_code = serializers.CharField(source="kpi.code")
    kpi_name = serializers.CharField(source="kpi.display_name")
    source = serializers.CharField(source="kpi.source")
    actual = serializers.DecimalField(max_digits=24, decimal_places=4, coerce_to_string=False, allow_null=True, source="value.actual")
    target = serializers.DecimalField(max_digits=24, decimal_places=4, coerce_to_string=False, allow_null=True, source="value.target")
    target_to_date = serializers.DecimalField(
        max_digits=24, decimal_places=4, coerce_to_string=False, allow_null=True, source="value.expected"
    )
    achievement_percent = serializers.DecimalField(
        max_digits=24, decimal_places=4, coerce_to_string=False, allow_null=True, source="value.achievement"
    )
    status = serializers.CharField(source="value.status")


class KpiActualViewSet(viewsets.ViewSet):
    """Actual, target and status of every KPI that applies to one account's team, for one fiscal period.

    Computed KPIs are computed from orders, NPS, time and the pipeline as the dashboards do;
    manual ones show the recorded actual. Read only; the query count does not depend on the
    number of KPIs. Not paginated: a plain list, one row per KPI that applies (the catalogue's size).
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[KpiActualQuerySerializer], responses=KpiActualSerializer(many=True))
    def list(self, request):
        query = KpiActualQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        account = accounts_visible_to(request.user).filter(pk=data["account"]).first()
        if account is None:
            raise NotFound(_("No such account."))
        month = account.fiscal_year_start_month
        period = Period(data["period_kind"], data["fiscal_year"], data["period_index"], month)
        try:
            periods, slot = [period.previous(), period], 1
        except ValueError:  # the first fiscal period there is has no previous one
            periods, slot = [period], 0
        plan = SlotPlan.for_periods(start_month=month, periods=periods, as_of=timezone.localdate())
        kpis = kpis_for_team(account.team_type)
        table = kpi_values(kpis=kpis, plan=plan, account_months={account.pk: month}, slots=[slot])
        rows = [{"kpi": kpi, "value": table.get(account.pk, kpi.code, slot)} for kpi in kpis]
        return Response(KpiActualSerializer(rows, many=True).data)


# Mounted under /api/v1/ by kam.api.urls.
routes = [
    ("kpi-definitions", KpiDefinitionViewSet, "kpi-definition"),
    ("kpi-targets", KpiTargetViewSet, "kpi-target"),
    ("manual-actuals", ManualActualViewSet, "manual-actual"),
    ("nps-responses", NpsResponseViewSet, "nps-response"),
    ("kpi-actuals", KpiActualViewSet, "kpi-actual"),
]
