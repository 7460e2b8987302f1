"""IMS Clinic settings: one file, read from the environment (documented in .env.example)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; a value that is neither (a typo such as "ture") stops the app rather than reading as no."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of 1, true, yes, on, 0, false, no, off."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secret_key() -> str:
    # A random key kept under var/ so that `make run` survives restarts without a secret in the repo.
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "development-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

CLINIC_NAME = os.environ.get("CLINIC_NAME", "IMS Clinic")
# The letterhead of printed letters and summaries. The address is one line per line ("\n" between them);
# the logo is a static file's path (a vendored demo logo unless the clinic sets its own).
# The demo clinic's address and phone: a deploy check warns while production still prints them.
CLINIC_DEMO_ADDRESS = "Suite 210, 1450 West Broadway\nVancouver, BC  V6H 1H4"
CLINIC_DEMO_PHONE = "604-555-0142"
CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", CLINIC_DEMO_ADDRESS)
CLINIC_PHONE = os.environ.get("CLINIC_PHONE", CLINIC_DEMO_PHONE)
CLINIC_FAX = os.environ.get("CLINIC_FAX", "604-555-0143")
CLINIC_EMAIL = os.environ.get("CLINIC_EMAIL", "front.desk@ims-clinic.example")
CLINIC_LOGO = os.environ.get("CLINIC_LOGO", "img/clinic-logo.svg")
TIME_ZONE = os.environ.get("CLINIC_TIME_ZONE", "America/Vancouver")
LANGUAGE_CODE = "en-ca"
# The patient's pages, messages and sheets come in these languages (the staff's pages in English). Adding one is
# adding it here and its message file under locale/.
LANGUAGES = [("en-ca", "English"), ("fr-ca", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "auditlog",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # Ours, lowest first: records -> assessments -> scheduling -> patients -> accounts. ims_clinic stays
    # last: its post_migrate syncs the roles once every other app's permissions exist.
    "accounts",
    "patients",
    "scheduling",
    "assessments",
    "records",
    "ims_clinic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "accounts.middleware.AuditlogMiddleware",
    # Last, so that a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ims_clinic.urls"
WSGI_APPLICATION = "ims_clinic.wsgi.application"

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
                "accounts.context_processors.roles",
                "ims_clinic.context_processors.clinic",
            ],
        },
    },
]

# Database: DATABASE_URL, defaulting to a SQLite file under the git-ignored var/.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "ims_clinic.sqlite3")}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading each request's user with its roles in one query; permissions come
    # from the roles table.
    "accounts.backends.UserWithRolesBackend",
]
# What each role may do (role -> Django permission labels): the one table the backend answers has_perm from.
CLINIC_ROLE_PERMISSIONS = "ims_clinic.roles.ROLE_PERMISSIONS"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 3600
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: 15 minutes idle (sliding), 12 hours absolute, gone when the browser closes.
CLINIC_SESSION_IDLE_MINUTES = env_int("CLINIC_SESSION_IDLE_MINUTES", 15)
CLINIC_SESSION_ABSOLUTE_HOURS = env_int("CLINIC_SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = CLINIC_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"

# Failed logins: 10 tries for the same username from the same address, then 15 minutes locked.
# Axes' own defaults (3 tries, by address only, locked until an admin resets) would lock a
# whole clinic behind one NAT address.
AXES_FAILURE_LIMIT = env_int("CLINIC_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CLINIC_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_VERBOSE = False
# Addresses of reverse proxies whose X-Forwarded-For may be believed; empty: believe none.
CLINIC_TRUSTED_PROXIES = env_list("CLINIC_TRUSTED_PROXIES")

# Two-factor sign-in (TOTP, django-otp): every signed-in user passes the code step before any page.
# On unless DEBUG; the demo (`make run`) and the test suite turn it off.
CLINIC_REQUIRE_MFA = env_bool("CLINIC_REQUIRE_MFA", not DEBUG)
OTP_TOTP_ISSUER = CLINIC_NAME
# The back office never shows a staff member's TOTP secret or QR code: a reset deletes the device instead.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Static files: vendored under static/, served by whitenoise with hashed names after collectstatic.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Hashed, compressed names after collectstatic in production; plain files from static/ in
# development and tests, where collectstatic has not run.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: with DEBUG off, named explicitly (SMTP); the console backend, which would print patients' addresses
# and private links to the log, is for development only. A deploy check (ims_clinic/checks.py) holds to both.
CLINIC_EMAIL_BACKEND_FROM_ENVIRONMENT = bool(os.environ.get("DJANGO_EMAIL_BACKEND", "").strip())
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "IMS Clinic <clinic@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS hardening: on unless running in development, or explicitly turned off (tests over plain HTTP).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is hard to undo and binds every subdomain: the clinic opts in, knowingly.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that always overwrites this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: our own origin only, scripts by nonce, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Audit log: models register themselves in one line (auditlog.register) in their app.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Private-link tokens (/q/<token>/, /schedule/feed/<token>.ics) never reach a log line: the filter rewrites the
# records of the loggers that quote request paths, and guards every handler for any other logger, ours included.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"private_links": {"()": "ims_clinic.log_redaction.RedactPrivateLinks"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["private_links"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["private_links"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"filters": ["private_links"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["private_links"],
        },
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.security.csrf": {"filters": ["private_links"]},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Never below INFO, even with DJANGO_LOG_LEVEL=DEBUG: their DEBUG lines quote patient data
        # (SQL parameters; the objects a template was rendering).
        "django.db.backends": {"level": "INFO"},
        "django.template": {"level": "INFO"},
    },
}

# The pre-visit safety questionnaire (clinical-reference.md 5). Thresholds are the clinic's to set;
# these defaults are the reference's and the clinic's lead physiotherapist signs them off.
CLINIC_QUESTIONNAIRE_LINK_DAYS = env_int("CLINIC_QUESTIONNAIRE_LINK_DAYS", 14)
CLINIC_QUESTIONNAIRE_DOB_TRIES = env_int("CLINIC_QUESTIONNAIRE_DOB_TRIES", 5)
CLINIC_QUESTIONNAIRE_VALID_DAYS = env_int("CLINIC_QUESTIONNAIRE_VALID_DAYS", 90)
# Readiness warns that the answers expire this many days before the limit above.
CLINIC_QUESTIONNAIRE_EXPIRING_DAYS = env_int("CLINIC_QUESTIONNAIRE_EXPIRING_DAYS", 7)
CLINIC_INR_MAX_AGE_DAYS = env_int("CLINIC_INR_MAX_AGE_DAYS", 7)
CLINIC_INR_UPPER_LIMIT = float(os.environ.get("CLINIC_INR_UPPER_LIMIT", "3.0"))
# Failed look-ups of questionnaire links from one address in the window: the first FREE cost nothing, each
# further one makes the next wait twice as long (2, 4, 8... seconds), and at LIMIT none is answered.
CLINIC_LINK_LOOKUP_FREE = env_int("CLINIC_LINK_LOOKUP_FREE", 3)
CLINIC_LINK_LOOKUP_LIMIT = env_int("CLINIC_LINK_LOOKUP_LIMIT", 10)
CLINIC_LINK_LOOKUP_WINDOW_MINUTES = env_int("CLINIC_LINK_LOOKUP_WINDOW_MINUTES", 15)

# The segment summary (clinical-reference.md 1.4): a level and side is suggested when at least this
# many evidence groups support it.
CLINIC_SEGMENT_MIN_GROUPS = env_int("CLINIC_SEGMENT_MIN_GROUPS", 2)

# Appointment reminders: queued when a visit is booked or moved, sent this many hours before it by the task worker
# (`manage.py send_reminders` from cron queues any the bookings missed).
CLINIC_REMINDER_HOURS = env_int("CLINIC_REMINDER_HOURS", 48)

# Background work: tasks of Django's task framework (the django-tasks backport) in the database, run by
# `manage.py db_worker` (`make run` starts one beside the server; `make serve` documents its own process).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A message that cannot be sent is tried again after 1, 2, 4... minutes, and marked failed after this many tries.
CLINIC_MESSAGE_MAX_ATTEMPTS = env_int("CLINIC_MESSAGE_MAX_ATTEMPTS", 5)
# Text messages: "console" (printed, the default), "locmem" (kept in memory, for tests), or "twilio".
CLINIC_TEXT_BACKEND = os.environ.get("CLINIC_TEXT_BACKEND", "console").strip() or "console"
# After a signed treatment session: the aftercare sheet's link works this many days; the check is sent this many
# hours after the treatment (at once for a session signed later) and its link works this many hours from when it is
# sent (clinical-reference.md 6.5).
CLINIC_AFTERCARE_LINK_DAYS = env_int("CLINIC_AFTERCARE_LINK_DAYS", 30)
CLINIC_CHECK_AFTER_HOURS = env_int("CLINIC_CHECK_AFTER_HOURS", 24)
CLINIC_CHECK_WINDOW_HOURS = env_int("CLINIC_CHECK_WINDOW_HOURS", 48)
# Outcome questionnaires on the phone: the course's questionnaire is sent this many hours before each visit.
CLINIC_OUTCOME_BEFORE_HOURS = env_int("CLINIC_OUTCOME_BEFORE_HOURS", 24)
# Twilio, when CLINIC_TEXT_BACKEND is "twilio" (the deploy check refuses it without these three). The base URL is
# for a stand-in of Twilio's API (tests); the timeout bounds one send, after which the message is tried again later.
CLINIC_TWILIO_ACCOUNT_SID = os.environ.get("CLINIC_TWILIO_ACCOUNT_SID", "").strip()
CLINIC_TWILIO_AUTH_TOKEN = os.environ.get("CLINIC_TWILIO_AUTH_TOKEN", "").strip()
CLINIC_TWILIO_FROM = os.environ.get("CLINIC_TWILIO_FROM", "").strip()
CLINIC_TWILIO_BASE_URL = os.environ.get("CLINIC_TWILIO_BASE_URL", "").strip()
CLINIC_TWILIO_TIMEOUT_SECONDS = env_int("CLINIC_TWILIO_TIMEOUT_SECONDS", 10)
# The address patients reach the clinic's site at: every link in a message starts with it (the deploy check warns
# while it is still a local address).
CLINIC_SITE_URL = os.environ.get("CLINIC_SITE_URL", "").strip().rstrip("/") or "http://127.0.0.1:8000"

# The load benchmark only (`make bench`, docs/performance.md): adds a query-free floor page at /bench/floor/ and
# a middleware that reports each response's query count and server time in headers. Never in production.
CLINIC_BENCH_FLOOR = env_bool("CLINIC_BENCH_FLOOR", False)
if CLINIC_BENCH_FLOOR:
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")
