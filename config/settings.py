"""Moments settings: one module, configured from the environment.

With no environment set it runs embedded: SQLite under ./data and Celery tasks executed
in-process. DATABASE_URL and REDIS_URL switch it to PostgreSQL and a real Redis broker.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# --- Production safety: real keys, HTTPS (docs/operations.md) ---
# pytest-django imports these settings inside pytest; the test servers speak plain HTTP and
# need no real keys. pytest is a dev dependency only, so production never matches this.
TESTING = "pytest" in sys.modules
PRODUCTION = not DEBUG and not TESTING
# Keys anyone can read in this repository: docker-compose.yml's, .env.example's, the dev one.
PUBLISHED_KEYS = {
    "insecure-dev-key-set-SECRET_KEY-in-production",
    "insecure-dev-key-set-CUSTOMER_REF_KEY-in-production",
    "insecure-compose-key-set-SECRET_KEY-in-.env",
    "insecure-compose-key-set-CUSTOMER_REF_KEY-in-.env",
    "change-me",
    "change-me-too",
}


def env_key(name: str) -> str:
    """A signing key; outside DEBUG, a missing or published one stops the app from starting."""
    value = env(name)
    if not PRODUCTION:
        return value or f"insecure-dev-key-set-{name}-in-production"
    published = value.strip() in PUBLISHED_KEYS or value.startswith("django-insecure-")
    if not value.strip() or published:
        problem = "is a published placeholder" if published else "is not set"
        raise ImproperlyConfigured(
            f"{name} {problem}. With DEBUG off Moments refuses to start without real keys: "
            "set SECRET_KEY and CUSTOMER_REF_KEY to two different long random strings, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' "
            "(or DEBUG=1 on a development machine). See docs/operations.md."
        )
    return value


SECRET_KEY = env_key("SECRET_KEY")
# Keys customer references are hashed with; a separate secret so that rotating the session
# key does not orphan every customer's history.
CUSTOMER_REF_KEY = env_key("CUSTOMER_REF_KEY")
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
    "axes",  # sign-in throttling: see the block after AUTHENTICATION_BACKENDS
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.no_store.NoStoreMiddleware",  # no-store on everything but static files
    "config.allowed_methods.AllowedMethodsMiddleware",  # 405 for PUT, PATCH, DELETE, ...
    "config.nul_bytes.RefuseNulBytesMiddleware",  # 400 for a NUL in a parameter
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
    # Last, as axes asks: turns a refused sign-in into the "try again at ..." page.
    "axes.middleware.AxesMiddleware",
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
    # Connections are kept a minute and checked at each request's first query, so that a
    # database restart costs no request (docs/faults.md).
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound on the server, and statements run often (every save's few
        # queries) prepared once per connection: PostgreSQL then skips planning them.
        # Prepared statements pay where the plan never depends on the values: the save's
        # lookups by key and its inserts (a user with team and location costs 40-60 µs with
        # its generic plan, ten to twenty times that planned afresh). They hurt where it
        # does: the dashboard's aggregates over skewed date windows, so those force custom
        # plans for their own transaction (dashboards.figures.read_settings), not the whole
        # connection. Figures: docs/performance.md, "Prepared statements".
        # A database that does not answer is given 5 s, then the request gets the 503 page.
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 5,
            "connect_timeout": 5,
        }
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
# The throttle first: a locked account or address is refused before any password is hashed.
# The person comes with team, location and frontline role in one query (see the module).
# Django's own backend stays last so that sessions signed in through it stay valid; it never
# checks a password PersonBackend turned down (one hash per attempt).
AUTHENTICATION_BACKENDS = [
    "touchpoints.people.throttle.ThrottleBackend",
    "touchpoints.people.sign_in.PersonBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# -- Sign-in throttling (django-axes; touchpoints/people/throttle.py, docs/security.md) --
# Wrong passwords in a row that lock one account, from anywhere.
SIGN_IN_FAILURES_PER_ACCOUNT = int(env("SIGN_IN_FAILURES_PER_ACCOUNT", "5"))
# Wrong passwords that lock one address, for every account. High: a busy airport's tablets
# share one address, and a person's failures stop counting once they sign in.
SIGN_IN_FAILURES_PER_ADDRESS = int(env("SIGN_IN_FAILURES_PER_ADDRESS", "100"))
# A failure counts for this long after the latest failure of its account on that device.
SIGN_IN_LOCKOUT_MINUTES = int(env("SIGN_IN_LOCKOUT_MINUTES", "15"))
# How long a web process keeps an account lock it found, refusing guesses without a query:
# also how long an admin's unlock can take to reach every process.
SIGN_IN_LOCK_MEMORY_SECONDS = float(env("SIGN_IN_LOCK_MEMORY_SECONDS", "10"))
AXES_HANDLER = "touchpoints.people.throttle.SignInThrottle"  # the database, never Redis
AXES_FAILURE_LIMIT = SIGN_IN_FAILURES_PER_ACCOUNT
AXES_LOCKOUT_PARAMETERS = ["username"]  # the address is counted by SignInThrottle
# Axes warns when the address is missing from the line above; it is counted, with its own limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_COOLOFF_TIME = timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
# Trying while locked does not push the time the page promised further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "touchpoints.people.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "touchpoints.people.throttle.locked_out_page"
AXES_ENABLE_ADMIN = (
    False  # admins unlock on the configuration site (touchpoints/configuration/sign_ins.py)
)
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins need no table of their own
AXES_VERBOSE = False
# -- end of sign-in throttling --
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
# --- Times: a 24-hour clock everywhere, the admin included (config/formats/<language>) ---
FORMAT_MODULE_PATH = ["config.formats"]
# --- end times ---

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

# Sessions live in the database only: a Redis outage can neither lose one nor bring back
# an old copy of one (config/sessions.py, docs/faults.md).
SESSION_ENGINE = "config.sessions"
# HTTPS, on by default outside DEBUG. Compose's health check calls http://localhost directly.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# The header a TLS-terminating proxy sets to "https" (X-Forwarded-Proto). Unset by default:
# trusted only when the proxy always sets it, or a client could claim HTTPS.
PROXY_SSL_HEADER = env("SECURE_PROXY_SSL_HEADER")
if PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Tablets are shared: a frontline sign-in lasts one shift (touchpoints/people/sign_in.py); everyone
# else keeps Django's two weeks.
FRONTLINE_SESSION_HOURS = int(env("FRONTLINE_SESSION_HOURS", "12"))

# --- Content-Security-Policy on every page (django-csp) ---
# Scripts only from our own static files: no inline script, no eval. Inline styles stay
# allowed because tiles carry their admin-set colour in a style attribute. The public
# feedback pages set a stricter policy of their own, which the middleware leaves alone.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REDIS_URL = env("REDIS_URL")
if REDIS_URL and (test_worker := env("PYTEST_XDIST_WORKER")):
    # Parallel tests: each pytest-xdist worker (gw0, gw1, ...) and the processes it starts
    # get a Redis database of their own, as pytest-django gives each its own test database.
    # REDIS_TEST_DB is the first one (default 1), so that runs side by side can keep apart.
    first = int(env("REDIS_TEST_DB", "1"))
    database = first + int(test_worker.removeprefix("gw"))
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{database}").geturl()
if REDIS_URL:
    # Without Redis the cache acts empty and nothing waits on it (config/cache.py,
    # docs/faults.md); Redis answers in a millisecond, so half a second means it is gone.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # Saves into one bucket queue at most one roll-up per this many seconds; the dirty mark
    # keeps any later save for the next run.
    ROLLUP_REQUEST_SECONDS = int(env("ROLLUP_REQUEST_SECONDS", "5"))
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
    # A web request that queues a task while Redis is down gives up within seconds rather
    # than hanging (its dirty mark keeps the work for beat); workers and beat reconnect on
    # their own, with their own retries.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost Redis tries again every second, for as long as it takes.
CELERY_WORKER_CONSUMER = "config.celery:PromptReconnect"
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Beat sweeps the dirty marks every few seconds: a save that lands after its bucket's
# prompt roll-up was asked for (ROLLUP_REQUEST_SECONDS) is on the dashboard within this,
# and so is one made while Redis was down. A sweep with nothing marked costs one query; a
# tick nobody took within its interval is dropped, so ticks never pile up.
ROLLUP_INTERVAL_SECONDS = int(env("ROLLUP_INTERVAL_SECONDS", "3"))
CELERY_BEAT_SCHEDULE = {
    "roll-up-dirty-days": {
        "task": "dashboards.roll_up_dirty_days",
        "schedule": timedelta(seconds=ROLLUP_INTERVAL_SECONDS),
        "options": {"expires": ROLLUP_INTERVAL_SECONDS},
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
    # A recovery lapses some days after it opened (FeedbackSettings): within the hour is
    # close enough, and each run is one cheap indexed query when nothing is due.
    "lapse-untaken-recoveries": {
        "task": "feedback.lapse_untaken_recoveries",
        "schedule": crontab(minute=5),
    },
    # Managers who asked for it hear of new needs at most once an hour; beat looks every
    # five minutes, so a need waits at most an hour and five minutes to be mailed.
    "need-emails": {
        "task": "dashboards.send_need_emails",
        "schedule": crontab(minute="*/5"),
    },
    # Customers' contact details, a set time after their recovery ends (docs/security.md).
    "erase-customer-contacts": {
        "task": "feedback.erase_contacts",
        "schedule": crontab(minute=40),
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


# Public feedback pages, as "requests/seconds": tokens not found from one address (guessing).
# A real token is never limited: nobody else's requests may lock its customer out.
FEEDBACK_RATE_LIMITS = {
    "miss": env_rate("FEEDBACK_RATE_MISSES_PER_ADDRESS", "20/600"),
}
# How many proxies of ours add to X-Forwarded-For in front of the app (0: none, trust
# REMOTE_ADDR). Sign-in throttling reads the caller's address the same way.
FEEDBACK_TRUSTED_PROXIES = int(env("FEEDBACK_TRUSTED_PROXIES", "0"))
# Tablet hand-over: back to the log screen after this long untouched; a lock nobody touches
# for the second figure is forgotten even if the page died.
FEEDBACK_HANDOVER_IDLE_SECONDS = int(env("FEEDBACK_HANDOVER_IDLE_SECONDS", "90"))
FEEDBACK_HANDOVER_FORGET_SECONDS = int(env("FEEDBACK_HANDOVER_FORGET_SECONDS", "1800"))
CSRF_FAILURE_VIEW = "feedback.views.csrf_failure"
# --- Dashboards: figures resting on fewer answers (or moments) than this are drawn muted and
# marked "few answers" (docs/metrics.md, "How sure is a figure?"). ---
FEW_ANSWERS = int(env("FEW_ANSWERS", "30"))
# An acknowledged need still not provided or declined this many days after it was raised is
# marked overdue on the manager's dashboard (docs/metrics.md, "Needs").
NEED_TARGET_DAYS = int(env("NEED_TARGET_DAYS", "7"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
