"""A file of areas is an Import too (format 'areas', no indicator): the same stored file, runs, retention and errors
as a file of figures.

SQLite rebuilds indicators_import to alter it, and its observation triggers (migration 0010) name that table, so
they are dropped for the rebuild and made again after it; PostgreSQL alters the table in place.
"""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

references = import_module("indicators.migrations.0010_observation_references_by_trigger")


def _sqlite_triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in references.SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def _sqlite_triggers_make(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in references.SQLITE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0015_observation_statistics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_sqlite_triggers_drop, _sqlite_triggers_make),
        migrations.AlterField(
            model_name="import",
            name="format",
            field=models.CharField(
                choices=[
                    ("nomis", "Nomis CSV"),
                    ("tidy", "Tidy CSV (columns named by the user)"),
                    ("generated", "Generated in the application"),
                    ("areas", "Areas (CSV or ONS GeoJSON)"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="import",
            name="indicator",
            field=models.ForeignKey(
                blank=True,
                help_text="The indicator a file of figures goes into; none for a file of areas.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="imports",
                to="indicators.indicator",
            ),
        ),
        migrations.AddConstraint(
            model_name="import",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("format", "areas"), ("indicator__isnull", True)),
                    models.Q(models.Q(("format", "areas"), _negated=True), ("indicator__isnull", False)),
                    _connector="OR",
                ),
                name="import_indicator_unless_areas",
            ),
        ),
        migrations.RunPython(_sqlite_triggers_make, _sqlite_triggers_drop),
    ]
