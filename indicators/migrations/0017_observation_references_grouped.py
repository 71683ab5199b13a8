# ruff: noqa: S608 -- the SQL is built from the table and column names of migration 0010, never from input
"""The observation references check of migrations 0010 and 0012, reading the statement's rows once in all.

0012 found each reference's distinct ids with its own pass over the transition table: five passes. A million-row
statement's transition table is larger than ``work_mem`` and lies in a temporary file, so each pass read it from
disk again. Here one ``GROUP BY GROUPING SETS`` (one pass, a hash table per reference) gathers the five sets of
ids, and each set is then looked up and locked (FOR KEY SHARE, as a foreign key would) as before.
"""

from importlib import import_module

from django.db import migrations

references = import_module("indicators.migrations.0010_observation_references_by_trigger")
one_pass = import_module("indicators.migrations.0012_observation_references_one_pass")

COLUMNS = [column for column, _, _ in references.REFERENCES]

GATHER = (
    "    SELECT "
    + ", ".join(f"array_agg({c}) FILTER (WHERE {c} IS NOT NULL)" for c in COLUMNS)
    + "\n      INTO "
    + ", ".join(f"ids_{c}" for c in COLUMNS)
    + "\n      FROM (SELECT "
    + ", ".join(COLUMNS)
    + " FROM added GROUP BY GROUPING SETS ("
    + ", ".join(f"({c})" for c in COLUMNS)
    + ")) grouped;\n"
)

CHECK_ONE = """
    IF ids_{column} IS NOT NULL THEN
        SELECT count(*), count(t.id) INTO wanted, kept
          FROM unnest(ids_{column}) d(id)
          LEFT JOIN LATERAL (SELECT t.id FROM {table} t WHERE t.id = d.id FOR KEY SHARE OF t) t ON true;
        IF kept <> wanted THEN
            SELECT d.id INTO missing FROM unnest(ids_{column}) d(id)
             WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = d.id) LIMIT 1;
            RAISE foreign_key_violation USING TABLE = 'indicators_observation',
                MESSAGE = format('an observation points to {table} %s, which does not exist', missing);
        END IF;
    END IF;
"""


def _function() -> str:
    return (
        "CREATE OR REPLACE FUNCTION indicators_observation_references_check() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "DECLARE\n    wanted bigint;\n    kept bigint;\n    missing bigint;\n"
        + "".join(f"    ids_{c} bigint[];\n" for c in COLUMNS)
        + "BEGIN\n"
        + GATHER
        + "".join(CHECK_ONE.format(column=column, table=table) for column, table, _ in references.REFERENCES)
        + "    RETURN NULL;\nEND $$;\n"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function(), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(one_pass._function(one_pass.CHECK_ONE), params=None)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0016_import_areas")]

    operations = [migrations.RunPython(forwards, backwards)]
