"""Production: every secret from the environment, HTTPS assumed, DEBUG off.

`manage.py check --deploy` passes without warnings (tests/kam/test_production_settings.py).
"""

from kam.settings.base import *  # noqa: F403
from kam.settings.base import MAILERS
from whitenoise.compress import Compressor
from kam.settings.env import env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
KAM_DEMO_DATA_ALLOWED = env_bool("KAM_DEMO_DATA_ALLOWED", False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail leaves through SMTP unless the environment names another backend.
MAILERS = {
    "default": {
        **MAILERS["default"],
        "BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
    }
}

# Behind a reverse proxy that terminates TLS, set USE_X_FORWARDED_PROTO=1 (the proxy must
# overwrite X-Forwarded-Proto) and keep SECURE_SSL_REDIRECT on, or turn it off when the
# proxy itself redirects HTTP to HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Both stay on in production; bench/load.sh turns them off to drive plain HTTP on localhost.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
# The language cookie follows the session cookie: HTTPS only.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Source maps are fetched only by browser developer tools: served, but not worth compressing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# A cache shared by every web process (login throttling counts failures there): Redis when
# CACHE_URL is set (redis://host:6379/1), else each process keeps its own in memory.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
