"""Titrate settings: one file, driven by environment variables.

Every variable is listed in `.env.example` and documented in the README.
Development defaults apply when a variable is unset; production (`DEBUG=false`)
refuses to start without the values it cannot safely guess.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_cache,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))).resolve()

DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    key_file = env_str("SECRET_KEY_FILE")
    if key and key_file:
        raise ImproperlyConfigured("Set SECRET_KEY or SECRET_KEY_FILE, not both.")
    if key_file:
        try:
            key = Path(key_file).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"SECRET_KEY_FILE {key_file!r} cannot be read: {error}"
            ) from None
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG=false. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development only: generate a key once and keep it, so sessions survive
    # restarts of `make run`.
    dev_key_file = DATA_DIR / "secret_key"
    if not dev_key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        dev_key_file.write_text(secrets.token_urlsafe(50))
        dev_key_file.chmod(0o600)
    return dev_key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is required when DEBUG=false, "
        "e.g. ALLOWED_HOSTS=journal.example.org"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entries need a scheme, e.g. https://{_origin}"
        )

# Who may create an account: "first-user" lets exactly one person sign up (the
# instance admin) and then closes; "open" lets anyone; "closed" lets no one.
REGISTRATION = env_choice(
    "REGISTRATION", "first-user", ("first-user", "open", "closed")
)

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "allauth.usersessions",
    "django_htmx",
    "template_partials",
    "csp",
    "accounts",
    "journal",
    "protocols",
    "insights",
    "experiments",
    "reminders",
    "portability",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "config.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.SignInEndedMiddleware",
    "accounts.middleware.SessionIdleMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Widgets through Jinja2 where Django ships them so (config/widgets.py).
FORM_RENDERER = "config.widgets.FormRenderer"
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
                "csp.context_processors.nonce",
                "accounts.context_processors.registration",
                "config.context_processors.crisis_resources",
            ],
            # {% url %} remembering each URL's shape (config/reverse.py says why).
            "builtins": ["config.reverse"],
        },
    },
    {
        # Only for the hottest fragments (accounts/jinja.py says why); they are
        # the templates named *.jinja.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "accounts.jinja.environment"},
    },
]

# Database: SQLite under DATA_DIR unless DATABASE_URL points at PostgreSQL.
_database_url = env_str("DATABASE_URL")
if _database_url:
    if not _database_url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            "DATABASE_URL must be a postgres:// URL (or unset for SQLite), "
            f"got a {_database_url.split(':', 1)[0]!r} URL."
        )
    try:
        _database = dj_database_url.parse(
            _database_url, conn_max_age=600, conn_health_checks=True
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {error}") from None
    # Django's backend, told the protocol's limit on parameters (its docstring).
    _database["ENGINE"] = "config.postgresql"
    # Parameters travel apart from the SQL, and a query run a few times on a
    # connection is prepared once: PostgreSQL stops parsing and planning it on
    # every request (Today's queries: 4.4 → 2.5 ms, README: Stack). A pooler
    # that cannot hold prepared statements (PgBouncer before 1.21 in
    # transaction mode) needs DATABASE_PREPARED_STATEMENTS=false.
    _database["OPTIONS"] = {
        **_database.get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 5
        if env_bool("DATABASE_PREPARED_STATEMENTS", True)
        else None,
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "titrate.sqlite3",
        "OPTIONS": {
            # WAL lets readers and one writer work at once; the immediate
            # transaction mode avoids "database is locked" on upgrade.
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds short-lived counters (sign-in rate limits), never journal
# text. It must be shared by every worker process and every app server, so the
# default is a table in the database; CACHE_URL=redis://host:6379/0 uses
# Django's Redis backend instead (README: Scaling).
CACHES = {"default": env_cache("CACHE_URL")}

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, loading the profile with the user (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "journal:today"

# django-allauth
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# With open registration, sign-up must not tell a stranger that an email has an
# account here; allauth can only keep that quiet when it confirms every address
# by email (it then mails the owner instead), so that is the default there.
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "ACCOUNT_EMAIL_VERIFICATION",
    "mandatory" if REGISTRATION == "open" else "optional",
    ("none", "optional", "mandatory"),
)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Titrate] "
# Changing email or password asks for the password again (MFA changes always do).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Users see where they are signed in and can end the other sessions; activity
# tracking off: it would write to the database on every request.
USERSESSIONS_TRACK_ACTIVITY = False
# Rate limits stay at allauth's defaults (on), counted in the shared cache.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Titrate")

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "titrate@localhost")

# The address people reach this instance at, for links in reminders sent by
# the worker (no request to take it from). Unset: reminders carry no links.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL needs a scheme, e.g. https://{SITE_URL}")

# Background work (reminders): django-tasks with its database backend, so the
# worker (`manage.py worker`) needs nothing but the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Web Push: the instance's key pair is made once and kept in the database
# unless VAPID_PRIVATE_KEY (raw, base64url) is set; VAPID_SUBJECT is the
# contact push services may use.
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")
if not VAPID_SUBJECT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured("VAPID_SUBJECT must be a mailto: or https:// URL.")
# Browsers' push services all speak HTTPS; anything else is refused.
PUSH_ENDPOINT_SCHEMES = ("https",)

# Self-hosted notifiers through Apprise: the URL schemes people may use. The
# worker posts to the host a URL names, so an instance shared with people it
# does not trust can narrow this (or empty it to turn the channel off).
APPRISE_SCHEMES = env_list(
    "APPRISE_SCHEMES",
    [
        "ntfy", "ntfys", "gotify", "gotifys", "matrix", "matrixs", "signal",
        "signals", "tgram", "discord", "pover", "mmost", "mmosts", "rocket",
        "rockets", "xmpp", "xmpps", "json", "jsons",
    ],
)  # fmt: skip
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# allauth lets two-factor be turned on only with every email address verified:
# otherwise a stranger could sign up with someone's address, turn it on and
# lock the owner out. Where nothing can be verified (no email set up) and
# strangers cannot sign up, that guard would only keep two-factor from anyone.
MFA_ALLOW_UNVERIFIED_EMAIL = not EMAIL_HOST and REGISTRATION != "open"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_timezone("TIME_ZONE", "UTC")
USE_I18N = True
# English only; the catalog rewords django-allauth's Title Case in sentence case.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.staticfiles.StaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )

# Security. Production defaults are strict; behind a TLS-terminating proxy set
# BEHIND_TLS_PROXY=true so Django trusts its X-Forwarded-Proto header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_secure_cookies = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = _secure_cookies
# Django's sessions in the database, read through a prepared query.
SESSION_ENGINE = "accounts.sessions"
CSRF_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A sign-in lasts at most SESSION_COOKIE_AGE (absolute), and ends sooner after
# SESSION_IDLE_TIMEOUT seconds without a request.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 24 * 3600, minimum=60)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 3 * 24 * 3600, minimum=60)

# Content-Security-Policy: only our own origin, no inline script or eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the TOTP QR code, which allauth renders as an inline SVG image.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Shown when a person's mood ratings fall sharply: set them to the helplines
# that serve this instance's people. The link is shown, never fetched.
CRISIS_RESOURCES = env_str(
    "CRISIS_RESOURCES",
    "In an emergency, call your local emergency number. Free, confidential "
    "helplines in your country are listed at Find A Helpline:",
)
CRISIS_RESOURCES_URL = env_str("CRISIS_RESOURCES_URL", "https://findahelpline.com/")
if CRISIS_RESOURCES_URL and not CRISIS_RESOURCES_URL.startswith(
    ("https://", "http://", "tel:")
):
    raise ImproperlyConfigured(
        "CRISIS_RESOURCES_URL must start with https://, http:// or tel:, "
        f"got {CRISIS_RESOURCES_URL!r}"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    # WeasyPrint (the printable PDFs) logs every step of every page at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
