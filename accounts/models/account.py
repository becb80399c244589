"""Key accounts: the account, its team, pricing tier, grade moves, risks, the portfolio stamps and our organisation's event history."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from simple_history.models import HistoricalRecords


from .people import BusinessUnit, Level, User


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    FINANCE = "finance", _("Finance")
    PUBLIC = "public", _("Public sector")
    TELECOM = "telecom", _("Telecommunications")
    RETAIL = "retail", _("Retail and distribution")
    HEALTHCARE = "healthcare", _("Healthcare")
    ENERGY = "energy", _("Energy")


INDUSTRY_LABELS = dict(Industry.choices)


class PricingTier(models.Model):
    """A customer grade by purchase record, with its discount and privileges."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("1 is the highest grade; a higher grade never has a smaller discount."), unique=True
    )
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2, default=0)
    min_annual_amount = models.DecimalField(
        _("minimum annual purchases"), max_digits=16, decimal_places=0, default=0
    )
    privileges = models.TextField(_("privileges"), blank=True)

    def clean(self):
        """The discount follows the rank: never above a higher grade's, never below a lower grade's."""
        super().clean()
        if self.rank is None or self.discount_percent is None:
            return
        others = PricingTier.objects.exclude(pk=self.pk) if self.pk else PricingTier.objects.all()
        higher = others.filter(rank__lt=self.rank).order_by("-rank").first()
        lower = others.filter(rank__gt=self.rank).order_by("rank").first()
        if higher is not None and self.discount_percent > higher.discount_percent:
            raise ValidationError({"discount_percent": _(
                "The discount cannot be above that of the higher grade %(grade)s (%(discount)s %%)."
            ) % {"grade": higher.name, "discount": higher.discount_percent}})
        if lower is not None and self.discount_percent < lower.discount_percent:
            raise ValidationError({"discount_percent": _(
                "The discount cannot be below that of the lower grade %(grade)s (%(discount)s %%)."
            ) % {"grade": lower.name, "discount": lower.discount_percent}})

    class Meta:
        ordering = ["rank"]
        verbose_name = _("pricing tier")
        verbose_name_plural = _("pricing tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100), name="tier_discount_0_100"
            ),
            models.CheckConstraint(condition=Q(min_annual_amount__gte=0), name="tier_min_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountQuerySet(models.QuerySet):
    def in_service(self) -> "AccountQuerySet":
        """The accounts not withdrawn (active or on hold): what lists, dashboards, the Pareto view, plan
        creation and the sweep cover unless asked for withdrawn accounts too."""
        return self.exclude(lifecycle=Account.Lifecycle.WITHDRAWN)


class Account(models.Model):
    """A customer company, or a business area of one (a territory), served by a vertical unit."""

    class Lifecycle(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("account lifecycle", "Active")
        ON_HOLD = "on_hold", pgettext_lazy("account lifecycle", "On hold")
        WITHDRAWN = "withdrawn", pgettext_lazy("account lifecycle", "Withdrawn")

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        BUSINESS_AREA = "business_area", _("Business area (territory)")

    class TeamType(models.TextChoices):
        SALES = "sales", _("Sales-type")
        OPERATIONS = "operations", _("Operations-type")
        MIXED = "mixed", _("Mixed / self-supporting")

    class ParetoClass(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    name = models.CharField(_("name"), max_length=160)
    english_name = models.CharField(_("English name"), max_length=160, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPANY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="business_areas",
    )
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    vertical_unit = models.ForeignKey(
        BusinessUnit,
        verbose_name=_("vertical unit"),
        on_delete=models.PROTECT,
        related_name="accounts",
        limit_choices_to={"kind": BusinessUnit.Kind.VERTICAL},
    )
    is_key_account = models.BooleanField(_("key account"), default=False)
    grade = models.ForeignKey(
        PricingTier, verbose_name=_("grade"), null=True, blank=True, on_delete=models.SET_NULL, related_name="accounts"
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    team_type = models.CharField(_("team type"), max_length=12, choices=TeamType.choices, default=TeamType.SALES)
    description = models.TextField(_("description"), blank=True)
    # Kept current by accounts.services.account_revenue_refresh (scheduled daily), so that
    # lists sort and filter by revenue without aggregating every order on every page.
    revenue_ttm = models.DecimalField(_("revenue, last 12 months"), max_digits=18, decimal_places=0, default=0)
    profit_ttm = models.DecimalField(_("profit, last 12 months"), max_digits=18, decimal_places=0, default=0)
    pareto_class = models.CharField(_("Pareto class"), max_length=1, choices=ParetoClass.choices, blank=True)
    revenue_refreshed_at = models.DateTimeField(_("revenue refreshed at"), null=True, blank=True)
    # The account's lifecycle (어카운트 철수: withdrawal); each change is kept in the account's history.
    lifecycle = models.CharField(_("lifecycle"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.ACTIVE)
    lifecycle_since = models.DateField(_("lifecycle status since"), null=True, blank=True)
    lifecycle_reason = models.CharField(_("reason for the lifecycle status"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["revenue_ttm", "profit_ttm", "pareto_class", "revenue_refreshed_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1) & Q(fiscal_year_start_month__lte=12),
                name="account_fy_month_1_12",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="account_not_own_parent"),
            models.UniqueConstraint(fields=["name", "parent"], name="account_name_unique_in_parent"),
            models.CheckConstraint(
                condition=Q(lifecycle__in=["active", "on_hold", "withdrawn"]), name="account_lifecycle_valid"
            ),
            # On hold and withdrawn say since when and why.
            models.CheckConstraint(
                condition=Q(lifecycle="active") | (Q(lifecycle_since__isnull=False) & ~Q(lifecycle_reason="")),
                name="account_lifecycle_dated_reasoned",
                violation_error_message=_("Give the date and the reason of the change."),
            ),
        ]
        indexes = [
            models.Index(fields=["-revenue_ttm"], name="account_revenue_idx"),
            models.Index(fields=["industry", "name"], name="account_industry_idx"),
            # The search (a name or English name containing the words) reads every name: from these narrow
            # indexes (all key accounts' names, or all names) rather than from the wide rows.
            models.Index(fields=["is_key_account", "name", "english_name"], name="account_key_names_idx"),
            models.Index(fields=["name", "english_name"], name="account_names_idx"),
            # The account list's default order: key accounts, then the largest; the first page is read off the index.
            models.Index(fields=["-is_key_account", "-revenue_ttm", "name"], name="account_list_order_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_industry_display(self) -> str:
        """As Django's, without building a dict of every choice (and translating each label) on every call:
        the account list shows it on each row."""
        return force_str(INDUSTRY_LABELS.get(self.industry, self.industry), strings_only=True)

    def clean(self) -> None:
        """A lifecycle change other than back to active has a date and a reason; the date is not in the future."""
        super().clean()
        errors = {}
        if self.lifecycle != self.Lifecycle.ACTIVE:
            if self.lifecycle_since is None:
                errors["lifecycle_since"] = _("Give the date of the change.")
            if not self.lifecycle_reason.strip():
                errors["lifecycle_reason"] = _("Say why the account is on hold or withdrawn.")
        if self.lifecycle_since is not None and self.lifecycle_since > timezone.localdate():
            errors["lifecycle_since"] = _("The date cannot be in the future: record the change when it happens.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_withdrawn(self) -> bool:
        return self.lifecycle == self.Lifecycle.WITHDRAWN

    @property
    def kam(self) -> "User | None":
        """The account team's key account manager, the account's accountable owner; None while the team has none.

        Reads the prefetched team when there is one.
        """
        for member in self.team.all():
            if member.role == AccountTeamMember.Role.KAM:
                return member.user
        return None


class AccountTeamMember(models.Model):
    """One of our people on an account's team."""

    class Role(models.TextChoices):
        KAM = "kam", _("Key account manager")
        SALES_REP = "sales_rep", _("Sales rep")
        ENGINEER = "engineer", _("Engineer")
        EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="account_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["account", "role", "user"]
        verbose_name = _("account team member")
        verbose_name_plural = _("account team members")
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="team_member_unique"),
            models.UniqueConstraint(fields=["account"], condition=Q(role="kam"), name="team_one_kam_per_account"),
        ]
        indexes = [models.Index(fields=["user", "account"], name="team_user_account_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self) -> None:
        """Only active people sit on account teams: a person who has left is handed over, not kept."""
        from django.core.exceptions import ValidationError

        if self.user_id is not None and not self.user.is_active:
            raise ValidationError({"user": _("%(name)s is deactivated and cannot be on an account team.") % {"name": self.user}})


class GradeChange(models.Model):
    """A change of an account's customer grade, with its reason and who made it."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="grade_changes")
    from_grade = models.ForeignKey(
        PricingTier, verbose_name=_("from grade"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_grade = models.ForeignKey(
        PricingTier, verbose_name=_("to grade"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-recorded_at"]
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")

    def __str__(self) -> str:
        return f"{self.account}: {self.from_grade or '–'} → {self.to_grade or '–'}"


class PortfolioStamp(models.Model):
    """A token that changes on every write the portfolio-wide pages read (`accounts.portfolio_cache`).

    Cached aggregates are stored under the token of the moment, so a write makes them unreachable
    in every process at once, whatever the cache backend.
    """

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("portfolio stamp")
        verbose_name_plural = _("portfolio stamps")

    def __str__(self) -> str:
        return f"{self.name}: {self.token}"


class OrganisationEvent(models.Model):
    """One change to our organisation or its mapping to accounts: who, when, what, before → after.

    Names are copied into `subject`, `before` and `after` when the change is made, so the history
    reads the same after a unit is merged or a person leaves.
    """

    class Kind(models.TextChoices):
        UNIT_CREATED = "unit_created", _("Unit created")
        UNIT_RENAMED = "unit_renamed", _("Unit renamed")
        UNIT_MERGED = "unit_merged", _("Units merged")
        UNIT_CLOSED = "unit_closed", _("Unit closed")
        ACCOUNT_MOVED = "account_moved", _("Account moved to another vertical unit")
        MEMBER_ADDED = "member_added", _("Team member added")
        MEMBER_REMOVED = "member_removed", _("Team member removed")
        MEMBER_ROLE = "member_role", _("Team role changed")
        KAM_SET = "kam_set", _("KAM set")
        LEVEL_SET = "level_set", _("Level set")
        PERSON_INVITED = "invited", _("Person invited")
        PERSON_DEACTIVATED = "deactivated", _("Person deactivated")
        HANDED_OVER = "handed_over", _("Work handed over")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    happened_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    before = models.CharField(_("before"), max_length=300, blank=True)
    after = models.CharField(_("after"), max_length=300, blank=True)
    # For kinds about a role or a level, the value of that choice (shown in the reader's language).
    role = models.CharField(_("role"), max_length=20, choices=AccountTeamMember.Role.choices, blank=True)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        BusinessUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-happened_at", "-id"]
        verbose_name = _("organisation event")
        verbose_name_plural = _("organisation history")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[
                "unit_created", "unit_renamed", "unit_merged", "unit_closed", "account_moved", "member_added",
                "member_removed", "member_role", "kam_set", "level_set", "invited", "deactivated", "handed_over",
            ]), name="org_event_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def _shown(self, value: str) -> str:
        if self.kind == self.Kind.LEVEL_SET:
            return str(Level(value).label) if value in Level.values else value
        return value

    @property
    def before_shown(self) -> str:
        return self._shown(self.before)

    @property
    def after_shown(self) -> str:
        return self._shown(self.after)


class AccountRisk(models.Model):
    """A risk of the account's business, in the account's risk register; shared with the customer or not (리스크 공유)."""

    class Side(models.TextChoices):
        OURS = "ours", _("Ours")
        CUSTOMER = "customer", _("The customer's")

    class Rating(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MITIGATING = "mitigating", _("Being mitigated")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.OPEN, Status.MITIGATING)

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_side = models.CharField(
        _("owned by"), max_length=8, choices=Side.choices, default=Side.OURS,
        help_text=_("Whose risk to handle: ours, or the customer's."),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner (ours)"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_contact = models.ForeignKey(
        "Contact", verbose_name=_("owner (customer)"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Rating.choices, default=Rating.MEDIUM)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Rating.choices, default=Rating.MEDIUM)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    shared_with_customer = models.BooleanField(
        _("shared with the customer"), default=False,
        help_text=_("Risk sharing (리스크 공유): the customer knows the risk and works on it with us."),
    )
    raised_on = models.DateField(_("raised on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["account", "-impact", "-likelihood", "title"]
        verbose_name = _("account risk")
        verbose_name_plural = _("account risks")
        constraints = [
            models.CheckConstraint(condition=Q(impact__gte=1) & Q(impact__lte=3), name="risk_impact_1_3"),
            models.CheckConstraint(condition=Q(likelihood__gte=1) & Q(likelihood__lte=3), name="risk_likelihood_1_3"),
            models.CheckConstraint(condition=Q(owner_side__in=["ours", "customer"]), name="risk_owner_side_valid"),
            models.CheckConstraint(condition=Q(status__in=["open", "mitigating", "closed"]), name="risk_status_valid"),
            # Our owner is one of our people, the customer's one of their contacts.
            models.CheckConstraint(
                condition=(Q(owner_side="ours") & Q(owner_contact__isnull=True))
                | (Q(owner_side="customer") & Q(owner_user__isnull=True)),
                name="risk_owner_on_its_side",
                violation_error_message=_("Our risks have one of our people as owner, the customer's one of their contacts."),
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False) | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="risk_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")), name="risk_closed_after_raised"
            ),
        ]
        indexes = [models.Index(fields=["account", "status"], name="risk_account_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def severity(self) -> int:
        """Impact × likelihood, 1 to 9."""
        return self.impact * self.likelihood

    @property
    def owner(self):
        return self.owner_user if self.owner_side == self.Side.OURS else self.owner_contact
