"""BackCore settings: one module, configured from the environment (12-factor).

Defaults serve a developer on a fresh machine: SQLite, console email, Celery eager.
`DJANGO_ENV=production` refuses to start without the secrets it needs.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"

if IS_PRODUCTION:
    _missing = [
        name
        for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
        if not env.str(name, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production needs these environment variables: {', '.join(_missing)}"
        )

# A fixed development key is fine: production refuses to start without its own.
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-backcore-development-only-key-0123456789"
)
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "backcore.admin_site.BackCoreAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, found by FORM_RENDERER below
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_htmx",
    "django_celery_beat",
    "backcore",
    "backcore.accounts",
    "backcore.notifications",
    "exercises",
    "programs",
    "community",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "backcore.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "backcore.accounts.mfa.StaffMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "backcore.middleware.ContentSecurityPolicyMiddleware",
    "backcore.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "backcore.urls"
WSGI_APPLICATION = "backcore.wsgi.application"
ASGI_APPLICATION = "backcore.asgi.application"

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
                "backcore.context_processors.site",
                "backcore.notifications.context_processors.notifications",
            ],
            # after Django's own: `{% url %}` remembers the URLs that take no arguments and
            # `{% extends %}` the blocks of the template it extends
            "builtins": [
                "backcore.templatetags.constant_urls",
                "backcore.templatetags.known_blocks",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ may override one (admin/widgets/…).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if IS_PRODUCTION else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two writers at once wait for each other instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# A persistent connection is checked before each request reuses it, so a PostgreSQL restart costs
# one reconnect instead of a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Falls back to process memory (with a logged warning) while Redis is unreachable, so
    # logins and pages never fail on the cache; see backcore/cache.py.
    CACHES = {"default": {"BACKEND": "backcore.cache.FallbackRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "programs:today"
COACH_LOGIN_REDIRECT_URL = "coach:inbox"
JOIN_URL = "payments:join"  # where member_required sends people who have not joined yet
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the login; verification is mandatory; rate limits stay on (allauth's defaults).
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "backcore.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "backcore.accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BackCore] "
ACCOUNT_SIGNUP_REDIRECT_URL = "programs:intake"

# allauth's per-address rate limits must see the visitor, not the proxy in front of us, or one
# person's failed logins lock out everyone. Behind N proxies you run, set
# ALLAUTH_TRUSTED_PROXY_COUNT=N (the address is taken N entries from the right of
# X-Forwarded-For), or name the one header your proxy sets to the client's address
# (ALLAUTH_TRUSTED_CLIENT_IP_HEADER=CF-Connecting-IP / X-Real-IP). Neither: REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None

# Two-factor authentication (allauth.mfa), offered to everyone: an authenticator app (TOTP),
# passkeys / security keys (WebAuthn, also for passwordless login) and recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "BackCore"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not IS_PRODUCTION  # http://127.0.0.1 during development
# Coaches and staff must turn on two-factor before admin or the coach inbox
# (backcore.accounts.mfa). On in production; off by default elsewhere, so the `make run`
# demo logins work as they are.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=IS_PRODUCTION)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "backcore.staticfiles.RememberedURLsStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Email: console for development; set EMAIL_URL (e.g. smtp://user:pass@host:587) for real delivery.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BackCore <hello@backcore.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: eager in development (no Redis needed); a real broker whenever REDIS_URL is set.
# (Eager tasks still take a producer from the broker's pool: a host keeps kombu from warning.)
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Sending a task after a commit must not hold a request for long when Redis is away: a short
# connect timeout and a short publish retry, then backcore.dispatch logs it and a sweeper resends.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat schedules live here in one place; django-celery-beat mirrors them into admin.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# notifications: one digest email a day for people who chose the daily digest (any topic).
CELERY_BEAT_SCHEDULE["notifications-daily-digest"] = {
    "task": "backcore.notifications.tasks.send_daily_digests",
    "schedule": 60 * 60 * 24,
}

# programs: progression, checked hourly; each member's week is reviewed once it has ended locally.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["programs-weekly-progression"] = {
    "task": "programs.tasks.weekly_progression",
    "schedule": crontab(minute=5),  # hourly: each member's own week ends at their midnight
}
# programs: each member's new local day gets its plan, hourly, after that hour's weekly review.
CELERY_BEAT_SCHEDULE["programs-plan-new-days"] = {
    "task": "programs.tasks.plan_new_days",
    "schedule": crontab(minute=15),
}
# programs: reminder emails, checked every 5 minutes; each member gets at most one per local day.
CELERY_BEAT_SCHEDULE["programs-send-due-reminders"] = {
    "task": "programs.tasks.send_due_reminders",
    "schedule": 5 * 60,
}
# community: posts whose notifications task was never sent or was lost, every 5 minutes.
CELERY_BEAT_SCHEDULE["community-notify-unnotified-posts"] = {
    "task": "community.tasks.notify_unnotified_posts",
    "schedule": 5 * 60,
}
# notifications: instant emails whose task was never sent or was lost, every 10 minutes.
CELERY_BEAT_SCHEDULE["notifications-send-overdue-emails"] = {
    "task": "backcore.notifications.tasks.send_overdue_notification_emails",
    "schedule": 10 * 60,
}
# exercises: thumbnails whose task was never sent or was lost are queued again every 10 minutes.
CELERY_BEAT_SCHEDULE["exercises-make-missing-thumbnails"] = {
    "task": "exercises.tasks.make_missing_thumbnails",
    "schedule": 10 * 60,
}
# payments: Stripe events still pending 5 minutes after arrival (queue message never sent or
# lost) are queued again; checked every 5 minutes.
CELERY_BEAT_SCHEDULE["payments-requeue-pending-webhook-events"] = {
    "task": "payments.tasks.requeue_pending_webhook_events",
    "schedule": 5 * 60,
}
# programs: coach alerts that come from waiting (clearance over 3 days, 14 days without a
# session) and re-sending unresolved emergencies after 24 hours; hourly.
CELERY_BEAT_SCHEDULE["programs-coach-alerts-sweep"] = {
    "task": "programs.tasks.coach_alerts_sweep",
    "schedule": 60 * 60,
}
# payments: Stripe events whose processing failed are retried every 15 minutes (bounded).
CELERY_BEAT_SCHEDULE["payments-retry-failed-webhook-events"] = {
    "task": "payments.tasks.retry_failed_webhook_events",
    "schedule": 15 * 60,
}

# Payments (see payments/): without STRIPE_SECRET_KEY only the free option is offered.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_PRODUCT_ID = env.str("STRIPE_PRODUCT_ID", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
CONTRIBUTION_CURRENCY = env.str("CONTRIBUTION_CURRENCY", default="usd").lower()

# `make bench` only: turns on /bench/bare/, the baseline every page is compared with.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read by a query compiled once per process
SESSION_ENGINE = "backcore.sessions"
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): everything from our own origin, no inline script or
# style anywhere (templates keep CSS and JS in static files; a test fails on inline ones).
# The join form redirects to Stripe Checkout and the billing portal, hence form-action.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the TOTP QR code allauth draws
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
        **({"upgrade-insecure-requests": True} if IS_PRODUCTION else {}),
    },
}
# Browser features no page needs are switched off; passkeys work on our own origin only.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The clinician report's PDF: WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
# programs: replanning after a coach's programme edit that stopped part-way or was never sent
# (broker down), sent again every 10 minutes; after a few sends it shows as failed in admin.
CELERY_BEAT_SCHEDULE["programs-programme-edits-resume"] = {
    "task": "programs.tasks.programme_edits_resume",
    "schedule": 10 * 60,
}
