"""Every setting of the registry. What varies by deployment comes from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from config.env import env_bool, env_float, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
# Only DEBUG may fall back to a development key. Without DEBUG an unset key stays empty:
# commands that sign nothing (migrate, makemigrations, check) still run, while the web
# entry points (config/wsgi.py, config/asgi.py) refuse to start and Django refuses to sign.
SECRET_KEY = env_secret("SECRET_KEY", "dev-insecure-key-change-me" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "common",
    "regions",
    "clusters",
    "funding",
    "accounts",
    "imports",
    "opendata",
    "extraction",
    "history",
    "overview",
]

# The one gate and the models it is about, named here so that common/ (the ground floor)
# reaches them without importing an app (common/gating.py).
REGISTRY_GATE = "clusters.gate"
REGISTRY_CLUSTER_MODEL = "clusters.Cluster"
REGISTRY_REGION_MODEL = "regions.Region"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost of ours, so every response (static files and errors included) carries them.
    "common.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before WhiteNoise: its finders (DEBUG) would open a path with a NUL byte and fail.
    "common.middleware.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.PageThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# Unset DATABASE_URL: the embedded SQLite default, so `make run` needs nothing else.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
# Optional PostgreSQL read replicas, several allowed (comma-separated): public pages and API
# lists read from them, writes, the admin and transactions use the primary (config/db_router.py).
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URL", [])):
    DATABASES[f"replica_{_index}"] = {
        **dj_database_url.parse(_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)),
        "TEST": {"MIRROR": "default"},
    }
# PostgreSQL's JIT compiles a plan it estimates as costly (a page's count over 100 000 rows
# with a subquery per row) and spends seconds compiling what runs in milliseconds; the
# registry's queries are short, so every connection turns it off (DATABASE_JIT=1: keep it).
if not env_bool("DATABASE_JIT", False):
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _options = _database.setdefault("OPTIONS", {})
            _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
# PostgreSQL's default random_page_cost (4) prices an index read as a disk seek; on SSDs, or
# with the registry's tables in memory as they are, it is close to a sequential read. At 4 the
# planner counted a district's operating clusters by scanning all 10 000 (4.6 ms) instead of
# reading 561 through the (is_published, region) index (1.3 ms). Every connection sets
# DATABASE_RANDOM_PAGE_COST (default 1.1, the usual SSD value; empty: the server's own).
_random_page_cost = env_float("DATABASE_RANDOM_PAGE_COST", 1.1)
if _random_page_cost is not None:
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _options = _database.setdefault("OPTIONS", {})
            _options["options"] = (
                _options.get("options", "") + f" -c random_page_cost={_random_page_cost}"
            ).strip()
# The catalogue's typo-tolerant search (clusters/search.py TRIGRAM_THRESHOLD, equal: a test
# says so) asks `name %> query` so that the trigram GIN index finds the candidates; the
# operator's threshold is this per-connection parameter (pg_trgm's default is 0.6).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = (
            _options.get("options", "") + " -c pg_trgm.word_similarity_threshold=0.4"
        ).strip()
# Server-side parameter binding (psycopg's Cursor, not its ClientCursor): a statement run
# five times on a connection is prepared, so a list's page — one statement with a subquery per
# nested list — is planned once per connection instead of on every request (≈ 4 ms of its
# 11). DATABASE_SERVER_SIDE_BINDING=0 goes back to Django's default (client-side binding,
# planned every time).
if env_bool("DATABASE_SERVER_SIDE_BINDING", True):
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _options = _database.setdefault("OPTIONS", {})
            _options["server_side_binding"] = True
            # Behind a pooler in transaction mode (pgbouncer), prepared statements don't
            # survive: DATABASE_PREPARE_THRESHOLD=0 never prepares.
            _threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
            _options["prepare_threshold"] = _threshold if _threshold > 0 else None
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
# After a write, the writer's reads stay on the primary this long (longer than replica lag).
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 10)
# A second connection to the same PostgreSQL database, in autocommit: an import job's progress
# is written there, so the admin's progress bar moves while the import's own transaction is
# still open (and a dry run, rolled back at the end, still shows its progress). Tests mirror
# the default connection. SQLite runs imports in the request, so it needs none.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# models.W040: SQLite (the embedded default) cannot hold an index's non-key columns
# (`Index(include=…)`, funding lines' year/source index): it builds the index on the key
# columns alone, which is all it needs; PostgreSQL holds them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
# Project overrides of Django's Russian admin messages (locale/ru/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from the finders when DEBUG is on, so `collectstatic` is not needed locally.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "admin:login"

# Security headers; all switched on by deployment variables behind TLS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only the app's own files, no inline script or style,
# no plugins, no framing. The pages, the admin and the Swagger docs all live within it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The registry asks the browser for no feature: camera, geolocation, payments… all off.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)

# Hostile input: bodies past this size get 413 (API: JSON) before anything reads them;
# JSON nested deeper than API_MAX_JSON_DEPTH gets 400 (common/api/parsers.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 32)

# How many reverse proxies in front of the app append to X-Forwarded-For. The client address
# (throttles, login lockout) is the entry that many from the right; 0 = REMOTE_ADDR only, and
# any X-Forwarded-For a client sends is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# The shared cache: throttle counters must be one count across every worker and machine.
# CACHE_URL (or REDIS_URL) = Redis; unset = this process's memory (the embedded default).
CACHE_URL = env_str("CACHE_URL", env_str("REDIS_URL", ""))
CACHES = {
    "default": (
        {
            "BACKEND": "common.cache.RedisCache",  # Django's, keeping its client
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "registry"),
            # A dead Redis must cost a request milliseconds, not a hang (throttles fail open).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Whole public responses (API JSON, anonymous pages) cached in CACHES["default"], each with
# the versions of the tables it read, so any committed write is seen at once (common/response_cache.py).
# 0 turns it off. RESPONSE_CACHE_VERSION names the release (unset: one per process).
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 300)
RESPONSE_CACHE_VERSION = env_str("RESPONSE_CACHE_VERSION", "")
# Bodies larger than this are served but not kept (a page of 100 clusters is ~150 KB).
RESPONSE_CACHE_MAX_BYTES = env_int("RESPONSE_CACHE_MAX_BYTES", 262144)

# Admin login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one login
# name, or from one address, further attempts are refused (even the right password) for
# AXES_COOLOFF_MINUTES or until staff unlock it: admin «Попытки доступа» or
# `manage.py axes_reset_username NAME` / `axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "common.api.throttling.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_COOLOFF_MESSAGE = (
    "Вход заблокирован после слишком многих неудачных попыток. "
    "Повторите позже или обратитесь к администратору реестра."
)
AXES_PERMALOCK_MESSAGE = (
    "Вход заблокирован после слишком многих неудачных попыток. "
    "Обратитесь к администратору реестра, чтобы снять блокировку."
)

# Celery. Unset broker: tasks run in-process (eagerly), the embedded default.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == ""
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
# Publishing from a request must give up at once when the broker is down: no connection
# retries (kombu retries for ~2 s by default), a short connect timeout for a host that does
# not answer. The totals are flagged stale instead and the sweep heals them.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": env_int("CELERY_BROKER_CONNECT_TIMEOUT_MS", 500) / 1000,
    "socket_timeout": 5,
}
CELERY_TIMEZONE = TIME_ZONE
FUNDING_RECONCILE_EVERY_SECONDS = env_int("FUNDING_RECONCILE_EVERY_SECONDS", 3600)
# Totals flagged stale (broker down, a task out of retries) are recomputed this often.
FUNDING_STALE_SWEEP_EVERY_SECONDS = env_int("FUNDING_STALE_SWEEP_EVERY_SECONDS", 60)
# After a failed publish, writes skip the broker for this long and flag stale at once.
FUNDING_BROKER_BACKOFF_SECONDS = env_int("FUNDING_BROKER_BACKOFF_SECONDS", 10)

# Open data (opendata/): files in the default storage under MEDIA_ROOT/OPENDATA_DIR, served
# by the app at /open-data/files/; a beat job regenerates them every OPENDATA_EVERY_SECONDS.
# The passport's publisher fields and the licence are the ministry's to fill in; until the
# licence text is set the page says the terms are being settled, never a placeholder.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
OPENDATA_DIR = env_str("OPENDATA_DIR", "opendata")
OPENDATA_EVERY_SECONDS = env_int("OPENDATA_EVERY_SECONDS", 86400)
OPENDATA_PUBLISHER = env_str("OPENDATA_PUBLISHER", "Министерство просвещения Российской Федерации")
OPENDATA_PUBLISHER_INN = env_str("OPENDATA_PUBLISHER_INN", "7710168360")
OPENDATA_RESPONSIBLE_PERSON = env_str("OPENDATA_RESPONSIBLE_PERSON", "")
OPENDATA_RESPONSIBLE_PHONE = env_str("OPENDATA_RESPONSIBLE_PHONE", "")
OPENDATA_RESPONSIBLE_EMAIL = env_str("OPENDATA_RESPONSIBLE_EMAIL", "")
OPENDATA_UPDATE_FREQUENCY = env_str("OPENDATA_UPDATE_FREQUENCY", "ежедневно")
OPENDATA_LICENCE_TEXT = env_str("OPENDATA_LICENCE_TEXT", "")
OPENDATA_LICENCE_URL = env_str("OPENDATA_LICENCE_URL", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "common.api.schema.RegistryAutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "common.api.parsers.RegistryJSONParser",
        "common.api.parsers.RegistryFormParser",
        "common.api.parsers.RegistryMultiPartParser",
    ],
    # One throttle picks the rate by who asks (common/api/throttling.py), counted in the
    # shared cache; `pages` and `search` limit the public site (common/middleware.py).
    "DEFAULT_THROTTLE_CLASSES": ["common.api.throttling.RegistryAPIThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_THROTTLE_RATE", "120/minute"),
        "user": env_str("API_USER_THROTTLE_RATE", "300/minute"),
        "analyst": env_str("API_ANALYST_THROTTLE_RATE", "1200/minute"),
        "staff": env_str("API_STAFF_THROTTLE_RATE", "1200/minute"),
        "pages": env_str("PAGE_THROTTLE_RATE", "300/minute"),
        "search": env_str("SEARCH_THROTTLE_RATE", "60/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Реестр «Профессионалитета» — API",
    "DESCRIPTION": "Кластеры, колледжи, работодатели и финансирование федерального проекта.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: they put an anchor inside each operation's button (nested interactive
    # controls, targets smaller than 24 px — axe on /api/v1/docs/).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # One schema enum per choice set, whatever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "QualifierEnum": "common.qualifiers.Qualifier",
        "TotalQualifierEnum": "common.qualifiers.TotalQualifier",
        "ClusterKindEnum": "clusters.choices.ClusterKind",
        "ClusterStatusEnum": "clusters.choices.ClusterStatus",
        "CollegeRoleEnum": "clusters.choices.CollegeRole",
        "EmployerRoleEnum": "clusters.choices.EmployerRole",
        "FigureKindEnum": "clusters.choices.FigureKind",
        "ProgrammeLevelEnum": "clusters.choices.ProgrammeLevel",
        "RegionKindEnum": "regions.choices.RegionKind",
        "FundingSourceEnum": "funding.choices.FundingSource",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Email: people told about changes waiting for review and their decisions ----------------
# Unset EMAIL_HOST: messages go to the console (make run); production sets the SMTP server.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "registry@localhost")
