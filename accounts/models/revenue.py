"""Revenue (매출) as the ERP recognises it: one line per account, month and reference, apart from order intake (수주)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .account import Account
from .commerce import Order


class RevenueLine(models.Model):
    """Revenue recognised for an account in one month: its amount and cost, and the order it comes from, if any.

    An order (order intake) is signed once; its revenue can be recognised over many months (a
    twelve-month contract makes twelve lines). Revenue, profit, margin, the Pareto class and the
    trailing-12-month revenue read these lines; order counts, pipeline wins and repurchase read orders.

    Until the company records revenue lines of its own, each order makes one line of its own
    (`Source.ORDER`: the order's month, amount, cost and reference); `performance.order_revenue` holds the rule.
    """

    class Source(models.TextChoices):
        ORDER = "order", _("made from the order")
        RECORDED = "recorded", _("recorded")

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="revenue_lines"
    )
    month = models.DateField(_("recognised month"), help_text=_("The first day of the month the revenue is recognised in."))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=0)
    cost = models.DecimalField(_("cost"), max_digits=16, decimal_places=0, default=0)
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revenue_lines",
        help_text=_("The order this revenue comes from, if any; an order of the same account."),
    )
    reference = models.CharField(
        _("reference"), max_length=64, help_text=_("The revenue line's number in the ERP; unique per account.")
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=Source,
        default=Source.RECORDED,
        help_text=_("Made from an order (until revenue lines are recorded) or recorded (imported or entered)."),
    )

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("revenue line")
        verbose_name_plural = _("revenue lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="revenue_line_amount_gte_0"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="revenue_line_cost_gte_0"),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="revenue_line_month_first_day",
                violation_error_message=_("A revenue line's month is the first day of the month."),
            ),
            models.UniqueConstraint(fields=["account", "reference"], name="revenue_line_reference_unique_in_account"),
        ]
        indexes = [
            models.Index(fields=["account", "month"], name="revenue_line_account_month_idx"),
            models.Index(fields=["month"], name="revenue_line_month_idx"),
            # "Has the company recorded revenue lines yet?" is asked on every order write.
            models.Index(fields=["source"], name="revenue_line_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.account} · {self.month:%Y-%m}"

    def clean(self) -> None:
        if self.order_id and self.account_id and self.order.account_id != self.account_id:
            raise ValidationError({"order": _("The order is not one of this account's orders.")})

    @property
    def profit(self):
        return self.amount - self.cost
