"""Transactions and, later, KPIs: what the customer bought and what it was worth."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, Offering


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
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.account}"

    @property
    def profit(self):
        return self.amount - self.cost
