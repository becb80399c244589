"""Views that belong to the site rather than to one app."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.login_throttle import ThrottledAuthenticationForm
from accounts.services import user_language_set
from core.languages import language_cookie_set, language_offered
from core.queue import broker_status
from kam.celery import app as celery_app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable", reported as text
        return False, exc.__class__.__name__
    return True, "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status: 200 when both answer, 503 otherwise."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = broker_status(celery_app)
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=200 if healthy else 503,
    )


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the language cookie, then back to `next`), for the offered languages only.

    A signed-in user's choice is also stored on them, so their e-mails and their next sign-in use it.
    """
    response = i18n.set_language(request)
    if request.method != "POST":
        return response
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if not language_offered(language):
        # Django's view takes any language Django itself is translated into; only ours are offered.
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        messages.error(request, _("That language is not offered. Nothing was changed."))
    elif request.user.is_authenticated:
        user_language_set(user=request.user, language=language, acting_user=request.user)
    return response


class LoginView(auth_views.LoginView):
    """Django's sign-in; a user who chose a language sees it from the first page after signing in."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.get_user().language:
            language_cookie_set(response, form.get_user().language)
        return response
