"""Customers and our own matrix organisation.

Accounts, their org charts (units and contacts), the relationships our people keep
with contacts, opportunities by tier, the offering catalogue, pricing tiers and orders (수주).
Invariants live in database constraints so no code path can store bad data.
"""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import isolate


class BusinessUnit(models.Model):
    """A unit of our own matrix organisation."""

    class Kind(models.TextChoices):
        VERTICAL = "vertical", _("Vertical (industry / sales)")
        HORIZONTAL = "horizontal", _("Horizontal (product / service / solution)")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(_("description"), blank=True)
    # A closed unit keeps its history (accounts once served, events) but takes no new accounts or people.
    is_active = models.BooleanField(_("active"), default=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("business unit")
        verbose_name_plural = _("business units")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["vertical", "horizontal"]), name="bu_kind_valid"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="bu_not_own_parent"),
            models.CheckConstraint(
                condition=Q(is_active=True, closed_at__isnull=True) | Q(is_active=False, closed_at__isnull=False),
                name="bu_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A unit's parent is an active unit of the same kind (the same tree), and never one of its own descendants."""
        from django.core.exceptions import ValidationError

        parent = self.parent
        if parent is None:
            return
        if parent.kind != self.kind:
            raise ValidationError({"parent": _("The parent unit must be of the same kind (vertical or horizontal).")})
        if not parent.is_active:
            raise ValidationError({"parent": _("A closed unit cannot be a parent.")})
        if self.pk is not None:
            parent_of = dict(BusinessUnit.objects.values_list("pk", "parent_id"))
            current, seen = parent.pk, set()
            while current is not None and current not in seen:
                if current == self.pk:
                    raise ValidationError({"parent": _("A unit cannot sit under one of its own sub-units.")})
                seen.add(current)
                current = parent_of.get(current)


class Level(models.TextChoices):
    """A person's level, ours and the customer's alike: the relationship map matches them one-to-one by it."""

    EXECUTIVE = "executive", _("Executive")
    MANAGER = "manager", _("Middle manager")
    STAFF = "staff", _("Staff")


# The documented rule that gives a customer contact a level from their title when none is set:
# the first group whose word appears in the title (case does not matter) wins, staff otherwise.
LEVEL_TITLE_WORDS = (
    ("executive", (
        "대표", "사장", "부회장", "회장", "전무", "상무", "이사", "임원", "본부장", "부문장", "그룹장", "원장", "행장", "총장",
        "chief", "ceo", "cio", "cfo", "cto", "coo", "cdo", "ciso", "president", "vp", "director", "head of",
        "executive", "board", "founder", "owner",
    )),
    ("manager", (
        "부장", "차장", "과장", "팀장", "실장", "센터장", "파트장", "소장", "지점장", "manager", "lead", "head", "supervisor",
    )),
)


def _title_has(title: str, word: str) -> bool:
    # Korean titles are compounds (구매팀장, 영업본부장): a Korean word matches inside one; a Latin word
    # matches as a whole word only ("cto" is not in "Factory", "coo" not in "Coordinator").
    if word.isascii():
        return re.search(rf"\b{re.escape(word)}\b", title) is not None
    return word in title


def level_from_title(title: str) -> str:
    """A customer contact's level read from their title: executive, middle manager or staff (LEVEL_TITLE_WORDS)."""
    lowered = title.lower()
    for level, words in LEVEL_TITLE_WORDS:
        if any(_title_has(lowered, word) for word in words):
            return level
    return Level.STAFF


class User(AbstractUser):
    """One of our people: account managers, sales reps, engineers, executives, admins."""

    business_unit = models.ForeignKey(
        BusinessUnit,
        verbose_name=_("business unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    level = models.CharField(
        _("level"),
        max_length=10,
        choices=Level.choices,
        blank=True,
        help_text=_("Matched one-to-one with the customer's people of the same level on the relationship map."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the site and of the user's e-mails; empty: the site's default."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=["", *(code for code, _name in settings.LANGUAGES)]), name="user_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Korean names read family name first with no space (김서연); others given name first."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if _is_hangul(first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()


def _is_hangul(text: str) -> bool:
    return any("\uac00" <= char <= "\ud7a3" for char in text)


def person_name(user) -> str:
    """The one way a person's name is written: `User.get_full_name` (김서연, Jane Smith), else the username."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


def full_name_expression(prefix: str = "") -> models.Expression:
    """`get_full_name` as a database expression (for names aggregated in SQL): family name first for Korean names."""
    from django.db.models import Case, CharField, Value, When
    from django.db.models.functions import Coalesce, Concat, NullIf, Trim

    first, last, username = f"{prefix}first_name", f"{prefix}last_name", f"{prefix}username"
    hangul = Q(**{f"{first}__regex": "[가-힣]"}) | Q(**{f"{last}__regex": "[가-힣]"})
    name = Case(
        When(hangul, then=Concat(Trim(last), Trim(first), output_field=CharField())),
        default=Trim(Concat(Trim(first), Value(" "), Trim(last), output_field=CharField())),
        output_field=CharField(),
    )
    return Coalesce(NullIf(name, Value("")), username, output_field=CharField())


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    FINANCE = "finance", _("Finance")
    PUBLIC = "public", _("Public sector")
    TELECOM = "telecom", _("Telecommunications")
    RETAIL = "retail", _("Retail and distribution")
    HEALTHCARE = "healthcare", _("Healthcare")
    ENERGY = "energy", _("Energy")


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


class Account(models.Model):
    """A customer company, or a business area of one (a territory), served by a vertical unit."""

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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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


class OrgUnit(models.Model):
    """A unit of the customer's organisation; units form a tree per account."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="org_units")
    name = models.CharField(_("name"), max_length=160)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_purchasing = models.BooleanField(_("purchasing organisation"), default=False)

    class Meta:
        ordering = ["account", "name"]
        verbose_name = _("customer org unit")
        verbose_name_plural = _("customer org units")
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="org_unit_name_unique_in_account"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="org_unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A parent is a unit of the same account (admin, API and forms all call this through full_clean)."""
        super().clean()
        if self.parent_id is not None and self.account_id is not None:
            parent_account_id = OrgUnit.objects.filter(pk=self.parent_id).values_list("account_id", flat=True).first()
            if parent_account_id is not None and parent_account_id != self.account_id:
                raise ValidationError({"parent": _("The parent unit belongs to another account: choose a unit of the same account.")})
            if self.pk is not None and self.parent_id == self.pk:
                raise ValidationError({"parent": _("A unit cannot be its own parent.")})


class Contact(models.Model):
    """A person in the customer's organisation."""

    Level = Level

    class Attitude(models.TextChoices):
        SUPPORTER = "supporter", _("Supporter")
        NEUTRAL = "neutral", _("Neutral")
        OPPONENT = "opponent", _("Opponent")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")

    BUYING_ROLE_FIELDS = (
        "is_decision_maker",
        "is_purchasing",
        "is_technical",
        "is_user",
        "is_influencer",
        "is_fox",
        "is_kingpin",
    )

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="contacts")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    reports_to = models.ForeignKey(
        "self", verbose_name=_("reports to"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.STAFF)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    is_purchasing = models.BooleanField(_("purchasing"), default=False)
    is_technical = models.BooleanField(_("technical buyer"), default=False)
    is_user = models.BooleanField(_("user"), default=False)
    is_influencer = models.BooleanField(_("influencer"), default=False)
    is_fox = models.BooleanField(_("Fox"), default=False)
    is_kingpin = models.BooleanField(_("Kingpin"), default=False)
    influence = models.PositiveSmallIntegerField(
        _("influence"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    attitude = models.CharField(_("attitude"), max_length=10, choices=Attitude.choices, default=Attitude.NEUTRAL)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["account", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(condition=Q(influence__gte=1) & Q(influence__lte=5), name="contact_influence_1_5"),
            models.CheckConstraint(condition=~Q(reports_to=F("pk")), name="contact_not_own_manager"),
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True) | Q(status="left"),
                name="contact_left_on_only_when_left",
            ),
        ]
        indexes = [models.Index(fields=["account", "status"], name="contact_account_status_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def buying_role_badges(self) -> list[tuple[str, str]]:
        """(field, label) of each buying role held, for badges styled per role."""
        return [
            (field.removeprefix("is_"), str(self._meta.get_field(field).verbose_name))
            for field in self.BUYING_ROLE_FIELDS
            if getattr(self, field)
        ]

    @property
    def buying_roles(self) -> list[str]:
        """Labels of the buying roles this contact holds, in a fixed order."""
        return [str(self._meta.get_field(field).verbose_name) for field in self.BUYING_ROLE_FIELDS if getattr(self, field)]


class Relationship(models.Model):
    """One of our people mapped to one customer contact."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("our person"), on_delete=models.CASCADE, related_name="relationships"
    )
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="relationships")
    strength = models.PositiveSmallIntegerField(
        _("strength"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["contact", "user"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(fields=["user", "contact"], name="relationship_unique_user_contact"),
            models.CheckConstraint(condition=Q(strength__gte=1) & Q(strength__lte=5), name="relationship_strength_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.contact}"


class OrgChange(models.Model):
    """An entry of the org-change log: what changed in the customer's organisation, and when."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined")
        LEFT = "left", _("Left")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MOVED = "moved", _("Moved")
        UNIT_CHANGED = "unit_changed", _("Org unit changed")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="org_changes")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # What changed, as names and titles (name, title, unit, parent, old, new): the line is composed
    # in the reader's language when shown (`text`); `description` is kept for free-text entries.
    details = models.JSONField(_("details"), default=dict, blank=True)
    happened_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-recorded_at"]
        verbose_name = _("org change")
        verbose_name_plural = _("org changes")
        indexes = [models.Index(fields=["account", "-happened_on"], name="orgchange_account_date_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The line of the log in the active language, from `details`; the stored description otherwise."""
        return org_change_text(self.kind, self.details) or self.description


def org_change_text(kind: str, details: dict) -> str:
    """One org-change line in the active language; "" when `details` does not say enough."""
    from django.utils.translation import gettext

    # Names and titles are the customer's text: isolated, so no character in them reorders the line.
    details = {key: isolate(value) if isinstance(value, str) and value else value for key, value in details.items()}
    name = details.get("name")
    dash = "—"
    if kind == OrgChange.Kind.UNIT_CHANGED and details.get("unit"):
        parent = details.get("parent") or gettext("the top level")
        return gettext("Unit %(unit)s moved under %(parent)s") % {"unit": details["unit"], "parent": parent}
    if not name:
        return ""
    if kind == OrgChange.Kind.JOINED:
        if details.get("returned"):
            return gettext("%(name)s returned") % {"name": name}
        if details.get("unit"):
            return gettext("%(name)s joined %(unit)s as %(title)s") % {
                "name": name, "unit": details["unit"], "title": details.get("title") or dash}
        return gettext("%(name)s joined as %(title)s") % {"name": name, "title": details.get("title") or dash}
    if kind == OrgChange.Kind.LEFT:
        if details.get("title"):
            return gettext("%(name)s (%(title)s) left the company") % {"name": name, "title": details["title"]}
        return gettext("%(name)s left the company") % {"name": name}
    if kind == OrgChange.Kind.MOVED:
        return gettext("%(name)s moved to %(unit)s") % {"name": name, "unit": details.get("unit") or dash}
    if kind == OrgChange.Kind.ROLE_CHANGED:
        line = gettext("%(name)s: %(old)s → %(new)s") % {
            "name": name, "old": details.get("old") or dash, "new": details.get("new") or dash}
        return f"{line} ({details['unit']})" if details.get("unit") else line
    return ""


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
    """An order (수주) booked with an account: revenue is its amount, profit its amount less cost."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="orders")
    offering = models.ForeignKey(Offering, verbose_name=_("offering"), on_delete=models.PROTECT, related_name="orders")
    ordered_on = models.DateField(_("order date"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=0)
    cost = models.DecimalField(_("cost"), max_digits=16, decimal_places=0, default=0)
    reference = models.CharField(
        _("reference"), max_length=64, help_text=_("The order number in the ERP; unique per account.")
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


class CustomerActivity(models.Model):
    """Customer-experience work with an account: workshops, seminars, training, pilots, support incidents."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR = "seminar", _("Seminar")
        TRAINING = "training", _("Training")
        PILOT = "pilot", _("Pilot program")
        CONFERENCE = "conference", _("Conference")
        SUPPORT_INCIDENT = "incident", _("Support incident")

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    resolved_on = models.DateField(
        _("resolved on"), null=True, blank=True, help_text=_("Support incidents: the day it was resolved.")
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("customer participants"), related_name="activities", blank=True
    )
    our_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("our participants"), related_name="customer_activities", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("customer activity")
        verbose_name_plural = _("customer activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("starts_on")),
                name="activity_resolved_after_start",
            ),
        ]
        indexes = [models.Index(fields=["account", "-starts_on"], name="activity_account_date_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open_incident(self) -> bool:
        return self.kind == self.Kind.SUPPORT_INCIDENT and self.resolved_on is None


class Interaction(models.Model):
    """A contact with the customer: who met whom, when, how, what was said and what comes next.

    A relationship's last contact is the latest interaction both people attended (read, never typed in:
    `accounts.interactions`). A customer-experience activity records its interaction (`activity`).
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR = "seminar", _("Seminar")
        CONFERENCE = "conference", _("Conference")
        TRAINING = "training", _("Training")
        PILOT = "pilot", _("Pilot program")
        DINNER = "dinner", _("Dinner")
        EMAIL = "email", _("E-mail thread")

    NOTE_MAX_LENGTH = 1000

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MEETING)
    occurred_on = models.DateField(_("date"))
    our_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("our attendees"), related_name="interactions", blank=True
    )
    their_attendees = models.ManyToManyField(
        Contact, verbose_name=_("their attendees"), related_name="interactions", blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    reference = models.CharField(
        _("reference"), max_length=64, blank=True,
        help_text=_("An id from another system (calendar, CRM), unique per account: the key of bulk imports."),
    )
    activity = models.OneToOneField(
        CustomerActivity, verbose_name=_("customer activity"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="interaction",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["meeting", "call", "visit", "workshop", "seminar", "conference", "training",
                                      "pilot", "dinner", "email"]),
                name="interaction_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["account", "reference"], condition=~Q(reference=""), name="interaction_reference_unique"
            ),
        ]
        indexes = [models.Index(fields=["account", "-occurred_on"], name="interaction_account_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"


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
        Contact, verbose_name=_("owner (customer)"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
