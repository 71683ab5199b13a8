"""Number questions may take decimals: Question.decimal_places (0 to 3; 0, whole numbers, for every existing
question), bounds and answers as numeric(15, 3).

Cost: changing surveys_answer.number from integer to numeric rewrites the answers table and its indexes while
holding an exclusive lock on it, so submissions wait for the length of the rewrite (roughly a minute per few
million answers). Run it when no wave is busy. Every stored whole number keeps its value.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

# SQLite changes a column by building the table again; its triggers on the answers table name the questions
# table, which SQLite refuses while that is rebuilt. They are dropped first and made again last (SQLite only).
_triggers = importlib.import_module("surveys.migrations.0003_answer_references_by_trigger")


def _drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in _triggers.SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def _make_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _triggers.SQLITE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0016_import_areas"),
        ("surveys", "0005_letter_batches"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_drop_sqlite_triggers, _make_sqlite_triggers),
        migrations.AddField(
            model_name="bankitem",
            name="decimal_places",
            field=models.PositiveSmallIntegerField(default=0, help_text="Number items: 0 for whole numbers."),
        ),
        migrations.AddField(
            model_name="question",
            name="decimal_places",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Number questions: how many decimal places an answer may have; 0 for whole numbers.",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="number",
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=15, null=True),
        ),
        migrations.AlterField(
            model_name="bankitem",
            name="max_value",
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=15, null=True),
        ),
        migrations.AlterField(
            model_name="bankitem",
            name="min_value",
            field=models.DecimalField(blank=True, decimal_places=3, max_digits=15, null=True),
        ),
        migrations.AlterField(
            model_name="question",
            name="max_value",
            field=models.DecimalField(
                blank=True, decimal_places=3, help_text="Number questions: largest accepted.", max_digits=15, null=True
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="min_value",
            field=models.DecimalField(
                blank=True, decimal_places=3, help_text="Number questions: smallest accepted.", max_digits=15, null=True
            ),
        ),
        migrations.AddConstraint(
            model_name="bankitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decimal_places", 0), models.Q(("decimal_places__lte", 3), ("kind", "number")), _connector="OR"
                ),
                name="bank_item_decimal_places_number_0_3",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decimal_places", 0), models.Q(("decimal_places__lte", 3), ("kind", "number")), _connector="OR"
                ),
                name="question_decimal_places_number_0_3",
            ),
        ),
        migrations.RunPython(_make_sqlite_triggers, _drop_sqlite_triggers),
    ]
