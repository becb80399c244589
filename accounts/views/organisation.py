"""The organisation workspace (/organisation/): our matrix, account teams, people, handovers, history.

Admins change it; executives read all of it; account managers read the matrix of their own teams.
Edits open in a modal through htmx and work as ordinary pages without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts import selectors_org, services_org
from accounts.forms import save_with
from accounts.forms_org import (
    AccountMoveForm,
    ConfirmForm,
    HandoverForm,
    InviteForm,
    LevelForm,
    MatrixFilterForm,
    TeamMemberForm,
    UnitCreateForm,
    UnitMergeForm,
    UnitRenameForm,
)
from accounts.models import Account, AccountTeamMember, BusinessUnit, OrganisationEvent, User
from accounts.permissions import user_changes_organisation, user_sees_organisation


def _require_admin(request: HttpRequest) -> None:
    if not user_changes_organisation(request.user):
        raise PermissionDenied(_("Only admins change the organisation."))


def _require_reader(request: HttpRequest) -> None:
    if not user_sees_organisation(request.user):
        raise PermissionDenied(_("Only admins and executives see the whole organisation."))


def _back(request: HttpRequest) -> str:
    """Where a form returns: the page it was opened from (same site only), else the matrix."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else reverse("accounts:organisation")


def _form_response(request: HttpRequest, *, form, title: str, intro: str = "", submit: str = "", danger: bool = False, **context) -> HttpResponse:
    template = "accounts/organisation/_modal_form.html" if request.htmx else "accounts/organisation/form_page.html"
    return render(
        request, template,
        {"form": form, "title": title, "intro": intro, "submit": submit or _("Save"), "danger": danger, "back": _back(request), "nav": "organisation", **context},
    )


def _saved(request: HttpRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(_back(request))


def _save_with(form, save) -> bool:
    """`save_with`, the service given the form's cleaned data."""
    return save_with(form, lambda: save(form.cleaned_data))


# --- The matrix ----------------------------------------------------------------------------


@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    """Vertical units × horizontal units, and the filtered accounts with their teams, a page at a time."""
    filters = selectors_org.matrix_filters_from(request.GET)
    data = selectors_org.organisation_matrix(user=request.user, filters=filters)
    page = selectors_org.organisation_accounts_page(user=request.user, filters=filters, page_number=request.GET.get("page"))
    return render(
        request,
        "accounts/organisation/matrix.html",
        {
            **data,
            "page": page,
            "filters": filters,
            "filter_form": MatrixFilterForm(request.GET or None, auto_id="filter-%s"),
            "can_edit": user_changes_organisation(request.user),
            "sees_all": user_sees_organisation(request.user),
            "nav": "organisation",
            "tab": "matrix",
        },
    )


# --- Units ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = UnitCreateForm(request.POST or None, initial={"kind": request.GET.get("kind") or BusinessUnit.Kind.VERTICAL})
    if request.method == "POST" and _save_with(
        form, lambda data: services_org.unit_create(acting_user=request.user, **data)
    ):
        return _saved(request, _("Unit “%(name)s” created.") % {"name": form.cleaned_data["name"]})
    return _form_response(request, form=form, title=_("New unit"))


@require_http_methods(["GET", "POST"])
def unit_rename(request: HttpRequest, unit_id: int) -> HttpResponse:
    _require_admin(request)
    unit = get_object_or_404(BusinessUnit, pk=unit_id, is_active=True)
    form = UnitRenameForm(request.POST or None, initial={"name": unit.name})
    if request.method == "POST" and _save_with(form, lambda data: services_org.unit_rename(unit=unit, name=data["name"], acting_user=request.user)):
        return _saved(request, _("Unit renamed."))
    return _form_response(request, form=form, title=_("Rename %(unit)s") % {"unit": unit.name})


@require_http_methods(["GET", "POST"])
def unit_merge(request: HttpRequest, unit_id: int) -> HttpResponse:
    _require_admin(request)
    unit = get_object_or_404(BusinessUnit, pk=unit_id, is_active=True)
    form = UnitMergeForm(request.POST or None, unit=unit)
    if request.method == "POST" and _save_with(form, lambda data: services_org.unit_merge(source=unit, target=data["target"], acting_user=request.user)):
        return _saved(request, _("%(unit)s merged into %(target)s.") % {"unit": unit.name, "target": form.cleaned_data["target"].name})
    return _form_response(request, form=form, title=_("Merge %(unit)s") % {"unit": unit.name}, submit=_("Merge"), danger=True)


@require_http_methods(["GET", "POST"])
def unit_close(request: HttpRequest, unit_id: int) -> HttpResponse:
    _require_admin(request)
    unit = get_object_or_404(BusinessUnit, pk=unit_id, is_active=True)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and _save_with(form, lambda data: services_org.unit_close(unit=unit, acting_user=request.user)):
        return _saved(request, _("%(unit)s closed.") % {"unit": unit.name})
    return _form_response(
        request, form=form, title=_("Close %(unit)s") % {"unit": unit.name}, submit=_("Close the unit"), danger=True,
        intro=_("A closed unit takes no new accounts or people; its history stays. Only an empty unit can be closed."),
    )


# --- Accounts and teams ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def account_move(request: HttpRequest, account_id: int) -> HttpResponse:
    _require_admin(request)
    account = get_object_or_404(Account.objects.select_related("vertical_unit"), pk=account_id)
    form = AccountMoveForm(request.POST or None, initial={"unit": account.vertical_unit_id})
    if request.method == "POST" and _save_with(form, lambda data: services_org.account_move(account=account, unit=data["unit"], acting_user=request.user)):
        return _saved(request, _("%(account)s moved to %(unit)s.") % {"account": account.name, "unit": form.cleaned_data["unit"].name})
    return _form_response(request, form=form, title=_("Move %(account)s to another vertical unit") % {"account": account.name})


@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    """The account's team: add a person with a role, change a role, or make someone the KAM (one step)."""
    _require_admin(request)
    account = get_object_or_404(Account, pk=account_id)
    form = TeamMemberForm(request.POST or None)

    def save(data):
        if data["role"] == AccountTeamMember.Role.KAM:
            services_org.kam_set(account=account, user=data["user"], previous_stays=data.get("previous_kam") != "leaves", acting_user=request.user)
        else:
            services_org.team_member_set(account=account, user=data["user"], role=data["role"], acting_user=request.user)

    if request.method == "POST" and _save_with(form, save):
        return _saved(request, _("%(person)s is on the team of %(account)s as %(role)s.") % {
            "person": form.cleaned_data["user"], "account": account.name,
            "role": AccountTeamMember.Role(form.cleaned_data["role"]).label,
        })
    members = sorted(
        AccountTeamMember.objects.filter(account=account).select_related("user"),
        key=lambda m: (selectors_org.ROLE_ORDER.get(m.role, 99), str(m.user)),
    )
    return _form_response(
        request, form=form, title=_("Team of %(account)s") % {"account": account.name}, submit=_("Add to the team"),
        account=account, members=members, team_type=account.get_team_type_display(),
    )


@require_POST
def team_member_remove(request: HttpRequest, account_id: int, member_id: int) -> HttpResponse:
    _require_admin(request)
    member = get_object_or_404(AccountTeamMember.objects.select_related("account", "user"), pk=member_id, account_id=account_id)
    services_org.team_member_remove(member=member, acting_user=request.user)
    messages.success(request, _("%(person)s removed from the team of %(account)s.") % {"person": member.user, "account": member.account.name})
    return redirect(_back(request))


# --- People ------------------------------------------------------------------------------------


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Our people at a glance: unit, level, roles, accounts and teams, and their load."""
    _require_reader(request)
    query = request.GET.get("q", "").strip()[:100]
    show_inactive = request.GET.get("inactive") == "1"
    page = selectors_org.organisation_people_page(page_number=request.GET.get("page"), query=query, show_inactive=show_inactive)
    return render(
        request, "accounts/organisation/people.html",
        {"page": page, "query": query, "show_inactive": show_inactive, "can_edit": user_changes_organisation(request.user), "nav": "organisation", "tab": "people"},
    )


@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
    """A new person with a role, a unit and a level; they get an e-mail with a link to set their password."""
    _require_admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and _save_with(
        form, lambda data: services_org.user_invite(site_url=request.build_absolute_uri("/"), acting_user=request.user, **data)
    ):
        return _saved(request, _("%(email)s is invited: an e-mail with a link to set a password is on its way.") % {"email": form.cleaned_data["email"]})
    return _form_response(request, form=form, title=_("Invite a person"), submit=_("Send the invitation"))


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invited person's link: Django's password-reset token, good once."""

    template_name = "accounts/organisation/welcome.html"
    success_url = reverse_lazy("accounts:welcome-done")


class WelcomeDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/organisation/welcome_done.html"


@require_http_methods(["GET", "POST"])
def person_level(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_admin(request)
    person = get_object_or_404(User, pk=user_id)
    form = LevelForm(request.POST or None, initial={"level": person.level})
    if request.method == "POST" and _save_with(form, lambda data: services_org.user_level_set(user=person, level=data["level"], acting_user=request.user)):
        return _saved(request, _("Level of %(person)s saved.") % {"person": person})
    return _form_response(request, form=form, title=_("Level of %(person)s") % {"person": person})


@require_http_methods(["GET", "POST"])
def person_handover(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate a person and hand over their work: the preview lists everything that will move;
    nothing moves until the admin confirms."""
    _require_admin(request)
    person = get_object_or_404(User, pk=user_id)
    if not person.is_active:
        messages.info(request, _("%(person)s is deactivated already.") % {"person": person})
        return redirect("accounts:organisation-people")
    form = HandoverForm(request.POST or None, person=person)
    if request.method == "POST" and _save_with(
        form,
        lambda data: services_org.user_deactivate_and_handover(
            person=person, successor=data["successor"], work_successor=data.get("work_successor"), acting_user=request.user
        ),
    ):
        messages.success(request, _("%(person)s is deactivated; their work was handed over to %(successor)s.") % {
            "person": person, "successor": form.cleaned_data["successor"],
        })
        return redirect("accounts:organisation-history")
    preview = services_org.handover_preview(person=person)
    return render(
        request, "accounts/organisation/handover.html",
        {
            "person": person, "form": form, "preview": preview, "nav": "organisation", "tab": "people",
            "nothing": not preview["memberships"] and not any(section["items"] for section in preview["sections"]),
        },
    )


@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate a person who is no account's KAM: they leave their account teams (each change
    recorded); what they own stays theirs. A KAM is handed over instead: the page says so and links there."""
    _require_admin(request)
    person = get_object_or_404(User, pk=user_id)
    if not person.is_active:
        messages.info(request, _("%(person)s is deactivated already.") % {"person": person})
        return redirect("accounts:organisation-people")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    left: list[str] = []
    if request.method == "POST" and _save_with(
        form, lambda data: left.extend(services_org.user_deactivate(person=person, acting_user=request.user))
    ):
        if left:
            message = _("%(person)s is deactivated and off the teams of %(accounts)s.") % {"person": person, "accounts": ", ".join(left)}
        else:
            message = _("%(person)s is deactivated (on no account team).") % {"person": person}
        messages.success(request, message)
        return redirect("accounts:organisation-people")
    preview = services_org.handover_preview(person=person)
    return render(
        request, "accounts/organisation/deactivate.html",
        {
            "person": person, "form": form, "preview": preview, "nav": "organisation", "tab": "people",
            "blocked": services_org.deactivation_error(person=person, acting_user=request.user),
            "keeps_work": any(section["items"] for section in preview["sections"]),
        },
    )


# --- Coverage ---------------------------------------------------------------------------------


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Per account, the customer's decision makers by level that one of our people of the same level covers."""
    _require_reader(request)
    key_only = request.GET.get("key") == "1"
    data = selectors_org.organisation_coverage(user=request.user, key_only=key_only, page_number=request.GET.get("page"))
    return render(
        request, "accounts/organisation/coverage.html",
        {**data, "key_only": key_only, "nav": "organisation", "tab": "coverage"},
    )


# --- Import and export of the mapping -------------------------------------------------------------

MAPPING_SALT = "accounts.organisation.mapping"


@require_http_methods(["GET", "POST"])
def mapping_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV/Excel file of the mapping: a preview with row errors; nothing is written until the
    admin commits a file without errors (the checked rows travel signed, so they cannot be altered)."""
    _require_admin(request)
    from django.core import signing

    from accounts import mapping

    context = {"nav": "organisation", "tab": "mapping", "columns": mapping.COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = _("Choose a CSV or Excel file.")
        else:
            try:
                rows = mapping.read_rows(content=upload.read(mapping.MAX_BYTES + 1), filename=upload.name)
            except ValidationError as error:
                context["file_error"] = " ".join(error.messages)
            else:
                plan = mapping.plan_import(rows)
                context.update(plan=plan, filename=upload.name, preview=[[row.get(c, "") for c in mapping.COLUMNS] for row in rows[:50]])
                if plan.ok:
                    context["payload"] = signing.dumps(rows, salt=MAPPING_SALT, compress=True)
    return render(request, "accounts/organisation/mapping.html", context)


@require_POST
def mapping_commit(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    from django.core import signing

    from accounts import mapping

    try:
        rows = signing.loads(request.POST.get("payload", ""), salt=MAPPING_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, _("The checked file has expired or was altered: upload it again."))
        return redirect("accounts:organisation-mapping")
    try:
        plan = mapping.import_commit(rows=rows, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _("Nothing was imported: %(errors)s") % {"errors": "; ".join(error.messages[:5])})
        return redirect("accounts:organisation-mapping")
    messages.success(request, _("Imported %(rows)s rows: %(people)s new people, %(units)s new units.") % {
        "rows": len(plan.rows), "people": len(plan.new_people), "units": len(plan.new_units),
    })
    return redirect("accounts:organisation-history")


@require_GET
def mapping_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    from accounts import mapping

    response = HttpResponse(mapping.export_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="organisation-mapping.csv"'
    return response


# --- History ----------------------------------------------------------------------------------


@require_GET
def history(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    kind = request.GET.get("kind", "")
    page = selectors_org.organisation_history(page_number=request.GET.get("page"), kind=kind)
    return render(
        request, "accounts/organisation/history.html",
        {"page": page, "kind": kind, "kinds": OrganisationEvent.Kind.choices, "nav": "organisation", "tab": "history"},
    )
