"""Our organisation's mapping (people, units, account teams) as rows, read and upserted in bulk."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts import mapping
from accounts.permissions import user_changes_organisation, user_sees_organisation
from core.api.bulk import BatchSerializer, BulkWriteMixin, batch_errors

from .base import ADMIN_ONLY_MESSAGE


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


class MappingBatchSerializer(BatchSerializer):
    """The rows of a mapping import; the web import's rules check them as a whole (`accounts.mapping.plan_import`)."""

    child = MappingRowSerializer()


class OrganisationMappingViewSet(BulkWriteMixin, viewsets.ViewSet):
    """Our people, units and account teams as rows (the web export's columns). Admins and executives
    read it; `POST bulk/` (admins) upserts a batch all or nothing, with the web import's row checks."""

    permission_classes = [IsAuthenticated]
    serializer_class = MappingRowSerializer
    bulk_serializer_class = MappingBatchSerializer
    bulk_max_rows = mapping.MAX_ROWS

    @extend_schema(responses=MappingRowSerializer(many=True))
    def list(self, request):
        if not user_sees_organisation(request.user):
            raise PermissionDenied(_("Only admins and executives see the whole organisation."))
        return Response(mapping.export_rows())

    @extend_schema(request=MappingRowSerializer(many=True), responses={200: MappingRowSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        if not user_changes_organisation(request.user):
            raise PermissionDenied(ADMIN_ONLY_MESSAGE)
        rows = [{key: value.strip() for key, value in row.items()} for row in self.bulk_rows(request)]
        plan = mapping.plan_import(rows)
        if plan.errors:
            errors: dict[int, list[str]] = {}
            for line, message in plan.errors:
                errors.setdefault(line - 2, []).append(message)  # the import counts the CSV's lines, header first
            raise batch_errors(errors)
        mapping.import_commit(rows=rows, acting_user=request.user)
        return Response({"rows": len(rows), "new_people": len(plan.new_people), "new_units": len(plan.new_units)})
