"""Login throttling: after `KAM_LOGIN_FAILURE_LIMIT` failed sign-ins (5) for one username from one
IP address, that pair is locked for `KAM_LOGIN_LOCKOUT_SECONDS` (15 minutes), even with the right
password. Counters live in Django's cache (Redis in production, so every web process shares them);
a successful sign-in clears the pair's counter.
"""

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _, ngettext

DEFAULT_FAILURE_LIMIT = 5
DEFAULT_LOCKOUT_SECONDS = 15 * 60


def failure_limit() -> int:
    return int(getattr(settings, "KAM_LOGIN_FAILURE_LIMIT", DEFAULT_FAILURE_LIMIT))


def lockout_seconds() -> int:
    return int(getattr(settings, "KAM_LOGIN_LOCKOUT_SECONDS", DEFAULT_LOCKOUT_SECONDS))


def client_ip(request: HttpRequest) -> str:
    """The caller's address: behind N trusted proxies, the Nth from the right of X-Forwarded-For."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}\0{ip}".encode()).hexdigest()
    return f"kam:login-failures:{digest}"


def is_locked(*, username: str, ip: str) -> bool:
    return (cache.get(_key(username, ip)) or 0) >= failure_limit()


def failure_record(*, username: str, ip: str) -> int:
    """Count one failed sign-in; the lock lasts `lockout_seconds()` from the latest failure."""
    key = _key(username, ip)
    count = (cache.get(key) or 0) + 1
    cache.set(key, count, timeout=lockout_seconds())
    return count


def failures_clear(*, username: str, ip: str) -> None:
    cache.delete(_key(username, ip))


class ThrottledLoginMixin:
    """For AuthenticationForm: refuses a locked username/IP pair and counts failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed sign-ins for this username from your network. "
            "Sign-in is locked for %(minutes)s minutes; try again later or ask an administrator."
        ),
    }

    def clean(self):
        username = str(self.data.get("username", ""))[:150]
        ip = client_ip(self.request) if self.request is not None else "unknown"
        if username and is_locked(username=username, ip=ip):
            raise ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": max(1, lockout_seconds() // 60)}
            )
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if username and getattr(error, "code", None) == "invalid_login":
                count = failure_record(username=username, ip=ip)
                if count >= failure_limit():
                    raise ValidationError(
                        self.error_messages["locked"], code="locked",
                        params={"minutes": max(1, lockout_seconds() // 60)},
                    ) from None
                left = failure_limit() - count
                raise ValidationError([
                    error,
                    ValidationError(ngettext(
                        "%(count)d attempt left before sign-in is locked.",
                        "%(count)d attempts left before sign-in is locked.", left) % {"count": left}),
                ]) from None
            raise
        if username:
            failures_clear(username=username, ip=ip)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
