"""Extended statistics on observations' (indicator, period).

The two columns are far from independent (each indicator has its own run of periods), and PostgreSQL's planner,
multiplying their selectivities, guessed a few rows for one indicator's month where there are tens of thousands,
and chose a nested loop for the authorities' worklessness rates. With the columns' dependency and most common
pairs known, it estimates them as they are. PostgreSQL only: SQLite has no planner statistics of this kind.
"""

from django.db import migrations

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS indicators_observation_indicator_period (dependencies, mcv) "
    "ON indicator_id, period_id FROM indicators_observation"
)
DROP = "DROP STATISTICS IF EXISTS indicators_observation_indicator_period"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE indicators_observation")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0014_area_population")]

    operations = [migrations.RunPython(create, drop)]
