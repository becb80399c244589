"""Throttling per anonymous address and per user, at the rates in settings (from the environment)."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _RateFromSettings:
    def get_rate(self) -> str | None:
        # DRF copies the rates onto the class at import; reading them per request lets a
        # deployment (and a test) change them through settings.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Callers without credentials, counted by address."""


class UserThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Signed-in callers (token or session), counted per user."""
