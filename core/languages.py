"""The languages the site offers, and the cookie through which LocaleMiddleware serves one of them."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_noop

# Messages of Django itself that its Korean catalogue leaves untranslated: ours, read first
# (LOCALE_PATHS), supplies them. The empty choice of every select (BLANK_CHOICE_LABEL, Django 6.1).
DJANGO_MESSAGES_FILLED_IN = [gettext_noop("- Select an option -")]


def language_offered(code: str) -> bool:
    """Is `code` one of settings.LANGUAGES?

    Stricter than Django's check_for_language, which accepts any language Django itself is translated into.
    """
    return code in dict(settings.LANGUAGES)


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """Serve the next pages in `language`: the cookie Django's set_language writes, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
