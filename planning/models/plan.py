"""The account plan: its seven steps' rows, attachments, frozen versions and PDFs."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history import register as register_history
from simple_history.models import HistoricalRecords

from accounts.models import Account, Contact, Offering
from performance.models import KpiDefinition, KpiTarget
from performance.periods import Period, PeriodKind, period_containing


STEP_NUMBERS = (1, 2, 3, 4, 5, 6, 7)


# Text limits, so no single field can make a page or a PDF huge: a step's long texts, comments and notes,
# and a row's description (short titles keep their CharField limits).
LONG_TEXT_MAX = 20_000


COMMENT_MAX = 10_000


ROW_TEXT_MAX = 2_000


# The steps the consensus meeting approves; they are frozen in a version at submission.
PLAN_STEPS = (1, 2, 3, 4, 5)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class AccountPlan(models.Model):
    """An account's plan for one fiscal year: the 3-year ambition and the 1-year plan, in seven steps."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="plans")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    # Fixed when the plan is created from the account's fiscal-year start month, so a later change
    # of that month does not move the dates of a running plan.
    period_start = models.DateField(_("fiscal year starts"))
    period_end = models.DateField(_("fiscal year ends"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_plans",
    )
    # Optimistic lock: every step save checks the number the form was rendered with and increments it.
    lock_version = models.PositiveIntegerField(_("lock version"), default=1)
    previous_plan = models.ForeignKey(
        "self", verbose_name=_("carried over from"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="next_plans",
    )
    approved_version = models.ForeignKey(
        "PlanVersion", verbose_name=_("approved version"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    # Step 1: customer org chart review.
    org_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("org chart reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    org_reviewed_at = models.DateTimeField(_("org chart reviewed at"), null=True, blank=True)
    org_review_notes = models.TextField(_("review notes"), blank=True, max_length=LONG_TEXT_MAX)
    org_baseline = models.JSONField(_("org chart at the end of last year"), default=list, blank=True, encoder=DjangoJSONEncoder)
    org_baseline_on = models.DateField(_("org chart baseline date"), null=True, blank=True)

    # Step 2: org units to opportunities.
    mapping_notes = models.TextField(_("mapping notes"), blank=True, max_length=LONG_TEXT_MAX)

    # Step 3: the customer's business plan.
    cbp_summary = models.TextField(_("what we know of the customer's business plan"), blank=True, max_length=LONG_TEXT_MAX)
    cbp_initiatives = models.TextField(
        _("key initiatives"), blank=True, help_text=_("One per line."), max_length=LONG_TEXT_MAX
    )
    cbp_budget = models.DecimalField(_("customer's budget"), max_digits=18, decimal_places=0, null=True, blank=True)
    cbp_budget_notes = models.CharField(_("budget notes"), max_length=300, blank=True)
    cbp_source = models.CharField(_("source"), max_length=300, blank=True)
    cbp_confidence = models.CharField(_("confidence"), max_length=8, choices=Confidence.choices, blank=True)

    # Step 4: account strategy.
    ambition_3y = models.TextField(_("3-year ambition"), blank=True, max_length=LONG_TEXT_MAX)
    plan_1y = models.TextField(_("1-year plan"), blank=True, max_length=LONG_TEXT_MAX)
    market_review = models.TextField(_("market"), blank=True, max_length=LONG_TEXT_MAX)
    competition_review = models.TextField(_("competition"), blank=True, max_length=LONG_TEXT_MAX)
    swot_strengths = models.TextField(_("strengths"), blank=True, max_length=LONG_TEXT_MAX)
    swot_weaknesses = models.TextField(_("weaknesses"), blank=True, max_length=LONG_TEXT_MAX)
    swot_opportunities = models.TextField(pgettext_lazy("SWOT", "opportunities"), blank=True, max_length=LONG_TEXT_MAX)
    swot_threats = models.TextField(_("threats"), blank=True, max_length=LONG_TEXT_MAX)
    strategy_summary = models.TextField(_("strategy"), blank=True, max_length=LONG_TEXT_MAX)
    execution_summary = models.TextField(_("execution plan"), blank=True, max_length=LONG_TEXT_MAX)
    tam = models.DecimalField(_("TAM"), max_digits=18, decimal_places=0, null=True, blank=True)
    carried_context = models.JSONField(_("carried from last year"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    # Step 7: year-end evaluation and wrap-up.
    year_end_evaluation = models.TextField(_("year-end evaluation"), blank=True, max_length=LONG_TEXT_MAX)
    wrap_up = models.TextField(_("wrap-up and lessons"), blank=True, max_length=LONG_TEXT_MAX)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last saved by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["lock_version", "updated_at", "updated_by"])

    class Meta:
        ordering = ["-fiscal_year", "account__name"]
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        constraints = [
            models.UniqueConstraint(fields=["account", "fiscal_year"], name="plan_one_per_account_and_year"),
            models.CheckConstraint(condition=Q(period_start__lt=F("period_end")), name="plan_period_ordered"),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(condition=Q(revision__gte=1), name="plan_revision_gte_1"),
            models.CheckConstraint(condition=Q(tam__isnull=True) | Q(tam__gte=0), name="plan_tam_gte_0"),
            models.CheckConstraint(condition=Q(cbp_budget__isnull=True) | Q(cbp_budget__gte=0), name="plan_cbp_budget_gte_0"),
            models.CheckConstraint(condition=~Q(previous_plan=F("pk")), name="plan_not_own_previous"),
        ]
        indexes = [models.Index(fields=["status", "fiscal_year"], name="plan_status_year_idx")]

    def __str__(self) -> str:
        return _("%(account)s · FY %(year)s") % {"account": self.account.name, "year": self.fiscal_year}

    @property
    def start_month(self) -> int:
        return self.period_start.month

    def period(self, kind: str = PeriodKind.YEAR, index: int = 1) -> Period:
        """A month, quarter, half or the whole of the plan's fiscal year."""
        return Period(kind, self.fiscal_year, index, self.start_month)

    def quarter_containing(self, day) -> int | None:
        """The plan's fiscal quarter (1–4) that `day` falls in; None outside the plan's year."""
        if not self.period_start <= day <= self.period_end:
            return None
        return period_containing(day, PeriodKind.QUARTER, self.start_month).index


class PlanKpi(models.Model):
    """A KPI of the catalogue the plan is measured by; its targets are the account's KpiTargets for the year."""

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="plan_kpis")
    kpi = models.ForeignKey(KpiDefinition, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "kpi__sort_order", "kpi__code"]
        verbose_name = _("plan KPI")
        verbose_name_plural = _("plan KPIs")
        constraints = [models.UniqueConstraint(fields=["plan", "kpi"], name="plan_kpi_unique")]

    def __str__(self) -> str:
        return str(self.kpi)


# Targets belong to the performance app; step 4 of the plan sets them, and the plan's audit
# trail shows their changes, so their history is recorded here.
register_history(KpiTarget, app="planning", table_name="planning_historicalkpitarget")


class StrategicTask(models.Model):
    """A long-term item of the account strategy, split out of the 1-year plan (전략과제)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="strategic_tasks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=ROW_TEXT_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_year = models.PositiveSmallIntegerField(_("target fiscal year"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    carried_from = models.ForeignKey(
        "self", verbose_name=_("carried from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_year", "id"]
        verbose_name = _("strategic task")
        verbose_name_plural = _("strategic tasks")

    def __str__(self) -> str:
        return self.title


class MarketingAction(models.Model):
    """A workshop, training, seminar or conference with the customer's Fox or Kingpin."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Customer workshop")
        TRAINING = "training", _("Training")
        SEMINAR = "seminar", _("Seminar")
        CONFERENCE = "conference", _("Technology / industry conference")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="marketing_actions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    contact = models.ForeignKey(
        Contact, verbose_name=_("with (Fox / Kingpin)"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_on = models.DateField(_("planned for"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)

    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_on", "id"]
        verbose_name = _("marketing action")
        verbose_name_plural = _("marketing actions")

    def __str__(self) -> str:
        return self.title


class SupportRequest(models.Model):
    """What the account team asks the company for: product, people or budget."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        PEOPLE = "people", _("People")
        BUDGET = "budget", _("Budget")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        COMMITTED = "committed", _("Committed")
        DECLINED = "declined", _("Declined")
        DELIVERED = "delivered", _("Delivered")

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="support_requests")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    offering = models.ForeignKey(
        Offering, verbose_name=_("offering"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=0, default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="support_amount_gte_0")]

    def __str__(self) -> str:
        return self.description


class ActionItem(models.Model):
    """A task or milestone of the action plan, kept like a WBS: parents, owners, dates, progress."""

    class Kind(models.TextChoices):
        TASK = "task", _("Task")
        MILESTONE = "milestone", _("Milestone")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED)

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions")
    # RESTRICT: a task with subtasks cannot be deleted on its own, but goes with its plan.
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.RESTRICT, related_name="children"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_on = models.DateField(_("start"))
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    percent_done = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("% done"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    carried_from = models.ForeignKey(
        "self", verbose_name=_("carried from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Stale-plan signal: an open action not updated in KAM_STALE_ACTION_DAYS (planning/freshness.py).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_on", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(condition=Q(start_on__lte=F("due_on")), name="action_dates_ordered"),
            models.CheckConstraint(condition=Q(percent_done__gte=0) & Q(percent_done__lte=100), name="action_percent_0_100"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="action_not_own_parent"),
            models.CheckConstraint(condition=Q(kind="task") | Q(start_on=F("due_on")), name="action_milestone_one_day"),
        ]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: "PlanAttachment", filename: str) -> str:
    """A random name under the plan's folder: the original name is kept in the row, never on disk."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"plan-attachments/{instance.plan_id}/{uuid.uuid4().hex}{suffix}"


class PlanAttachment(models.Model):
    """A document of the customer's business plan (PDF or Office), served only to users who see the account."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        WORD = "word", "Word"
        EXCEL = "excel", "Excel"
        POWERPOINT = "powerpoint", "PowerPoint"

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty")]

    def __str__(self) -> str:
        return self.original_name


class PlanVersion(models.Model):
    """A frozen copy of everything the consensus meeting sees, taken when the plan is submitted."""

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    revision = models.PositiveSmallIntegerField(_("revision"))
    # The how-manieth submission of its revision: "Revision 1 · submission 2" is what a KAM reads.
    submission = models.PositiveSmallIntegerField(_("submission"), default=1)
    snapshot = models.JSONField(_("snapshot"), encoder=DjangoJSONEncoder)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    note = models.CharField(_("note to the meeting"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_version_number_gte_1"),
        ]

    def __str__(self) -> str:
        return _("%(plan)s · %(version)s") % {"plan": self.plan, "version": self.label}

    @property
    def label(self) -> str:
        return version_label(self.revision, self.submission)


def version_label(revision: int, submission: int) -> str:
    """How every page, e-mail and PDF names a submitted version."""
    return _("Revision %(revision)s · submission %(submission)s") % {"revision": revision, "submission": submission}


def plan_pdf_path(instance: "PlanPdf", filename: str) -> str:
    """A random name under the plan's folder, next to its attachments' storage: served only through the app."""
    return f"plan-pdfs/{instance.plan_id}/{uuid.uuid4().hex}.pdf"


class PlanPdf(models.Model):
    """The plan's PDF, rendered by a Celery worker and stored: never in a web request.

    A frozen version's PDF (`version` set) is made once per language, at submission. A draft's
    (`version` empty) is made on request and keyed by a digest of what it shows (`snapshot_digest`),
    so a draft edited after its PDF was made gets a fresh one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("could not be prepared")

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="pdfs")
    version = models.ForeignKey(
        PlanVersion, verbose_name=_("version"), null=True, blank=True, on_delete=models.CASCADE, related_name="pdfs"
    )
    language = models.CharField(_("language"), max_length=10)
    lock_version = models.PositiveIntegerField(_("lock version"), default=0)
    snapshot_digest = models.CharField(_("snapshot digest"), max_length=64, blank=True)
    # A draft's snapshot as requested, so the worker renders exactly what the digest names; emptied once rendered.
    snapshot = models.JSONField(_("snapshot"), encoder=DjangoJSONEncoder, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to=plan_pdf_path, max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan PDF")
        verbose_name_plural = _("plan PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], condition=Q(version__isnull=False), name="plan_pdf_one_per_version_language"
            ),
            models.UniqueConstraint(
                fields=["plan", "snapshot_digest", "language"], condition=Q(version__isnull=True),
                name="plan_pdf_one_per_draft_state_language",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file=""), name="plan_pdf_ready_has_a_file"
            ),
            models.CheckConstraint(
                condition=Q(version__isnull=False) | ~Q(snapshot_digest=""), name="plan_pdf_draft_has_a_digest"
            ),
        ]

    def __str__(self) -> str:
        return _("%(plan)s · PDF") % {"plan": self.plan}
