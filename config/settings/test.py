"""Settings for the test suite.

DATABASE_URL and REDIS_URL, when set, point the suite at real services; without
them it runs on SQLite with in-process Celery, and the tests that need a real
service skip themselves (see tests/conftest.py).
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-not-secret")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# The replica's routing is tested against a second database of its own (tests/config/test_router.py turns the router
# on); everywhere else every read and write goes to the one database.
DATABASE_ROUTERS: list[str] = []
MIDDLEWARE = [m for m in MIDDLEWARE if m != "config.db.router.ReplicaMiddleware"]  # noqa: F405
if DATABASES["default"]["ENGINE"] == "config.db.postgresql":  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "NAME": f"{DATABASES['default']['NAME']}_replica"}  # noqa: F405
# Every test runs its tasks in-process unless it starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# Tests share no cache with each other or with a running site.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
