"""Shelfmark's settings, read from the environment.

Local defaults run the product on SQLite with an embedded Redis; production
sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and HTTPS (see
``.env.example``).
"""

import os
from pathlib import Path

import dj_database_url

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SHELFMARK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str(
    "SECRET_KEY", "django-insecure-local-development-key-never-use-in-production"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# HTTPS hardening; on in production, where the site is only served over TLS.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "shops",
    "inventory",
    "marketplace",
    "uploads",
    "reconcile",
    "simulator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shops.middleware.CurrentShopMiddleware",
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
                "shops.context_processors.current_shop",
            ],
        },
    },
]

_SQLITE_OPTIONS = {
    # The web server and the workers write concurrently: WAL lets readers go on
    # while one writer holds the lock, and IMMEDIATE avoids upgrade deadlocks.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = _SQLITE_OPTIONS
    # Workers in other processes must see the test database, so it is a file.
    # One file per test process, so that two runs side by side never meet.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    }
    # SQLite makes the file but not its folder; a fresh clone has no var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "shops.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Shelfmark <shelfmark@localhost>")

# Redis carries Celery's messages and the rate-limit buckets shared by workers.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6390/0")

CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

CELERY_BEAT_SCHEDULE = {
    "recover-stalled-uploads": {
        "task": "uploads.tasks.upload_runs_recover",
        "schedule": env_int("UPLOAD_RECOVER_EVERY_SECONDS", 60),
    },
}

# Uploads: feeds are polled after UPLOAD_POLL_FIRST_SECONDS, then at doubling
# intervals up to UPLOAD_POLL_MAX_SECONDS; a live run that no worker moved on
# for UPLOAD_STALL_SECONDS is picked up again by the recovery task.
UPLOAD_POLL_FIRST_SECONDS = env_float("UPLOAD_POLL_FIRST_SECONDS", 15.0)
UPLOAD_POLL_MAX_SECONDS = env_float("UPLOAD_POLL_MAX_SECONDS", 300.0)
UPLOAD_STALL_SECONDS = env_float("UPLOAD_STALL_SECONDS", 15 * 60)
# A step that Amazon throttled or failed past the client's own retries is
# tried again by its task after this many seconds, doubling each time.
UPLOAD_RETRY_FIRST_SECONDS = env_float("UPLOAD_RETRY_FIRST_SECONDS", 15.0)
UPLOAD_MAX_RETRIES = env_int("UPLOAD_MAX_RETRIES", 8)
AMAZON_FEED_MAX_MESSAGES = env_int("AMAZON_FEED_MAX_MESSAGES", 25_000)
AMAZON_FEED_MAX_BYTES = env_int("AMAZON_FEED_MAX_BYTES", 10 * 1024 * 1024)
# The product type of new book pages; Amazon's catalog gives books ABIS_BOOK,
# to be checked against the Product Type Definitions API before going live.
AMAZON_BOOK_PRODUCT_TYPE = env_str("AMAZON_BOOK_PRODUCT_TYPE", "ABIS_BOOK")

# Tokens stored for marketplace services are encrypted with this key
# (a Fernet key). Without one, a key is derived from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "celery": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "shops": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "inventory": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "marketplace": {
            "handlers": ["console"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        "simulator": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# --- Amazon -----------------------------------------------------------------
# Shelfmark talks to Amazon (Login with Amazon and the Selling Partner API)
# through the hosts below. Until AMAZON_USE_SIMULATOR is set to false it talks
# to the local simulator instead, so a development machine never reaches real
# Amazon by accident; production must set it to false (see .env.example).
AMAZON_USE_SIMULATOR = env_bool("AMAZON_USE_SIMULATOR", True)
AMAZON_SIMULATOR_URL = env_str("AMAZON_SIMULATOR_URL", "http://127.0.0.1:8001")

# The SP-API application registered in Seller Central (Developer Central).
# The defaults are the simulator's development application.
AMAZON_APP_ID = env_str(
    "AMAZON_APP_ID",
    "amzn1.sp.solution.shelfmark-dev" if AMAZON_USE_SIMULATOR else "",
)
AMAZON_LWA_CLIENT_ID = env_str(
    "AMAZON_LWA_CLIENT_ID",
    "amzn1.application-oa2-client.shelfmark-dev" if AMAZON_USE_SIMULATOR else "",
)
AMAZON_LWA_CLIENT_SECRET = env_str(
    "AMAZON_LWA_CLIENT_SECRET", "shelfmark-dev-secret" if AMAZON_USE_SIMULATOR else ""
)
# A Draft application is authorized with version=beta in the consent URL;
# set false once the application is published.
AMAZON_APP_IS_DRAFT = env_bool("AMAZON_APP_IS_DRAFT", True)

# Amazon's own hosts, used when AMAZON_USE_SIMULATOR is false.
AMAZON_LWA_TOKEN_URL = env_str(
    "AMAZON_LWA_TOKEN_URL", "https://api.amazon.com/auth/o2/token"
)
AMAZON_SPAPI_URLS = {
    "NA": env_str("AMAZON_SPAPI_NA_URL", "https://sellingpartnerapi-na.amazon.com"),
    "EU": env_str("AMAZON_SPAPI_EU_URL", "https://sellingpartnerapi-eu.amazon.com"),
}
AMAZON_SELLER_CENTRAL_URLS = {
    "amazon_us": "https://sellercentral.amazon.com",
    "amazon_ca": "https://sellercentral.amazon.ca",
    "amazon_uk": "https://sellercentral-europe.amazon.com",
}

# Calls to the SP-API: each operation's rate is Amazon's published default
# times AMAZON_RATE_LIMIT_SCALE (tests raise it), shared by every worker
# through Redis; throttled (429) and failed (5xx) calls are retried up to
# AMAZON_MAX_RETRIES times, waiting at most AMAZON_MAX_WAIT_SECONDS at a time.
AMAZON_RATE_LIMIT_SCALE = env_float("AMAZON_RATE_LIMIT_SCALE", 1.0)
AMAZON_MAX_RETRIES = env_int("AMAZON_MAX_RETRIES", 5)
AMAZON_RETRY_BACKOFF_SECONDS = env_float("AMAZON_RETRY_BACKOFF_SECONDS", 1.0)
AMAZON_MAX_WAIT_SECONDS = env_int("AMAZON_MAX_WAIT_SECONDS", 150)
AMAZON_HTTP_TIMEOUT_SECONDS = env_int("AMAZON_HTTP_TIMEOUT_SECONDS", 30)

if AMAZON_USE_SIMULATOR and AMAZON_SIMULATOR_URL.startswith("http://"):
    # oauthlib refuses plain-HTTP endpoints unless told otherwise; the local
    # simulator is served over HTTP. Real Amazon is always HTTPS.
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
# oauthlib's debug logs would print authorization codes and tokens.
LOGGING["loggers"]["oauthlib"] = {"level": "WARNING"}
LOGGING["loggers"]["requests_oauthlib"] = {"level": "WARNING"}
# --- end of Amazon ----------------------------------------------------------
