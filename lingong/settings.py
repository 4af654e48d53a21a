"""Settings, all read from environment variables with strict parsing.

Local use needs nothing: SQLite under var/, Huey on SQLite, a secret key generated into var/.
Production (LINGONG_ENV=production) refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import json
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINGONG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


ENVIRONMENT = os.environ.get("LINGONG_ENV", "local")
if ENVIRONMENT not in {"local", "test", "production"}:
    raise ImproperlyConfigured(f"LINGONG_ENV must be local, test or production, got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"
# Under pytest: fast password hashing and Huey tasks run inline (no consumer process).
TESTING = ENVIRONMENT == "test" or "pytest" in sys.modules


def _local_secret(name: str, nbytes: int) -> str:
    """A secret kept in a git-ignored file under var/, created on first run."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = _local_secret("secret_key", 50)

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute links printed on paper (QR codes) need the public address of the site.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "axes",
    "leaflet",
    "huey.contrib.djhuey",
    "lingong.accounts",
    "lingong.places",
    "lingong.catalog",
    "lingong.notify",
    "lingong.workers",
    "lingong.employers",
    "lingong.screening",
    "lingong.gigs",
    "lingong.matching",
    "lingong.rights",
    "lingong.programme",
    "lingong.ledger",
    "lingong.content",
    "lingong.events",
    "lingong.training",
    "lingong.assistance",
    "lingong.monitoring",
    "lingong.exchange",
    "lingong.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lingong.accounts.middleware.SecondFactorMiddleware",  # after messages: it may sign out with a note
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lingong.urls"
# Widget templates (e.g. the availability grid) live with the project's templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "lingong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lingong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lingong.accounts.context.navigation",
                "lingong.content.kiosk.device_context",
            ],
        },
    }
]

# Database: SQLite file under var/ by default (WAL, set on connect), PostgreSQL via DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lingong.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # A file (not memory) so threaded tests share it; one per process so parallel runs never collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lingong.accounts.backends.PhoneOrUsernameBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout after repeated failures, per username+IP.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lingong.accounts.views.locked_out"
AXES_VERBOSE = False

# Town and city admins confirm every sign-in with a code from an authenticator app (TOTP). Off by
# default under pytest only, so tests that sign people in with force_login keep working; the tests of
# the second factor turn it on. Production refuses to start without it.
ADMIN_TOTP_REQUIRED = env_bool("ADMIN_TOTP_REQUIRED", not TESTING)
if PRODUCTION and not ADMIN_TOTP_REQUIRED:
    raise ImproperlyConfigured("ADMIN_TOTP_REQUIRED cannot be turned off in production")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "lingong" / "static"]
# Uploaded files (complaint evidence). Never served as static files: only permission-checked views read them.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Map tiles are configurable (天地图/高德 in production); markers and lists work without tiles.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
_tile_parts = urlsplit(MAP_TILE_URL)
# A "{s}" subdomain placeholder becomes a CSP wildcard.
_tile_origin = (
    f"{_tile_parts.scheme}://{_tile_parts.netloc.replace('{s}', '*')}" if _tile_parts.netloc else ""
)

# 15-minute circle: travel speeds (km/h) and detour factors (road distance / straight line).
# Walking 4.5 km/h is the usual planning figure for older pedestrians; e-bikes are limited to 25 km/h
# by GB 17761 and average about 15 in town; cars average about 25 km/h in Zhongshan's town traffic.
# A detour factor of 1.3-1.4 is typical of a dense road grid. Override with LINGONG_TRAVEL_MODES (JSON).
TRAVEL_MODES: dict[str, dict[str, float]] = {
    "walk": {"speed_kmh": 4.5, "detour": 1.3},
    "ebike": {"speed_kmh": 15.0, "detour": 1.3},
    "car": {"speed_kmh": 25.0, "detour": 1.4},
}
if os.environ.get("LINGONG_TRAVEL_MODES"):
    try:
        TRAVEL_MODES.update(json.loads(os.environ["LINGONG_TRAVEL_MODES"]))
    except (json.JSONDecodeError, TypeError) as exc:
        raise ImproperlyConfigured("LINGONG_TRAVEL_MODES must be a JSON object") from exc

# Security headers. The CSP allows only our own scripts and styles plus the configured tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Background jobs: Huey on SQLite by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", TESTING)
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "lingong", "url": REDIS_URL, "immediate": HUEY_IMMEDIATE}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "lingong",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }
HUEY["consumer"] = {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"}

NINJA_PAGINATION_PER_PAGE = 50

# A department referral (rights app) without an answer after this many working days is flagged overdue.
RIGHTS_REFERRAL_REPLY_DAYS = env_int("RIGHTS_REFERRAL_REPLY_DAYS", 10)

# Notifications: every channel delivers to a local log by default (readable at /notify/local-sms/ outside
# production). Point channels at real gateways with NOTIFY_CHANNELS, e.g.
# {"sms": "lingong.notify.channels.AliyunSmsChannel"}.
try:
    NOTIFY_CHANNELS = json.loads(os.environ.get("NOTIFY_CHANNELS", "{}"))
    NOTIFY_ALIYUN_SMS = {
        "access_key_id": os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", ""),
        "access_key_secret": os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", ""),
        "sign_name": os.environ.get("ALIYUN_SMS_SIGN_NAME", "中山零工市场"),
        "templates": json.loads(os.environ.get("ALIYUN_SMS_TEMPLATES", "{}")),
    }
    NOTIFY_WECHAT = {
        "app_id": os.environ.get("WECHAT_APP_ID", ""),
        "app_secret": os.environ.get("WECHAT_APP_SECRET", ""),
        "templates": json.loads(os.environ.get("WECHAT_TEMPLATES", "{}")),
    }
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"NOTIFY_CHANNELS / *_TEMPLATES must be JSON objects: {exc}") from exc

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The Huey consumer installs its own handler; propagating would print every line twice.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "huey": {"propagate": False}},
}
