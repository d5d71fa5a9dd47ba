"""Django settings. Every value that differs between machines comes from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from crm.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# "development" (the default) or "production". Production refuses unsafe defaults.
CRM_ENV = env_str("CRM_ENV", "development")
if CRM_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"CRM_ENV must be 'development' or 'production', got {CRM_ENV!r}")
IS_PRODUCTION = CRM_ENV == "production"

DEVELOPMENT_SECRET_KEY = "dev-insecure-secret-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if IS_PRODUCTION and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters in production."
    )

DEBUG = env_bool("DEBUG", not IS_PRODUCTION)

# Workspaces live at <subdomain>.<BASE_DOMAIN>; the base domain itself serves the admin.
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost").lower()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SHARED_APPS = [
    # workspaces comes first so that its migrate/migrate_schemas commands (which also keep
    # the template schema migrated) take precedence over django-tenants' own.
    "workspaces",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework_simplejwt.token_blacklist",
    "sso",
]
# Apps whose tables live in every workspace's own schema.
TENANT_APPS = [
    "metadata",
    "records",
    "workflow",
    "messaging",
    "calendars",
    "permissions",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "workspaces.Workspace"
TENANT_DOMAIN_MODEL = "workspaces.Domain"
# New workspaces are cloned from this schema, which `migrate_schemas` keeps migrated.
WORKSPACE_TEMPLATE_SCHEMA = "workspace_template"
PUBLIC_SCHEMA_NAME = "public"

DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "workspaces.middleware.WorkspaceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "crm" / "templates"],
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

DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        engine="django_tenants.postgresql_backend",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
# Test runs create `test_<NAME>`; TEST_DATABASE_NAME lets two suites share one server.
if env_str("TEST_DATABASE_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

# Django's cache (Redis): the sign-in throttling counters live here. CACHE_URL defaults to REDIS_URL.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": "crm",
    }
}

# Failed attempts allowed per (limit, window in seconds), per account (email) and per client
# address, before answers are 429 TOO_MANY_REQUESTS with Retry-After.
_THROTTLE_WINDOW = env_int("THROTTLE_WINDOW_SECONDS", 900)
THROTTLE_LIMITS = {
    "sign_in": {
        "account": (env_int("SIGN_IN_MAX_FAILURES_PER_ACCOUNT", 5), _THROTTLE_WINDOW),
        "address": (env_int("SIGN_IN_MAX_FAILURES_PER_ADDRESS", 20), _THROTTLE_WINDOW),
    },
    "password_reset": {
        "account": (env_int("PASSWORD_RESET_MAX_PER_ACCOUNT", 3), _THROTTLE_WINDOW),
        "address": (env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 10), _THROTTLE_WINDOW),
    },
    # every sign-up creates a workspace schema: counted per address, successes included
    "sign_up": {"address": (env_int("SIGN_UP_MAX_PER_ADDRESS", 10), 3600)},
}

# E-mail (password resets, invitations) through Django's e-mail backend. EMAIL_URL is
# smtp://user:password@host:port (smtp+tls:// for STARTTLS, smtp+ssl:// for TLS) or console://;
# EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS work too.
# Development prints mails on the console; tests use Django's locmem outbox.
_email_url = urlsplit(env_str("EMAIL_URL", ""))
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if _email_url.scheme == "console" or (not _email_url.scheme and not env_str("EMAIL_HOST", ""))
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = _email_url.hostname or env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = _email_url.port or env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = unquote(_email_url.username or "") or env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = unquote(_email_url.password or "") or env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email_url.scheme == "smtp+tls" or env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email_url.scheme == "smtp+ssl" or env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"CRM <noreply@{BASE_DOMAIN}>")
# Links in e-mails (password reset, invitations) point at the front end.
FRONTEND_URL = env_str("FRONTEND_URL", f"http://{BASE_DOMAIN}:3000").rstrip("/")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 3600)
INVITATION_LIFETIME_DAYS = env_int("INVITATION_LIFETIME_DAYS", 14)

AUTH_USER_MODEL = "workspaces.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / ".data" / "static")))
# The project's own static files (the vendored GraphiQL among them); crm is not an app.
STATICFILES_DIRS = [BASE_DIR / "crm" / "static"]
# In development static files are served straight from their folders; production collects them.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", IS_PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", IS_PRODUCTION)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("ACCESS_TOKEN_LIFETIME_MINUTES", 30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("REFRESH_TOKEN_LIFETIME_DAYS", 60)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env_str("JWT_SIGNING_KEY", SECRET_KEY),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Largest request body an API accepts, in bytes.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES + 1024

# Metadata changes wait at most this long for a table lock, then fail cleanly.
METADATA_LOCK_TIMEOUT_MS = env_int("METADATA_LOCK_TIMEOUT_MS", 5000)
# A cap on fields per object, below PostgreSQL's 1,600 columns per table.
MAX_FIELDS_PER_OBJECT = env_int("MAX_FIELDS_PER_OBJECT", 500)

# GraphQL documents longer than this many tokens are refused before parsing completes.
GRAPHQL_MAX_TOKENS = env_int("GRAPHQL_MAX_TOKENS", 10_000)

# Bounded caches of metadata snapshots (per workspace and version) and generated GraphQL
# schemas (per data-model fingerprint).
METADATA_CACHE_SIZE = env_int("METADATA_CACHE_SIZE", 1000)
PERMISSIONS_CACHE_SIZE = env_int("PERMISSIONS_CACHE_SIZE", 4096)
GRAPHQL_SCHEMA_CACHE_SIZE = env_int("GRAPHQL_SCHEMA_CACHE_SIZE", 64)
# Compiled read statements per process (records/graphql/statements.py); 0 turns it off.
GRAPHQL_STATEMENT_CACHE_SIZE = env_int("GRAPHQL_STATEMENT_CACHE_SIZE", 512)

# Workspace GraphQL limits: page sizes, nesting depth, create-many batch size, query cost.
GRAPHQL_DEFAULT_PAGE_SIZE = env_int("GRAPHQL_DEFAULT_PAGE_SIZE", 60)
GRAPHQL_MAX_PAGE_SIZE = env_int("GRAPHQL_MAX_PAGE_SIZE", 200)
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 5)
GRAPHQL_MAX_BATCH = env_int("GRAPHQL_MAX_BATCH", 200)
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 100_000)

# SAML single sign-on (sso/): the public URL identity providers post back to (SP entity id
# <base>/auth/saml/<subdomain>/metadata, ACS <base>/auth/saml/<subdomain>/acs) and how long the
# one-time login token handed to the browser after a SAML sign-in lives.
SAML_SP_BASE_URL = env_str(
    "SAML_SP_BASE_URL", f"https://{BASE_DOMAIN}" if IS_PRODUCTION else f"http://{BASE_DOMAIN}:8000"
)
SAML_LOGIN_TOKEN_SECONDS = env_int("SAML_LOGIN_TOKEN_SECONDS", 120)
