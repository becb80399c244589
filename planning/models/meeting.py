"""The consensus meeting: agenda, attendees, opinions, the chair's decision, its step comments and the resources granted."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy as _, gettext_noop


from .plan import COMMENT_MAX, LONG_TEXT_MAX, PlanStatus, PlanVersion, SupportRequest


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_SESSION = "in_session", _("In session")
    CLOSED = "closed", _("Closed")


class ConsensusMeeting(models.Model):
    """A meeting where executives decide on submitted plans (컨센서스 미팅), chaired by an executive.

    Planned, then in session, then closed by its chair (planning.meetings holds the transitions);
    once closed, its decisions and minutes are read-only.
    """

    title = models.CharField(_("title"), max_length=200)
    scheduled_for = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    location = models.CharField(_("location"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=COMMENT_MAX)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chair"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chaired_meetings",
    )
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True, max_length=LONG_TEXT_MAX)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_for"]
        verbose_name = _("consensus meeting")
        verbose_name_plural = _("consensus meetings")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="meeting_closed_has_date"
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="meeting_duration_gte_1"),
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """A submitted plan version on a meeting's agenda; a version is on at most one agenda."""

    meeting = models.ForeignKey(ConsensusMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items")
    version = models.OneToOneField(PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="agenda_item")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    minutes = models.TextField(_("minutes"), blank=True, max_length=LONG_TEXT_MAX)

    class Meta:
        ordering = ["meeting", "position", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return str(self.version)


class MeetingAttendee(models.Model):
    """Someone who attends a consensus meeting (참석자): an executive, a KAM of a plan on the agenda, or a guest."""

    class Role(models.TextChoices):
        EXECUTIVE = "executive", _("Executive")
        KAM = "kam", _("KAM of a plan on the agenda")
        GUEST = "guest", _("Invited")

    meeting = models.ForeignKey(ConsensusMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attendee"), on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("attends as"), max_length=10, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "role", "id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendee_once_per_meeting"),
            models.CheckConstraint(condition=Q(role__in=["executive", "kam", "guest"]), name="attendee_role_valid"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Opinion(models.Model):
    """An executive attendee's opinion (의견) on one agenda item: approve, request changes or reject, with comments."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approve")
        CHANGES_REQUESTED = "changes_requested", _("Request changes")
        REJECTED = "rejected", _("Reject")

    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("executive"), on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("opinion"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    # {"4": "text"}: comments on single steps, when the executive has any.
    step_comments = models.JSONField(_("comments per step"), default=dict, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["item", "recorded_at", "id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        constraints = [
            models.UniqueConstraint(fields=["item", "author"], name="opinion_one_per_item_and_author"),
            models.CheckConstraint(
                condition=Q(outcome__in=["approved", "changes_requested", "rejected"]), name="opinion_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.get_outcome_display()}"


class Decision(models.Model):
    """An executive's decision on a submitted version: approve (with resources), request changes or reject."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")

    version = models.OneToOneField(PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="decision")
    meeting = models.ForeignKey(
        ConsensusMeeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    committed_budget = models.DecimalField(_("budget committed"), max_digits=16, decimal_places=0, null=True, blank=True)
    committed_people = models.CharField(_("people committed"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_budget__isnull=True) | Q(committed_budget__gte=0), name="decision_budget_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(outcome="approved") | (Q(committed_budget__isnull=True) & Q(committed_people="")),
                name="decision_resources_only_on_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.get_outcome_display()}"


def version_status(version: PlanVersion) -> str:
    """Where a submitted version stands, as a PlanStatus value: its decision's outcome once decided
    (approved, changes requested, rejected), submitted until then."""
    decision = getattr(version, "decision", None)
    return PlanStatus(decision.outcome) if decision is not None else PlanStatus.SUBMITTED


class GrantStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Partly granted")
    REFUSED = "refused", _("Refused")


class ResourceGrant(models.Model):
    """What the approval commits against one support request of step 5 (배정): the amount granted, and why
    not all of it. The approval's committed resources are its grants."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="grants")
    support_request = models.ForeignKey(
        SupportRequest, verbose_name=_("support request"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="grants",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=SupportRequest.Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    requested_amount = models.DecimalField(_("requested"), max_digits=16, decimal_places=0, default=0)
    granted_amount = models.DecimalField(_("granted"), max_digits=16, decimal_places=0, default=0)
    status = models.CharField(_("status"), max_length=8, choices=GrantStatus.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["decision", "kind", "id"]
        verbose_name = _("resource grant")
        verbose_name_plural = _("resource grants")
        constraints = [
            models.CheckConstraint(condition=Q(granted_amount__gte=0) & Q(requested_amount__gte=0), name="grant_amounts_gte_0"),
            models.CheckConstraint(condition=Q(status__in=["granted", "partly", "refused"]), name="grant_status_valid"),
            models.CheckConstraint(condition=~Q(status="refused") | Q(granted_amount=0), name="grant_refused_is_zero"),
            models.CheckConstraint(condition=Q(status="granted") | ~Q(reason=""), name="grant_reason_unless_granted"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.granted_amount}"

    @property
    def label(self) -> str:
        """The description in the reader's language: the approval's lump budget (written with the decider's
        label, or English by the 0007 migration) reads "Budget committed" / "확정 예산" to everyone."""
        if self.support_request_id is None and self.kind == SupportRequest.Kind.BUDGET and self.description in _committed_labels():
            return gettext(COMMITTED_BUDGET)
        return self.description


# The description planning.grants.grants_save gives the approval's lump budget.
COMMITTED_BUDGET = gettext_noop("Budget committed")


def _committed_labels() -> set[str]:
    labels = {COMMITTED_BUDGET}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(gettext(COMMITTED_BUDGET))
    return labels


class ResourceSpend(models.Model):
    """Budget of a grant spent on one day (what step 6 sets against the grant)."""

    grant = models.ForeignKey(ResourceGrant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="spends")
    spent_on = models.DateField(_("spent on"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["grant", "spent_on", "id"]
        verbose_name = _("budget spent")
        verbose_name_plural = _("budget spent")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spend_amount_gt_0")]

    def __str__(self) -> str:
        return f"{self.spent_on}: {self.amount}"


class StepComment(models.Model):
    """An executive's comment on one step of a decided version."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="step_comments")
    step = models.PositiveSmallIntegerField(_("step"))
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)

    class Meta:
        ordering = ["decision", "step"]
        verbose_name = _("step comment")
        verbose_name_plural = _("step comments")
        constraints = [
            models.UniqueConstraint(fields=["decision", "step"], name="step_comment_one_per_step"),
            models.CheckConstraint(condition=Q(step__gte=1) & Q(step__lte=7), name="step_comment_step_1_7"),
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.text[:40]}"
