"""The account's standing: its lifecycle (active, on hold, withdrawn: admins set it) and its risk register
(the account team writes it; executives read it). Forms open in the account page's modal through htmx and
work as pages of their own without JavaScript."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import permissions, services
from accounts.forms import AccountLifecycleForm, AccountRiskForm
from accounts.models import AccountRisk
from accounts.selectors import account360, visibility

from .account360 import _editable, _form_page


@require_http_methods(["GET", "POST"])
def lifecycle_change(request: HttpRequest, account_id: int) -> HttpResponse:
    """Put the account on hold, withdraw it or make it active again, with the date and reason: admins only."""
    account = visibility.account_get_for_user(user=request.user, account_id=account_id)
    if not permissions.user_sets_account_lifecycle(request.user):
        raise PermissionDenied(_("Only admins put an account on hold or withdraw it."))
    form = AccountLifecycleForm(request.POST or None, account=account)
    return _form_page(
        request, account=account, form=form,
        save=lambda: services.account_lifecycle_set(
            account=account,
            lifecycle=form.cleaned_data["lifecycle"],
            since=form.cleaned_data["lifecycle_since"],
            reason=form.cleaned_data["lifecycle_reason"],
            acting_user=request.user,
        ),
        saved=lambda: _("The account is now %(status)s.") % {"status": account.get_lifecycle_display().lower()},
        title=_("Change the account's status"),
        back=reverse("accounts:detail", args=[account.pk]),
        lifecycle_changes=account360.lifecycle_changes(account=account),
    )


@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, account_id: int, risk_id: int | None = None) -> HttpResponse:
    """Add a risk to the account's register, or edit one (closing it dates it): the account team and admins."""
    account = _editable(request, account_id)
    risk = get_object_or_404(AccountRisk, pk=risk_id, account=account) if risk_id else AccountRisk(account=account)
    form = AccountRiskForm(request.POST or None, instance=risk, account=account)
    return _form_page(
        request, account=account, form=form,
        save=lambda: services.account_risk_save(risk=form.instance, acting_user=request.user),
        saved=lambda: _("Risk closed.") if risk.status == AccountRisk.Status.CLOSED else _("Risk saved."),
        title=_("Edit the risk") if risk_id else _("Add a risk"),
        back=reverse("accounts:detail", args=[account.pk]) + "#risk-register",
    )
