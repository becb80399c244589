"""REST resources for the consensus meeting (컨센서스 미팅); the resources it grants are planning.api_grants.

Mounted by kam.api (`routes` below). Meetings, their attendees and agenda items are the executives'
(`accounts.permissions.user_runs_meetings`), as in the web app: anyone else is refused (403).
Every write is a service of planning.meetings, planning.services or planning.grants, called through
`call_service`; the meeting's state machine (`planning.meetings.MEETING_TRANSITIONS`) decides who may
do what when: an act the meeting's state does not allow is a 400, one the caller's role at the
meeting may not take a 403.
"""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import user_runs_meetings
from core.api import fields
from core.api.exceptions import call_service
from core.api.filters import StrictFilterSet
from core.api.serializers import TEXT_MAX_LENGTH
from planning import grants, meetings
from planning.api import DECISIONS, DecideRequestSerializer
from planning.api_grants import GrantSerializer
from planning.services.agenda import agenda_item_add, agenda_item_remove, meeting_create
from planning.services.decisions import plan_decide
from planning.models import (
    COMMENT_MAX,
    LONG_TEXT_MAX,
    AgendaItem,
    ConsensusMeeting,
    Decision,
    GrantStatus,
    MeetingAttendee,
    Opinion,
    PlanStatus,
    PlanVersion,
    StepComment,
    SupportRequest,
)


class RunsMeetings(BasePermission):
    """Executives read and run consensus meetings; the meeting's table says which of them may do what."""

    message = gettext_lazy("Only executives see and run consensus meetings.")

    def has_permission(self, request, view) -> bool:
        return user_runs_meetings(request.user)


def _may(meeting: ConsensusMeeting, act: str, user: User) -> None:
    """The meeting's table before the payload: an act its state does not allow is a 400, one the caller may not take a 403."""
    call_service(meetings.meeting_transition_for, meeting=meeting, action=act, acting_user=user)


def _step_comments(value: dict) -> dict[int, str]:
    """{"4": "…"} as the services take it, {4: "…"}; keys other than the steps 1–7 are refused."""
    steps = {}
    for key, text in value.items():
        if not (key.isascii() and key.isdigit() and 1 <= int(key) <= 7):
            raise serializers.ValidationError(_("Comments belong to steps 1 to 7."))
        steps[int(key)] = text
    return steps


def _step_comments_field():
    return serializers.DictField(
        child=fields.CharField(max_length=COMMENT_MAX, allow_blank=True), required=False, default=dict,
        help_text=gettext_lazy('Comments per step, keyed by the step number 1–7: {"4": "…"}.'),
    )


# --- Meetings ----------------------------------------------------------------------------------


class AttendeeSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = MeetingAttendee
        fields = ["id", "meeting", "user", "name", "role", "added_by", "added_at"]
        read_only_fields = fields

    def get_name(self, attendee) -> str:
        return attendee.user.get_full_name() or attendee.user.username


class AgendaEntrySerializer(serializers.ModelSerializer):
    """An item as the meeting lists it: the plan, its version and whether (and how) it was decided."""

    plan = serializers.IntegerField(source="version.plan_id", read_only=True)
    account = serializers.IntegerField(source="version.plan.account_id", read_only=True)
    account_name = serializers.CharField(source="version.plan.account.name", read_only=True)
    fiscal_year = serializers.IntegerField(source="version.plan.fiscal_year", read_only=True)
    version_label = serializers.CharField(source="version.label", read_only=True)
    decision = serializers.SerializerMethodField(help_text=gettext_lazy("The chair's decision, once taken."))

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "position", "version", "version_label", "plan", "account", "account_name",
                  "fiscal_year", "decision", "added_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Decision.Outcome.choices, allow_null=True))
    def get_decision(self, item) -> str | None:
        decision = getattr(item.version, "decision", None)
        return decision.outcome if decision else None


class MeetingSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Plans on the agenda."))
    decided_count = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Plans on the agenda decided."))

    class Meta:
        model = ConsensusMeeting
        fields = [
            "id", "title", "scheduled_for", "duration_minutes", "location", "video_link", "notes", "chair", "status",
            "started_at", "closed_at", "closed_by", "created_by", "created_at", "item_count", "decided_count",
        ]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    """The meeting with its attendees, its agenda in order, its minutes and what the caller may do now."""

    attendees = AttendeeSerializer(many=True, read_only=True)
    agenda = AgendaEntrySerializer(source="items", many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text=gettext_lazy("What the caller may do at the meeting in its present state.")
    )

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes", "attendees", "agenda", "allowed_actions"]
        read_only_fields = fields

    def get_allowed_actions(self, meeting) -> list[str]:
        user = self.context["request"].user
        attending = any(a.user_id == user.pk for a in meeting.attendees.all())
        return sorted(meetings.meeting_allowed_actions(meeting=meeting, user=user, attending=attending))


class MeetingWriteSerializer(serializers.Serializer):
    """A meeting's details as they are written; the chair is chosen when the meeting is scheduled."""

    title = fields.CharField(max_length=200)
    scheduled_for = serializers.DateTimeField(help_text=gettext_lazy("ISO 8601; without an offset, in the site's time zone."))
    duration_minutes = fields.IntegerField(min_value=1, max_value=24 * 60, required=False, default=120)
    location = fields.CharField(max_length=200, required=False, allow_blank=True, default="")
    video_link = serializers.URLField(max_length=300, required=False, allow_blank=True, default="")
    notes = fields.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True, default="")


class MeetingCreateSerializer(MeetingWriteSerializer):
    chair = fields.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text=gettext_lazy("An executive; the caller if left out."),
    )


class MinutesSerializer(serializers.Serializer):
    text = fields.CharField(max_length=LONG_TEXT_MAX, allow_blank=True, help_text=gettext_lazy("The minutes (회의록)."))


class MeetingFilter(StrictFilterSet):
    class Meta:
        model = ConsensusMeeting
        fields = ["status", "chair"]


class MeetingViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Consensus meetings, for executives: schedule one, change a planned one (its chair), open the
    session and close it (the chair), write the meeting's minutes (attending executives, in session).

    Once closed, the meeting and its decisions and minutes are read-only.
    """

    permission_classes = [IsAuthenticated, RunsMeetings]
    filterset_class = MeetingFilter
    ordering = ["-scheduled_for", "-id"]
    ordering_fields = ["scheduled_for", "id"]
    lookup_value_converter = "int"

    def get_queryset(self):
        meetings_ = ConsensusMeeting.objects.annotate(
            item_count=Count("items", distinct=True),
            decided_count=Count("items", filter=Q(items__version__decision__isnull=False), distinct=True),
        )
        if self.action == "list":
            return meetings_
        return meetings_.prefetch_related(
            Prefetch("attendees", queryset=MeetingAttendee.objects.select_related("user").order_by("role", "user__username")),
            Prefetch("items", queryset=AgendaItem.objects.select_related(
                "version__plan__account", "version__decision").defer("version__snapshot").order_by("position", "id")),
        )

    def get_serializer_class(self):
        if self.action == "create":
            return MeetingCreateSerializer
        if self.action in ("update", "partial_update"):
            return MeetingWriteSerializer
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def _after(self, meeting: ConsensusMeeting, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=meeting.pk)
        return Response(MeetingDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Schedule a meeting; its chair attends it and is told."""
        payload = MeetingCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        meeting = call_service(meeting_create, acting_user=request.user, **payload.validated_data)
        return self._after(meeting, status.HTTP_201_CREATED)

    @extend_schema(request=MeetingWriteSerializer, responses=MeetingDetailSerializer)
    def update(self, request, *args, **kwargs):
        """The chair changes a planned meeting (attendees are told when its time or place moves)."""
        meeting = self.get_object()
        _may(meeting, meetings.MeetingAction.RESCHEDULE, request.user)
        partial = kwargs.get("partial", False)
        payload = MeetingWriteSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        call_service(meetings.meeting_update, meeting=meeting, acting_user=request.user, **payload.validated_data)
        return self._after(meeting)

    @extend_schema(request=MeetingWriteSerializer, responses=MeetingDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def start(self, request, pk=None):
        """The chair opens the session: opinions, decisions and minutes can be recorded."""
        meeting = self.get_object()
        call_service(meetings.meeting_start, meeting=meeting, acting_user=request.user)
        return self._after(meeting)

    @extend_schema(request=None, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        """The chair closes the meeting once every item is decided; the minutes go to the attendees."""
        meeting = self.get_object()
        call_service(meetings.meeting_close, meeting=meeting, acting_user=request.user)
        return self._after(meeting)

    @extend_schema(request=MinutesSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def minutes(self, request, pk=None):
        """The meeting's minutes (attending executives, while in session); the text replaces the last one."""
        meeting = self.get_object()
        _may(meeting, meetings.MeetingAction.WRITE_MINUTES, request.user)
        payload = MinutesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(meetings.meeting_minutes_save, meeting=meeting, text=payload.validated_data["text"],
                     acting_user=request.user)
        return self._after(meeting)


# --- Attendees ---------------------------------------------------------------------------------


class AttendeeCreateSerializer(serializers.Serializer):
    meeting = fields.PrimaryKeyRelatedField(queryset=ConsensusMeeting.objects.all())
    user = fields.PrimaryKeyRelatedField(queryset=User.objects.all(),
                                         help_text=gettext_lazy("An executive attends as one; anyone else as a guest."))


class AttendeeFilter(StrictFilterSet):
    class Meta:
        model = MeetingAttendee
        fields = ["meeting", "user", "role"]


class AttendeeViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The meetings' attendees (참석자): the chair invites and removes them; each new attendee is told."""

    permission_classes = [IsAuthenticated, RunsMeetings]
    serializer_class = AttendeeSerializer
    filterset_class = AttendeeFilter
    ordering = ["meeting_id", "id"]
    ordering_fields = ["id"]
    lookup_value_converter = "int"

    def get_queryset(self):
        return MeetingAttendee.objects.select_related("user", "meeting")

    @extend_schema(request=AttendeeCreateSerializer, responses={201: AttendeeSerializer})
    def create(self, request, *args, **kwargs):
        payload = AttendeeCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attendee = call_service(meetings.attendee_add, acting_user=request.user, **payload.validated_data)
        return Response(AttendeeSerializer(attendee).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        """Take someone off the list (never the chair, nor an executive who gave an opinion here)."""
        call_service(meetings.attendee_remove, attendee=self.get_object(), acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Agenda items: opinions, decisions, minutes ------------------------------------------------


class OpinionSerializer(serializers.ModelSerializer):
    step_comments = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Opinion
        fields = ["id", "item", "author", "outcome", "comment", "step_comments", "recorded_at"]
        read_only_fields = fields


class StepCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = StepComment
        fields = ["step", "text"]


class DecisionSerializer(serializers.ModelSerializer):
    step_comments = StepCommentSerializer(many=True, read_only=True)
    grants = GrantSerializer(many=True, read_only=True)
    committed_budget = fields.DecimalField(max_digits=16, decimal_places=0, coerce_to_string=False, read_only=True,
                                           allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "version", "meeting", "outcome", "comment", "step_comments", "grants", "committed_budget",
                  "committed_people", "decided_by", "decided_at"]
        read_only_fields = fields


class RequestedSerializer(serializers.Serializer):
    """A support request of step 5 as the submitted version froze it."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SupportRequest.Kind.choices)
    description = serializers.CharField()
    amount = serializers.IntegerField(allow_null=True)


class AgendaItemDetailSerializer(AgendaEntrySerializer):
    """The item with the support requests to grant, the executives' opinions, the decision and the item's minutes."""

    support_requests = serializers.SerializerMethodField()
    opinions = OpinionSerializer(many=True, read_only=True)
    decision_detail = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text=gettext_lazy("What the caller may do on this item now (separation of duties included).")
    )

    class Meta(AgendaEntrySerializer.Meta):
        fields = [*AgendaEntrySerializer.Meta.fields, "minutes", "support_requests", "opinions", "decision_detail",
                  "allowed_actions"]
        read_only_fields = fields

    @extend_schema_field(RequestedSerializer(many=True))
    def get_support_requests(self, item) -> list[dict]:
        rows = (item.version.snapshot or {}).get("execution", {}).get("support_requests", [])
        return [{"id": r["id"], "kind": r["kind"], "description": r["description"],
                 "amount": int(r["amount"]) if r.get("amount") not in (None, "") else None} for r in rows]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision_detail(self, item) -> dict | None:
        decision = getattr(item.version, "decision", None)
        return DecisionSerializer(decision).data if decision else None

    def get_allowed_actions(self, item) -> list[str]:
        user = self.context["request"].user
        allowed = meetings.meeting_allowed_actions(meeting=item.meeting, user=user)
        if hasattr(item.version, "decision"):
            allowed -= {meetings.MeetingAction.GIVE_OPINION, meetings.MeetingAction.DECIDE}
        elif allowed & {meetings.MeetingAction.GIVE_OPINION, meetings.MeetingAction.DECIDE}:
            if meetings.user_edited_version(user=user, version=item.version):
                allowed -= {meetings.MeetingAction.GIVE_OPINION, meetings.MeetingAction.DECIDE}
        return sorted(allowed)


class AgendaAddSerializer(serializers.Serializer):
    meeting = fields.PrimaryKeyRelatedField(queryset=ConsensusMeeting.objects.all())
    version = fields.PrimaryKeyRelatedField(
        queryset=PlanVersion.objects.all(), help_text=gettext_lazy("A submitted version waiting for a meeting.")
    )

    def validate_version(self, version: PlanVersion) -> PlanVersion:
        latest = PlanVersion.objects.filter(plan_id=version.plan_id).order_by("-number").values_list("pk", flat=True).first()
        if version.plan.status != PlanStatus.SUBMITTED or latest != version.pk:
            raise serializers.ValidationError(_("That plan is not waiting for a meeting any more."))
        return version


class MoveSerializer(serializers.Serializer):
    direction = fields.ChoiceField(choices=[("up", gettext_lazy("Up")), ("down", gettext_lazy("Down"))])


class OpinionRequestSerializer(serializers.Serializer):
    outcome = fields.ChoiceField(choices=Opinion.Outcome.choices)
    comment = fields.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True, default="",
                               help_text=gettext_lazy("Required to request changes or reject (or comment on a step)."))
    step_comments = _step_comments_field()

    def validate_step_comments(self, value: dict) -> dict[int, str]:
        return _step_comments(value)


class GrantRequestSerializer(serializers.Serializer):
    support_request = fields.IntegerField(min_value=1, max_value=fields.MAX_ID,
                                          help_text=gettext_lazy("The id of a support request of the submitted version."))
    status = fields.ChoiceField(choices=GrantStatus.choices)
    amount = fields.DecimalField(max_digits=16, decimal_places=0, min_value=0, coerce_to_string=False, required=False,
                                 allow_null=True, default=None,
                                 help_text=gettext_lazy("Granted in full if left out; required for a partial grant."))
    reason = fields.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="",
                              help_text=gettext_lazy("Required unless granted in full."))


class AgendaDecideSerializer(DecideRequestSerializer):
    # As the decision stores it (16 digits).
    committed_budget = fields.DecimalField(max_digits=16, decimal_places=0, min_value=0, coerce_to_string=False,
                                           required=False, allow_null=True, default=None)
    grants = GrantRequestSerializer(
        many=True, required=False, default=list,
        help_text=gettext_lazy("With an approval: what is granted against each support request (granted in full if left out)."),
    )


class AgendaItemFilter(StrictFilterSet):
    class Meta:
        model = AgendaItem
        fields = ["meeting"]


class AgendaItemViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The plans on the meetings' agendas, in order: executives put a submitted version on an agenda,
    take it off (until decided) and move it; attending executives give their opinion (의견) and write the
    item's minutes; the chair decides, granting resources against the support requests on approval.
    Nobody who submitted or edited a version gives an opinion on it or decides on it.
    """

    permission_classes = [IsAuthenticated, RunsMeetings]
    filterset_class = AgendaItemFilter
    ordering = ["meeting_id", "position", "id"]
    ordering_fields = ["position", "id"]
    lookup_value_converter = "int"

    def get_queryset(self):
        items = AgendaItem.objects.select_related("meeting", "version__plan__account", "version__decision")
        if self.action == "list":
            return items.defer("version__snapshot")
        return items.prefetch_related(
            Prefetch("opinions", queryset=Opinion.objects.order_by("recorded_at", "id")),
            "version__decision__step_comments", "version__decision__grants",
        )

    def get_serializer_class(self):
        return AgendaEntrySerializer if self.action == "list" else AgendaItemDetailSerializer

    def _after(self, item: AgendaItem, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(AgendaItemDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=AgendaAddSerializer, responses={201: AgendaItemDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Put a submitted version on a meeting's agenda; its KAM attends and every attendee is told."""
        payload = AgendaAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = call_service(agenda_item_add, acting_user=request.user, **payload.validated_data)
        return self._after(item, status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        """Take an undecided plan off the agenda; the attendees are told."""
        call_service(agenda_item_remove, item=self.get_object(), acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MoveSerializer, responses=AgendaItemDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def move(self, request, pk=None):
        """Move the item one place up or down the agenda; the attendees are told."""
        item = self.get_object()
        _may(item.meeting, meetings.MeetingAction.EDIT_AGENDA, request.user)
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        step = -1 if payload.validated_data["direction"] == "up" else 1
        call_service(meetings.agenda_item_move, item=item, step=step, acting_user=request.user)
        return self._after(item)

    @extend_schema(request=MinutesSerializer, responses=AgendaItemDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def minutes(self, request, pk=None):
        """The item's minutes (attending executives, while in session)."""
        item = self.get_object()
        _may(item.meeting, meetings.MeetingAction.WRITE_MINUTES, request.user)
        payload = MinutesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(meetings.agenda_item_minutes_save, item=item, text=payload.validated_data["text"],
                     acting_user=request.user)
        return self._after(item)

    @extend_schema(request=OpinionRequestSerializer, responses=AgendaItemDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def opinion(self, request, pk=None):
        """The caller's opinion on the item (again to change it), before it is decided: attending executives
        who neither submitted nor edited the version."""
        item = self.get_object()
        _may(item.meeting, meetings.MeetingAction.GIVE_OPINION, request.user)
        payload = OpinionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(meetings.opinion_save, item=item, acting_user=request.user, **payload.validated_data)
        return self._after(item)

    @extend_schema(request=AgendaDecideSerializer, responses=AgendaItemDetailSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        """The chair's decision on the item, in session: approve (with the grants), request_changes or reject
        (these two with a reason). It may differ from the opinions; all are kept."""
        item = self.get_object()
        _may(item.meeting, meetings.MeetingAction.DECIDE, request.user)
        payload = AgendaDecideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        decision = data.pop("decision")
        outcome = DECISIONS[decision]
        grant_rows = [
            grants.GrantInput(support_request_id=g["support_request"], status=g["status"], amount=g["amount"],
                              reason=g["reason"])
            for g in data.pop("grants")
        ]
        if grant_rows and outcome != Decision.Outcome.APPROVED:
            raise serializers.ValidationError({"grants": [_("Resources are committed only with an approval.")]})
        if outcome == Decision.Outcome.APPROVED:
            grant_rows = _with_defaults(item.version, grant_rows)
        call_service(plan_decide, version=item.version, outcome=outcome, acting_user=request.user,
                     meeting=item.meeting, grants=grant_rows or None, **data)
        return self._after(item)


def _with_defaults(version: PlanVersion, given: list[grants.GrantInput]) -> list[grants.GrantInput]:
    """Every support request of the version gets a grant: those the caller left out are granted in full (as in the web form)."""
    named = {g.support_request_id for g in given}
    requested = (version.snapshot or {}).get("execution", {}).get("support_requests", [])
    return given + [grants.GrantInput(support_request_id=row["id"], status=GrantStatus.GRANTED)
                    for row in requested if row["id"] not in named]


# Mounted under /api/v1/ by kam.api.urls.
routes = [
    ("meetings", MeetingViewSet, "meeting"),
    ("meeting-attendees", AttendeeViewSet, "meeting-attendee"),
    ("agenda-items", AgendaItemViewSet, "agenda-item"),
]
