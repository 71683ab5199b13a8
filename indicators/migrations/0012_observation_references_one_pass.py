"""The observation references check of migration 0010, with one pass over the statement's rows per reference.

Each reference's distinct ids are found once, and each is looked up (and locked FOR KEY SHARE, as a foreign key
would lock it) by a lateral join: an id not found, or deleted meanwhile, comes back empty and the counts differ.
In a same-session comparison on a million-row insert this cut the check's cost to a small share of the insert
(0010 read the rows twice per reference, once to count and once to lock).
"""

from importlib import import_module

from django.db import migrations

references = import_module("indicators.migrations.0010_observation_references_by_trigger")

CHECK_ONE = """
    SELECT count(*), count(t.id) INTO wanted, kept
      FROM (SELECT DISTINCT {column} AS id FROM added WHERE {column} IS NOT NULL) d
      LEFT JOIN LATERAL (SELECT t.id FROM {table} t WHERE t.id = d.id FOR KEY SHARE OF t) t ON true;
    IF kept <> wanted THEN
        SELECT a.{column} INTO missing FROM added a
         WHERE a.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = a.{column}) LIMIT 1;
        RAISE foreign_key_violation USING TABLE = 'indicators_observation',
            MESSAGE = format('an observation points to {table} %s, which does not exist', missing);
    END IF;
"""


def _function(check_one: str) -> str:
    return (
        "CREATE OR REPLACE FUNCTION indicators_observation_references_check() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "DECLARE\n    wanted bigint;\n    kept bigint;\n    missing bigint;\nBEGIN\n"
        + "".join(check_one.format(column=column, table=table) for column, table, _ in references.REFERENCES)
        + "    RETURN NULL;\nEND $$;\n"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function(CHECK_ONE), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function(references.CHECK_ONE), params=None)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0011_unemployment_indicators")]

    operations = [migrations.RunPython(forwards, backwards)]
