"""Settings, all from the environment (django-environ).

Every variable is listed with its default in the README's "Settings" table. The
defaults are the embedded laptop setup: SQLite, Celery on a folder, texts printed
to the console, a local calendar. Setting DATABASE_URL / CELERY_BROKER_URL moves
to PostgreSQL / Redis with no code change.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # a missing .env is fine: the env wins

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env.bool("DEBUG", default=False)
INSECURE_DEV_SECRET_KEY = "django-insecure-dev-only-never-in-production"  # noqa: S105 (refused by check --deploy)  # nosec B105
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)

PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://localhost:8000").rstrip("/")
_public_host = urlsplit(PUBLIC_BASE_URL).hostname or "localhost"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", _public_host])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[PUBLIC_BASE_URL])

INSTALLED_APPS = [
    "workflow.apps.StudioAdminConfig",  # django.contrib.admin, with two-factor login when ADMIN_2FA is on
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "workflow",
    "musicians",
    "scheduling",
    "bookings",
    "messaging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "workflow.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Admin logins: after AXES_FAILURE_LIMIT failures from one address for one user, that
# pair waits AXES_COOLOFF_MINUTES, twice as long after each further round, at most
# AXES_COOLOFF_MAX_MINUTES (workflow/login_throttle.py; django-axes, attempts in the database).
# The address is the client's, through the proxies we trust (workflow/client_ip.py), so
# someone guessing from one address never locks Dane out at his.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_BASE_MINUTES = env.float("AXES_COOLOFF_MINUTES", default=1)
AXES_COOLOFF_MAX_MINUTES = env.float("AXES_COOLOFF_MAX_MINUTES", default=24 * 60)
AXES_COOLOFF_TIME = "workflow.login_throttle.login_cool_off"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the rounds are counted from it
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a try while refused neither counts nor extends the wait
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "workflow.client_ip.client_ip_address"
# Two-factor admin login (TOTP, django-otp): enrol with `manage.py totp_enrol <user>` first.
ADMIN_2FA = env.bool("ADMIN_2FA", default=False)
OTP_TOTP_ISSUER = "Workflow"

ROOT_URLCONF = "workflow.urls"
WSGI_APPLICATION = "workflow.wsgi.application"

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
                "workflow.csp.csp_nonce",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
# Short-lived connections for workers; web processes keep theirs for a minute.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a web server and a worker at once. IMMEDIATE takes the
    # write lock at BEGIN, so a second writer waits up to `timeout` seconds instead of
    # failing at once with "database is locked" when its read turns into a write; WAL lets
    # reads go on during a write (Django 5.1+, see "SQLite notes" in Django's docs).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    } | DATABASES["default"].get("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # stored and computed in UTC; people see their own zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (production hardening switches on when DEBUG is off) -------------
# Only behind our own reverse proxy (it sets X-Forwarded-Proto and appends the client to
# X-Forwarded-For): without one, a client could send those headers itself.
TRUST_PROXY_HEADERS = env.bool("TRUST_PROXY_HEADERS", default=False)
PROXY_COUNT = env.int("PROXY_COUNT", default=1)  # how many of our proxies stand in front
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_PROXY_HEADERS else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A year once HTTPS is confirmed (the site redirects to it and is not in DEBUG): browsers
# then refuse plain HTTP for it. Off otherwise, so a laptop's http://localhost is not pinned.
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if SECURE_SSL_REDIRECT and not DEBUG else 0
)
# Off by default: a studio's other subdomains (its shop, its mail) may not all serve HTTPS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
# Error reports (the DEBUG page, mails to ADMINS) hide every secret, in settings and in
# the environment runserver puts in request.META: workflow/error_reports.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "workflow.error_reports.SecretsFilter"
X_FRAME_OPTIONS = "DENY"
# workflow/csp.py fills in {nonce} per response. Inline styles stay allowed (the admin's own
# templates use style attributes); inline scripts need the nonce.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = DATA_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's folder transport: fine on one laptop, not crash-safe (see README).
    # The folder is polled: every 0.1 s instead of kombu's 1 s, so a task waits 0.1 s, not 1.
    # Its control (pidbox) tables go to DATA_DIR too, not to ./control where make run starts.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "polling_interval": 0.1,
    }
else:
    # A task taken by a worker that then died is handed out again after this long.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task runs for ever: at the soft limit a task is told (the send task counts its try and
# lets the text go), at the hard limit its process is killed and the task handed out again.
# Keep SEND_CLAIM_LEASE_SECONDS at least the hard limit, so a text's claim outlives its run.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)

# --- The studio (used to create the Studio row when none exists yet) -------------
STUDIO_NAME = env.str("STUDIO_NAME", default="Custom Tracks Studio")
STUDIO_ADDRESS = env.str("STUDIO_ADDRESS", default="")
STUDIO_TIME_ZONE = env.str("STUDIO_TIME_ZONE", default="America/New_York")
STUDIO_CALENDAR_ID = env.str("STUDIO_CALENDAR_ID", default="")
STUDIO_OPENS_AT = env.str("STUDIO_OPENS_AT", default="10:00")
STUDIO_CLOSES_AT = env.str("STUDIO_CLOSES_AT", default="18:00")
MANAGER_NAME = env.str("MANAGER_NAME", default="Dane")
MANAGER_PHONE = env.str("MANAGER_PHONE", default="")

# --- Intake ----------------------------------------------------------------------
ZAPIER_TOKEN = env.str("ZAPIER_TOKEN", default="")
INBOUND_EMAIL_MAX_BYTES = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = INBOUND_EMAIL_MAX_BYTES + 64 * 1024

# --- Providers -------------------------------------------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(DATA_DIR / "sms.jsonl"))
CALENDAR_BACKEND = env.str("CALENDAR_BACKEND", default="local")

VONAGE_API_KEY = env.str("VONAGE_API_KEY", default="")
VONAGE_API_SECRET = env.str("VONAGE_API_SECRET", default="")
VONAGE_FROM = env.str("VONAGE_FROM", default="")  # the studio's Vonage number, E.164
VONAGE_SIGNATURE_SECRET = env.str("VONAGE_SIGNATURE_SECRET", default="")
VONAGE_SIGNATURE_METHOD = env.str("VONAGE_SIGNATURE_METHOD", default="sha256")  # md5, sha1, sha256, sha512
VONAGE_REST_HOST = env.str("VONAGE_REST_HOST", default="")  # empty: the SDK's own (rest.nexmo.com)
SMS_RATE_PER_SECOND = env.float("SMS_RATE_PER_SECOND", default=30.0)  # the account's throughput
SMS_MAX_RETRIES = env.int("SMS_MAX_RETRIES", default=6)
RETRY_BASE_SECONDS = env.float("RETRY_BASE_SECONDS", default=15.0)  # first backoff; doubles each try
SEND_CLAIM_LEASE_SECONDS = env.int("SEND_CLAIM_LEASE_SECONDS", default=300)  # a send claimed longer ago is retaken
# A try whose answer was lost (a read timeout: Vonage may have taken it) is not tried again
# before a receipt has had this long to come: a receipt with our client-ref marks it sent.
SMS_RECEIPT_WAIT_SECONDS = env.int("SMS_RECEIPT_WAIT_SECONDS", default=900)
RELAY_AFTER_SECONDS = env.int("RELAY_AFTER_SECONDS", default=120)  # work left unqueued this long is queued again
# A YES/NO button press still undecided this long: its page stops refreshing and says the studio will
# text the musician, and the decision, when it comes, is texted to them.
PRESS_SLOW_SECONDS = env.int("PRESS_SLOW_SECONDS", default=60)

GOOGLE_SERVICE_ACCOUNT_FILE = env.str("GOOGLE_SERVICE_ACCOUNT_FILE", default="")
GOOGLE_SERVICE_ACCOUNT_JSON = env.str("GOOGLE_SERVICE_ACCOUNT_JSON", default="")
GOOGLE_DELEGATED_USER = env.str("GOOGLE_DELEGATED_USER", default="")
GOOGLE_FREEBUSY_CACHE_SECONDS = env.int("GOOGLE_FREEBUSY_CACHE_SECONDS", default=60)
CALENDAR_SYNC_MAX_RETRIES = env.int("CALENDAR_SYNC_MAX_RETRIES", default=6)
# Work that keeps raising (planning a booking, reading a stored email) is tried this many
# times, then marked failed with its error and the manager told once; the rest goes on.
WORK_MAX_FAILURES = env.int("WORK_MAX_FAILURES", default=3)

# --- The sweep -------------------------------------------------------------------
ESCALATION_INTERVAL_MINUTES = env.int("ESCALATION_INTERVAL_MINUTES", default=15)
ESCALATE_AFTER_MINUTES = env.int("ESCALATE_AFTER_MINUTES", default=60)  # the seed policy's wait
# The fill policy of a studio with no FillPolicy row yet (the admin makes one): paced or seed.
FILL_POLICY = env.str("FILL_POLICY", default="paced")
CELERY_BEAT_SCHEDULE = {
    "sweep-due-offers": {
        "task": "bookings.tasks.sweep_due_offers",
        "schedule": ESCALATION_INTERVAL_MINUTES * 60,
    },
    "relay-stranded-work": {"task": "workflow.tasks.relay_stranded_work", "schedule": 60},
}

# --- The booking engine ----------------------------------------------------------
MIN_LEAD_MINUTES = env.int("MIN_LEAD_MINUTES", default=120)  # no session sooner than this
MUSICIAN_ORDER = env.str("MUSICIAN_ORDER", default="recent_first")  # or rested_first
ADVANCE_ON_DECLINE = env.bool("ADVANCE_ON_DECLINE", default=True)  # off: a NO waits for the sweep

# --- Health (/health, `manage.py health`, the board's banner) -------------------
# A part not seen for this long is reported: /health answers 503, the board shows a banner.
HEALTH_STALE_MINUTES = env.int("HEALTH_STALE_MINUTES", default=5)
HEALTH_PING_TIMEOUT_SECONDS = env.float("HEALTH_PING_TIMEOUT_SECONDS", default=1.0)  # a worker's ping, the broker
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=60.0)
# The heartbeats live in a cache every process shares: Redis when the broker is Redis,
# else a folder in DATA_DIR (a laptop's web, worker and beat share the disk).
CACHES = {
    "default": {
        "BACKEND": "core.redis_cache.RedisCache",  # Django's, its Redis client kept
        "LOCATION": CELERY_BROKER_URL,
        "KEY_PREFIX": "workflow",
        "OPTIONS": {
            "socket_connect_timeout": HEALTH_PING_TIMEOUT_SECONDS,
            "socket_timeout": HEALTH_PING_TIMEOUT_SECONDS,
        },
    }
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache")}
}
# The health URLs answer plain HTTP on loopback, so a container's own healthcheck can reach them.
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^healthz$"]

# --- Error reporting (optional: nothing of Sentry is loaded without a DSN) ----------
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)  # errors only, by default

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Musicians' and clients' side (bookings.dropouts, reminders, client_emails, forwarding) ---
# Email to clients: console on a laptop; in production EMAIL_URL, e.g. smtp+tls://user:pass@host:587
# (django-environ), or set EMAIL_BACKEND to an anymail backend and its own settings.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="studio@localhost")
CLIENT_EMAIL_MAX_RETRIES = env.int("CLIENT_EMAIL_MAX_RETRIES", default=6)  # then marked failed on the board
# The reminder each booked musician gets before a session (sent earlier if it would land in their quiet hours).
REMINDER_HOURS_BEFORE = env.int("REMINDER_HOURS_BEFORE", default=24)
REMINDER_SWEEP_MINUTES = env.int("REMINDER_SWEEP_MINUTES", default=15)  # how often Beat looks for due reminders
# Dane's text on a day with sessions (his studio's clock); off: MORNING_SUMMARY=False.
MORNING_SUMMARY = env.bool("MORNING_SUMMARY", default=True)
MORNING_SUMMARY_HOUR = env.int("MORNING_SUMMARY_HOUR", default=8)
# A musician's reply a person must read goes to Dane at most once per musician and booking in this long.
REPLY_FORWARD_EVERY_MINUTES = env.int("REPLY_FORWARD_EVERY_MINUTES", default=60)
CELERY_BEAT_SCHEDULE |= {
    "send-session-reminders": {
        "task": "bookings.musician_tasks.send_session_reminders",
        "schedule": REMINDER_SWEEP_MINUTES * 60,
    },
    "send-morning-summary": {"task": "bookings.musician_tasks.send_morning_summary", "schedule": 15 * 60},
    "relay-client-emails": {"task": "bookings.musician_tasks.relay_client_emails", "schedule": 5 * 60},
}
