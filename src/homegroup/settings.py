"""Homegroup settings: one module, read from the environment, with defaults that run locally.

Every variable is documented in docs/configuration.md. Production is `DEBUG=0` plus real keys
and a PostgreSQL `DATABASE_URL`; the defaults below are for a laptop and refuse to run in
production (see `_refuse_unsafe_production`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_noop

from homegroup.lib.env import (
    SettingError,
    base64_key,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    key_problems,
    key_ring_keys,
)
from homegroup.lib.proxies import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("HOMEGROUP_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

# Local-only defaults. `_refuse_unsafe_production` stops a DEBUG=0 start that still uses them.
DEV_SECRET_KEY = "dev-only-not-secret-homegroup-local-key-change-me-in-production"
DEV_AUDIT_KEY = "dev-only-audit-key"
# A key ring: "key-id:base64(32 bytes)" entries separated by commas; the first encrypts.
DEV_FIELD_KEYS = "dev1:ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
# base64(32 bytes) for `homegroup backup`: a laptop's backups only.
DEV_BACKUP_KEY = "ZGV2LW9ubHktYmFja3VwLWtleS0zMi1ieXRlcy1sb24="

SECRET_KEY = env_secret("SECRET_KEY", DEV_SECRET_KEY)
HOMEGROUP_AUDIT_KEY = env_secret("HOMEGROUP_AUDIT_KEY", DEV_AUDIT_KEY)
HOMEGROUP_FIELD_KEYS = env_secret("HOMEGROUP_FIELD_KEYS", DEV_FIELD_KEYS)
HOMEGROUP_BACKUP_KEY = env_secret("HOMEGROUP_BACKUP_KEY", DEV_BACKUP_KEY)
HOMEGROUP_ALLOW_SQLITE = env_bool("HOMEGROUP_ALLOW_SQLITE", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies (addresses or networks) whose X-Forwarded-Proto and X-Forwarded-For count:
# they decide HTTPS and the client address of the lockout and throttles. From anyone else
# those headers are dropped. The default trusts a proxy on this machine only.
HOMEGROUP_TRUSTED_PROXIES = env_list("HOMEGROUP_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
try:
    parse_networks(HOMEGROUP_TRUSTED_PROXIES)
except ValueError as _error:
    raise SettingError(f"HOMEGROUP_TRUSTED_PROXIES: {_error}") from None

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'homegroup.sqlite3'}")
# Least privilege (PostgreSQL): the application connects as DATABASE_URL's role, which owns no
# table; `homegroup migrate`, `restore` and `grant-app-role` connect as the owner instead
# (the `homegroup` command sets HOMEGROUP_DATABASE_AS_OWNER for them). Empty: one role for all.
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL", "")
HOMEGROUP_DATABASE_AS_OWNER = env_bool("HOMEGROUP_DATABASE_AS_OWNER", False)
_app_database = dj_database_url.parse(DATABASE_URL)
HOMEGROUP_APP_DATABASE_ROLE = str(_app_database.get("USER") or "")
if DATABASE_OWNER_URL:
    _owner_database = dj_database_url.parse(DATABASE_OWNER_URL)
    if any(
        _owner_database.get(k) != _app_database.get(k) for k in ("ENGINE", "HOST", "PORT", "NAME")
    ):
        raise SettingError(
            "DATABASE_OWNER_URL must name the same database as DATABASE_URL (same engine, host, "
            "port and name), with the owner's role"
        )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_OWNER_URL if HOMEGROUP_DATABASE_AS_OWNER and DATABASE_OWNER_URL else DATABASE_URL,
        # Production keeps connections: opening one per request costs more than a check-in.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 600, minimum=0),
        # A kept connection is checked once per request before its first query, so one that a
        # database restart broke is replaced instead of failing that request (issue 18).
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that stops answering fails a request (a 503) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 5, minimum=1
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside the one writer; the timeout waits instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# The public directory's reads (search, meeting pages, the feed) may come from a PostgreSQL
# streaming replica (homegroup/replica.py); everything else reads and writes the primary. Reads
# fall back to the primary while the replica lags beyond the bound or does not answer.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 10, minimum=0)
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 5, minimum=0)
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=DATABASES["default"]["CONN_HEALTH_CHECKS"],
    )
    if (
        _replica["ENGINE"] != "django.db.backends.postgresql"
        or DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        raise SettingError(
            "DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and the replica "
            "(postgres://user@replica-host:5432/name)"
        )
    if _replica.get("NAME") != _app_database.get("NAME"):
        raise SettingError(
            "DATABASE_REPLICA_URL must name the same database as DATABASE_URL (a streaming "
            "replica holds the primary's databases under their own names)"
        )
    _replica["OPTIONS"] = {"connect_timeout": DATABASES["default"]["OPTIONS"]["connect_timeout"]}
    # Tests never create a database for it: it reads the test database like the primary.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["homegroup.replica.PublicDirectoryRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.forms",  # the widgets' templates, for the project's form renderer
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "homegroup.audit",
    "homegroup.accounts",
    "homegroup.privacy",
    "homegroup.directory",
    "homegroup.journal",
    "homegroup.interop",
    "homegroup.care",
    "homegroup.outcomes",
    "homegroup.demo",  # `homegroup demo` only: the loader above every app
]

MIDDLEWARE = [
    # First: forwarded headers count only from HOMEGROUP_TRUSTED_PROXIES.
    "homegroup.middleware.TrustedProxyMiddleware",
    "homegroup.privacy.middleware.RequestIdMiddleware",
    # Outermost but the request id: it logs the final status, 503s and static files included.
    "homegroup.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A person's own zone for every time shown on their pages (from the session, no query).
    "homegroup.journal.context_processors.LocalTimeMiddleware",
    "homegroup.accounts.middleware.SessionPolicyMiddleware",
    # After the session policy: staff without a verified second factor reach only its pages (H-08).
    "homegroup.accounts.middleware.SecondFactorMiddleware",
    # A journal left idle on a device locks until its PIN is given (journal.pin_lock).
    "homegroup.journal.pin_lock.PinLockMiddleware",
    # A NUL in the path or query string is a 400 before any view reaches the database.
    "homegroup.middleware.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "homegroup.privacy.middleware.PrivateCacheMiddleware",
    # Last, so that a locked-out sign-in is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homegroup.urls"
WSGI_APPLICATION = "homegroup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "homegroup.accounts.context_processors.navigation",
                "homegroup.journal.context_processors.safety",
            ],
        },
    }
]

# Every form draws through templates/forms/ (homegroup.forms.FormRenderer).
FORM_RENDERER = "homegroup.forms.FormRenderer"

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",  # Argon2id (H-08)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # what the rules above let through (`qwertyuiopas`), judged by zxcvbn's guess estimate.
    {"NAME": "homegroup.accounts.passwords.PassphraseValidator", "OPTIONS": {"min_score": 3}},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Signs nobody in: sends a right password for an account awaiting deletion to "keep it".
    "homegroup.journal.backends.PendingDeletionBackend",
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # an hour: long enough to find the email, short if it leaks
HOMEGROUP_INVITATION_DAYS = env_int("HOMEGROUP_INVITATION_DAYS", 7, minimum=1)
# How long the link that activates a new account (sent at sign-up) works.
HOMEGROUP_ACTIVATION_DAYS = env_int("HOMEGROUP_ACTIVATION_DAYS", 3, minimum=1)

# Lockout: 5 failures for one account from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "homegroup.accounts.signals.lockout_username"
AXES_LOCKOUT_CALLABLE = "homegroup.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "homegroup.middleware.client_address"  # behind trusted proxies too
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Sessions (H-03). Staff: idle 15 minutes, absolute 12 hours. People in recovery keep a longer
# session on their own device so that a check-in takes seconds; sensitive actions re-authenticate.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
HOMEGROUP_STAFF_IDLE = timedelta(minutes=env_int("HOMEGROUP_STAFF_IDLE_MINUTES", 15, minimum=1))
HOMEGROUP_STAFF_ABSOLUTE = timedelta(hours=env_int("HOMEGROUP_STAFF_ABSOLUTE_HOURS", 12, minimum=1))
HOMEGROUP_PERSON_IDLE = timedelta(days=env_int("HOMEGROUP_PERSON_IDLE_DAYS", 30, minimum=1))
HOMEGROUP_PERSON_ABSOLUTE = timedelta(days=env_int("HOMEGROUP_PERSON_ABSOLUTE_DAYS", 90, minimum=1))
HOMEGROUP_REAUTH_WINDOW = timedelta(minutes=env_int("HOMEGROUP_REAUTH_MINUTES", 10, minimum=1))

# Second factor (H-08): TOTP for staff (and people who opt in), with single-use recovery codes.
OTP_TOTP_ISSUER = "Homegroup"
OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp doubles the wait after each wrong code

# Audit (H-05, H-06): cron runs `homegroup audit-seal` every HOMEGROUP_AUDIT_SEAL_INTERVAL
# seconds; a row still unsealed after the interval plus the grace fails `audit-verify`. The grace
# must outlast the 60 seconds a row is left to settle before it is sealed.
HOMEGROUP_AUDIT_SEAL_INTERVAL = env_int("HOMEGROUP_AUDIT_SEAL_INTERVAL", 60, minimum=10)
HOMEGROUP_AUDIT_SEAL_GRACE = env_int("HOMEGROUP_AUDIT_SEAL_GRACE", 120, minimum=90)
# Where `audit-seal` appends each new seal head, outside the database (docs/configuration.md).
HOMEGROUP_AUDIT_ANCHOR = env_str("HOMEGROUP_AUDIT_ANCHOR", "")

# Consent and disclosure (P2-*, H-02).
HOMEGROUP_BREAK_GLASS_MINUTES = env_int("HOMEGROUP_BREAK_GLASS_MINUTES", 60, minimum=5)
HOMEGROUP_SHARE_CODE_DAYS = env_int("HOMEGROUP_SHARE_CODE_DAYS", 7, minimum=1)

# --- Email: the console locally; SMTP when EMAIL_HOST is set. No record content ever goes in.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Homegroup <no-reply@localhost>")

# --- Meeting map: the tile server the search page's map loads its images from (its origin is
# added to the CSP's img-src). Without tiles the page still lists every meeting.
HOMEGROUP_MAP_TILES = env_str(
    "HOMEGROUP_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
_tiles = urlsplit(HOMEGROUP_MAP_TILES)
if _tiles.scheme not in ("https", "http") or not _tiles.netloc or "{z}" not in HOMEGROUP_MAP_TILES:
    raise SettingError(
        "HOMEGROUP_MAP_TILES must be a tile URL template such as "
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    )
# Leaflet's "{s}" subdomain placeholder becomes a CSP wildcard.
HOMEGROUP_MAP_TILES_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"

# --- Security headers (A-07, A-08) --------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", HOMEGROUP_MAP_TILES_ORIGIN],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if not DEBUG:
    # Production only: the local server is plain HTTP, where these would lock a newcomer out.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Only a trusted proxy's header reaches this check (TrustedProxyMiddleware drops the rest).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-homegroup-session"
    CSRF_COOKIE_NAME = "__Host-homegroup-csrf"
    SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

# --- Internationalisation and time (R-06) -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves `collectstatic`'s content-hashed names (app.3f2a9c.css), which WhiteNoise
    # sends with a year-long immutable cache header; locally the plain names need no collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "homegroup.storage.HashedStaticStorage"
    },
}
# Locally WhiteNoise finds files in the apps; in production only what collectstatic gathered.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

# --- Logging: no person data and no secrets; request ids tie a log line to an audit row.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "homegroup.privacy.middleware.RequestIdLogFilter"},
        "database_unavailable": {"()": "homegroup.unavailable.UnavailableLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The default request logger prints the path, which can carry a person's id: keep warnings
        # to our own audited events.
        "django.request": {"level": "ERROR", "filters": ["database_unavailable"]},
        "axes": {"level": "WARNING"},
        # One line per request: method, URL pattern (never the path, which can carry a
        # person's id, nor the query string, address or user agent), status, time, size.
        # Off locally, where runserver prints its own lines.
        "homegroup.access": {"level": env_str("ACCESS_LOG_LEVEL", "WARNING" if DEBUG else "INFO")},
    },
}

# The directory's geocoder seam: the dotted path of a class with geocode(address) -> (lat, lng)
# | None. The default knows no address (maintainers place pins by hand); a geocoder only ever
# suggests coordinates and never blocks a save (homegroup/directory/geocoding.py).
# How a process makes its in-memory search index when the directory changed (directory/index.py):
# in a background thread while searches use SQL, during the search that found it stale, or never.
HOMEGROUP_SEARCH_INDEX = env_str("HOMEGROUP_SEARCH_INDEX", "background")
if HOMEGROUP_SEARCH_INDEX not in ("background", "inline", "off"):
    raise SettingError(
        f"HOMEGROUP_SEARCH_INDEX must be background, inline or off, not {HOMEGROUP_SEARCH_INDEX!r}"
    )

HOMEGROUP_GEOCODER = env_str("HOMEGROUP_GEOCODER", "homegroup.directory.geocoding.NullGeocoder")

# Fetching a source's feed from its URL (the source page's "Import now", `homegroup
# refresh-sources`, `import-feed URL`): http(s) only, and never a private, loopback or link-local
# address unless allowed (a feed on the same network as the server; tests use a loopback server).
HOMEGROUP_FETCH_ALLOW_PRIVATE = env_bool("HOMEGROUP_FETCH_ALLOW_PRIVATE", False)
HOMEGROUP_FETCH_TIMEOUT_SECONDS = env_int("HOMEGROUP_FETCH_TIMEOUT_SECONDS", 30, minimum=1)
HOMEGROUP_FETCH_MAX_MB = env_int("HOMEGROUP_FETCH_MAX_MB", 32, minimum=1)
# Who runs an import started from the source page: "process" starts `homegroup refresh-sources
# --run ID` in the background at once; "cron" leaves it for the next `homegroup refresh-sources`.
HOMEGROUP_IMPORT_WORKER = env_str("HOMEGROUP_IMPORT_WORKER", "process")
if HOMEGROUP_IMPORT_WORKER not in ("process", "cron"):
    raise SettingError("HOMEGROUP_IMPORT_WORKER must be process or cron")

# The "Help now" panel on every page (recovery-care.md §5 and §7; sources in docs/references.md):
# crisis lines, then harm-reduction lines, per country. Each line: "name" and "about" (English,
# translated on the page), and how to reach it: "call" and "text" (a number), "chat" (a URL).
HOMEGROUP_CRISIS_LINES = [
    {
        "name": gettext_noop("988 Suicide & Crisis Lifeline"),
        "about": gettext_noop(
            "Call, text or chat, any time, free and confidential: for a suicidal, mental health "
            "or substance use crisis."
        ),
        "call": "988",
        "text": "988",
        "chat": "https://988lifeline.org/chat/",
    },
    {
        "name": gettext_noop("SAMHSA National Helpline"),
        "about": gettext_noop(
            "A treatment referral and information line, free and confidential, any time: it "
            "finds treatment and support groups near you (it is not counseling)."
        ),
        "call": "1-800-662-4357",
    },
    {"name": gettext_noop("Emergency"), "about": "", "call": "911"},
]
# Also shown by the overdose-risk note after a return to opioid use or missed doses.
HOMEGROUP_HARM_REDUCTION_LINES = [
    {
        "name": gettext_noop("Never Use Alone hotline"),
        "about": gettext_noop(
            "If you use, call: they stay on the line and send help to where you are if you stop "
            "answering."
        ),
        "call": "1-800-484-3731",
    },
]
_LINE_KEYS = {"name", "about", "call", "text", "chat"}
for _setting, _lines in (
    ("HOMEGROUP_CRISIS_LINES", HOMEGROUP_CRISIS_LINES),
    ("HOMEGROUP_HARM_REDUCTION_LINES", HOMEGROUP_HARM_REDUCTION_LINES),
):
    for _line in _lines:
        if set(_line) - _LINE_KEYS or not _line.get("name"):
            raise SettingError(f"{_setting}: each line has a name and only {sorted(_LINE_KEYS)}")
        if not any(_line.get(key) for key in ("call", "text", "chat")):
            raise SettingError(f"{_setting}: {_line['name']} needs a call, text or chat way in")
        if _line.get("chat") and urlsplit(_line["chat"]).scheme != "https":
            raise SettingError(f"{_setting}: {_line['name']}'s chat must be an https URL")
# An optional page on where to get naloxone, linked from the "Help now" panel and the note (both
# say where in words either way).
HOMEGROUP_NALOXONE_URL = env_str("HOMEGROUP_NALOXONE_URL", "")
# Where the quick-exit button on a person's pages goes: a neutral site, opened in place of the
# page (static/journal/safety.js replaces the history entry).
HOMEGROUP_QUICK_EXIT_URL = env_str("HOMEGROUP_QUICK_EXIT_URL", "https://www.weather.gov")
for _name, _url in (
    ("HOMEGROUP_QUICK_EXIT_URL", HOMEGROUP_QUICK_EXIT_URL),
    ("HOMEGROUP_NALOXONE_URL", HOMEGROUP_NALOXONE_URL or "https://unset"),
):
    if urlsplit(_url).scheme not in ("https", "http") or not urlsplit(_url).netloc:
        raise SettingError(f"{_name} must be an http(s) URL")
# Days between a person asking to delete their account and `homegroup purge-deleted-accounts`
# removing it with their journal; signing in before then offers to keep it.
HOMEGROUP_DELETION_GRACE_DAYS = env_int("HOMEGROUP_DELETION_GRACE_DAYS", 30, minimum=1)


def _key_material() -> list[tuple[str, bytes]]:
    """Every key as the bytes it holds (decoding fails loudly in every mode)."""
    return [
        ("SECRET_KEY", SECRET_KEY.encode()),
        ("HOMEGROUP_AUDIT_KEY", HOMEGROUP_AUDIT_KEY.encode()),
        *(
            (f"HOMEGROUP_FIELD_KEYS key {key_id!r}", key)
            for key_id, key in key_ring_keys("HOMEGROUP_FIELD_KEYS", HOMEGROUP_FIELD_KEYS)
        ),
        ("HOMEGROUP_BACKUP_KEY", base64_key("HOMEGROUP_BACKUP_KEY", HOMEGROUP_BACKUP_KEY)),
    ]


def _refuse_unsafe_production() -> None:
    keys = _key_material()
    empty = [f"{name} is empty" for name, material in keys if not material]
    if empty:
        raise SettingError("; ".join(empty) + ".")
    if DEBUG:
        return
    # Published keys: the development defaults, whatever variable they turn up in.
    published = {
        DEV_SECRET_KEY.encode(),
        DEV_AUDIT_KEY.encode(),
        *(key for _id, key in key_ring_keys("HOMEGROUP_FIELD_KEYS", DEV_FIELD_KEYS)),
        base64_key("HOMEGROUP_BACKUP_KEY", DEV_BACKUP_KEY),
    }
    problems = [
        problem
        for name, material in keys
        for problem in key_problems(name, material, published=published)
    ]
    if DATABASES["default"]["ENGINE"].endswith("sqlite3") and not HOMEGROUP_ALLOW_SQLITE:
        problems.append(
            "DATABASE_URL points at SQLite; production runs on PostgreSQL "
            "(set HOMEGROUP_ALLOW_SQLITE=1 only for a demo)"
        )
    if problems:
        raise SettingError("Refusing to start with DEBUG=0: " + "; ".join(problems) + ".")


_refuse_unsafe_production()
