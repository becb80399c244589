"""Step 6's quarterly reviews and their comments."""


from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


from .plan import AccountPlan, COMMENT_MAX


class QuarterlyReview(models.Model):
    """A plan's check for one fiscal quarter (분기 점검): targets against actuals, comments, sign-off."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SIGNED_OFF = "signed_off", _("Signed off")

    plan = models.ForeignKey(AccountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reviews")
    quarter = models.PositiveSmallIntegerField(_("fiscal quarter"))
    period_start = models.DateField(_("quarter starts"))
    period_end = models.DateField(_("quarter ends"))
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kpi_snapshot = models.JSONField(_("targets and actuals"), default=list, blank=True, encoder=DjangoJSONEncoder)
    snapshot_taken_at = models.DateTimeField(_("figures taken at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed off by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "quarter"]
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="review_one_per_plan_and_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="review_quarter_1_4"),
            models.CheckConstraint(condition=Q(period_start__lt=F("period_end")), name="review_period_ordered"),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(signed_off_at__isnull=True))
                | (Q(status="signed_off") & Q(signed_off_at__isnull=False)),
                name="review_signed_off_has_date",
            ),
        ]

    def __str__(self) -> str:
        return _("%(plan)s · Q%(quarter)s") % {"plan": self.plan, "quarter": self.quarter}


class ReviewComment(models.Model):
    """A comment on a quarterly review, with who and when."""

    review = models.ForeignKey(QuarterlyReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return self.text[:40]
