"""Our side: users, their levels and business units."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _



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
