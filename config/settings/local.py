"""The embedded default: a developer's machine or `make demo`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is acceptable only here, where nothing real is stored.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-not-secret-rebalance-demo-key")
