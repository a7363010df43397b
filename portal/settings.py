"""Samverkan settings, read from the environment.

With nothing set the portal runs on an embedded default: SQLite in ``var/`` and a
Celery broker on the local filesystem, so ``make run`` needs no services. Set
``DATABASE_URL`` and ``REDIS_URL`` to run on PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SAMVERKAN_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A key that only development and tests may use. Production refuses it.
_DEV_SECRET_KEY = "samverkan-development-key-not-for-production-use-0123456789"  # noqa: S105 # nosec B105 # refused in production
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (
    SECRET_KEY == _DEV_SECRET_KEY
    or len(SECRET_KEY) < 50
    or SECRET_KEY.startswith("django-insecure")
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured("SECRET_KEY is not a real secret: use 50+ random characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "guardian",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "portal",
    "cases",
    "consent",
    "referrals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A request id for every request: on the access log, the change log and the answer.
    "portal.accesslog.CorrelationIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A login lasts SESSION_ABSOLUTE_SECONDS at most, however busy (portal/sessions.py).
    "portal.sessions.AbsoluteSessionLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Deny by default until the second factor is passed (portal/two_factor.py).
    "portal.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, so that a locked-out login never reaches the view.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'samverkan.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            # WAL lets the web server and the worker read and write side by side.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The visibility rules make short queries with large estimated costs (subplans
    # over reports and consents that mostly never run); PostgreSQL's JIT would spend
    # hundreds of milliseconds compiling each of them for a few milliseconds of work.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # A dashboard's count of the city groups some 10,000 (school, period, gender)
    # keys: with PostgreSQL's default 4 MB it sorts them on disk instead of
    # hashing them in memory (118 → 50 ms).
    work_mem = env.str("DATABASE_WORK_MEM", default="32MB")
    options["options"] = f"{options.get('options', '')} -c jit=off -c work_mem={work_mem}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, login and access ----------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out credentials before any other backend runs.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-guardian: no anonymous user; object grants live in direct-FK tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: lock a username from one address, not a whole office behind one NAT.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# ...and 10 hours after login, however busy (portal.sessions.AbsoluteSessionLimitMiddleware).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)

# Two-factor login (portal/two_factor.py): the name authenticator apps show, and the
# throttle on wrong codes (1, 2, 4, 8… seconds after successive failures).
OTP_TOTP_ISSUER = "Samverkan"
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_THROTTLE_FACTOR", default=1)

# --- Security headers in production --------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# A strict Content-Security-Policy: only the portal's own scripts, styles and
# images; no inline script or style anywhere (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# --- Language and time ------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# --- E-mail ---------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:pass@mail.example:587. Without it, mail goes to
# files under var/mail so that a developer can read what would have been sent.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Samverkan <noreply@samverkan.invalid>")

# --- Celery -----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # No task waits in Redis for long (reminders are rows, not ETA tasks), so an
    # unacknowledged message only comes back after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("REDIS_VISIBILITY_TIMEOUT", default=3600)
    }
else:
    # Embedded default: a broker in local folders, no Redis needed.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Reminders (portal/reminders.py) ------------------------------------------------------
#: The address links in e-mails point to.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
#: How often beat sweeps for due reminders.
REMINDER_SWEEP_SECONDS = env.float("REMINDER_SWEEP_SECONDS", default=60.0)
#: Reminders per send task, and at most this many per sweep.
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=100)
REMINDER_SWEEP_MAX = env.int("REMINDER_SWEEP_MAX", default=50_000)
#: A claimed reminder not sent within this many seconds (its worker died, or the
#: broker lost its message) is claimed again.
REMINDER_CLAIM_TIMEOUT = env.int("REMINDER_CLAIM_TIMEOUT_SECONDS", default=600)
#: Attempts before a reminder is failed and shown to administrators, and the first
#: wait before a retry (it doubles each time).
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
REMINDER_RETRY_BACKOFF = env.int("REMINDER_RETRY_BACKOFF_SECONDS", default=60)
#: Hours before a meeting that its participants are reminded, per meeting kind
#: (the default in cases/reminders.py: 48 and 2; a week and a day for SIP follow-ups).
MEETING_REMINDER_HOURS = env.json("MEETING_REMINDER_HOURS", default={})
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {
        "task": "portal.reminders_sweep",
        "schedule": REMINDER_SWEEP_SECONDS,
        # A sweep still queued when the next one is due is dropped, not stacked.
        "options": {"expires": max(REMINDER_SWEEP_SECONDS - 1, 1)},
    },
    "manager-digests": {
        "task": "portal.manager_digests",
        "schedule": crontab(hour=7, minute=0),  # CELERY_TIMEZONE: Europe/Stockholm
    },
}

# Dashboard figures are kept this many seconds once computed (portal/dashboard_figures.py;
# 0: every view counts), and beat computes every manager's named periods this often.
DASHBOARD_FIGURES_MAX_AGE = env.int("DASHBOARD_FIGURES_MAX_AGE_SECONDS", default=300)
DASHBOARD_FIGURES_REFRESH = env.int("DASHBOARD_FIGURES_REFRESH_SECONDS", default=240)
if DASHBOARD_FIGURES_MAX_AGE > 0:
    CELERY_BEAT_SCHEDULE["dashboard-figures"] = {
        "task": "portal.dashboard_figures_refresh",
        "schedule": DASHBOARD_FIGURES_REFRESH,
        "options": {"expires": max(DASHBOARD_FIGURES_REFRESH - 1, 1)},
    }
# Panels that must be counted for a view are counted side by side on this many
# database connections, the request's own among them (PostgreSQL only; 1: one by one).
DASHBOARD_COUNTING_CONNECTIONS = env.int("DASHBOARD_COUNTING_CONNECTIONS", default=4)

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# A report received at or after this local hour gets its skyddsbedömning the next
# working day (default in portal/rules.py).
PROTECTION_ASSESSMENT_CUTOFF_HOUR = env.int("PROTECTION_ASSESSMENT_CUTOFF_HOUR", default=15)

# How long a break-glass override opens a pupil's information (default in rules).
OVERRIDE_HOURS = env.int("OVERRIDE_HOURS", default=24)

# The password every demo user gets from `manage.py seed_demo`.
SAMVERKAN_DEMO_PASSWORD = "samverkan-demo"  # noqa: S105 # nosec B105 # demo only, seed_demo refuses production

FORM_RENDERER = "portal.forms.PortalFormRenderer"

# --- Audit and retention (issue 8: portal/accesslog.py, portal/audit/) ----------------------------
# The change log's correlation id is the request id of portal.accesslog.CorrelationIdMiddleware.
AUDITLOG_CID_GETTER = "portal.accesslog.current_correlation_id"
# Gallring by Celery beat, nightly at 02:30 Stockholm time. Off unless turned on: the
# first run in production is `manage.py gallring --dry-run`, read by the archive.
RETENTION_SCHEDULE_ENABLED = env.bool("RETENTION_SCHEDULE_ENABLED", default=False)
if RETENTION_SCHEDULE_ENABLED:
    CELERY_BEAT_SCHEDULE["retention-run"] = {
        "task": "portal.retention_run",
        "schedule": crontab(hour=2, minute=30),
    }
