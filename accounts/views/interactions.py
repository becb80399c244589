"""The account's timeline tab, and recording an interaction from the account page, the relationship map and
the org chart.

Whoever sees the account reads the timeline; the team (an executive sponsor included) and admins
record interactions (`user_can_record_interaction`); for anyone else the form does not exist (404).
"""

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors.visibility import account_get_for_user
from accounts.forms import InteractionForm, save_with
from accounts.interactions import interaction_save
from accounts.permissions import user_can_record_interaction
from accounts.models import Account, Interaction
from accounts.timeline import account_timeline, timeline_kinds
from accounts.views.account360 import _form_response, _int_param, _readable, _saved, _section
from core import params


def _recordable(request: HttpRequest, account_id: int) -> Account:
    account = account_get_for_user(user=request.user, account_id=account_id)
    if not user_can_record_interaction(user=request.user, account=account):
        raise Http404("No such page.")
    return account


def _date_param(request: HttpRequest, name: str) -> datetime.date | None:
    return params.parse_date(request.GET.get(name, ""))


@require_GET
def timeline(request: HttpRequest, account_id: int) -> HttpResponse:
    """Interactions, org changes, tier moves, large orders and plan events, newest first, filtered and paged."""
    account, can_edit = _readable(request, account_id)
    known = dict(timeline_kinds())
    kinds = [kind for kind in request.GET.getlist("kind") if kind in known]
    since, until = _date_param(request, "since"), _date_param(request, "until")
    page = account_timeline(account=account, kinds=kinds, since=since, until=until, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _section(
        request,
        "accounts/timeline.html",
        account=account,
        can_edit=can_edit,
        can_record=can_edit and user_can_record_interaction(user=request.user, account=account),
        section="timeline",
        page=page,
        kinds=[(kind, label, kind in kinds) for kind, label in known.items()],
        since=since,
        until=until,
        filter_query=query.urlencode(),
    )


@require_http_methods(["GET", "POST"])
def interaction_edit(request: HttpRequest, account_id: int, interaction_id: int | None = None) -> HttpResponse:
    """Log an interaction (`?contact=` and `?user=` pre-fill the attendees) or correct one."""
    account = _recordable(request, account_id)
    if interaction_id:
        interaction = get_object_or_404(Interaction, pk=interaction_id, account=account)
        initial = {}
    else:
        interaction = Interaction(account=account)
        contact = account.contacts.filter(pk=_int_param(request, "contact") or 0).first()
        ours = [request.user]
        user_id = _int_param(request, "user")
        if user_id and user_id != request.user.pk:
            ours = list(account.team.filter(user_id=user_id, user__is_active=True).values_list("user", flat=True)) + ours
        initial = {"occurred_on": timezone.localdate(), "our_attendees": ours, "their_attendees": [contact] if contact else []}
    form = InteractionForm(request.POST or None, instance=interaction, account=account, initial=initial)
    back = request.GET.get("back", "")
    if back not in {"relationships", "org-chart"}:
        back = "timeline"
    back_url = reverse(f"accounts:{back}", args=[account.pk])
    if request.method == "POST" and save_with(
        form,
        lambda: interaction_save(
            interaction=form.instance,
            acting_user=request.user,
            our_attendees=list(form.cleaned_data["our_attendees"]),
            their_attendees=list(form.cleaned_data["their_attendees"]),
        ),
    ):
        return _saved(request, _("Interaction of %(date)s logged.") % {"date": form.instance.occurred_on.isoformat()}, back_url)
    title = _("Edit the interaction") if interaction_id else _("Log an interaction")
    return _form_response(request, account=account, form=form, title=title, back=back_url)

