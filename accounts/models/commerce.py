"""What we sell and win: offerings, orders, incentive programmes, opportunities and unmet needs."""


from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


from .account import Account
from .customer import OrgUnit
from .people import BusinessUnit


class Offering(models.Model):
    """A product, service or solution of a horizontal unit."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        SERVICE = "service", _("Service")
        SOLUTION = "solution", _("Solution")

    name = models.CharField(_("name"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    owner_unit = models.ForeignKey(
        BusinessUnit,
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="offerings",
        limit_choices_to={"kind": BusinessUnit.Kind.HORIZONTAL},
    )
    description = models.TextField(_("description"), blank=True)
    is_key_account_special = models.BooleanField(_("special offering for key accounts"), default=False)
    has_24x7_support = models.BooleanField(_("24/7 support"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    """An order (order intake, 수주) booked with an account: signed once, on its order date.

    Its revenue (매출) is recognised as revenue lines (`RevenueLine`), in one month or over many.
    """

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="orders")
    offering = models.ForeignKey(Offering, verbose_name=_("offering"), on_delete=models.PROTECT, related_name="orders")
    ordered_on = models.DateField(_("order date"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=0)
    cost = models.DecimalField(_("cost"), max_digits=16, decimal_places=0, default=0)
    reference = models.CharField(
        _("reference"), max_length=64, help_text=_("The order number in the ERP; unique per account.")
    )
    sales_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders_sold",
        help_text=_("Who made the sale: the order counts towards this person's personal goals."),
    )

    class Meta:
        # Born in `performance` (migration performance 0001); moved here with its table (accounts 0011).
        db_table = "performance_order"
        ordering = ["-ordered_on", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_gte_0"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="order_cost_gte_0"),
            models.UniqueConstraint(fields=["account", "reference"], name="order_reference_unique_in_account"),
        ]
        indexes = [
            models.Index(fields=["account", "ordered_on"], name="order_account_date_idx"),
            models.Index(fields=["ordered_on"], name="order_date_idx"),
            # Repurchase: "was this offering bought again by this account in the next period?"
            models.Index(fields=["account", "offering", "ordered_on"], name="order_account_offering_idx"),
            # A person's weekly check: their orders of a month.
            models.Index(fields=["sales_rep", "ordered_on"], name="order_sales_rep_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.account}"

    @property
    def profit(self):
        return self.amount - self.cost


class IncentiveProgram(models.Model):
    """Buy above the target amount in the period and the discount applies to the whole amount."""

    name = models.CharField(_("name"), max_length=160)
    target_amount = models.DecimalField(_("target amount"), max_digits=16, decimal_places=0)
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    accounts = models.ManyToManyField(
        Account, verbose_name=_("accounts"), related_name="incentive_programs", blank=True
    )

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("incentive program")
        verbose_name_plural = _("incentive programs")
        constraints = [
            models.CheckConstraint(condition=Q(target_amount__gte=0), name="incentive_target_gte_0"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100), name="incentive_discount_0_100"
            ),
            models.CheckConstraint(condition=Q(valid_from__lte=F("valid_to")), name="incentive_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class Opportunity(models.Model):
    """A business opportunity, placed in Tier 1 (nearest to business) to Tier 4."""

    class Stage(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        RFI = "rfi", _("RFI")
        RFQ = "rfq", _("RFQ")
        PROPOSAL = "proposal", _("Proposal")
        NEGOTIATION = "negotiation", _("Negotiation")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    OPEN_STAGES = (Stage.IDENTIFIED, Stage.RFI, Stage.RFQ, Stage.PROPOSAL, Stage.NEGOTIATION)

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="opportunities"
    )
    name = models.CharField(_("name"), max_length=200)
    sponsor_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("sponsoring org unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    offerings = models.ManyToManyField(Offering, verbose_name=_("offerings"), related_name="opportunities", blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDENTIFIED)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=0, default=0)
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probability %"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["tier", "-amount"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(condition=Q(tier__gte=1) & Q(tier__lte=4), name="opportunity_tier_1_4"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="opportunity_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=100), name="opportunity_probability_0_100"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "stage", "tier"], name="opportunity_account_stage_idx"),
            models.Index(fields=["updated_at"], name="opportunity_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES

    @property
    def weighted_amount(self):
        return self.amount * self.probability / 100


class OpportunityTierTotal(models.Model):
    """An account's open opportunities of one tier, summed: how many, their amount and their probability-weighted
    amount. Kept by every write of the account's opportunities (`accounts.tier_totals`), so that the weekly
    dashboard's tier funnel adds up a few rows per account instead of every opportunity."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    tier = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=20, decimal_places=0)
    weighted = models.DecimalField(max_digits=22, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "tier"], name="opportunity_tier_total_unique")]

    def __str__(self) -> str:
        return f"{self.account_id} tier {self.tier}"


class OpportunityMove(models.Model):
    """A change of an opportunity's tier or stage, with who and when."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="moves"
    )
    from_tier = models.PositiveSmallIntegerField(_("from tier"), null=True, blank=True)
    to_tier = models.PositiveSmallIntegerField(_("to tier"))
    from_stage = models.CharField(_("from stage"), max_length=12, choices=Opportunity.Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=12, choices=Opportunity.Stage.choices)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moved by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(_("moved at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-moved_at", "-id"]
        verbose_name = _("opportunity move")
        verbose_name_plural = _("opportunity moves")
        constraints = [
            models.CheckConstraint(condition=Q(to_tier__gte=1) & Q(to_tier__lte=4), name="move_to_tier_1_4"),
            models.CheckConstraint(
                condition=Q(from_tier__isnull=True) | (Q(from_tier__gte=1) & Q(from_tier__lte=4)),
                name="move_from_tier_1_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_tier}→{self.to_tier}"


class UnmetNeed(models.Model):
    """A need a customer org unit has that no offering of ours meets yet: a note on a whitespace cell."""

    # The longest note the web form and the API take (the column itself has no limit).
    NOTE_MAX_LENGTH = 2000

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="unmet_needs")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.CASCADE, related_name="unmet_needs"
    )
    offering = models.ForeignKey(
        Offering, verbose_name=_("offering"), on_delete=models.CASCADE, related_name="unmet_needs"
    )
    note = models.TextField(_("unmet need"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["org_unit", "offering"]
        verbose_name = _("unmet need")
        verbose_name_plural = _("unmet needs")
        constraints = [models.UniqueConstraint(fields=["org_unit", "offering"], name="unmet_need_unique_cell")]

    def __str__(self) -> str:
        return f"{self.org_unit} × {self.offering}"
