"""Moments settings: one module, configured from the environment.

With no environment set it runs embedded: SQLite under ./data and Celery tasks executed
in-process. DATABASE_URL and REDIS_URL switch it to PostgreSQL and a real Redis broker.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY", "insecure-dev-key-set-SECRET_KEY-in-production")
# Keys customer references are hashed with; a separate secret so that rotating the session
# key does not orphan every customer's history.
CUSTOMER_REF_KEY = env("CUSTOMER_REF_KEY", SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "touchpoints",
    "feedback",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.allowed_methods.AllowedMethodsMiddleware",  # 405 for PUT, PATCH, DELETE, ...
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "feedback.handover.HandoverLockMiddleware",
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
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound on the server, and statements run often (every save's few
        # queries) prepared once per connection: PostgreSQL then skips planning them.
        DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "moments.sqlite3",
            # Waiting on a lock beats failing a save while a roll-up writes.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "touchpoints.User"
# The person comes with team, location and frontline role in one query (see the module).
# Django's own backend stays second so that sessions signed in through it stay valid.
AUTHENTICATION_BACKENDS = [
    "touchpoints.sign_in.PersonBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In production (the Docker image sets STATIC_HASHED=1 and runs collectstatic) files get
# hashed, compressed names so browsers may cache them for a year. Without it, WhiteNoise
# serves them straight from the apps, so tests and `make run` need no collectstatic.
STATIC_HASHED = env_bool("STATIC_HASHED")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_HASHED
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if STATIC_HASHED else 60

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # Saves into one bucket queue at most one roll-up per this many seconds; the dirty mark
    # keeps any later save for the next run.
    ROLLUP_REQUEST_SECONDS = int(env("ROLLUP_REQUEST_SECONDS", "5"))
    # Sessions read from Redis on every request, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    # Embedded mode: no broker, no worker; tasks run in the request that queued them.
    CELERY_TASK_ALWAYS_EAGER = True
    ROLLUP_REQUEST_SECONDS = 0  # in-process: roll up after every save
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A task a worker took but never acknowledged (the worker died) is handed out again after
# this many seconds; it must exceed the time limit, or a slow task could run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("BROKER_VISIBILITY_TIMEOUT", "3600")),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "roll-up-dirty-days": {
        "task": "dashboards.roll_up_dirty_days",
        "schedule": timedelta(seconds=int(env("ROLLUP_INTERVAL_SECONDS", "30"))),
    },
    "reconcile-last-week": {
        "task": "dashboards.reconcile_recent_days",
        "schedule": crontab(hour=3, minute=15),
    },
    # Each manager's digest goes out at 07:00 in their location's time; locations span many
    # time zones, so beat looks every quarter of an hour and sends the ones that are due.
    "morning-digest": {
        "task": "dashboards.send_morning_digests",
        "schedule": crontab(minute="*/15"),
    },
}

# Mail (the managers' morning digest): printed to the console unless EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Moments <moments@localhost>")

INVITATION_EXPIRY_DAYS = int(env("INVITATION_EXPIRY_DAYS", "7"))
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL")


def env_rate(name: str, default: str) -> tuple[int, int]:
    requests, _, seconds = env(name, default).partition("/")
    return int(requests), int(seconds)


# Public feedback pages, as "requests/seconds": every request from one address (generous:
# a whole airport's Wi-Fi can share one), tokens not found from one address (guessing), and
# requests for one token.
FEEDBACK_RATE_LIMITS = {
    "address": env_rate("FEEDBACK_RATE_PER_ADDRESS", "600/600"),
    "miss": env_rate("FEEDBACK_RATE_MISSES_PER_ADDRESS", "20/600"),
    "token": env_rate("FEEDBACK_RATE_PER_TOKEN", "30/600"),
}
# How many proxies of ours add to X-Forwarded-For in front of the app (0: none, trust REMOTE_ADDR).
FEEDBACK_TRUSTED_PROXIES = int(env("FEEDBACK_TRUSTED_PROXIES", "0"))
# Tablet hand-over: back to the log screen after this long untouched; a lock nobody touches
# for the second figure is forgotten even if the page died.
FEEDBACK_HANDOVER_IDLE_SECONDS = int(env("FEEDBACK_HANDOVER_IDLE_SECONDS", "90"))
FEEDBACK_HANDOVER_FORGET_SECONDS = int(env("FEEDBACK_HANDOVER_FORGET_SECONDS", "1800"))
CSRF_FAILURE_VIEW = "feedback.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
