"""Settings for the Micro-Internships Portal, read from the environment.

Every variable is optional on a laptop: with none set the portal runs on SQLite under
``var/``, prints email to the console and runs Celery on a file-based broker. With
``DEBUG=false`` the secrets must come from the environment, never from a default.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _secret(name, default=None):
    """Read NAME, or the file named by NAME_FILE (for secrets mounted as files)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=True)


def _required(name, value):
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is false.")
    return value


if DEBUG:
    SECRET_KEY = _secret("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
    # A fixed development key so that a laptop needs nothing set; production must set its own.
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=["ZGV2LW9ubHkta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE="])
else:
    SECRET_KEY = _required("SECRET_KEY", _secret("SECRET_KEY"))
    ALLOWED_HOSTS = _required("ALLOWED_HOSTS", env.list("ALLOWED_HOSTS", default=[]))
    FIELD_ENCRYPTION_KEYS = _required(
        "FIELD_ENCRYPTION_KEYS",
        [k for k in (_secret("FIELD_ENCRYPTION_KEYS") or "").split(",") if k.strip()],
    )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # Django's admin, with safe list filters
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "csp",
    "portal",
    "opportunities",
    "payroll",
    "applications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.UriTooLongMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.zones.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: staff reach the admin only with a second factor used in this session.
    "portal.mfa.AdminSecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "portal.context_processors.navigation",
            ],
            # {% url %} reversing the addresses without arguments once per process.
            "builtins": ["portal.template_urls"],
        },
    },
    {
        # Only for the pages rendered by portal.jinja_env.render_page (that module says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "portal.jinja_env.environment"},
    },
]
# Forms and widgets drawn from Django's Jinja2 templates (portal/renderers.py says why).
FORM_RENDERER = "portal.renderers.FormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection is kept for ten minutes. Opening one doubles the time of the request that does it
# (the applicants page: 23 ms instead of 11; a new server process, its caches cold, each statement
# prepared again), and under load the requests queued behind it wait too (with a new connection
# every 3 seconds, that page's p99 at 16 connections was 115 to 142 ms instead of 84 to 99).
DATABASES["default"].setdefault("CONN_MAX_AGE", 0 if DEBUG else 600)
# A persistent connection that the database dropped (restart, failover, idle kill) is checked
# before a request uses it and replaced, instead of answering that request with a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same check without its round trip: the request's first query is the check.
    DATABASES["default"]["ENGINE"] = "portal.postgresql"
# The pages' repeated queries (portal/prepared.py) are PostgreSQL prepared statements, planned
# once per connection. Turn off behind a pooler that shares server connections between
# transactions (PgBouncer's transaction mode before 1.21): a statement prepared on one would be
# missing on the next.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to a per-process cache while Redis is down (portal/cache.py).
            "BACKEND": "portal.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast: a request waits at most this long for a Redis that does not answer.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # A file cache is shared by every process on the laptop (web and worker), so rate limits
    # hold across them; production shares Redis instead.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Accounts (django-allauth): email only, verified before anything else.
SITE_NAME = "Micro-Internships Portal"
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Second factor (allauth.mfa): an authenticator app with recovery codes, or a security key or
# passkey where the browser offers WebAuthn. Required for the admin (portal/mfa.py); optional
# for students and employers, from their account pages.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = SITE_NAME
# WebAuthn needs HTTPS except on a laptop's http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# The demo staff login's authenticator secret (base32), so the demo and outside checks can sign in.
DEMO_TOTP_SECRET = env.str("DEMO_TOTP_SECRET", default="JBSWY3DPEHPK3PXP")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACCOUNT_SIGNUP_REDIRECT_URL = "portal:dashboard"
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "portal:dashboard"

# Email: console on a laptop; EMAIL_URL (smtp://user:pass@host:587/?tls=True) in production.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = _secret("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Micro-Internships Portal <no-reply@portal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where alerts for the career center's staff go (a shared mailbox).
CAREER_CENTER_EMAIL = env.str("CAREER_CENTER_EMAIL", default="career-center@portal.localhost")
# Links in emails are absolute; the worker has no request to build them from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Celery: Redis in production; a file-based broker on a laptop, so nothing else is needed.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    # Longer than any task's time limit and retry back-off, so Redis never redelivers a task
    # that is still running or waiting.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Outbox: how long a claimed row may stay "sending" before the sweep takes it back. Longer than
# the send task's hard time limit (90 s, portal/celery.py), so a live send is never taken back.
OUTBOX_CLAIM_SECONDS = 120
OUTBOX_MAX_ATTEMPTS = 8

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))


def s3_storage_options(environ):
    """Options of django-storages' S3Storage from ``STORAGE_URL`` or the usual ``AWS_*``
    variables (either may fill in the other), or None when neither names a bucket.

    ``STORAGE_URL`` is ``s3://[KEY:SECRET@]BUCKET[/PREFIX][?endpoint_url=...&region_name=...
    &addressing_style=path]``. Objects are private: no ACL is sent (the bucket's default, private,
    applies) and any URL would be signed and short-lived; the portal serves files only through
    its permission-checked views, which stream them from the bucket.
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    def get(name):
        path = environ.get(f"{name}_FILE", "")
        return Path(path).read_text().strip() if path else environ.get(name, "")

    options = {
        "bucket_name": get("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": get("AWS_S3_ENDPOINT_URL"),
        "region_name": get("AWS_S3_REGION_NAME") or get("AWS_DEFAULT_REGION"),
        "access_key": get("AWS_ACCESS_KEY_ID"),
        "secret_key": get("AWS_SECRET_ACCESS_KEY"),
        "location": get("AWS_LOCATION"),
        "addressing_style": get("AWS_S3_ADDRESSING_STYLE"),
    }
    url = get("STORAGE_URL")
    if url:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.hostname:
            raise ImproperlyConfigured("STORAGE_URL must look like s3://bucket/prefix?endpoint_url=https://...")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        options.update(
            {
                "bucket_name": parts.hostname,
                "location": parts.path.strip("/") or options["location"],
                "access_key": unquote(parts.username or "") or options["access_key"],
                "secret_key": unquote(parts.password or "") or options["secret_key"],
                "endpoint_url": query.get("endpoint_url", options["endpoint_url"]),
                "region_name": query.get("region_name", query.get("region", options["region_name"])),
                "addressing_style": query.get("addressing_style", options["addressing_style"]),
            }
        )
    if not options["bucket_name"]:
        return None
    options = {key: value for key, value in options.items() if value}
    options.update(default_acl=None, querystring_auth=True, querystring_expire=300, file_overwrite=False)
    return options


_S3_OPTIONS = s3_storage_options(env.ENVIRON)
STORAGES = {
    # Uploads are private: served only by permission-checked views, never by a public URL. A
    # laptop keeps them under MEDIA_ROOT; more than one web machine shares an S3 bucket.
    "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _S3_OPTIONS}
    if _S3_OPTIONS
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "portal.static_storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LANGUAGE_CODE = "en-us"
# The portal's zone: organizations start in it, and it is the default for every person.
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
CELERY_TIMEZONE = TIME_ZONE
# The portal is in English only. With translation on, every date a template formats and every
# lazy label or message looked up the active language and its catalogs, whose English entries
# all repeat their own text: the same words cost the engagement page 18% of its time, and the
# applicants page and a search 6%. Dates, numbers and plurals keep the English formats
# (LANGUAGE_CODE). Turn it back on with the first language beside English.
USE_I18N = False
USE_TZ = True

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Content Security Policy: only our own assets, no inline script or style.
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
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
# Longer addresses get our 414 page (gunicorn reads request lines up to 8190 bytes, Procfile).
MAX_URI_LENGTH = 4096

# Behind a proxy that terminates HTTPS, Django learns the scheme from X-Forwarded-Proto, but only
# when TRUSTED_PROXY says the proxy sets that header itself (overwriting any value a client
# sent); otherwise any client could claim HTTPS.
if env.bool("TRUSTED_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Every signed-in page reads the session: from the cache (Redis in production), the database
# behind it, so a cache restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(timedelta(days=365).total_seconds())
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request bodies never reach the logs: Django's own request logger prints only the path.
        "django.request": {"level": "ERROR"},
    },
}

# Product settings.
PAY_FLOOR_PER_HOUR = env.int("PAY_FLOOR_PER_HOUR", default=20)
# Uploads: résumés (PDF) and work-authorization documents (PDF, JPEG, PNG).
RESUME_MAX_BYTES = env.int("RESUME_MAX_BYTES", default=5 * 1024 * 1024)
ELIGIBILITY_DOCUMENT_MAX_BYTES = env.int("ELIGIBILITY_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
WORK_FILE_MAX_BYTES = env.int("WORK_FILE_MAX_BYTES", default=20 * 1024 * 1024)
# Authorizations ending within this many days get one reminder.
ELIGIBILITY_REMINDER_DAYS = env.int("ELIGIBILITY_REMINDER_DAYS", default=30)
# Where students without work authorization are sent for advice.
INTERNATIONAL_STUDENT_SERVICES_URL = env.str("INTERNATIONAL_STUDENT_SERVICES_URL", default="")
ITIN_GUIDE_URL = env.str(
    "ITIN_GUIDE_URL", default="https://www.irs.gov/individuals/individual-taxpayer-identification-number"
)
# An offer not answered within this many days lapses and its opening is free again.
OFFER_RESPONSE_DAYS = env.int("OFFER_RESPONSE_DAYS", default=3)
# The offer reminder goes this many hours after the offer, once.
OFFER_REMINDER_HOURS = env.int("OFFER_REMINDER_HOURS", default=24)

# Payroll. The bank file's originator details (NACHA): the defaults are made-up numbers for a
# laptop; production sets its bank's. ``NACHA_ODFI`` is the first eight digits of the
# originating bank's routing number (by default, of the immediate destination).
NACHA_IMMEDIATE_DESTINATION = env.str("NACHA_IMMEDIATE_DESTINATION", default="123456780")
NACHA_IMMEDIATE_DESTINATION_NAME = env.str("NACHA_IMMEDIATE_DESTINATION_NAME", default="DEMO BANK")
NACHA_IMMEDIATE_ORIGIN = env.str("NACHA_IMMEDIATE_ORIGIN", default="1234567890")
NACHA_IMMEDIATE_ORIGIN_NAME = env.str("NACHA_IMMEDIATE_ORIGIN_NAME", default="MICRO-INTERNSHIPS")
NACHA_COMPANY_NAME = env.str("NACHA_COMPANY_NAME", default="MICRO-INTERNSHIPS")
NACHA_COMPANY_ID = env.str("NACHA_COMPANY_ID", default="1234567890")
NACHA_ODFI = env.str("NACHA_ODFI", default=NACHA_IMMEDIATE_DESTINATION[:8])
NACHA_ENTRY_DESCRIPTION = env.str("NACHA_ENTRY_DESCRIPTION", default="PAYROLL")
# The 1099-NEC threshold by the year payments were made: each entry holds from its year on
# ("0" covers every earlier year). Add a year as the IRS publishes it: "0=600,2026=2000,2027=...".
FORM_1099_NEC_THRESHOLDS = {
    int(year): amount
    for year, amount in env.dict("FORM_1099_NEC_THRESHOLDS", default={"0": "600", "2026": "2000"}).items()
}
