"""Production: PostgreSQL, Redis, a Celery worker and one beat.

Refuses to start without the secrets and services it needs.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters in production."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production (PostgreSQL).")
for _database in DATABASES.values():
    # Kept a minute between requests, unless a pool keeps them (DATABASE_POOL_MAX_SIZE); either way checked
    # before reuse by a look at the socket (config.db.postgresql).
    if "pool" not in _database["OPTIONS"]:
        _database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    _database["CONN_HEALTH_CHECKS"] = True
if not env("REDIS_URL", default=""):
    raise ImproperlyConfigured("REDIS_URL must be set in production (Celery broker and cache).")
# Printed on every letter and in its QR code: a resident must land on the real site, over HTTPS.
SURVEY_PUBLIC_URL = env("SURVEY_PUBLIC_URL", default="")
if not SURVEY_PUBLIC_URL.startswith("https://") or not urlsplit(SURVEY_PUBLIC_URL).hostname:
    raise ImproperlyConfigured(
        "SURVEY_PUBLIC_URL must be set in production to the site's public address, starting with https:// "
        f"(it is printed on residents' letters); got {SURVEY_PUBLIC_URL!r}."
    )
# Letters print only the contact and helpline that are set, never the base settings' examples.
REBALANCE_LETTER_CONTACT = env("REBALANCE_LETTER_CONTACT", default="")
REBALANCE_LETTER_HELPLINE = env("REBALANCE_LETTER_HELPLINE", default="")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Two-factor authentication for every staff role; switching it off needs saying so.
REBALANCE_REQUIRE_2FA = env.bool("REBALANCE_REQUIRE_2FA", default=True)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
