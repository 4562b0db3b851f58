"""Settings for the exercise server, read from the environment.

With nothing set, a fresh clone runs in the embedded mode: a SQLite file, the in-memory channel
layer and Celery tasks run eagerly inside the server process. Set DATABASE_URL and REDIS_URL for
the production shape (PostgreSQL, channels_redis, Celery workers).

An empty variable counts as unset, so a blank line in a compose file keeps the default.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_float(name: str, default: float) -> float:
    value = env_str(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_choice(name: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, the first when unset."""
    value = env_str(name, choices[0]).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blank items are dropped."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DJANGO_DEBUG", True)

# A key that signs sessions must not be guessable: Django's own check wants 50 characters of at
# least 5 kinds; below 32, or of fewer than 10 different characters, the server refuses to start.
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_CHARACTERS = 10
MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def checked_secret_key(key: str) -> str:
    if len(key) < MIN_SECRET_KEY_LENGTH:
        problem = f"is {len(key)} characters long; it needs {MIN_SECRET_KEY_LENGTH} or more"
    elif len(set(key)) < MIN_SECRET_KEY_CHARACTERS:
        problem = f"has only {len(set(key))} different characters"
    else:
        return key
    raise ImproperlyConfigured(f"DJANGO_SECRET_KEY {problem}: make one with {MAKE_A_KEY}")


# Every process of one deployment (web, worker, beat) must share this key.
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if SECRET_KEY:
    checked_secret_key(SECRET_KEY)
elif not DEBUG:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
else:
    SECRET_KEY = "django-insecure-wargame-development-key-never-use-it-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# Origins (scheme://host[:port]) besides the server's own from which a form may be posted or a
# browser's WebSocket opened: a proxy that changes the Host header needs its public one here.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS. With debug off the server assumes it is reached over HTTPS (directly or through a
# proxy that says so: uvicorn trusts X-Forwarded-Proto from FORWARDED_ALLOW_IPS): plain HTTP is
# redirected, browsers are told to come back over HTTPS only (HSTS), and cookies are Secure.
# WARGAME_HTTPS=false turns all three off (a trial on http://localhost); each has its own switch.
HTTPS = env_bool("WARGAME_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("WARGAME_SECURE_SSL_REDIRECT", HTTPS)
# Health checks and metrics scrapers ask over plain HTTP inside the deployment, past the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("WARGAME_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("WARGAME_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("WARGAME_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("WARGAME_SECURE_COOKIES", HTTPS)
# Preloading a domain into browsers is a promise about every subdomain, for months, that only
# the domain's owner can make: not a default, so Django's reminder of it is not shown either.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Pages load their scripts and styles from /static/ only: no inline script, style or handler
# (exercises/templates, static/js), so an injected one does not run. The stream's WebSocket is
# 'self' too. The HTML export (an attachment with its style inline) is opened from disk.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "exercises",
]

MIDDLEWARE = [
    # Outermost: it times and logs every request, whatever the middleware below answers.
    "wargame.middleware.RequestLog",
    "django.middleware.security.SecurityMiddleware",
    "wargame.middleware.Sessions",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost, to see a view's database errors before Django turns them into a 500.
    "wargame.middleware.Overload",
]

ROOT_URLCONF = "wargame.urls"
ASGI_APPLICATION = "wargame.asgi.application"
WSGI_APPLICATION = "wargame.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


def _sqlite_database() -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": Path(env_str("WARGAME_SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))),
        "OPTIONS": {
            # The ASGI server runs ORM calls in threads and eager Celery tasks write from the
            # same process: take the write lock when a transaction begins, so two writers wait
            # for each other instead of failing with "database is locked" on a lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def _server_database(url: str) -> dict[str, Any]:
    # Connections are checked before reuse, so a database that restarted costs a reconnect,
    # not a failed request.
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_health_checks=True))
    if database["ENGINE"] != "django.db.backends.postgresql":
        return database
    options: dict[str, Any] = {**database.get("OPTIONS", {})}
    database["OPTIONS"] = options
    # No statement runs longer than this: a request stuck behind something slow is answered
    # (503, wargame/middleware.py) instead of holding a server thread for good.
    statement_ms = round(env_float("WARGAME_STATEMENT_TIMEOUT", 30.0) * 1000)
    options["options"] = f"-c statement_timeout={statement_ms}"
    pool_size = int(env_float("WARGAME_DB_POOL_SIZE", 10))
    if pool_size > 0:
        # Every process (each web process, worker and beat) shares this many connections
        # among all its threads: pages, the API and the live stream. A request that finds them
        # all busy waits for one up to WARGAME_DB_POOL_TIMEOUT, then gets a 503.
        options["pool"] = {
            "min_size": min(2, pool_size),
            "max_size": pool_size,
            "timeout": env_float("WARGAME_DB_POOL_TIMEOUT", 10.0),
        }
    return database


DATABASE_URL = env_str("DATABASE_URL")
DATABASES: dict[str, dict[str, Any]] = {
    "default": _server_database(DATABASE_URL) if DATABASE_URL else _sqlite_database()
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Redis, when given, carries both the channel layer and the Celery broker. Without it everything
# stays in one process: the in-memory layer cannot hear a worker in another process, so tasks
# run eagerly in the server instead. With it, only workers adjudicate: no eager fallback.
REDIS_URL = env_str("REDIS_URL")
CHANNEL_LAYERS: dict[str, dict[str, Any]]
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True

CELERY_TASK_EAGER_PROPAGATES = CELERY_TASK_ALWAYS_EAGER
# Tasks write their results to the database; nobody waits on a Celery result.
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it has run, so a worker that dies mid-task hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Workers and beat log as the web processes do (LOGGING), not in Celery's own format: the
# setup_logging receiver in wargame/celery.py applies LOGGING instead.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Celery beat (production) sends the deadline sweep every 2 seconds; embedded mode runs the same
# sweep in the server process (exercises/runtime.py). A sweep nobody picked up within its period
# is dropped rather than run late: the next one does the same work.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "sweep-turn-deadlines": {
        "task": "exercises.tasks.sweep",
        "schedule": 2.0,
        "options": {"expires": 2.0},
    }
}

# A job's lease (exercises/services/jobs.py), and a worker's claim on an adjudication: after this
# many seconds without a result the sweep hands the job out again and another worker may take
# the turn over (the first one died, presumably, or its message was lost).
WARGAME_ADJUDICATION_LEASE = env_float("WARGAME_ADJUDICATION_LEASE", 30.0)
# A worker running a job records a heartbeat this often (seconds); five missed beats and the
# sweep takes the worker for dead and hands its job out again, without waiting for the lease.
WARGAME_JOB_HEARTBEAT = env_float("WARGAME_JOB_HEARTBEAT", 2.0)
# How long (seconds) a write waits for an exercise's lock before it gives up with a 503 "busy"
# and Retry-After (exercises/services/locking.py); on PostgreSQL.
WARGAME_LOCK_TIMEOUT = env_float("WARGAME_LOCK_TIMEOUT", 3.0)
# Requests a seat may make through the API and its pages: this many a second on average, in
# bursts of up to WARGAME_API_BURST; more get a 429 (exercises/throttle.py).
WARGAME_API_RATE = env_float("WARGAME_API_RATE", 30.0)
WARGAME_API_BURST = env_float("WARGAME_API_BURST", 120.0)
# Requests from one address that no token or session opened: this many a second, in bursts.
WARGAME_ANONYMOUS_RATE = env_float("WARGAME_ANONYMOUS_RATE", 1.0)
WARGAME_ANONYMOUS_BURST = env_float("WARGAME_ANONYMOUS_BURST", 30.0)
# Megabytes of exports a seat may download a minute (a minute's worth at once).
WARGAME_EXPORT_RATE = env_float("WARGAME_EXPORT_RATE", 20.0)
# Where exports are kept once built (exercises/services/export_cache.py), and how many megabytes
# of them; they hold seats' secrets, so the directory is readable by the server's user only.
WARGAME_EXPORT_CACHE_DIR = Path(
    env_str(
        "WARGAME_EXPORT_CACHE_DIR",
        str(Path(tempfile.gettempdir()) / f"wargame-exports-{os.getuid()}"),
    )
)
WARGAME_EXPORT_CACHE_MB = env_float("WARGAME_EXPORT_CACHE_MB", 512.0)
# Every server process compares each exercise it streams with the log this often, to find an
# event whose channel-layer message was lost at the end of the log (exercises/live/feed.py).
WARGAME_LIVE_CHECK_SECONDS = env_float("WARGAME_LIVE_CHECK_SECONDS", 2.0)
# The embedded mode's server closes due turns and hands out lost jobs itself (exercises/runtime.py);
# the test suite turns that off, to sweep only when a test says so.
WARGAME_EMBEDDED_SWEEPER = env_bool("WARGAME_EMBEDDED_SWEEPER", True)

# An uploaded scenario is untrusted: loading and checking it runs in a child process that may use
# this many seconds (of CPU and of the clock) and megabytes of address space; the quick check
# (a short simulation of each policy, run as a job) gets its own time limit.
WARGAME_SCENARIO_SECONDS = env_float("WARGAME_SCENARIO_SECONDS", 10.0)
WARGAME_SCENARIO_MEMORY_MB = env_float("WARGAME_SCENARIO_MEMORY_MB", 512.0)
WARGAME_QUICK_CHECK_SECONDS = env_float("WARGAME_QUICK_CHECK_SECONDS", 60.0)

# The bearer token that opens /metrics (Prometheus's text format); unset, /metrics is a 404.
WARGAME_METRICS_TOKEN = env_str("WARGAME_METRICS_TOKEN")

# Logs: one line of JSON per record on standard output, for every process (web, worker, beat).
# Each request is one line (wargame/middleware.py: its route, status, time, exercise and seat,
# never a token) and each job another (exercises/services/jobs.py); a 500 is logged with its
# traceback whether debug is on or off.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "wargame.log_redaction.RedactedJsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # uvicorn repeats each message with terminal colours in `color_message`.
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            # manage.py sets stderr, to keep its commands' own output clean.
            "stream": f"ext://sys.{env_choice('WARGAME_LOG_STREAM', ('stdout', 'stderr'))}",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": env_str("WARGAME_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # Django's own handlers print only with debug on: everything goes to the root instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "uvicorn": {"handlers": [], "propagate": True},
        # The request log replaces uvicorn's, which writes the raw path: a /join/ token.
        "uvicorn.access": {"handlers": [], "propagate": False},
    },
}
