"""Settings for the Behind the Badge case tracker.

One module, read from the environment. Defaults are safe for local use; with DEBUG
off the app refuses to start without a SECRET_KEY.
"""

import hashlib
import tempfile
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from tracker.email_url import mailer_from_url

# Type annotations subscript Django's generic classes (ModelForm[Referral]); this lets
# them be subscripted at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_tasks_db",
    "tracker.core",
    "tracker.notifications",
    "partners",
    "interventions",
    "tracker.assaults",
    "tracker.reports",
    "tracker.dataprotection",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tracker.core.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # One consultation-log row per request that showed people's personal data.
    "tracker.core.access_log.ConsultationLogMiddleware",
    "tracker.core.middleware.TrackerLoginRequiredMiddleware",
    "tracker.core.middleware.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # With a replica: a user's writes send their next reads to the primary.
    "tracker.core.replica.NoteWritesMiddleware",
    # Last, so that lockouts apply after every other middleware has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "tracker.core.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "tracker.core.forms.GovUKFormRenderer"

# Databases: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # While the database is unreachable, requests answer 503 within seconds instead of
    # waiting for the operating system to give up on the connection.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A PostgreSQL streaming replica for the figures' reads (tracker.core.replica): the
# dashboard, the board figures and PDF, exports and the API's lists read from it, unless
# the user wrote within REPLICA_OWN_WRITES_SECONDS, the replica is more than
# REPLICA_MAX_LAG_SECONDS behind, or it cannot be reached (then the primary answers).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)
    )
    # Tests run against the primary's test database through this alias.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["tracker.core.replica.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=10.0)
REPLICA_OWN_WRITES_SECONDS = env.int("REPLICA_OWN_WRITES_SECONDS", default=30)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=2.0)
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=15.0)

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a period of inactivity (each request renews the expiry).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Database sessions that record their user, so a password change or a deactivation
# deletes that user's sessions (tracker.core.credentials).
SESSION_ENGINE = "tracker.core.sessions"

# How many reverse proxies stand in front of the app: 0 ignores X-Forwarded-For (the
# socket's address is the client); N takes the N-th address from its right. The lockout,
# the API throttles and the consultation log use tracker.core.client_address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

# Brute-force lockout: by username and client address together, so one office behind
# a proxy is not locked out by a single person's mistakes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.core.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "tracker.core.client_address.client_address"

# Security headers. HTTPS settings are on by default outside DEBUG.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
if env.bool("SECURE_HSTS_PRELOAD_SILENCE", default=not SECURE_HSTS_PRELOAD):
    # Preloading is a one-way decision for the whole domain; it is left off on purpose.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Issued reports and uploaded import files go through Django's storage API only. One
# server keeps them under MEDIA_ROOT; several servers share an S3-compatible bucket
# (FILE_STORAGE=s3), so any server can serve a file another one stored.
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
if FILE_STORAGE == "local":
    _file_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif FILE_STORAGE == "s3":
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),  # no default: refuse to start without one
            "location": env.str("S3_PREFIX", default=""),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
            "region_name": env.str("S3_REGION", default=None),
            # Unset keys leave boto3 to its own credential chain (an instance role, say).
            "access_key": env.str("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=None),
            # Files are only ever served through the app's own permission-checked views.
            "default_acl": "private",
            "querystring_auth": True,
            # An issued report is archived exactly as issued: never replace a stored file.
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be 'local' or 's3', not {FILE_STORAGE!r}.")
STORAGES = {
    "default": _file_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Formulas are neutralised by tracker.core.exports (a quote prefix, reversible on import).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Import limits (docs/imports.md): a file beyond any of them is refused as soon as it is
# opened, before any row is checked. The defaults fit a 100,000-row register.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
# A list export of more rows than this is written by a background task, which the page
# follows and then offers for download; smaller exports are streamed at once.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=50_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=32_767)
IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", default=200)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_PROBLEMS_SHOWN = env.int("IMPORT_PROBLEMS_SHOWN", default=100)
# The consultation log (tracker.dataprotection.consultations): rows older than this are
# pruned by the daily duties (default 7 years), and a user who viewed more distinct
# people than this in one day is flagged for the data protection officer.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=2557)
ACCESS_LOG_DAILY_PEOPLE_THRESHOLD = env.int("ACCESS_LOG_DAILY_PEOPLE_THRESHOLD", default=50)
# Retention policy (issue #14), applied by `manage.py data_protection_duties` daily:
# a person's records are reviewed this many years after their last referral closed;
# referral drafts never submitted are purged after this many days; refused uploads
# (which may hold personal data) have their files deleted after this many days.
RETENTION_REVIEW_YEARS = env.int("RETENTION_REVIEW_YEARS", default=6)
DRAFT_RETENTION_DAYS = env.int("DRAFT_RETENTION_DAYS", default=90)
REFUSED_IMPORT_RETENTION_DAYS = env.int("REFUSED_IMPORT_RETENTION_DAYS", default=7)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "tracker.core.api.authentication.HasRole",
    ],
    # JSON only, with nesting bounded (tracker/core/api/parsers.py): one request body per
    # operation in the schema, so generated clients work.
    "DEFAULT_PARSER_CLASSES": ["tracker.core.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "tracker.core.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "tracker.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tracker.core.api.base.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.core.api.throttling.UserRateThrottle",
        "tracker.core.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_USER", default="1200/minute"),
        "anon": env.str("API_RATE_ANON", default="60/minute"),
        "token": env.str("API_RATE_TOKEN", default="30/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Behind the Badge case tracker API",
    "DESCRIPTION": (
        "Records and lifecycle moves of the case tracker. Authenticate with a token from "
        "POST /api/v1/auth/token/ and send `Authorization: Token <token>`. Every update and "
        "move must send the `version` it read; a stale one answers 409."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracker.core.api.schema.require_version_on_updates",
    ],
}
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=24 * 30)
# API throttling counts live in the cache: with several app servers, point CACHE_URL
# at a shared one (redis://host:6379/0, or dbcache://tracker_cache).
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
}

IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Background work: Django's task framework on the database queue (django-tasks-db), the
# same on SQLite and PostgreSQL. `manage.py db_worker` runs a worker; several workers on
# several machines share the queue with the database as the only moving part.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# A job (an import, a report issue) with no sign of life for this long is taken to have
# lost its worker: it is marked failed, and nothing it was writing is kept.
TASK_STALLED_SECONDS = env.int("TASK_STALLED_SECONDS", default=300)
# /healthz reports the queue "behind" when a task has waited longer than this to start.
QUEUE_STALE_SECONDS = env.int("QUEUE_STALE_SECONDS", default=120)
# Finished task results are pruned by the schedule after this many days.
TASK_RESULT_RETENTION_DAYS = env.int("TASK_RESULT_RETENTION_DAYS", default=14)
# Progress and heartbeats of long tasks (imports): a cache every web and worker process
# shares, since a write in progress is one transaction that other connections cannot
# see into. PROGRESS_CACHE_URL, else CACHE_URL, else files in the system's temporary
# folder (one machine). The key prefix names the database, so two deployments on one
# machine never read each other's progress.
_progress_default = (
    env.str("CACHE_URL")
    if env.str("CACHE_URL", default="")
    else f"filecache://{Path(tempfile.gettempdir()) / 'tracker-progress'}"
)
CACHES["progress"] = {
    **env.cache_url_config(env.str("PROGRESS_CACHE_URL", default=_progress_default)),
    "KEY_PREFIX": "progress-"
    + hashlib.sha256(
        "|".join(str(DATABASES["default"].get(part, "")) for part in ("ENGINE", "HOST", "PORT", "NAME")).encode()
    ).hexdigest()[:12],
}


# Email: one variable, EMAIL_URL, read as django-environ reads it: consolemail:// prints
# messages (the default with DEBUG on); in production smtp+tls://user:password@host:587
# or smtp://host:25 (docs/production.md). Django's mailers (MAILERS) are built from it.
MAILERS = {
    "default": mailer_from_url(
        env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"),
        timeout=env.int("EMAIL_TIMEOUT", default=20),
    )
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Behind the Badge tracker <tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people sign in at, for the links in emails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Email notifications (tracker/notifications, docs/notifications.md): a failed send is
# tried again after NOTIFY_RETRY_SECONDS, doubling each time up to an hour, and given
# up (marked failed, logged) after NOTIFY_MAX_ATTEMPTS tries.
NOTIFY_RETRY_SECONDS = env.int("NOTIFY_RETRY_SECONDS", default=60)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=12)

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="behind-the-badge")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line_when_unavailable": {"()": "tracker.core.unavailable.OneLineWhenUnavailable"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request logs can carry query strings with names or case references.
        "django.request": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
            "filters": ["one_line_when_unavailable"],
        },
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The worker logs each task's start and end once (it adds a handler of its own
        # to a logger that has none).
        "django.tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
