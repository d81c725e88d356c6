"""Django settings, read from the environment (healthchecks-style: one file, no per-host modules).

Every value that differs between the demo and a server comes from an environment variable, or from
``NAME_FILE`` when that is set (so secrets can live in files readable only by the service user).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env(name: str, default: str = "") -> str:
    """Return ``name`` from the environment, or the contents of the file named by ``name_FILE``."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "1" if default else "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


DATA_DIR = Path(env("KHRONIKA_DATA_DIR", str(REPO_DIR / "var"))).resolve()
# The vault's keyring (wrapped keys only) and its control sockets; 0700, see docs/vault.md.
VAULT_DIR = Path(env("KHRONIKA_VAULT_DIR", str(DATA_DIR / "vault"))).resolve()
# While sealed, every request gets the "sealed" page except these (static files, anonymous intake,
# which encrypts to the organisation's public key and so works sealed).
VAULT_SEALED_ALLOWED_PREFIXES = ["/static/", "/report/", "/check-in/"]
DEMO_MODE = env_bool("KHRONIKA_DEMO", False)
DEBUG = env_bool("KHRONIKA_DEBUG", False)


def _secret_key() -> str:
    """The signing key for sessions and CSRF tokens.

    A server must be given one. A local instance (demo, development) keeps a random one in its data
    folder so that restarting it does not log everybody out.
    """
    configured = env("KHRONIKA_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key, encoding="utf-8")
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in env("KHRONIKA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("KHRONIKA_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    "khronika.web",
    "khronika.accounts",
    "khronika.ledger",
    "khronika.records",
    "khronika.vault",
    "khronika.intake",
    "khronika.worker",
    "khronika.aid",
    "khronika.linkage",
    "khronika.estimation",
    "khronika.checkins",
    "khronika.safety",
    "khronika.monitoring",
    "khronika.publishing",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "khronika.web.middleware.SecurityHeadersMiddleware",
    "khronika.vault.middleware.SealedMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "khronika.accounts.duress.DecoyWorkspaceMiddleware",
    "khronika.accounts.middleware.SessionLifetimeMiddleware",
    "khronika.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "khronika.web.middleware.PdfUnavailableMiddleware",
]

ROOT_URLCONF = "khronika.urls"
WSGI_APPLICATION = "khronika.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khronika.web.context.khronika",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'khronika.sqlite3'}"),
        # Persistent connections save a connect per request on PostgreSQL; tests set 0 so that the live
        # server's threads do not hold the test database open at teardown.
        conn_max_age=env_int("KHRONIKA_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a writer commits; a busy timeout instead of "database is locked".
    # No memory-mapped I/O (mmap_size): the serving process locks all its memory (vault/hardening.py),
    # and a locked mapping of the database file is read in whole each time a request connects.
    DATABASES["default"]["OPTIONS"] = {
        # secure_delete zeroes freed pages, so a deleted (shredded) row leaves no ciphertext behind.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "records:incident_list"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# WhiteNoise serves straight from the apps (WHITENOISE_USE_FINDERS); collectstatic is only for operators
# who want a reverse proxy to serve the files itself.
STATIC_ROOT = env("KHRONIKA_STATIC_ROOT") or None
STORAGES = {
    # Every stored file (evidence, attachments) is encrypted with its own key (khronika/vault/storage.py).
    "default": {"BACKEND": "khronika.vault.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise serves the files straight from the apps' static folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"

# Sessions: short, server-side, never readable by scripts. Threat model 2: a seized, unlocked device.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("KHRONIKA_SESSION_ABSOLUTE_SECONDS", 8 * 3600)
SESSION_IDLE_SECONDS = env_int("KHRONIKA_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# Plain HTTP is allowed only for a demo on the loopback interface; `check --deploy` warns otherwise.
COOKIES_SECURE = env_bool("KHRONIKA_SECURE_COOKIES", not DEMO_MODE)
SESSION_COOKIE_SECURE = COOKIES_SECURE
CSRF_COOKIE_SECURE = COOKIES_SECURE
LANGUAGE_COOKIE_SECURE = COOKIES_SECURE
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("KHRONIKA_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("KHRONIKA_HSTS_SECONDS", 0 if DEMO_MODE else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("KHRONIKA_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer": under no-referrer browsers send "Origin: null" with every form POST,
# which would force us to switch off Django's origin check against CSRF. same-origin sends nothing to
# any other host, which is the property that matters (no URL of ours leaks to another site).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # SSL is terminated by the reverse proxy or the onion service (docs/operations.md); the redirect would
    # break onion addresses, which are plain HTTP to the browser but end-to-end encrypted by Tor.
    "security.W008",
    # HSTS preload is a permanent, public commitment for a domain; an organisation may not want its
    # domain on a public list. Left to the operator, not demanded.
    "security.W021",
]
if not SECURE_HSTS_SECONDS:
    SILENCED_SYSTEM_CHECKS.append("security.W004")

# Staff must use TOTP except in the demo, whose logins are printed on the console.
REQUIRE_TWO_FACTOR = env_bool("KHRONIKA_REQUIRE_2FA", not DEMO_MODE)
OTP_TOTP_ISSUER = "Khronika"
# The compartment of synthetic records that a duress login sees (khronika/accounts/duress.py). Give it a
# name that looks like one of your real compartments.
KHRONIKA_DECOY_COMPARTMENT = env("KHRONIKA_DECOY_COMPARTMENT", "Documentation")
KHRONIKA_DECOY_INCIDENTS = env_int("KHRONIKA_DECOY_INCIDENTS", 60)

EVIDENCE_MAX_BYTES = env_int("KHRONIKA_EVIDENCE_MAX_BYTES", 500 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Larger uploads are spooled to a temporary file holding only ciphertext under a key kept in memory
# (khronika/vault/uploads.py): Django's default handler would write them to disk in clear.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "khronika.vault.uploads.EncryptedTemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
IMPORT_MAX_BYTES = env_int("KHRONIKA_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("KHRONIKA_IMPORT_MAX_ROWS", 200_000)
# A whole-database import (khronika import) may be large; its decompressed size is still capped so that
# a hostile or corrupt file (a gzip bomb) cannot fill the disk or the memory.
IMPORT_MAX_BYTES_DATABASE = env_int("KHRONIKA_IMPORT_MAX_BYTES_DATABASE", 8 * 1024**3)

# Anonymous intake (khronika/intake, docs/security.md): limits that do not identify anybody.
# Inside MEDIA_ROOT, so that `khronika backup` carries the reports' (encrypted) files too (check W020).
INTAKE_FILE_DIR = Path(env("KHRONIKA_INTAKE_FILE_DIR", str(DATA_DIR / "files" / "intake"))).resolve()
INTAKE_MAX_FILE_BYTES = env_int("KHRONIKA_INTAKE_MAX_FILE_BYTES", 50 * 1024 * 1024)
INTAKE_MAX_FILES = env_int("KHRONIKA_INTAKE_MAX_FILES", 10)
INTAKE_MAX_TEXT_CHARS = env_int("KHRONIKA_INTAKE_MAX_TEXT_CHARS", 20_000)
# Across the whole instance, per minute: a flood is slowed without knowing who sends it.
INTAKE_MAX_SUBMISSIONS_PER_MINUTE = env_int("KHRONIKA_INTAKE_MAX_SUBMISSIONS_PER_MINUTE", 3000)
# Past that cap, reports whose browser solved a proof of work (JavaScript on) still get in, up to this many
# times the cap; the puzzle needs this many leading zero bits of SHA-256 (16: about a second on a phone).
INTAKE_POW_EXTRA = env_int("KHRONIKA_INTAKE_POW_EXTRA", 4)
INTAKE_POW_BITS = env_int("KHRONIKA_INTAKE_POW_BITS", 16)
# Per return visit (one receipt phrase check): messages and files a source may add before re-entering it.
INTAKE_MAX_MESSAGES_PER_VISIT = env_int("KHRONIKA_INTAKE_MAX_MESSAGES_PER_VISIT", 20)
INTAKE_RETURN_MINUTES = env_int("KHRONIKA_INTAKE_RETURN_MINUTES", 30)
# Retention: reports never recorded as incidents are crypto-shredded after this many days.
INTAKE_RETENTION_DAYS = env_int("KHRONIKA_INTAKE_RETENTION_DAYS", 90)
# Where the quick-exit button leads: an ordinary site nobody would wonder about.
INTAKE_QUICK_EXIT_URL = env("KHRONIKA_INTAKE_QUICK_EXIT_URL", "https://yandex.ru/pogoda/")
# Receipt phrases (khronika/intake/receipts.py): the salt and pepper file, outside the database and the
# vault; empty means DATA_DIR/intake-phrase.key, made on first use. Back it up: without it no phrase works.
INTAKE_PHRASE_KEY_FILE = env("KHRONIKA_INTAKE_PHRASE_KEY_FILE")
# Argon2id (time_cost, memory_kib), OWASP's 19 MiB, t=2, p=1: about 40 ms a phrase (p95 60 ms) on the
# 2-core reference machine, so 20 submissions a second use under one core. Tests use a fast setting.
INTAKE_PHRASE_KDF = (2, 19 * 1024)

# Aid coordination (khronika/aid): a detained person whose whereabouts stay unknown this long escalates
# their case to coordinators (khronika.aid.escalation, run by the worker).
AID_WHEREABOUTS_ESCALATION_HOURS = env_int("KHRONIKA_AID_WHEREABOUTS_ESCALATION_HOURS", 24)

# Community safety registry (khronika/safety, docs/safety-registry.md): a confirmation lapses after this
# many days unless renewed; numbers without a country code are read as this region's; the private
# lookup's PBKDF2 iterations (slow on purpose: phone numbers are enumerable); reports per minute.
SAFETY_CONFIRMATION_DAYS = env_int("KHRONIKA_SAFETY_CONFIRMATION_DAYS", 182)
SAFETY_DEFAULT_REGION = env("KHRONIKA_SAFETY_DEFAULT_REGION", "RU")
SAFETY_LOOKUP_ITERATIONS = env_int("KHRONIKA_SAFETY_LOOKUP_ITERATIONS", 1_000_000)
SAFETY_MAX_REPORTS_PER_MINUTE = env_int("KHRONIKA_SAFETY_MAX_REPORTS_PER_MINUTE", 60)

# Threat model 4: no IP addresses or user agents in logs. Django's own loggers never include them in
# their messages; we add no formatter that would, and error reports carry no request data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("KHRONIKA_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "khronika": {"handlers": ["console"], "level": env("KHRONIKA_LOG_LEVEL", "INFO"), "propagate": False},
    },
}
ADMINS: list[tuple[str, str]] = []
DEFAULT_EXCEPTION_REPORTER_FILTER = "khronika.web.errors.NoRequestDataFilter"
DEFAULT_EXCEPTION_REPORTER = "khronika.web.errors.NoRequestDataReporter"

PAGE_SIZE = 25

# Threat model 3: an account that reveals or exports more than this in an hour raises an alert for
# coordinators (khronika/ledger/watch.py). Set them to what a busy day of honest work never reaches.
KHRONIKA_ALERT_REVEALS_PER_HOUR = env_int("KHRONIKA_ALERT_REVEALS_PER_HOUR", 20)
# Counted in records: exporting the incident list of a working day is normal, a whole compartment is not.
KHRONIKA_ALERT_EXPORTS_PER_HOUR = env_int("KHRONIKA_ALERT_EXPORTS_PER_HOUR", 200)

# The background worker (khronika/worker, `khronika worker`) and the notifications it sends.
KHRONIKA_WORKER_MAX_ATTEMPTS = env_int("KHRONIKA_WORKER_MAX_ATTEMPTS", 8)
# Waits after a failure: 10 s, 20 s, 40 s ... up to an hour (plus up to 10 % jitter).
KHRONIKA_WORKER_BACKOFF_SECONDS = env_int("KHRONIKA_WORKER_BACKOFF_SECONDS", 10)
KHRONIKA_WORKER_BACKOFF_MAX_SECONDS = env_int("KHRONIKA_WORKER_BACKOFF_MAX_SECONDS", 3600)
# A claimed job is taken again by another worker when its lease runs out; a job is stopped before that.
KHRONIKA_WORKER_LEASE_SECONDS = env_int("KHRONIKA_WORKER_LEASE_SECONDS", 60)
KHRONIKA_WORKER_JOB_TIMEOUT_SECONDS = env_int("KHRONIKA_WORKER_JOB_TIMEOUT_SECONDS", 45)
# A linkage run (decrypting and linking a compartment's persons) and an estimation (LCMCR chains per
# stratum) are long by nature: their jobs get limits of their own (the worker extends their lease).
KHRONIKA_LINKAGE_TIMEOUT_SECONDS = env_int("KHRONIKA_LINKAGE_TIMEOUT_SECONDS", 1800)
KHRONIKA_ESTIMATION_TIMEOUT_SECONDS = env_int("KHRONIKA_ESTIMATION_TIMEOUT_SECONDS", 1800)
KHRONIKA_WORKER_POLL_SECONDS = env_int("KHRONIKA_WORKER_POLL_SECONDS", 1)
KHRONIKA_SMTP_HOST = env("KHRONIKA_SMTP_HOST")
KHRONIKA_SMTP_PORT = env_int("KHRONIKA_SMTP_PORT", 587)
KHRONIKA_SMTP_USER = env("KHRONIKA_SMTP_USER")
# Paths, read when a message is sent: the secrets themselves never sit in the settings.
KHRONIKA_SMTP_PASSWORD_FILE = os.environ.get("KHRONIKA_SMTP_PASSWORD_FILE", "")
KHRONIKA_SMTP_STARTTLS = env_bool("KHRONIKA_SMTP_STARTTLS", True)
KHRONIKA_SMTP_FROM = env("KHRONIKA_SMTP_FROM", "khronika@localhost")
KHRONIKA_WEBHOOK_SECRET_FILE = os.environ.get("KHRONIKA_WEBHOOK_SECRET_FILE", "")
# Webhooks to loopback or private addresses are refused (server-side request forgery) unless allowed here.
KHRONIKA_WEBHOOK_ALLOW_PRIVATE = env_bool("KHRONIKA_WEBHOOK_ALLOW_PRIVATE", False)
# Finished jobs are deleted after this many days; an idempotency key can be reused after that.
KHRONIKA_WORKER_KEEP_DONE_DAYS = env_int("KHRONIKA_WORKER_KEEP_DONE_DAYS", 7)

# Safety check-ins (khronika/checkins, docs/checkins.md). The alerts key file (outside the vault, so
# alerts fire while sealed); empty means DATA_DIR/alerts.key, made with the first check-in.
CHECKINS_ALERTS_KEY_FILE = env("KHRONIKA_CHECKINS_ALERTS_KEY_FILE")
# Contacts and messages are crypto-shredded this many days after a check-in closes.
CHECKINS_KEEP_DAYS = env_int("KHRONIKA_CHECKINS_KEEP_DAYS", 7)
# New check-ins per minute per process (the public form must not become a mail cannon).
CHECKINS_MAX_PER_MINUTE = env_int("KHRONIKA_CHECKINS_MAX_PER_MINUTE", 30)
# Every code answer takes at least this long, so a duress code cannot be told from a cancel by timing.
CHECKINS_CODE_ANSWER_SECONDS = 0.4

# Open-source monitoring (docs/monitoring.md). Feeds and pages are fetched through this proxy, for
# example Tor's socks5h://127.0.0.1:9050, so that sites do not learn the server's address; empty: direct.
KHRONIKA_MONITOR_PROXY = env("KHRONIKA_MONITOR_PROXY")
KHRONIKA_MONITOR_TIMEOUT_SECONDS = env_int("KHRONIKA_MONITOR_TIMEOUT_SECONDS", 30)
# A feed, page or export larger than this is refused (a hostile server could send gigabytes).
KHRONIKA_MONITOR_MAX_BYTES = env_int("KHRONIKA_MONITOR_MAX_BYTES", 10 * 1024 * 1024)
KHRONIKA_MONITOR_POLL_MINUTES = env_int("KHRONIKA_MONITOR_POLL_MINUTES", 60)
# Staff can make the server fetch an address (/monitoring/sources/): loopback, private and link-local
# addresses are refused so that an account cannot read internal services through it (docs/monitoring.md).
KHRONIKA_MONITOR_ALLOW_INTERNAL = env_bool("KHRONIKA_MONITOR_ALLOW_INTERNAL", False)
