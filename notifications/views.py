"""The inbox: the signed-in user's notifications, their unread count for the navbar, and preferences."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.languages import language_cookie_set
from notifications import selectors, services
from notifications.forms import PreferencesForm
from notifications.models import Notification


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(
        initial={"kinds": sorted(selectors.enabled_kinds(request.user)), "language": request.user.language}
    )
    return render(
        request, "notifications/inbox.html",
        {"notifications": list(selectors.inbox_for(request.user)), "form": form, "nav": "inbox"},
    )


@require_GET
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The navbar's badge, loaded by htmx after the page, so no page waits on counting."""
    return render(request, "notifications/unread_badge.html", {"count": selectors.unread_count(request.user)})


@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the user's notifications read and go where it points (only within this site)."""
    notification = get_object_or_404(Notification, pk=notification_id, user=request.user)
    services.notifications_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """Save the kinds the user wants and their language; a changed language switches the site too."""
    form = PreferencesForm(request.POST, initial={"language": request.user.language})
    if not form.is_valid():
        messages.error(request, _("Those choices are not valid. Nothing was changed."))
        return render(
            request, "notifications/inbox.html",
            {"notifications": list(selectors.inbox_for(request.user)), "form": form, "nav": "inbox"}, status=400,
        )
    language = form.cleaned_data["language"]
    services.notification_preferences_save(
        user=request.user, enabled_kinds=form.cleaned_data["kinds"], language=language, acting_user=request.user
    )
    response = redirect("notifications:inbox")
    next_language = translation.get_language()
    if "language" in form.changed_data:
        # Only a change moves the site: saving the kinds keeps the language the navbar chose for this browser.
        next_language = language or settings.LANGUAGE_CODE
        language_cookie_set(response, next_language)
    with translation.override(next_language):  # the message is read on the next page
        messages.success(request, _("Your notification settings were saved."))
    return response
