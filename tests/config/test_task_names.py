"""Tasks keep the names they are registered under: beat entries stored in the database and messages already
queued find them by name, so a name may never change with the code's layout."""

from __future__ import annotations

from django.conf import settings

from config.celery import app
from indicators.engine import tasks as engine_tasks
from indicators.official import tasks as official_tasks


def test_the_tasks_keep_their_registered_names():
    names = {
        official_tasks.import_observations_task: "indicators.import_observations",
        official_tasks.run_queued_imports_task: "indicators.run_queued_imports",
        official_tasks.fetch_nomis_monthly_task: "indicators.fetch_nomis_monthly",
        engine_tasks.refresh_neighbourhood_wave: "indicators.engine.tasks.refresh_neighbourhood_wave",
        engine_tasks.refresh_after_import: "indicators.engine.tasks.refresh_after_import",
        engine_tasks.recompute_everything: "indicators.engine.tasks.recompute_everything",
        engine_tasks.catch_up: "indicators.engine.tasks.catch_up",
    }
    for task, name in names.items():
        assert task.name == name
        assert name in app.tasks


def test_every_scheduled_task_is_registered():
    app.autodiscover_tasks(force=True)  # as a worker does on start: import each installed app's tasks
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
