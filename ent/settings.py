"""All settings, read from the environment in this one module.

With no environment at all the portal runs on an embedded default: SQLite in ``var/`` and
Celery tasks executed eagerly in the calling process. ``DATABASE_URL`` and
``CELERY_BROKER_URL`` switch to PostgreSQL and Redis with real workers.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ENT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("ENT_DEBUG", False)

# --- Secret key and production mode ---------------------------------------------------------
# A deployment is any DATABASE_URL with debug off: it must have its own key and serves HTTPS.
# The embedded default (no DATABASE_URL) and ENT_DEV=1 (a developer's or the test suite's
# PostgreSQL) are development: a key generated once per checkout in var/, no HTTPS required.
ENT_DEV = DEBUG or env_bool("ENT_DEV") or not os.environ.get("DATABASE_URL")
ENT_PRODUCTION = not ENT_DEV
# Keys that were ever written where anyone can read them: the repository, docker-compose.yml.
KNOWN_SECRET_KEYS = {
    "insecure-dev-key-only-for-the-embedded-default-never-in-production",
    "change-me",
    "changeme",
    "secret",
}


def _dev_secret_key():
    """This checkout's own key, made once in var/ (a lost key only logs people out and voids
    the activation codes printed with it)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = VAR_DIR / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic: a concurrent first run keeps the one key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _production_key_problem(key):
    if not key:
        return "ENT_SECRET_KEY n'est pas définie"
    if key in KNOWN_SECRET_KEYS or key.startswith("django-insecure-"):
        return "ENT_SECRET_KEY est une clé connue de tous (celle du dépôt ou d'un exemple)"
    if len(key) < 50 or len(set(key)) < 5:
        return "ENT_SECRET_KEY est trop courte (50 caractères variés au moins)"
    return None


SECRET_KEY = os.environ.get("ENT_SECRET_KEY", "").strip()
if ENT_PRODUCTION and (_problem := _production_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"Démarrage refusé : {_problem}. Elle signe les sessions et les codes d'activation. "
        "Générez-en une avec « python -c 'import secrets; print(secrets.token_urlsafe(50))' » "
        "et passez-la dans ENT_SECRET_KEY ; pour un essai sur PostgreSQL sans HTTPS ni vraie "
        "clé, ENT_DEV=1 (jamais en production)."
    )
if not SECRET_KEY:
    SECRET_KEY = _dev_secret_key()

ALLOWED_HOSTS = env_list("ENT_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("ENT_CSRF_TRUSTED_ORIGINS")
ENT_SITE_NAME = os.environ.get("ENT_SITE_NAME", "ENT")
ENT_PUBLIC_URL = os.environ.get("ENT_PUBLIC_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "ent.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "ent",
    "ent.notifications",
    "ent.catalogue",
    "ent.audit",
    "annuaire",
    "imports",
    "viescolaire",
    "viescolaire.cahier",
    "viescolaire.appel",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ent.middleware.NulCharacterMiddleware",
    "ent.middleware.PersonalPagesNoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ent.middleware.LoginBlockMiddleware",
    "ent.middleware.NotFoundMiddleware",
    "ent.catalogue.middleware.ServiceGateMiddleware",
]

ROOT_URLCONF = "ent.urls"
WSGI_APPLICATION = "ent.wsgi.application"

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
                "ent.context_processors.portal",
                "ent.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    # The embedded default must work on a fresh clone: its folder may not exist yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'ent.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while an import writes; the timeout waits out a writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- PostgreSQL under load (bench/pages.py measures it) --------------------------------------
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One connection per gunicorn thread, kept between requests (a new one costs PostgreSQL a
    # fork and an authentication, several milliseconds) and checked before use after an error
    # or a restart of the server, rather than failing the request. psycopg's pool (Django's
    # OPTIONS["pool"]) measured no better with the image's 3 workers of 4 threads: 50 against
    # 49 to 51 ms of CPU per request at saturation, the same requests per second.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("ENT_DB_CONN_MAX_AGE", "600"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compiles the plan of any query the planner prices high (the directory over a million
    # people): 0.2 to 1.5 s of compiling for queries that run in milliseconds. Off for the
    # portal's connections whatever the server's setting (docker-compose.yml turns it off too).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "annuaire.Person"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
# The first hashes; the others verify older hashes, rewritten with the first at login.
PASSWORD_HASHERS = [
    "ent.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("ENT_FAST_PASSWORD_HASHER"):
    # Tests only: scrypt would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    # Django's common passwords and a French list, digits and symbols around them ignored.
    {"NAME": "ent.passwords.FrenchCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "login"
# Logins are stored in lower case (a check constraint): allauth then looks a typed login up
# lowered, by equality on the login's unique index, not by UPPER() over every account.
ACCOUNT_PRESERVE_USERNAME_CASING = False
# The feed's e-mail field is the académie's word, not the person's: allauth only knows the
# addresses people give and confirm themselves (EmailAddress).
ACCOUNT_USER_MODEL_EMAIL_FIELD = None
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 7
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "ent.accounts.PortalAccountAdapter"
ACCOUNT_FORMS = {
    "login": "ent.accounts.PortalLoginForm",
    "reset_password": "annuaire.activation.forms.ConfirmedEmailResetForm",
    "add_email": "ent.account_pages.PortalAddEmailForm",
    "change_password": "ent.account_pages.PortalChangePasswordForm",
    "set_password": "ent.account_pages.PortalSetPasswordForm",
    "reset_password_from_key": "ent.account_pages.PortalResetPasswordKeyForm",
    "reauthenticate": "ent.account_pages.PortalReauthenticateForm",
}
ACCOUNT_SESSION_REMEMBER = None
# « Rester connecté sur cet appareil »: the session lasts this long; unticked, it ends with
# the browser. Shorter than Django's 14 days: phones and family computers are shared.
ENT_SESSION_REMEMBER_DAYS = int(os.environ.get("ENT_SESSION_REMEMBER_DAYS", "7"))
SESSION_COOKIE_AGE = ENT_SESSION_REMEMBER_DAYS * 24 * 3600
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Failed logins and activation codes are limited by ent.login_limits (see « Login limits »
# below), not by allauth's per-address counts, which lock a school's NAT out. The password
# reset keeps allauth's limits, sized for an establishment behind one address.
ACCOUNT_RATE_LIMITS = {
    "login": "",
    "login_failed": "",
    "reset_password": "60/m/ip,3/15m/key",
    "reset_password_from_key": "120/m/ip",
}
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ent.views.csrf_failure"

# --- Login limits and client address -------------------------------------------------------
# Failures tolerated on one account from one address (or one trusted browser), then on one
# account from all addresses, before each new attempt waits a delay doubling from 1 s.
ENT_LOGIN_FAILURES_BEFORE_DELAY = int(os.environ.get("ENT_LOGIN_FAILURES_BEFORE_DELAY", "5"))
ENT_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY = int(
    os.environ.get("ENT_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY", "20"))
# The delay never grows past this: no account is ever locked for good.
ENT_LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("ENT_LOGIN_MAX_DELAY_SECONDS", "300"))


def _failure_rate(name, default):
    """« 300/5m »: so many failures per so long (s, m, h)."""
    text = os.environ.get(name, default)
    try:
        amount, period = text.split("/")
        seconds = int(period[:-1] or 1) * {"s": 1, "m": 60, "h": 3600}[period[-1]]
        return int(amount), seconds
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(
            f"{name} : « {text} » n'est pas un nombre d'échecs par durée, comme « 300/5m »."
        ) from None


# Failures from one address over all accounts: a whole establishment behind one NAT address.
ENT_LOGIN_ADDRESS_FAILURES = _failure_rate("ENT_LOGIN_ADDRESS_FAILURES", "300/5m")


def _networks(name):
    networks = []
    for item in env_list(name):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} : « {item} » n'est ni une adresse IP ni un réseau (CIDR)."
            ) from None
    return networks


# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated).
# Empty: the client is the connection's address, and the header is ignored.
ENT_TRUSTED_PROXIES = _networks("ENT_TRUSTED_PROXIES")

# Django's admin site at /django-admin/: not mounted unless set, and then for the académie's
# administrators only (ent/admin_site.py).
ENT_DJANGO_ADMIN = env_bool("ENT_DJANGO_ADMIN", False)

# --- HTTPS and browser protections -----------------------------------------------------------
# In production each is on unless its variable relaxes it (a TLS proxy in front that already
# redirects to HTTPS or sends HSTS, a trial over plain HTTP).
SESSION_COOKIE_SECURE = env_bool("ENT_SECURE_COOKIES", ENT_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("ENT_SSL_REDIRECT", ENT_PRODUCTION)
# Load balancers and the docker healthcheck call it over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("ENT_HSTS_SECONDS") or (
    31_536_000 if ENT_PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ENT_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("ENT_HSTS_PRELOAD", True)
# A TLS proxy in front says the browser's scheme in X-Forwarded-Proto: believe it only when
# set, and then the proxy must overwrite whatever a client sent in that header.
if env_bool("ENT_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline script or style anywhere: what an injection slips into a page does not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("ENT_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("ENT_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Uploads always stream to disk: AAF files run to hundreds of megabytes. Each import's view
# bounds its upload as the bytes arrive (``ent.uploads``, limits per kind below).
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
DATA_UPLOAD_MAX_NUMBER_FILES = 500
# An archive whose members unpack to more than this many times their compressed size is
# refused as soon as the bytes actually unpacked say so (real exports compress about 20 to 1).
ENT_UPLOAD_MAX_ZIP_RATIO = int(os.environ.get("ENT_UPLOAD_MAX_ZIP_RATIO", "100"))
# An uploaded export holds personal data: it is deleted when its import ends, after this many
# hours when the import failed (for a retry), and by a beat task when left behind.
ENT_UPLOAD_RETRY_HOURS = int(os.environ.get("ENT_UPLOAD_RETRY_HOURS", "24"))
# An import waiting for a decision (simulated, to confirm, bilan) keeps its files this long.
ENT_UPLOAD_PENDING_DAYS = int(os.environ.get("ENT_UPLOAD_PENDING_DAYS", "7"))

# --- Cache, Celery --------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once done, so a killed worker's task is delivered again.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("ENT_CELERY_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("ENT_CELERY_VISIBILITY_TIMEOUT", 3600)),
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "purge-deactivated-accounts": {
        "task": "annuaire.tasks.accounts_purge_task",
        "schedule": crontab(hour=3, minute=15),
    },
    "expire-letter-files": {
        "task": "annuaire.tasks.letter_files_expire_task",
        "schedule": crontab(minute=20),
    },
    "purge-uploads": {
        "task": "ent.tasks.uploads_purge_task",
        "schedule": crontab(minute=40),
    },
    "purge-audit-events": {
        "task": "ent.audit.tasks.audit_events_purge_task",
        "schedule": crontab(hour=3, minute=45),
    },
    "reap-dead-jobs": {
        "task": "ent.jobs.tasks.jobs_reap_task",
        "schedule": 60.0,
    },
    "remind-forgotten-roll-calls": {
        "task": "viescolaire.appel.tasks.appels_forgotten_task",
        "schedule": crontab(minute="*/5"),
    },
    "send-notification-emails": {
        "task": "ent.notifications.tasks.notifications_email_task",
        "schedule": crontab(minute="*/5"),
    },
}

CACHE_URL = os.environ.get("ENT_CACHE_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": CACHE_URL, "KEY_PREFIX": "ent"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Directory (AAF feed) -------------------------------------------------------------------
# Share of an establishment's active accounts a Complet may deactivate without confirmation.
ENT_AAF_DEACTIVATION_THRESHOLD = float(os.environ.get("ENT_AAF_DEACTIVATION_THRESHOLD", "0.10"))
# Days between an account's deactivation and the purge of its personal data.
ENT_PURGE_DELAY_DAYS = int(os.environ.get("ENT_PURGE_DELAY_DAYS", "42"))
# What a relative's « légal = 2 » means: "responsable_legal" (AAF 2013: second legal guardian),
# "personne_en_charge" (current AAF), or "auto": decided by each file's versionAF.
ENT_AAF_LEGAL_2 = os.environ.get("ENT_AAF_LEGAL_2", "auto")
# With "auto", files declaring a version older than this one use the 2013 meaning.
ENT_AAF_LEGAL_2_CUTOFF_VERSION = os.environ.get("ENT_AAF_LEGAL_2_CUTOFF_VERSION", "AAF-VE2004")
ENT_AAF_MAX_FILE_BYTES = int(os.environ.get("ENT_AAF_MAX_FILE_MB", "1024")) * 1024 * 1024
ENT_AAF_MAX_UPLOAD_BYTES = int(os.environ.get("ENT_AAF_MAX_UPLOAD_MB", "4096")) * 1024 * 1024
ENT_AAF_MAX_UNZIPPED_BYTES = int(os.environ.get("ENT_AAF_MAX_UNZIPPED_MB", "8192")) * 1024 * 1024
# A job (import, letters, later mass sends) whose worker has not reported for this long is
# dead: the reaper (beat, every minute) settles it and a new one may start.
ENT_IMPORT_STALE_SECONDS = int(os.environ.get("ENT_IMPORT_STALE_SECONDS", "600"))
# One still waiting in the queue (no worker has taken it yet) is given this long.
ENT_IMPORT_QUEUED_STALE_SECONDS = int(os.environ.get("ENT_IMPORT_QUEUED_STALE_SECONDS", "3600"))
# Worker processes that parse AAF files in parallel (PostgreSQL only).
ENT_AAF_PARSE_PROCESSES = int(os.environ.get("ENT_AAF_PARSE_PROCESSES", "0")) or (
    os.cpu_count() or 1
)

# --- Audit trail (« Journal des actions ») -------------------------------------------------
# Days an event is kept: the CNIL's recommendation for activity logs is six months to a year.
ENT_AUDIT_RETENTION_DAYS = int(os.environ.get("ENT_AUDIT_RETENTION_DAYS", "365"))
# Events the nightly purge deletes per statement (short transactions, no long lock).
ENT_AUDIT_PURGE_BATCH = int(os.environ.get("ENT_AUDIT_PURGE_BATCH", "5000"))

# --- Activation and distribution letters ----------------------------------------------------
ENT_ACTIVATION_CODE_DAYS = int(os.environ.get("ENT_ACTIVATION_CODE_DAYS", "60"))
# Letters hold codes in clear: a private folder, never served as static or media.
ENT_LETTERS_DIR = Path(os.environ.get("ENT_LETTERS_DIR", VAR_DIR / "letters"))
ENT_LETTERS_KEEP_HOURS = int(os.environ.get("ENT_LETTERS_KEEP_HOURS", "24"))
# Letters rendered in the request; more go to a Celery job with a progress bar.
ENT_LETTERS_SYNC_MAX = int(os.environ.get("ENT_LETTERS_SYNC_MAX", "80"))

# --- SIECLE / STS-web completion ------------------------------------------------------------
# A lycée's exports weigh a few megabytes: the bounds stay far below the AAF ones.
ENT_SIECLE_MAX_FILE_BYTES = int(os.environ.get("ENT_SIECLE_MAX_FILE_MB", "100")) * 1024 * 1024
ENT_SIECLE_MAX_UPLOAD_BYTES = int(os.environ.get("ENT_SIECLE_MAX_UPLOAD_MB", "200")) * 1024 * 1024
ENT_SIECLE_MAX_UNZIPPED_BYTES = int(os.environ.get("ENT_SIECLE_MAX_UNZIPPED_MB", "400")) * 1024 * 1024

# --- Timetable imports ----------------------------------------------------------------------
ENT_TIMETABLE_MAX_FILE_BYTES = int(os.environ.get("ENT_TIMETABLE_MAX_FILE_MB", "200")) * 1024 * 1024
ENT_TIMETABLE_MAX_UPLOAD_BYTES = int(os.environ.get("ENT_TIMETABLE_MAX_UPLOAD_MB", "200")) * 1024 * 1024
ENT_TIMETABLE_MAX_UNZIPPED_BYTES = int(
    os.environ.get("ENT_TIMETABLE_MAX_UNZIPPED_MB", "400")) * 1024 * 1024
# An encrypted EDT/PRONOTE export opens with the key Index Éducation registered for the ENT.
ENT_EDT_PARTNER_NAME = os.environ.get("ENT_EDT_PARTNER_NAME", "")
ENT_EDT_PRIVATE_KEY_PATH = os.environ.get("ENT_EDT_PRIVATE_KEY_PATH", "")

# --- Cahier de textes ------------------------------------------------------------------------
# Attachments: a private folder, never served as static or media (a view checks rights).
ENT_CAHIER_FILES_DIR = Path(os.environ.get("ENT_CAHIER_FILES_DIR", VAR_DIR / "cahier"))
ENT_CAHIER_MAX_FILE_BYTES = int(os.environ.get("ENT_CAHIER_MAX_FILE_MB", "10")) * 1024 * 1024
ENT_CAHIER_QUOTA_BYTES = int(os.environ.get("ENT_CAHIER_QUOTA_MB", "200")) * 1024 * 1024

# --- Notification centre -------------------------------------------------------------------
# When the daily digest leaves (then after the person's quiet hours), as HH:MM local time.
ENT_NOTIFICATIONS_DIGEST_TIME = datetime.time.fromisoformat(
    os.environ.get("ENT_NOTIFICATIONS_DIGEST_TIME", "07:30"))
# Due rows the beat task claims at a time; a claim older than this is a stopped worker's.
ENT_NOTIFICATIONS_EMAIL_BATCH = int(os.environ.get("ENT_NOTIFICATIONS_EMAIL_BATCH", "500"))
ENT_NOTIFICATIONS_CLAIM_STALE_SECONDS = int(
    os.environ.get("ENT_NOTIFICATIONS_CLAIM_STALE_SECONDS", "900"))

# --- Roll call and absences (viescolaire.appel) ----------------------------------------------
# A teacher may open a séance's roll call this many minutes before it starts, until the end of
# its day; afterwards only the vie scolaire changes it, unless this is on.
ENT_APPEL_OPENS_MINUTES_BEFORE = int(os.environ.get("ENT_APPEL_OPENS_MINUTES_BEFORE", "10"))
ENT_APPEL_TEACHER_EDITS_AFTER_DAY = env_bool("ENT_APPEL_TEACHER_EDITS_AFTER_DAY", False)
# The teacher is reminded this many minutes after the start; the board shows « non fait » after
# the second delay.
ENT_APPEL_REMINDER_MINUTES = int(os.environ.get("ENT_APPEL_REMINDER_MINUTES", "10"))
ENT_APPEL_NOT_DONE_MINUTES = int(os.environ.get("ENT_APPEL_NOT_DONE_MINUTES", "30"))
# Justifications sent by families: PDF or image, stored outside the web root.
ENT_APPEL_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("ENT_APPEL_ATTACHMENT_MAX_MB", "5")) * 1024 * 1024
ENT_APPEL_ATTACHMENTS_DIR = Path(
    os.environ.get("ENT_APPEL_ATTACHMENTS_DIR", VAR_DIR / "appel-justificatifs"))
# Half-days: a séance starting before this time is in the morning.
ENT_APPEL_MIDDAY = datetime.time.fromisoformat(os.environ.get("ENT_APPEL_MIDDAY", "12:00"))
# The legal signalement: this many unjustified half-days within this many days.
ENT_APPEL_SIGNALEMENT_HALF_DAYS = int(os.environ.get("ENT_APPEL_SIGNALEMENT_HALF_DAYS", "4"))
ENT_APPEL_SIGNALEMENT_DAYS = int(os.environ.get("ENT_APPEL_SIGNALEMENT_DAYS", "30"))

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ENT_LOG_LEVEL", "WARNING")},
}

EMAIL_BACKEND = os.environ.get(
    "ENT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("ENT_DEFAULT_FROM_EMAIL", "ne-pas-repondre@ent.invalid")
# With ENT_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend:
EMAIL_HOST = os.environ.get("ENT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ENT_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ENT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ENT_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ENT_EMAIL_USE_TLS", False)
