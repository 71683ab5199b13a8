import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("rebalance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Sub-packages of the indicators app that hold tasks but are not Django apps of their own.
app.autodiscover_tasks(["indicators.official"])
