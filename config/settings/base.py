"""Settings shared by every way of running Rebalance.

Everything that differs between machines comes from the environment (see
.env.example). With nothing set, the site runs on an embedded SQLite file,
runs Celery tasks in-process and caches in local memory.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.db.configure import postgres_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",  # only so the migration that hashed its plain-text tokens can run
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "indicators",
    "indicators.engine",
    "indicators.interventions",
    "indicators.alerts",
    "indicators.monitoring",
    "surveys",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "indicators.accounts",
    "indicators.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "indicators.accounts.middleware.RequireTwoFactorMiddleware",
    "indicators.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "indicators.access.context_processors.permissions",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------
# PostgreSQL (config/db/configure.py): our backend, prepared statements, and either a connection pool per process
# (DATABASE_POOL_MAX_SIZE connections at most; 0 for none) or connections kept DJANGO_CONN_MAX_AGE seconds.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
_DATABASE_OPTIONS = {
    "prepared_statements": env.bool("DJANGO_DB_PREPARED_STATEMENTS", default=True),
    "pool_max_size": DATABASE_POOL_MAX_SIZE,
    # How long a request waits for a pooled connection before failing.
    "pool_timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    "conn_max_age": env.int("DJANGO_CONN_MAX_AGE", default=0),
    "health_checks": env.bool("DJANGO_CONN_HEALTH_CHECKS", default=False),
}
DATABASES = {
    "default": postgres_database(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), **_DATABASE_OPTIONS
    ),
}
# An optional read replica (config/db/router.py): GETs of the monitoring pages and the API read from it, unless the
# request or, for DATABASE_REPLICA_PIN_SECONDS, its browser has written; everything else uses the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_PATHS = ["/places/", "/api/"]
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = postgres_database(env.db_url("DATABASE_REPLICA_URL"), **_DATABASE_OPTIONS)
    DATABASE_ROUTERS = ["config.db.router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"), "config.db.router.ReplicaMiddleware"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("REDIS_KEY_PREFIX", default="rebalance"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A cache outage must not take the site down with it.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------
# Without a broker, tasks run in-process at the moment they are queued.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
# Redis re-delivers an unacknowledged task after this long; it must exceed the
# longest task (the hard time limit above) or a slow task would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 15 * 60}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Publishing a task must never hold up a resident's submission: fail fast when the
# broker is down; the engine's catch-up job picks up whatever was not queued.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The full recompute's lock lives this many seconds unless its heartbeat renews it (every quarter of it): a run
# whose worker died stops blocking the next one within this time, however long a live run takes.
REBALANCE_RECOMPUTE_LOCK_SECONDS = env.int("REBALANCE_RECOMPUTE_LOCK_SECONDS", default=60)
# Two queues by urgency, each served by workers of its own (Procfile, docker-compose.yml), so a national import or
# the nightly recompute never sits in front of the refresh a resident's response or an admin's upload is waiting on.
# Every task is routed here by its registered name, and tests/config/test_celery.py fails on a task that is not;
# anything unrouted would still land on bulk rather than on a queue no worker reads.
CELERY_TASK_DEFAULT_QUEUE = "bulk"
CELERY_TASK_ROUTES = {
    # What a person is waiting on: seconds, not minutes.
    "indicators.engine.tasks.refresh_neighbourhood_wave": {"queue": "interactive"},
    "indicators.engine.tasks.refresh_after_import": {"queue": "interactive"},
    "indicators.engine.tasks.catch_up": {"queue": "interactive"},
    # Bulk work: long, scheduled or batched, where a few minutes' wait harms no one.
    "indicators.import_observations": {"queue": "bulk"},
    "indicators.import_areas": {"queue": "bulk"},
    "indicators.run_queued_imports": {"queue": "bulk"},
    "indicators.fetch_nomis_monthly": {"queue": "bulk"},
    "indicators.delete_expired_import_files": {"queue": "bulk"},
    "indicators.engine.tasks.recompute_everything": {"queue": "bulk"},
    "surveys.tasks.unlink_closed_waves": {"queue": "bulk"},
    "surveys.tasks.apply_retention": {"queue": "bulk"},
    "audit.apply_retention": {"queue": "bulk"},
    "alerts.send_due": {"queue": "bulk"},
}

# --- Auth ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "indicators:my-neighbourhoods"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form sent after its session ended gets the styled 403 page in plain words.
CSRF_FAILURE_VIEW = "indicators.monitoring.help.csrf_failure"
# Lockout: this many failed sign-ins for one username within the window lock it until the
# window ends (a cool-off, never a permanent lock). Counted in the cache (Redis in production).
ACCOUNTS_LOGIN_FAILURES = env("ACCOUNTS_LOGIN_FAILURES", default="5/900")
# Sign-in attempts from one client address, whatever the username.
ACCOUNTS_LOGIN_RATE = env("ACCOUNTS_LOGIN_RATE", default="30/900")
# Wrong one-time codes per user before the verification step locks for the window.
ACCOUNTS_OTP_FAILURES = env("ACCOUNTS_OTP_FAILURES", default="5/900")
# API tokens (indicators/accounts/authentication.py): the longest and default lifetime in days (a person may pick
# a shorter one), failed token attempts from one client address before it gets 429s for the window, and how
# often a token's "last used" time is written (at most once per this many seconds, so reads stay reads).
ACCOUNTS_API_TOKEN_DAYS = env.int("ACCOUNTS_API_TOKEN_DAYS", default=90)
ACCOUNTS_API_TOKEN_FAILURES = env("ACCOUNTS_API_TOKEN_FAILURES", default="20/900")
ACCOUNTS_API_TOKEN_TOUCH_SECONDS = env.int("ACCOUNTS_API_TOKEN_TOUCH_SECONDS", default=300)
# Officers, estate managers and admins must pass a second factor (TOTP) before any staff
# page, the admin or the API in their session. On in production, off for local and demo.
REBALANCE_REQUIRE_2FA = env.bool("REBALANCE_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Rebalance"

# --- Browser security -----------------------------------------------------------
# A Content Security Policy with no inline script or style: everything comes from our
# own origin; QR codes are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # `Authorization: Token <secret>` against hashed, expiring tokens, failures rate-limited per address.
        "indicators.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages need inline script and style, which the CSP forbids;
    # people read the API through /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies are bounded in size and depth before parsing (indicators/core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "indicators.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_VERSION": "v1",
}
# An API request's JSON body: the largest accepted, and how deeply it may nest (a whole questionnaire's
# answers take a few kilobytes and three levels).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1_000_000)
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
SPECTACULAR_SETTINGS = {
    "TITLE": "Rebalance API",
    "DESCRIPTION": (
        "Read the places, surveys and figures that Rebalance monitors. Every endpoint is "
        "scoped to the places the caller looks after."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Rebalance's own -----------------------------------------------------------
# Which IMD deciles count as "deprived": 1 (the most deprived 10%, the report's
# convention) or 2 (the most deprived 20%).
REBALANCE_DEPRIVED_MAX_DECILE = env.int("REBALANCE_DEPRIVED_MAX_DECILE", default=1)
if REBALANCE_DEPRIVED_MAX_DECILE not in (1, 2):
    raise ImproperlyConfigured("REBALANCE_DEPRIVED_MAX_DECILE must be 1 or 2.")
# Which edition of the English Indices of Deprivation decides "deprived": empty (the default) for the latest edition
# loaded for every LSOA in England (indicators/places/deprivation.py), or iod2019 / iod2025 to fix one.
REBALANCE_DEPRIVATION_EDITION = env("REBALANCE_DEPRIVATION_EDITION", default="")
if REBALANCE_DEPRIVATION_EDITION not in ("", "iod2019", "iod2025"):
    raise ImproperlyConfigured("REBALANCE_DEPRIVATION_EDITION must be empty, iod2019 or iod2025.")

# A change in worklessness within this many percentage points of the benchmark's change over the same period is
# "keeping pace"; beyond it, "improving" or "falling behind".
REBALANCE_KEEPING_PACE_POINTS = env.float("REBALANCE_KEEPING_PACE_POINTS", default=0.1)

# A figure from fewer responses than this is withheld everywhere it would show.
REBALANCE_DISCLOSURE_MIN_RESPONSES = env.int("REBALANCE_DISCLOSURE_MIN_RESPONSES", default=10)
if REBALANCE_DISCLOSURE_MIN_RESPONSES < 5:
    raise ImproperlyConfigured("REBALANCE_DISCLOSURE_MIN_RESPONSES may not be below 5.")

# Statistical neighbours: how many most-similar neighbourhoods the engine keeps for each (the default comparison
# group for interventions). Did it work?: an estimate needs this many months of worklessness figures on each side of
# an intervention's start, within a window of this many months each side, and this many survey waves after it; a
# comparison group needs this many neighbourhoods (else every neighbourhood free of programmes is used), and one
# smaller than the "weak" size is called weak.
REBALANCE_STATISTICAL_NEIGHBOURS = env.int("REBALANCE_STATISTICAL_NEIGHBOURS", default=10)
REBALANCE_EFFECT_WINDOW_MONTHS = env.int("REBALANCE_EFFECT_WINDOW_MONTHS", default=12)
REBALANCE_EFFECT_MIN_MONTHS = env.int("REBALANCE_EFFECT_MIN_MONTHS", default=6)
REBALANCE_EFFECT_MIN_WAVES_AFTER = env.int("REBALANCE_EFFECT_MIN_WAVES_AFTER", default=1)
REBALANCE_EFFECT_MIN_COMPARISON = env.int("REBALANCE_EFFECT_MIN_COMPARISON", default=3)
REBALANCE_EFFECT_WEAK_COMPARISON = env.int("REBALANCE_EFFECT_WEAK_COMPARISON", default=5)
if REBALANCE_STATISTICAL_NEIGHBOURS < 1 or REBALANCE_EFFECT_MIN_COMPARISON < 2:
    raise ImproperlyConfigured(
        "REBALANCE_STATISTICAL_NEIGHBOURS must be 1 or more and REBALANCE_EFFECT_MIN_COMPARISON 2 or more."
    )
if not 1 <= REBALANCE_EFFECT_MIN_MONTHS <= REBALANCE_EFFECT_WINDOW_MONTHS:
    raise ImproperlyConfigured("REBALANCE_EFFECT_MIN_MONTHS must be between 1 and REBALANCE_EFFECT_WINDOW_MONTHS.")

# --- Surveys -------------------------------------------------------------------
# Invitation codes are stored only as an HMAC under this key. Without it the key
# is derived from SECRET_KEY; set it to keep codes working across a SECRET_KEY rotation.
SURVEY_CODE_HASH_KEY = env("SURVEY_CODE_HASH_KEY", default="")
# Each code is also kept sealed under this key, so that a reminder can print it again until the wave closes (derived
# from SECRET_KEY when empty; a rotation then leaves earlier codes unprintable, never wrong).
SURVEY_CODE_SEAL_KEY = env("SURVEY_CODE_SEAL_KEY", default="")
# Who answered: a group (an age band or a sex) is "under-represented" in a neighbourhood's responses when its share of
# them is below this fraction of its share of the residents, and the population's share would have given at least
# this many respondents.
REBALANCE_UNDERREPRESENTED_RATIO = env.float("REBALANCE_UNDERREPRESENTED_RATIO", default=0.5)
REBALANCE_UNDERREPRESENTED_MIN_EXPECTED = env.int("REBALANCE_UNDERREPRESENTED_MIN_EXPECTED", default=5)
# The site's public address, printed on letters and in their QR codes.
SURVEY_PUBLIC_URL = env("SURVEY_PUBLIC_URL", default="http://127.0.0.1:8000")
# Where people report an accessibility problem (an email address or a line of text), on the accessibility statement.
REBALANCE_ACCESSIBILITY_CONTACT = env("REBALANCE_ACCESSIBILITY_CONTACT", default="")
# Whom residents can ask, printed on every invitation letter under the council's name. The defaults are
# examples for the demo (a made-up address and Ofcom's numbers reserved for drama); production prints only what is
# set.
REBALANCE_LETTER_CONTACT = env(
    "REBALANCE_LETTER_CONTACT",
    default="Example only: Neighbourhoods Team, Civic Centre, neighbourhoods@council.example, 0113 496 0000",
)
REBALANCE_LETTER_HELPLINE = env(
    "REBALANCE_LETTER_HELPLINE",
    default="Example only: free helpline 0808 157 0192, Monday to Friday, 9am to 5pm",
)
# Letters in Welsh first, then English, for each code (councils that write to residents in both languages).
REBALANCE_LETTERS_IN_WELSH = env.bool("REBALANCE_LETTERS_IN_WELSH", default=False)
# Rate limits, "attempts/seconds", counted per client address in the cache (Redis in production).
SURVEY_CODE_RATE = env("SURVEY_CODE_RATE", default="10/900")  # wrong codes typed
SURVEY_OPEN_LINK_RATE = env("SURVEY_OPEN_LINK_RATE", default="5/3600")  # open-link responses started
SURVEY_API_SUBMIT_RATE = env("SURVEY_API_SUBMIT_RATE", default="60/60")  # API submissions
SURVEY_PAGE_RATE = env("SURVEY_PAGE_RATE", default="600/900")  # any resident page, per address
# The open link's timing check: a form sent back sooner than this is treated as automated.
SURVEY_OPEN_LINK_MIN_SECONDS = env.int("SURVEY_OPEN_LINK_MIN_SECONDS", default=3)
# Which request header holds the client address behind a trusted proxy (empty: REMOTE_ADDR).
SURVEY_CLIENT_IP_HEADER = env("SURVEY_CLIENT_IP_HEADER", default="")
# Paper questionnaires can still be typed in this many days after a wave closes.
SURVEY_PAPER_GRACE_DAYS = env.int("SURVEY_PAPER_GRACE_DAYS", default=28)
# Retention, in days after a wave's last day (see surveys/services/retention_policy.py and SECURITY.md).
SURVEY_RETAIN_FREE_TEXT_DAYS = env.int("SURVEY_RETAIN_FREE_TEXT_DAYS", default=180)
SURVEY_RETAIN_INVITATIONS_DAYS = env.int("SURVEY_RETAIN_INVITATIONS_DAYS", default=90)
SURVEY_RETAIN_UNFINISHED_DAYS = env.int("SURVEY_RETAIN_UNFINISHED_DAYS", default=30)
# Completed responses: 0 keeps them (every figure is rebuilt from them); above 0 deletes them that long after.
SURVEY_RETAIN_RESPONSES_DAYS = env.int("SURVEY_RETAIN_RESPONSES_DAYS", default=0)
# The audit log, in days after each entry.
AUDIT_RETAIN_DAYS = env.int("AUDIT_RETAIN_DAYS", default=730)

# --- Official data -------------------------------------------------------------
# The Nomis API (no key needed for anonymous queries of up to 25,000 rows a page).
REBALANCE_NOMIS_BASE_URL = env("REBALANCE_NOMIS_BASE_URL", default="https://www.nomisweb.co.uk/api/v01")
REBALANCE_NOMIS_TIMEOUT = env.int("REBALANCE_NOMIS_TIMEOUT", default=60)
# What the monthly fetch downloads and imports: the claimant count for every 2011 LSOA, last three months
# (a re-published month replaces its earlier figures and the replaced values are kept).
REBALANCE_NOMIS_FETCHES = [
    {
        "indicator": "claimant-count",
        "dataset": "NM_162_1",
        "geography": "TYPE298",
        "date": "latestMINUS2-latest",
        "params": {"gender": "0", "age": "0", "measure": "1", "measures": "20100"},
        "select": ["DATE", "DATE_NAME", "GEOGRAPHY_CODE", "OBS_VALUE", "OBS_STATUS", "OBS_STATUS_NAME"],
    },
]
# Switch off with REBALANCE_NOMIS_MONTHLY_FETCH=0 where the deployment has no network access (it would only fail,
# clearly, storing nothing).
REBALANCE_NOMIS_MONTHLY_FETCH = env.bool("REBALANCE_NOMIS_MONTHLY_FETCH", default=True)
# Limits on what an import reads (indicators/official/importing/files.py), each refused with a clear error the
# moment it is crossed: a file's size once gunzipped, one line's length, a header's columns. The largest national
# Nomis and ONS files are well inside them; a gzip bomb or a one-line file of millions of columns is not.
REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES = env.int("REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES", default=1024 * 1024 * 1024)
REBALANCE_IMPORT_MAX_LINE_BYTES = env.int("REBALANCE_IMPORT_MAX_LINE_BYTES", default=1024 * 1024)
REBALANCE_IMPORT_MAX_COLUMNS = env.int("REBALANCE_IMPORT_MAX_COLUMNS", default=10_000)
# The largest file the imports page accepts (larger national files go through the import commands). Django keeps
# an upload above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) in a temporary file, and it is stored in chunks from there.
REBALANCE_IMPORT_MAX_UPLOAD_BYTES = env.int("REBALANCE_IMPORT_MAX_UPLOAD_BYTES", default=512 * 1024 * 1024)
# An import whose runs stopped the worker this many times (killed for memory, say) is marked failed on the next
# delivery instead of being read again: a task whose worker dies is delivered again, without end.
REBALANCE_IMPORT_MAX_ATTEMPTS = env.int("REBALANCE_IMPORT_MAX_ATTEMPTS", default=3)
# Days an uploaded file is kept once its import has finished (stored or failed); 0 deletes it as soon as the
# import finishes. The import keeps the file's name and SHA-256.
REBALANCE_IMPORT_FILE_RETENTION_DAYS = env.int("REBALANCE_IMPORT_FILE_RETENTION_DAYS", default=30)
# Uploaded files are readable by the site's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Monitoring pages ------------------------------------------------------------
# A page is cached per session until the engine's figures change, for at most this long (0: no cache).
REBALANCE_PAGE_CACHE_SECONDS = env.int("REBALANCE_PAGE_CACHE_SECONDS", default=300)
# How often the state of the figures is re-read to decide whether a cached page is still current.
REBALANCE_PAGE_STATE_SECONDS = env.int("REBALANCE_PAGE_STATE_SECONDS", default=5)
# Survey figures change after every few responses during fieldwork: a page may lag them by this long
# rather than being rendered afresh for every user at every response.
REBALANCE_PAGE_FIELDWORK_SECONDS = env.int("REBALANCE_PAGE_FIELDWORK_SECONDS", default=60)

# --- E-mail (alerts and the weekly digest) -------------------------------------------------------------
# The console backend prints each message (the demo and development); production sets the SMTP backend and its
# server. EMAIL_URL-style settings are split out so that each can come from its own secret.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Rebalance <rebalance@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Alerts and the weekly digest (indicators/alerts): where e-mailed links point, the digest's weekday (0 Monday),
# and what counts as a wave closing soon with a low response.
REBALANCE_SITE_URL = env("REBALANCE_SITE_URL", default=SURVEY_PUBLIC_URL)
REBALANCE_DIGEST_WEEKDAY = env.int("REBALANCE_DIGEST_WEEKDAY", default=0)
if not 0 <= REBALANCE_DIGEST_WEEKDAY <= 6:
    raise ImproperlyConfigured("REBALANCE_DIGEST_WEEKDAY must be 0 (Monday) to 6 (Sunday).")
REBALANCE_ALERT_CLOSING_DAYS = env.int("REBALANCE_ALERT_CLOSING_DAYS", default=7)
REBALANCE_ALERT_LOW_RESPONSE_PERCENT = env.float("REBALANCE_ALERT_LOW_RESPONSE_PERCENT", default=20.0)

# --- The one beat schedule ---------------------------------------------------------------------------------
# Every periodic task, by the name it is registered under (stored beat entries and queued messages use it).
CELERY_BEAT_SCHEDULE: dict = {
    "engine: recompute every rollup and report drift (nightly)": {
        "task": "indicators.engine.tasks.recompute_everything",
        "schedule": crontab(hour=2, minute=30),
    },
    "engine: catch up on responses stored while the broker was down": {
        "task": "indicators.engine.tasks.catch_up",
        "schedule": crontab(minute="*/10"),
    },
    "surveys: apply retention periods (nightly)": {
        "task": "surveys.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=15),
    },
    "audit: prune entries past their retention (nightly)": {
        "task": "audit.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "surveys-unlink-closed-waves": {
        "task": "surveys.tasks.unlink_closed_waves",
        "schedule": 60 * 60,
    },
    "alerts: urgent e-mails every morning, the weekly digest on its weekday": {
        "task": "alerts.send_due",
        "schedule": crontab(hour=7, minute=0),
    },
    "indicators: delete uploaded files past their retention (nightly)": {
        "task": "indicators.delete_expired_import_files",
        "schedule": crontab(hour=3, minute=45),
    },
    # Uploads stored while the broker was down are still queued: run them.
    "indicators-run-queued-imports": {
        "task": "indicators.run_queued_imports",
        "schedule": crontab(minute="*/10"),
    },
}
if REBALANCE_NOMIS_MONTHLY_FETCH:
    CELERY_BEAT_SCHEDULE["indicators-fetch-nomis-monthly"] = {
        "task": "indicators.fetch_nomis_monthly",
        # The claimant count comes out mid-month; the 20th at 06:00 is after it.
        "schedule": crontab(minute=0, hour=6, day_of_month=20),
    }
