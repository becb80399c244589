"""The customer's side: org units, contacts, relationships, org changes, activities and the interaction log."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.text import isolate

from .account import Account
from .people import Level


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
