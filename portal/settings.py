"""Settings for the Clusters Response Portal, read from the environment (django-environ).

Production differs from development only by environment. With no variable set the portal
runs on its embedded default: SQLite, Celery tasks run eagerly, a local-memory cache and
e-mail printed to the console. ``.env.example`` lists every variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.core.countries import PORTAL_COUNTRIES

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if PRODUCTION:
    # No secret has a default in production: a missing one stops the start-up.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="development-only-secret-key-never-use-in-production"
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_countries",
    "django.contrib.postgres",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by us: no CDN
    "leaflet",
    # The portal's own apps, bottom-up: each imports only those above it.
    "portal.core",
    "portal.accounts",
    "portal.updates",
    "portal.forum",
    "funding",
    "clusters",
    "offers",
    "alerts",
    "portal.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.home.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# One database for every app. Connections persist between requests (measured under
# gunicorn on PostgreSQL: 267 requests/s opening a connection per request, 3,626 with
# persistent connections), and are health-checked before reuse so a restarted server costs
# one failed check rather than a failed request.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # runserver's threads share one SQLite file: wait for a lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Without a broker, tasks run in the calling process (the embedded default).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
# A message whose worker dies is delivered again only after this delay: keep it well
# above the hard time limit, so a running task is never handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600)}
if CELERY_TASK_TIME_LIMIT >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:  # noqa: SIM300
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be above CELERY_TASK_TIME_LIMIT.")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Outboxes (deliveries to the Commission) queue one task for all the rows committed while
# one is waiting, not one per row: a marker in the cache, which web processes and workers must
# share, stands for this long at most (portal/core/coalesce.py). 0: a task per row.
TASK_COALESCE_SECONDS = env.int("TASK_COALESCE_SECONDS", default=10 if REDIS_URL else 0)
if TASK_COALESCE_SECONDS > 0 and not REDIS_URL:
    raise ImproperlyConfigured("TASK_COALESCE_SECONDS needs REDIS_URL: a cache workers share.")
# Celery's Django fixup closes the database connection after this many tasks (without it,
# after every task: a new PostgreSQL connection per task). The worker closes it by
# CONN_MAX_AGE instead, as the web process does (portal/celery.py).
CELERY_DB_REUSE_MAX = 1_000_000_000
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "expire-offers": {"task": "offers.expire_offers", "schedule": 60 * 60},
    # Demand past its "needed by" date closes within the hour after Brussels midnight.
    "expire-demands": {"task": "offers.expire_demands", "schedule": 60 * 60},
    # Deliveries the fast path missed (broker down, message lost, worker killed).
    "sweep-deliveries": {"task": "offers.sweep_deliveries", "schedule": 15},
    # Matching and duplicate checks a broker outage lost (offers.services.catch_up).
    "offers-catch-up": {"task": "offers.catch_up", "schedule": 60},
    # E-mails the fast path missed; stale claims; sent e-mails past EMAIL_KEEP_DAYS.
    "sweep-emails": {"task": "core.sweep_emails", "schedule": 60},
    # Rapid alerts: the subscribers' daily digest, and the weekly report for the Commission
    # (the week that ended on Sunday, compiled early on Monday).
    "alerts-daily-digest": {
        "task": "alerts.send_daily_digests",
        "schedule": crontab(hour=6, minute=0),
    },
    "alerts-weekly-report": {
        "task": "alerts.compile_weekly_report",
        "schedule": crontab(day_of_week="mon", hour=5, minute=0),
    },
    # Funding: reminders a week before a call's deadline, to those who asked (sent once).
    "funding-deadline-reminders": {
        "task": "funding.send_deadline_reminders",
        "schedule": 60 * 60,
    },
}

# --- Routing accepted offers to the Commission ------------------------------------------
# The default destination, for offers no routing rule claims.
COMMISSION_INTAKE_URL = env.str("COMMISSION_INTAKE_URL", default="")
COMMISSION_INTAKE_SECRET = env.str("COMMISSION_INTAKE_SECRET", default="")
ROUTING_MAX_ATTEMPTS = env.int("ROUTING_MAX_ATTEMPTS", default=8)
ROUTING_TIMEOUT_SECONDS = env.float("ROUTING_TIMEOUT_SECONDS", default=10.0)
ROUTING_BACKOFF_SECONDS = env.float("ROUTING_BACKOFF_SECONDS", default=5.0)
ROUTING_SWEEP_BATCH = env.int("ROUTING_SWEEP_BATCH", default=500)
# A delivery task also sends up to this many other due deliveries (PostgreSQL), and starts no
# POST that could end more than ROUTING_BATCH_SECONDS after the batch began: keep that plus
# one timeout under the task's 45 s soft limit.
ROUTING_BATCH_SIZE = env.int("ROUTING_BATCH_SIZE", default=50)
ROUTING_BATCH_SECONDS = env.float("ROUTING_BATCH_SECONDS", default=30.0)

# --- E-mail -----------------------------------------------------------------------------
# consolemail:// prints mails; smtp+tls://user:password@host:587 sends them.
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
# The portal's public address, for links in e-mails (which have no request to take it from).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Clusters Response Portal <no-reply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox (portal/core/mail_sending.py): e-mails sent per task, tries before an e-mail
# fails, the first retry delay (doubled at each try), e-mails the sweeper queues per run, and
# days a sent or failed e-mail is kept (for staff looking into a complaint) before it is deleted.
EMAIL_BATCH_SIZE = env.int("EMAIL_BATCH_SIZE", default=50)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=5)
EMAIL_BACKOFF_SECONDS = env.float("EMAIL_BACKOFF_SECONDS", default=60.0)
EMAIL_SWEEP_BATCH = env.int("EMAIL_SWEEP_BATCH", default=1000)
EMAIL_KEEP_DAYS = env.int("EMAIL_KEEP_DAYS", default=30)

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["portal.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "home:index"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# The login throttle (portal/accounts/throttle.py), for the login page, the API token and
# the admin's login alike: after this many failed attempts for one account (its e-mail) or
# from one client address, further attempts are refused, unchecked, until the window that
# began with the first failure ends. 0 turns a limit off.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_MAX_FAILURES_PER_IP = env.int("LOGIN_MAX_FAILURES_PER_IP", default=20)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# Reverse proxies in front of the portal that append the client's address to
# X-Forwarded-For: the client is the address that many entries from the end. 0 reads
# REMOTE_ADDR and ignores the header, which any client can write. In production TLS ends
# at a reverse proxy (see SECURE_PROXY_SSL_HEADER), hence one there.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # Closed by default: a public endpoint says so with AllowAny.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"auth-token": env.str("THROTTLE_AUTH_TOKEN", default="30/minute")},
    # DRF's throttles find the client as the login throttle does (without it, DRF would take
    # the whole X-Forwarded-For header, which the client controls).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clusters Response Portal API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
# Every string is marked for translation; languages are added here as catalogues arrive.
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

COUNTRIES_ONLY = list(PORTAL_COUNTRIES)

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the portal serves static files straight from the source folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (50.85, 4.35),
    "DEFAULT_ZOOM": 4,
    # An empty MAP_TILES_URL (as docker compose passes an unset one) means the default.
    "TILES": env.str("MAP_TILES_URL", default="")
    or "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "ATTRIBUTION_PREFIX": "Clusters Response Portal",
}

# --- Security ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # TLS ends at the reverse proxy, which says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: one JSON object per line on stdout ----------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "celery": {"level": LOG_LEVEL},
        # One line per task run is noise; failures are still logged at WARNING and above.
        "celery.app.trace": {"level": "WARNING"},
    },
}
