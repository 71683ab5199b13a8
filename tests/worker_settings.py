"""Settings for the real Celery worker that the worker tests start (never used in production).

The broker re-delivers an unacknowledged task after a few seconds instead of an
hour, so a test can kill a worker mid-task and watch the task run again.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import env

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = env("REDIS_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# The engine's locks must be shared between the workers, as in production.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env("REDIS_URL"),
        "KEY_PREFIX": "worker-test",
    }
}
