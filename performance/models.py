"""Performance management: transactions, the KPI catalogue, targets, actuals, NPS and time entries.

Actuals are computed from data where possible (orders, revenue lines, NPS responses, opportunities, time
entries) by `performance.selectors.kpi_engine`; manual KPIs take the values people enter. Periods are
an account's own fiscal months, quarters, half-years and years (`performance.periods`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account, AccountTeamMember, Contact
from performance.periods import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, PERIODS_PER_YEAR, Period, PeriodKind

# The KPIs the application computes from data; `performance.kpis` holds one calculator per code.
COMPUTED_KPI_CODES = (
    "orders",
    "order_intake",
    "revenue",
    "profit",
    "margin",
    "nps",
    "repurchase_count",
    "repurchase_amount",
    "cross_sell",
    "up_sell",
    "pipeline_coverage",
    "utilisation",
    "deployment",
)


class KpiDefinition(models.Model):
    """A KPI of the catalogue admins manage: what it measures, how, in which unit, and which way is good."""

    class Unit(models.TextChoices):
        MONEY = "money", _("Amount")
        PERCENT = "percent", _("Percent")
        COUNT = "count", _("Count")
        SCORE = "score", _("Score (−100 to 100)")
        RATIO = "ratio", _("Ratio (×)")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed from data")
        MANUAL = "manual", _("Entered by hand")

    class Rollup(models.TextChoices):
        SUM = "sum", _("Adds up over time (a quarter is the sum of its months)")
        AVERAGE = "average", _("A level or rate (a quarter is the average of its months)")

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("A short key used in imports, e.g. revenue or nps.")
    )
    name = models.CharField(_("name"), max_length=120)
    name_ko = models.CharField(_("name in Korean"), max_length=120, blank=True)
    formula = models.TextField(_("formula"), help_text=_("How the KPI is computed, in words."))
    formula_ko = models.TextField(_("formula in Korean"), blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    rollup = models.CharField(
        _("roll-up"),
        max_length=8,
        choices=Rollup.choices,
        default=Rollup.SUM,
        help_text=_("Sums are compared with the target pro-rated to date while a period is in progress."),
    )
    applies_to_sales = models.BooleanField(_("applies to sales-type teams"), default=True)
    applies_to_operations = models.BooleanField(_("applies to operations-type teams"), default=True)
    applies_to_mixed = models.BooleanField(_("applies to mixed / self-supporting teams"), default=True)
    on_track_percent = models.DecimalField(
        # xgettext:no-python-format
        _("on track from (% of target)"),
        max_digits=6,
        decimal_places=1,
        default=95,
        help_text=_("At or above this share of the target the KPI is on track."),
    )
    at_risk_percent = models.DecimalField(
        # xgettext:no-python-format
        _("at risk from (% of target)"),
        max_digits=6,
        decimal_places=1,
        default=80,
        help_text=_("Between this share and the on-track share the KPI is at risk; below it, off track."),
    )
    show_on_dashboard = models.BooleanField(_("show on the weekly dashboard"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("KPI definition")
        verbose_name_plural = _("KPI definitions")
        constraints = [
            models.CheckConstraint(
                condition=Q(source="manual") | Q(code__in=COMPUTED_KPI_CODES), name="kpi_computed_code_known"
            ),
            models.CheckConstraint(condition=Q(at_risk_percent__gte=0), name="kpi_at_risk_gte_0"),
            models.CheckConstraint(condition=Q(on_track_percent__gte=F("at_risk_percent")), name="kpi_thresholds_ordered"),
            models.CheckConstraint(condition=Q(unit__in=["money", "percent", "count", "score", "ratio"]), name="kpi_unit_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the language of the request (Korean when one is given)."""
        if self.name_ko and (get_language() or "").startswith("ko"):
            return self.name_ko
        return self.name

    @property
    def display_formula(self) -> str:
        if self.formula_ko and (get_language() or "").startswith("ko"):
            return self.formula_ko
        return self.formula

    @property
    def is_computed(self) -> bool:
        return self.source == self.Source.COMPUTED

    @property
    def is_cumulative(self) -> bool:
        return self.rollup == self.Rollup.SUM

    @property
    def higher_is_better(self) -> bool:
        return self.direction == self.Direction.HIGHER

    def applies_to(self, team_type: str) -> bool:
        return {
            Account.TeamType.SALES: self.applies_to_sales,
            Account.TeamType.OPERATIONS: self.applies_to_operations,
            Account.TeamType.MIXED: self.applies_to_mixed,
        }.get(team_type, False)


def _period_index_valid() -> Q:
    """A period index within its kind's range: month 1–12, quarter 1–4, half 1–2, year 1."""
    condition = Q()
    for kind, count in PERIODS_PER_YEAR.items():
        condition |= Q(period_kind=kind, period_index__gte=1, period_index__lte=count)
    return condition


class PeriodValue(models.Model):
    """A value for one account, KPI and fiscal period (the base of targets and manual actuals)."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    kpi = models.ForeignKey(KpiDefinition, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
        help_text=_("Named after the calendar year in which the account's fiscal year starts."),
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_index = models.PositiveSmallIntegerField(
        _("period number"),
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Counted from the start of the fiscal year: month 1–12, quarter 1–4, half 1–2, year 1."),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kpi", "fiscal_year", "period_kind", "period_index"], name="%(class)s_unique_period"
            ),
            models.CheckConstraint(condition=_period_index_valid(), name="%(class)s_period_index_valid"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=MIN_FISCAL_YEAR) & Q(fiscal_year__lte=MAX_FISCAL_YEAR),
                name="%(class)s_fiscal_year_range",
            ),
        ]

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.fiscal_year, self.period_index, self.account.fiscal_year_start_month)


class KpiTarget(PeriodValue):
    """The target for one KPI of one account in one fiscal period (set by step 4 of the account plan)."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="kpi_targets")
    kpi = models.ForeignKey(KpiDefinition, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="targets")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(PeriodValue.Meta):
        ordering = ["account", "kpi", "fiscal_year", "period_kind", "period_index"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        indexes = [models.Index(fields=["kpi", "fiscal_year", "period_kind"], name="kpitarget_kpi_period_idx")]

    def __str__(self) -> str:
        return f"{self.account} · {self.kpi} · {self.fiscal_year} {self.period_kind} {self.period_index}"


class ManualActual(PeriodValue):
    """An actual entered by hand (or imported) for a KPI that is not computed from data."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="manual_actuals"
    )
    kpi = models.ForeignKey(KpiDefinition, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="manual_actuals")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(PeriodValue.Meta):
        ordering = ["account", "kpi", "fiscal_year", "period_kind", "period_index"]
        verbose_name = _("manual actual")
        verbose_name_plural = _("manual actuals")
        indexes = [models.Index(fields=["kpi", "fiscal_year", "period_kind"], name="manualactual_kpi_period_idx")]

    def __str__(self) -> str:
        return f"{self.account} · {self.kpi} · {self.fiscal_year} {self.period_kind} {self.period_index}"


# The KPIs a team member's share can be counted for: those that add up per person from the orders they
# sold (their `Order.sales_rep`): orders signed counts their orders, order intake adds up their amounts,
# revenue and profit read the revenue lines of their orders.
PERSONAL_GOAL_KPI_CODES = ("orders", "order_intake", "revenue", "profit")


class PersonalGoal(models.Model):
    """A team member's share of an account's target for one KPI in one fiscal month (개인 목표).

    Set by the account's KAM (or an admin) by splitting the account's targets among the team, and
    checked monthly and weekly against the orders the person sold (`performance.selectors.personal_goals`).
    """

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="personal_goals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team member"),
        on_delete=models.CASCADE,
        related_name="personal_goals",
        help_text=_("A member of the account's team."),
    )
    kpi = models.ForeignKey(
        KpiDefinition,
        verbose_name=_("KPI"),
        on_delete=models.PROTECT,
        related_name="personal_goals",
        limit_choices_to={"code__in": PERSONAL_GOAL_KPI_CODES},
        help_text=_(
            "Orders signed, order intake, revenue or profit: the KPIs counted per person from the orders they sold."
        ),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
        help_text=_("Named after the calendar year in which the account's fiscal year starts."),
    )
    month = models.PositiveSmallIntegerField(
        _("fiscal month"),
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Counted from the start of the account's fiscal year: 1–12."),
    )
    value = models.DecimalField(_("goal"), max_digits=20, decimal_places=4, validators=[MinValueValidator(0)])
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["account", "kpi", "fiscal_year", "month", "user"]
        verbose_name = _("personal goal")
        verbose_name_plural = _("personal goals")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "kpi", "fiscal_year", "month"], name="personal_goal_unique_month"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="personal_goal_value_gte_0"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="personal_goal_month_1_12"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=MIN_FISCAL_YEAR) & Q(fiscal_year__lte=MAX_FISCAL_YEAR),
                name="personal_goal_fiscal_year_range",
            ),
        ]
        indexes = [models.Index(fields=["user", "fiscal_year", "month"], name="personal_goal_user_month_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.account} · {self.kpi} · {self.fiscal_year}/{self.month}"

    def clean(self) -> None:
        """The rules a database constraint cannot hold: a KPI counted per person, a person on the team."""
        from django.core.exceptions import ValidationError

        errors = {}
        if self.kpi_id and self.kpi.code not in PERSONAL_GOAL_KPI_CODES:
            errors["kpi"] = _("Personal goals are set for orders signed, order intake, revenue and profit only.")
        if self.account_id and self.user_id and not AccountTeamMember.objects.filter(
            account_id=self.account_id, user_id=self.user_id
        ).exists():
            errors["user"] = _("This person is not on the account's team.")
        if errors:
            raise ValidationError(errors)

    @property
    def period(self) -> Period:
        return Period(PeriodKind.MONTH, self.fiscal_year, self.month, self.account.fiscal_year_start_month)


class NpsResponse(models.Model):
    """One answer to "How likely are you to recommend us?" (0–10) from a customer contact.

    9–10 are promoters, 7–8 passives, 0–6 detractors; NPS = % promoters − % detractors.
    """

    PROMOTER_FROM = 9
    DETRACTOR_UP_TO = 6

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="nps_responses"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("respondent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nps_responses",
    )
    respondent_name = models.CharField(
        _("respondent name"), max_length=120, help_text=_("Kept as answered, even if the contact is later removed.")
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(10)])
    responded_on = models.DateField(_("response date"))
    comment = models.TextField(_("comment"), blank=True)
    survey = models.CharField(_("survey"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-responded_on", "-id"]
        verbose_name = _("NPS response")
        verbose_name_plural = _("NPS responses")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=10), name="nps_score_0_10"),
            # The natural key of a response: the same person answering on the same day once.
            models.UniqueConstraint(fields=["account", "respondent_name", "responded_on"], name="nps_response_unique"),
        ]
        indexes = [models.Index(fields=["account", "responded_on"], name="nps_account_date_idx")]

    def __str__(self) -> str:
        return f"{self.respondent_name} · {self.score} · {self.responded_on}"

    @property
    def category(self) -> str:
        if self.score >= self.PROMOTER_FROM:
            return "promoter"
        if self.score <= self.DETRACTOR_UP_TO:
            return "detractor"
        return "passive"


class TimeEntry(models.Model):
    """Hours one of our people spent, or was available, on an account's work on one day.

    Utilisation (가동률) = billable hours ÷ available hours; deployment rate (투입률) =
    (billable + non-billable customer work) ÷ available hours, where available hours are all
    three kinds together.
    """

    class Kind(models.TextChoices):
        BILLABLE = "billable", _("Billable customer work")
        NON_BILLABLE = "non_billable", _("Non-billable customer work")
        AVAILABLE = "available", _("Available, not deployed")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="time_entries"
    )
    worked_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["-worked_on", "user"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_0_24"),
            models.CheckConstraint(
                condition=Q(kind__in=["billable", "non_billable", "available"]), name="time_entry_kind_valid"
            ),
            models.UniqueConstraint(fields=["account", "user", "worked_on", "kind"], name="time_entry_unique"),
        ]
        indexes = [models.Index(fields=["account", "worked_on"], name="time_entry_account_date_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.worked_on} · {self.hours}h"


class KpiStatus(models.TextChoices):
    ON_TRACK = "on_track", pgettext_lazy("KPI status", "On track")
    AT_RISK = "at_risk", pgettext_lazy("KPI status", "At risk")
    OFF_TRACK = "off_track", pgettext_lazy("KPI status", "Off track")
    NO_TARGET = "no_target", _("No target")
    NO_DATA = "no_data", _("No data")


# How good each status is, for comparing two: a move between on track, at risk and off track is a change.
STATUS_RANK = {KpiStatus.ON_TRACK: 3, KpiStatus.AT_RISK: 2, KpiStatus.OFF_TRACK: 1}


def _rank(field: str) -> models.Case:
    return models.Case(*(models.When(**{field: status}, then=models.Value(rank)) for status, rank in STATUS_RANK.items()))


class KpiSnapshot(models.Model):
    """A KPI's actual, target and status for an account's current quarter or year, as of one day.

    Written by `services.kpi_snapshot_refresh` (scheduled, and after imports) so the weekly
    dashboard reads a few thousand rows instead of aggregating every order on every visit,
    and so "the week's movers" can compare today with a week ago.
    """

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="kpi_snapshots")
    kpi = models.ForeignKey(KpiDefinition, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="snapshots")
    as_of = models.DateField(_("as of"))
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    period_index = models.PositiveSmallIntegerField(_("period number"))
    actual = models.DecimalField(_("actual"), max_digits=24, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=24, decimal_places=4, null=True, blank=True)
    expected = models.DecimalField(
        _("target to date"),
        max_digits=24,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The target pro-rated to the day for KPIs that add up over time."),
    )
    status = models.CharField(_("status"), max_length=10, choices=KpiStatus.choices)
    computed_at = models.DateTimeField(_("computed at"))
    # The same KPI's snapshot of the newest day at least a week before `as_of`, copied when this one
    # is written (`services.kpi_snapshot_link_week_before`): the week's movers read one day, not two.
    week_before_as_of = models.DateField(_("week-before day"), null=True, blank=True)
    week_before_status = models.CharField(_("status a week before"), max_length=10, choices=KpiStatus.choices, blank=True)
    week_before_actual = models.DecimalField(_("actual a week before"), max_digits=24, decimal_places=4, null=True, blank=True)
    # The move since a week before, kept by the database whatever wrote the row: + better, − worse, 0 when the
    # status is the same or either is not one of on track, at risk and off track (the week's movers read
    # the day's non-zero rows off `kpi_snapshot_change_idx`, not every account's).
    week_change = models.GeneratedField(
        expression=models.Case(
            models.When(
                Q(status__in=list(STATUS_RANK), week_before_status__in=list(STATUS_RANK)),
                then=_rank("status") - _rank("week_before_status"),
            ),
            default=models.Value(0),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-as_of", "account", "kpi"]
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")
        constraints = [
            models.UniqueConstraint(fields=["account", "kpi", "period_kind", "as_of"], name="kpi_snapshot_unique"),
            models.CheckConstraint(condition=_period_index_valid(), name="kpi_snapshot_period_index_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["on_track", "at_risk", "off_track", "no_target", "no_data"]),
                name="kpi_snapshot_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(week_before_status__in=["", "on_track", "at_risk", "off_track", "no_target", "no_data"]),
                name="kpi_snapshot_week_before_status_valid",
            ),
            models.CheckConstraint(condition=Q(week_before_as_of__lt=F("as_of")) | Q(week_before_as_of__isnull=True), name="kpi_snapshot_week_before_earlier"),
        ]
        indexes = [
            models.Index(fields=["as_of", "period_kind", "kpi", "status"], name="kpi_snapshot_day_idx"),
            # Holds what the dashboard's per-account lookups read, so they need not visit the table.
            models.Index(fields=["account", "period_kind", "as_of", "kpi", "status"], name="kpi_snapshot_account_idx"),
            # The day's moved rows only (some 4% of them): small enough that SQLite's planner reads the movers off
            # it rather than looking up every account in scope.
            models.Index(
                fields=["as_of", "period_kind", "week_change"], condition=~Q(week_change=0), name="kpi_snapshot_change_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.kpi} · {self.as_of}"


# The KPIs the weekly dashboard shows (and counts into each account's attention score).
ON_DASHBOARD = Q(is_active=True, show_on_dashboard=True)
# What a KPI adds to its account's attention score: the dashboard's "needs attention first" order.
ATTENTION_WEIGHTS = {KpiStatus.OFF_TRACK: 100, KpiStatus.AT_RISK: 1}


class AccountAttention(models.Model):
    """An account's attention score on a snapshot day and period kind: 100 per dashboard KPI off track and 1 per
    one at risk, summed when the snapshots are written, so the weekly dashboard orders every account in scope by
    one stored number instead of adding up each account's snapshots on every cold visit. Only scores above
    zero are kept (no row: 0).

    Kept by `services.account_attention_refresh`: after a snapshot refresh (for its day and accounts), a single
    snapshot save (a signal), and a change of which KPIs show on the dashboard (a signal, every day); the rows go
    with their account. A bulk `update()` of snapshots' statuses must call it itself.
    """

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("as of"))
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    score = models.PositiveIntegerField(_("attention score"))

    class Meta:
        verbose_name = _("account attention")
        verbose_name_plural = _("account attention scores")
        constraints = [
            models.UniqueConstraint(fields=["account", "period_kind", "as_of"], name="account_attention_unique"),
            models.CheckConstraint(condition=Q(score__gt=0), name="account_attention_score_gt_0"),
        ]
        indexes = [
            # The grid's lookup per account answered from the index alone.
            models.Index(fields=["account", "period_kind", "as_of", "score"], name="account_attention_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.as_of} · {self.score}"


class ImportBatch(models.Model):
    """One uploaded CSV or Excel file: previewed first, then committed all or nothing."""

    class Kind(models.TextChoices):
        ORDERS = "orders", _("Orders")
        REVENUE = "revenue", _("Revenue lines")
        NPS = "nps", _("NPS responses")
        ACTUALS = "actuals", _("Manual actuals")
        TIME = "time", _("Time entries")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        COMMITTED = "committed", _("Imported")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    filename = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="import_batches"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    rows = models.JSONField(_("rows as uploaded"), default=list)
    report = models.JSONField(_("check report"), default=list)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    update_count = models.PositiveIntegerField(_("updates"), default=0)
    duplicate_count = models.PositiveIntegerField(_("already imported"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="previewed", committed_at__isnull=True) | Q(status="committed", committed_at__isnull=False),
                name="import_committed_at_when_committed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename}"
