"""Settings shared by every environment; each value a deployment changes comes from the environment."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from kam.settings.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("KAM_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "kam.apps.KamAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "planning",
    "performance",
    "notifications",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.middleware.UrlNumberRangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "kam.urls"
WSGI_APPLICATION = "kam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.role",
            ],
            "builtins": ["core.templatetags.bidi"],
        },
    },
]

# Content Security Policy, enforced everywhere: scripts and styles only from our own static
# files (a template that truly needs an inline block marks it with nonce="{{ csp_nonce }}").
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the Celery worker write while the web process reads.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kam.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The REST API under /api/v1/ (kam.api): token or session, JSON only, the web's visibility rules.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous caller gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.AnonThrottle", "core.api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("KAM_API_THROTTLE_ANON", "60/minute"),
        "user": env_rate("KAM_API_THROTTLE_USER", "1200/minute"),
    },
    # Behind N reverse proxies, the client is the Nth address from the right of X-Forwarded-For;
    # with 0 the header is ignored, so a caller cannot pick its own throttling identity.
    "NUM_PROXIES": env_int("KAM_API_NUM_PROXIES", 0, minimum=0),
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KAM Planner API",
    "DESCRIPTION": "Accounts, customer org charts, opportunities by tier, the offering catalogue, orders, "
    "KPI targets and actuals, NPS responses, unmet needs, customer activities and account plans, with the same visibility "
    "as the web application.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AccountKindEnum": "accounts.models.Account.Kind",
        "BusinessUnitKindEnum": "accounts.models.BusinessUnit.Kind",
        "OfferingKindEnum": "accounts.models.Offering.Kind",
        "InteractionKindEnum": "accounts.models.Interaction.Kind",
        "OpportunityStageEnum": "accounts.models.Opportunity.Stage",
        "TeamMemberRoleEnum": "accounts.models.AccountTeamMember.Role",
        "ContactStatusEnum": "accounts.models.Contact.Status",
        "PlanStatusEnum": "planning.models.PlanStatus",
        "QuarterlyReviewStatusEnum": "planning.models.QuarterlyReview.Status",
        "StrategicTaskStatusEnum": "planning.models.StrategicTask.Status",
        "MarketingActionStatusEnum": "planning.models.MarketingAction.Status",
        "SupportRequestStatusEnum": "planning.models.SupportRequest.Status",
        "ActionItemStatusEnum": "planning.models.ActionItem.Status",
        "SupportKindEnum": "planning.models.SupportRequest.Kind",
        "DirectionEnum": "performance.models.KpiDefinition.Direction",
        "MeetingStatusEnum": "planning.models.MeetingStatus",
        "GrantStatusEnum": "planning.models.GrantStatus",
        "DecisionOutcomeEnum": "planning.models.Decision.Outcome",
        "OpinionOutcomeEnum": "planning.models.Opinion.Outcome",
        # Named as before the meeting's resources came: a bulk write's row outcome, a plan decision's action.
        "OutcomeEnum": ["created", "updated", "unchanged"],
        "DecisionEnum": [("approve", "Approve"), ("request_changes", "Request changes"), ("reject", "Reject")],
    },
}

# Form widgets are rendered with Jinja2 (kam/renderers.py); page templates stay Django templates.
FORM_RENDERER = "core.renderers.WidgetRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 0, minimum=0) or None,
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False) or None,
            }.items()
            if value is not None
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "KAM Planner <kam@localhost>")

# Celery. Without CELERY_BROKER_URL the broker is Kombu's filesystem transport:
# a worker with an embedded beat (`celery -A kam worker -B`) runs the schedule with no server.
CELERY_EMBEDDED_BROKER_DIR = VAR_DIR / "celery" / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_EMBEDDED_BROKER_DIR),
        "data_folder_out": str(CELERY_EMBEDDED_BROKER_DIR),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "refresh-account-revenue": {
        "task": "accounts.tasks.refresh_account_revenue",
        "schedule": env_int("KAM_REVENUE_REFRESH_SECONDS", 60 * 60, minimum=5),
    },
    "refresh-kpi-snapshots": {
        "task": "performance.tasks.refresh_kpi_snapshots",
        "schedule": env_int("KAM_KPI_REFRESH_SECONDS", 60 * 60, minimum=5),
    },
    # The sweep is idempotent, so running it more often than daily only catches up sooner.
    "daily-sweep": {
        "task": "planning.tasks.daily_sweep",
        "schedule": env_int("KAM_SWEEP_SECONDS", 60 * 60 * 6, minimum=5),
    },
    "deliver-notifications": {
        "task": "notifications.tasks.deliver_notifications",
        "schedule": env_int("KAM_DELIVER_SECONDS", 60, minimum=5),
    },
    "weekly-executive-digest": {
        "task": "planning.tasks.weekly_executive_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
}
# The account timeline shows orders of at least this amount (in the account's currency).
KAM_TIMELINE_ORDER_THRESHOLD = env_int("KAM_TIMELINE_ORDER_THRESHOLD", 100_000_000, minimum=0)
# Stale-plan signals (planning/freshness.py): thresholds in days (weeks for the KPI), documented in README.
KAM_STALE_ORG_REVIEW_DAYS = env_int("KAM_STALE_ORG_REVIEW_DAYS", 90, minimum=1)
KAM_STALE_DECISION_MAKER_DAYS = env_int("KAM_STALE_DECISION_MAKER_DAYS", 60, minimum=1)
KAM_STALE_ACTION_DAYS = env_int("KAM_STALE_ACTION_DAYS", 30, minimum=1)
KAM_STALE_KPI_WEEKS = env_int("KAM_STALE_KPI_WEEKS", 3, minimum=1)
KAM_STALE_APPROVED_IDLE_DAYS = env_int("KAM_STALE_APPROVED_IDLE_DAYS", 30, minimum=1)

# The address e-mails link to (https://kam.example.com); links are site-relative without it.
KAM_SITE_URL = env_str("KAM_SITE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Login throttling (accounts/login_throttle.py): failures per username and IP address.
KAM_LOGIN_FAILURE_LIMIT = env_int("KAM_LOGIN_FAILURE_LIMIT", 5, minimum=1)
KAM_LOGIN_LOCKOUT_SECONDS = env_int("KAM_LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=60)

# Uploads: request bodies other than files are capped; files above FILE_UPLOAD_MAX_MEMORY_SIZE
# go to a temporary file instead of memory. Each upload view checks its own size and type
# (attachments 10 MB: planning/attachments.py; imports 5 MB: performance/imports.py), and the
# reverse proxy's client_max_body_size caps the whole request (README, Deploying).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_PERMISSIONS = 0o640
