"""Moments settings: one module, configured from the environment.

With no environment set it runs embedded: SQLite under ./data and Celery tasks executed
in-process. DATABASE_URL and REDIS_URL switch it to PostgreSQL and a real Redis broker.
"""

import base64
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from touchpoints.people.group_roles import parse_group_roles

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
    "change-me-as-well",
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
# Keys customer references were hashed with before the last rotation, newest first: a
# reference typed on the tablet still finds the moments saved under them (customers.py).
CUSTOMER_REF_OLD_KEYS = env_list("CUSTOMER_REF_OLD_KEYS")
if PRODUCTION and set(CUSTOMER_REF_OLD_KEYS) & PUBLISHED_KEYS:
    raise ImproperlyConfigured(
        "CUSTOMER_REF_OLD_KEYS lists a published placeholder: list only keys this server "
        "really hashed references with. See docs/operations.md."
    )
# The development Fernet key: 32 published bytes, refused outside DEBUG like the others.
DEV_CONTACT_KEY = base64.urlsafe_b64encode(b"insecure-dev-key-for-CONTACTKEYS").decode()
PUBLISHED_KEYS.add(DEV_CONTACT_KEY)


def env_contact_keys() -> list[str]:
    """Fernet keys for customers' contact details (feedback/contact_keys.py), newest first.

    Outside DEBUG a missing, published or malformed key stops the app: it would otherwise
    have to write contact details it cannot encrypt, or fail on the first customer.
    """
    keys = env_list("CONTACT_KEYS")
    if not PRODUCTION and not keys:
        return [DEV_CONTACT_KEY]
    how = (
        "set CONTACT_KEYS to a key made by python3 -c 'from cryptography.fernet import "
        "Fernet; print(Fernet.generate_key().decode())' (comma-separated, newest first, "
        "while rotating). See docs/operations.md, Contact keys."
    )
    if not keys:
        raise ImproperlyConfigured(
            "CONTACT_KEYS is not set. With DEBUG off Moments refuses to start without a key "
            f"for customers' contact details: {how}"
        )
    for number, key in enumerate(keys, start=1):
        if PRODUCTION and key in PUBLISHED_KEYS:
            raise ImproperlyConfigured(
                f"CONTACT_KEYS key {number} is a published placeholder: {how}"
            )
        try:
            Fernet(key.encode())
        except ValueError:
            raise ImproperlyConfigured(
                f"CONTACT_KEYS key {number} is not a Fernet key "
                f"(32 bytes in URL-safe base64): {how}"
            ) from None
    return keys


CONTACT_KEYS = env_contact_keys()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin: names an admin enters, per language (touchpoints/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # "10 minutes ago" on the log screen's banners, in every language
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "touchpoints",
    "feedback",
    "dashboards",
    # The API's framework; listed so that its documentation page uses the assets it ships.
    "ninja",
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
    # The signed-in person's own language, over the browser's (touchpoints/people/language.py).
    "touchpoints.people.language.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Before the hand-over lock: a desk sign-in left idle ends, hand-over or not.
    "touchpoints.people.desk_idle.DeskIdleMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "touchpoints.people.desk_idle.desk_idle",
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
        if TESTING:
            # A test database's commits need no durability: without waiting for each
            # commit's WAL flush, a run on a busy CI disk is minutes shorter.
            DATABASES["default"]["OPTIONS"]["options"] = "-c synchronous_commit=off"
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
    # Answers only the OIDC sign-in's return, and only when OIDC is set up (below).
    "touchpoints.people.single_sign_on.SingleSignOnBackend",
]
# -- Sign-in throttling (django-axes; touchpoints/people/sign_in_locks.py, docs/security.md) --
# Wrong passwords for one account from one address that refuse that pair (only) for a while.
SIGN_IN_FAILURES_PER_PAIR = int(env("SIGN_IN_FAILURES_PER_PAIR", "5"))
SIGN_IN_LOCKOUT_MINUTES = int(env("SIGN_IN_LOCKOUT_MINUTES", "15"))
# Wrong passwords for one account from anywhere, within the window, before each further try
# from an address the person does not usually use waits 1 s, 2 s, 4 s ... up to the maximum.
SIGN_IN_FAILURES_PER_ACCOUNT = int(env("SIGN_IN_FAILURES_PER_ACCOUNT", "10"))
SIGN_IN_ACCOUNT_WINDOW_HOURS = int(env("SIGN_IN_ACCOUNT_WINDOW_HOURS", "24"))
SIGN_IN_BACKOFF_MAX_SECONDS = int(env("SIGN_IN_BACKOFF_MAX_SECONDS", "900"))
# Wrong passwords from one address, for any names, within a short window, that refuse the
# address to names not usual there. High: a busy airport's tablets share one address.
SIGN_IN_FAILURES_PER_ADDRESS = int(env("SIGN_IN_FAILURES_PER_ADDRESS", "100"))
SIGN_IN_ADDRESS_MINUTES = int(env("SIGN_IN_ADDRESS_MINUTES", "10"))
# A person's usual addresses: where they signed in within this many days.
SIGN_IN_USUAL_ADDRESS_DAYS = int(env("SIGN_IN_USUAL_ADDRESS_DAYS", "60"))
# How long a web process keeps a lock it found, refusing guesses without a query: also how
# long an admin's unlock can take to reach every process.
SIGN_IN_LOCK_MEMORY_SECONDS = float(env("SIGN_IN_LOCK_MEMORY_SECONDS", "10"))
AXES_HANDLER = "touchpoints.people.throttle.SignInThrottle"  # the database, never Redis
AXES_FAILURE_LIMIT = SIGN_IN_FAILURES_PER_PAIR
# Account and address together: a success forgives only its own pair's failures. The
# account's delay and the address's limit are added by the handler (sign_in_locks.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failure rows are kept as long as the longest rule counts them.
AXES_COOLOFF_TIME = "touchpoints.people.throttle.cool_off"
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
# Password sign-in at /login/ (and "forgot your password"); an airline that signs everyone in
# through its identity provider may turn it off.
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
# "Forgot your password?" links last this long; at most this many are emailed to one person
# an hour, however often the form is sent (touchpoints/people/forms.py).
PASSWORD_RESET_TIMEOUT = int(float(env("PASSWORD_RESET_HOURS", "2")) * 3600)
PASSWORD_RESET_EMAILS_PER_HOUR = int(env("PASSWORD_RESET_EMAILS_PER_HOUR", "3"))
# A new person's welcome link (password, and desk PIN for the front line) lasts this long.
WELCOME_LINK_TIMEOUT = int(float(env("WELCOME_LINK_DAYS", "3")) * 86400)
# -- Single sign-on by OpenID Connect (touchpoints/people/single_sign_on.py; set-up in
# docs/operations.md). On when a client id and the provider's issuer (or endpoints) are set.
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
OIDC_ISSUER = env("OIDC_ISSUER").rstrip("/")
OIDC_DISCOVERY_URL = env(
    "OIDC_DISCOVERY_URL",
    f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ISSUER else "",
)
# Endpoints set here are used as they are; any left empty come from discovery.
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_JWKS_ENDPOINT")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and (OIDC_DISCOVERY_URL or OIDC_OP_AUTHORIZATION_ENDPOINT))
# As in "Sign in with Okta" and "Okta's sign-in is not answering".
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "your airline")
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", "RS256")
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "groups")
try:
    OIDC_GROUP_ROLES = parse_group_roles(env("OIDC_GROUP_ROLES"))
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
_OIDC_BY_HAND = [OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_JWKS_ENDPOINT]
if OIDC_ENABLED and not OIDC_DISCOVERY_URL and not all(_OIDC_BY_HAND):
    raise ImproperlyConfigured(
        "OIDC without OIDC_ISSUER or OIDC_DISCOVERY_URL needs OIDC_AUTHORIZATION_ENDPOINT, "
        "OIDC_TOKEN_ENDPOINT and OIDC_JWKS_ENDPOINT. See docs/operations.md, Single sign-on."
    )
if OIDC_ENABLED and not OIDC_GROUP_ROLES:
    raise ImproperlyConfigured(
        "OIDC_CLIENT_ID is set but OIDC_GROUP_ROLES is empty: nobody could sign in. "
        "See docs/operations.md, Single sign-on."
    )
OIDC_USE_PKCE = True
OIDC_TIMEOUT = float(env("OIDC_TIMEOUT_SECONDS", "5"))  # then "not answering"
OIDC_AUTHENTICATION_CALLBACK_URL = "people:oidc_callback"
# Where a person who cancelled at the provider lands (the library wants a path, not a name).
LOGIN_REDIRECT_URL_FAILURE = "/login/"
# -- end of single sign-on --
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language by its own name: a person looks for theirs, not for its English name.
LANGUAGES = [("en", "English"), ("sv", "Svenska"), ("da", "Dansk"), ("nb", "Norsk bokmål")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Names an admin enters (types, stages, extra fields) are given in English and may be given
# in each other language; an empty one shows the English (docs/configuration.md).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
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
# The proxy set-up, in one setting: how many proxies of ours stand in front of the app, each
# adding one X-Forwarded-For entry (0: none; REMOTE_ADDR is the caller). Only the entry that
# many from the right is believed (touchpoints/people/client_address.py): sign-in throttling
# and the public pages' limit count callers by it. docs/operations.md, "Behind a proxy".
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0"))
if PRODUCTION and PROXY_SSL_HEADER and TRUSTED_PROXIES < 1:
    # A header only a proxy should set, trusted with no proxy counted: either the proxy is
    # there and every caller has its address (one guessing flood locks everyone out), or it
    # is not and any caller can claim HTTPS.
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is set but TRUSTED_PROXIES is not. With DEBUG off Moments "
        "refuses to start behind a proxy it does not count: set TRUSTED_PROXIES to the number "
        "of proxies in front of the app (1 for one TLS proxy), or unset "
        "SECURE_PROXY_SSL_HEADER. See docs/operations.md."
    )
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Tablets are shared: a frontline sign-in lasts one shift (touchpoints/people/sign_in.py); everyone
# else keeps Django's two weeks.
FRONTLINE_SESSION_HOURS = int(env("FRONTLINE_SESSION_HOURS", "12"))
# -- Desk sign-in on a registered tablet (touchpoints/people/desk_sign_in.py, docs/security.md) --
# Untouched this long, a desk tablet goes back to the desk screen and its sign-in ends.
DESK_IDLE_MINUTES = float(env("DESK_IDLE_MINUTES", "10"))
# Wrong PINs in a row that lock one person at one desk (never the desk, never elsewhere),
# and for how long.
DESK_PIN_FAILURES = int(env("DESK_PIN_FAILURES", "5"))
DESK_PIN_LOCK_MINUTES = float(env("DESK_PIN_LOCK_MINUTES", "5"))

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
# The sweep and the nightly reconciliation send one task per group of locations (location
# id modulo this), so that as many worker processes share them: about one group per worker
# process; the default, 2, fits the compose worker on a 2-core machine (docs/scaling.md).
ROLLUP_LOCATION_GROUPS = max(1, int(env("ROLLUP_LOCATION_GROUPS", "2")))
# On: each group's roll-ups (its sweep and reconciliation tasks, and the prompt roll-up of
# its locations' days) go to a queue of its own, rollup.g0, rollup.g1 …, for workers on
# several machines to consume a share each (`celery -A config worker -Q rollup.g0`). Off:
# every task goes to the default queue.
ROLLUP_QUEUES_PER_GROUP = env_bool("ROLLUP_QUEUES_PER_GROUP")
CELERY_TASK_ROUTES = ("dashboards.location_groups.route_task",)
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
    # Webhooks: whatever is due in the outbox (docs/api.md). Each save asks for a send at
    # once; this sweep retries, and sends what was saved while Redis was down.
    "send-webhooks": {
        "task": "touchpoints.send_webhooks",
        "schedule": timedelta(seconds=int(env("WEBHOOK_SWEEP_SECONDS", "10"))),
        "options": {"expires": 10},
    },
    # Comments whose prompt tagging was lost, and any re-tag left unfinished, within the
    # minute; a run with nothing to tag costs two indexed queries (feedback/themes/retag.py).
    "tag-comments": {
        "task": "feedback.retag_comments",
        "schedule": crontab(),
        "options": {"expires": 60},
    },
    # Words no theme covers that rose last week, suggested as themes (docs/metrics.md).
    "rising-theme-words": {
        "task": "feedback.find_rising_words",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every class of personal data past its retention period, in small batches, while the
    # front line is quietest (dashboards/retention.py, docs/privacy.md).
    "prune-expired-data": {
        "task": "dashboards.prune_expired",
        "schedule": crontab(hour=2, minute=30),
    },
    # Big exports: a job whose worker died is started again, and files past their time go.
    "export-jobs": {
        "task": "dashboards.sweep_export_jobs",
        "schedule": crontab(),
        "options": {"expires": 60},
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
# A customer (by their hashed booking code or loyalty number) is invited at most once in
# this many days, whether on the tablet, by link or through the API (feedback/invitations.py).
INVITE_SAME_CUSTOMER_DAYS = int(env("INVITE_SAME_CUSTOMER_DAYS", "30"))
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL")


def env_rate(name: str, default: str) -> tuple[int, int]:
    requests, _, seconds = env(name, default).partition("/")
    return int(requests), int(seconds)


# Public feedback pages, as "requests/seconds": tokens not found from one address (guessing).
# A real token is never limited: nobody else's requests may lock its customer out.
FEEDBACK_RATE_LIMITS = {
    "miss": env_rate("FEEDBACK_RATE_MISSES_PER_ADDRESS", "20/600"),
}
# Tablet hand-over: back to the log screen after this long untouched; a lock nobody touches
# for the second figure is forgotten even if the page died.
FEEDBACK_HANDOVER_IDLE_SECONDS = int(env("FEEDBACK_HANDOVER_IDLE_SECONDS", "90"))
FEEDBACK_HANDOVER_FORGET_SECONDS = int(env("FEEDBACK_HANDOVER_FORGET_SECONDS", "1800"))
# The customer's thank-you on the tablet stays this long before the give-back screen: long
# enough to read it, short enough that the next customer never sees it.
FEEDBACK_THANK_YOU_SECONDS = int(env("FEEDBACK_THANK_YOU_SECONDS", "6"))
# The staff member's way back from the customer's screen: the corner held this long (a tap,
# or a customer's stray touch, is shorter).
FEEDBACK_EXIT_HOLD_SECONDS = float(env("FEEDBACK_EXIT_HOLD_SECONDS", "1.5"))
CSRF_FAILURE_VIEW = "feedback.views.csrf_failure"
# --- Dashboards: figures resting on fewer answers (or moments) than this are drawn muted and
# marked "few answers" (docs/metrics.md, "How sure is a figure?"). ---
FEW_ANSWERS = int(env("FEW_ANSWERS", "30"))
# An acknowledged need still not provided or declined this many days after it was raised is
# marked overdue on the manager's dashboard (docs/metrics.md, "Needs").
NEED_TARGET_DAYS = int(env("NEED_TARGET_DAYS", "7"))

# --- Big exports (dashboards/export_jobs.py): a moments export over this many moments is
# written by the Celery worker, not the web request; the manager watches its progress and
# downloads the file, kept this many hours under EXPORT_DIR. A job whose heartbeat (each
# chunk of rows) is older than EXPORT_STALE_SECONDS lost its worker: the sweep starts it
# again, up to EXPORT_ATTEMPTS times, then marks it failed. ---
EXPORT_JOB_ROWS = int(env("EXPORT_JOB_ROWS", "50000"))
EXPORT_DIR = Path(env("EXPORT_DIR", str(DATA_DIR / "exports")))
EXPORT_KEEP_HOURS = float(env("EXPORT_KEEP_HOURS", "24"))
EXPORT_STALE_SECONDS = int(env("EXPORT_STALE_SECONDS", "300"))
EXPORT_ATTEMPTS = int(env("EXPORT_ATTEMPTS", "3"))
# A year at a hub (3 M moments) must fit; below the broker's visibility timeout, so that a
# slow export is never handed to a second worker while the first still writes.
EXPORT_TIME_LIMIT = int(env("EXPORT_TIME_LIMIT", "1800"))
# Tests only: the worker pauses this long after each chunk of rows, so that a test can kill
# it halfway through a job (tests/dashboards/test_worker.py).
EXPORT_TEST_PAUSE_SECONDS = float(env("EXPORT_TEST_PAUSE_SECONDS", "0"))

# --- The API (dashboards/api/, docs/api.md) ---
# Calls per key, as "requests/seconds"; a body longer than this many bytes gets 413.
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "600/60")
API_MAX_BODY_BYTES = int(env("API_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
# Webhooks: receivers get this long to answer; one failing without a success this many
# hours is paused (admins are emailed); a rotated secret keeps signing this many hours.
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_PAUSE_AFTER_HOURS = float(env("WEBHOOK_PAUSE_AFTER_HOURS", "24"))
WEBHOOK_SECRET_OVERLAP_HOURS = float(env("WEBHOOK_SECRET_OVERLAP_HOURS", "24"))
# Off: receivers must be https on public addresses. On: any http(s) address (a receiver on
# the company's own network, or a test's).
WEBHOOK_ALLOW_PRIVATE_URLS = env_bool("WEBHOOK_ALLOW_PRIVATE_URLS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
# Configures LOGGING, then makes every logger that prints a request's path (Django's request
# warnings, runserver's lines, gunicorn's access log) drop customer tokens from it first.
LOGGING_CONFIG = "config.log_redaction.configure"
