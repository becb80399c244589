"""What the scheduled sweep and the plan's decisions tell people: an in-app inbox, mirrored by e-mail.

A notification stores its kind and parameters, not a rendered sentence, so the inbox shows it in
the reader's language. `key` makes each event notify a user once, whoever writes it how often.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.text import isolate


class NotificationKind(models.TextChoices):
    REVIEW_DUE = "review_due", _("Quarterly review due")
    REVIEW_OVERDUE = "review_overdue", _("Quarterly review overdue")
    ACTION_DUE = "action_due", _("Action due within 7 days or overdue")
    PLAN_DECISION = "plan_decision", _("Plan decision made")
    YEAR_END = "year_end", _("Year-end evaluation open")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest for executives")
    MEETING_INVITATION = "meeting_invitation", _("Invited to a consensus meeting")
    MEETING_AGENDA = "meeting_agenda", _("Agenda of a consensus meeting changed")
    MEETING_MINUTES = "meeting_minutes", _("Minutes of a consensus meeting")
    STALE_PLAN = "stale_plan", _("Plan going stale")
    HANDOVER = "handover", _("Work handed over to you")


# Parameters that hold what people typed (plan, account and action names).
USER_TEXT_PARAMS = {"plan", "title", "account"}

# Each kind's sentence, filled from the notification's parameters when it is shown or sent.
MESSAGES = {
    NotificationKind.REVIEW_DUE: _("The Q%(quarter)s review of %(plan)s is open; it is due on %(due)s."),
    NotificationKind.REVIEW_OVERDUE: _("The Q%(quarter)s review of %(plan)s was due on %(due)s and is not signed off."),
    NotificationKind.ACTION_DUE: _("Action “%(title)s” of %(plan)s is due on %(due)s."),
    NotificationKind.PLAN_DECISION: _("%(plan)s: the consensus meeting decided “%(outcome)s”."),
    NotificationKind.WEEKLY_DIGEST: _(
        "This week: %(waiting)s plans wait for a decision, %(off_track)s accounts are off track, "
        "%(overdue)s quarterly reviews are overdue, %(stale)s plans are going stale."
    ),
    NotificationKind.HANDOVER: _(
        "%(person)s's work was handed over to you: %(accounts)s account teams, %(work)s open plan drafts, actions and reviews."
    ),
    NotificationKind.MEETING_INVITATION: _("You attend the consensus meeting “%(meeting)s” on %(when)s (%(place)s)."),
    NotificationKind.MEETING_AGENDA: _("The agenda of the consensus meeting “%(meeting)s” on %(when)s changed:\n%(agenda)s"),
    NotificationKind.MEETING_MINUTES: _("The minutes of the consensus meeting “%(meeting)s” of %(when)s:\n\n%(minutes)s"),
    # `fix` is the one-line fix, written in the reader's language when the sweep finds the signal.
    NotificationKind.STALE_PLAN: _("%(plan)s is going stale. %(fix)s"),
    NotificationKind.YEAR_END: _("FY %(year)s of %(account)s has ended: write the year-end evaluation (step 7) and start next year's plan."),
}


# Parameters whose stored value is a choice of a higher app, shown by its label: (kind, parameter) ->
# the choices (a TextChoices class). Registered by that app in its AppConfig.ready() (planning: the
# decision's outcome), so notifications imports no app above it.
PARAM_LABELS: dict[tuple[str, str], type[models.TextChoices]] = {}


def register_param_labels(kind: str, param: str, choices: type[models.TextChoices]) -> None:
    PARAM_LABELS[(str(kind), param)] = choices


class Notification(models.Model):
    """One thing a user should know, in their inbox; e-mailed once by the delivery task."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(_("event"), max_length=100)
    params = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user_and_event"),
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["emailed_at"], name="notification_to_email_idx", condition=Q(emailed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """The sentence in the active language."""
        params = dict(self.params)
        # "<name>_i18n": {language: text} written in every language by the sender; the reader's is used.
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        for key in [key for key in params if key.endswith("_i18n") and isinstance(params[key], dict)]:
            texts = params.pop(key)
            params[key.removesuffix("_i18n")] = texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")
        for (kind, param), choices in PARAM_LABELS.items():
            if self.kind == kind and param in params and params[param] in choices.values:
                params[param] = choices(params[param]).label
        # Names and titles are isolated, so a right-to-left or odd name cannot reorder the sentence.
        params = {key: isolate(value) if key in USER_TEXT_PARAMS else value for key, value in params.items()}
        try:
            text = gettext(str(MESSAGES[self.kind])) % params
        except (KeyError, TypeError, ValueError):
            return str(NotificationKind(self.kind).label)
        # A quote (the decision's comments) follows the sentence as written.
        return f"{text}\n\n{params['quote']}" if params.get("quote") else text


class NotificationPreference(models.Model):
    """A kind of notification a user turned off (no row: on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    enabled = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"
