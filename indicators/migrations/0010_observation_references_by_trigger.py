# ruff: noqa: S608 -- the SQL is built from the table and column names below, never from input
"""An observation's five references are kept by triggers instead of foreign-key constraints.

PostgreSQL checks a foreign key once per row, at commit: on a first import of a million observations that was
most of the import's time (four keys a row, each a lookup and a row lock). The triggers keep the same promises,
set-based:

- after each statement that inserts or updates observations, one query per reference over the statement's new
  rows (a transition table) finds every indicator, period, small area, local authority and import they point
  to, locks each once (FOR KEY SHARE, as a foreign key would) and refuses the statement if any is missing;
- an indicator, period, small area, local authority or import that observations point to cannot be deleted, nor
  its id changed: a constraint trigger checks at commit (deferred, as Django's foreign keys were, since Django's
  CASCADE may delete an area before its observations), with a snapshot taken then, so it sees the rows of any
  import that held the area's lock. Django's own PROTECT and CASCADE still run first, as before.

SQLite (development and the demo) checks each observation as it is written, and not deletes: Django's PROTECT
and CASCADE guard those there.
"""

import django.db.models.deletion
from django.db import migrations, models

# (column, referenced table, what the check on a delete looks for; $1 is the deleted id)
REFERENCES = [
    (
        "indicator_id",
        "indicators_indicator",
        # The partial unique indexes lead with the indicator: one of them holds every row.
        "(indicator_id = $1 AND small_area_id IS NOT NULL) OR (indicator_id = $1 AND local_authority_id IS NOT NULL)",
    ),
    ("period_id", "indicators_period", "period_id = $1"),
    ("small_area_id", "indicators_smallarea", "small_area_id = $1"),
    ("local_authority_id", "indicators_localauthority", "local_authority_id = $1"),
    ("source_import_id", "indicators_import", "source_import_id = $1"),
]

# {names} are our own tables and columns, never input.
CHECK_ONE = """
    SELECT count(*) INTO wanted FROM (SELECT DISTINCT {column} FROM added WHERE {column} IS NOT NULL) d;
    IF wanted > 0 THEN
        SELECT count(*) INTO kept FROM (
            SELECT 1 FROM {table} t WHERE t.id IN (SELECT {column} FROM added) FOR KEY SHARE OF t) k;
        IF kept <> wanted THEN
            SELECT a.{column} INTO missing FROM added a
             WHERE a.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = a.{column}) LIMIT 1;
            RAISE foreign_key_violation USING TABLE = 'indicators_observation',
                MESSAGE = format('an observation points to {table} %s, which does not exist', missing);
        END IF;
    END IF;
"""

POSTGRESQL = (
    """
CREATE FUNCTION indicators_observation_references_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted bigint;
    kept bigint;
    missing bigint;
BEGIN
"""
    + "".join(CHECK_ONE.format(column=column, table=table) for column, table, _ in REFERENCES)
    + """
    RETURN NULL;
END $$;

CREATE TRIGGER indicators_observation_references_insert AFTER INSERT ON indicators_observation
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION indicators_observation_references_check();
CREATE TRIGGER indicators_observation_references_update AFTER UPDATE ON indicators_observation
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION indicators_observation_references_check();

-- TG_ARGV[0]: what an observation pointing to OLD.id looks like, written to use the observation table's indexes.
CREATE FUNCTION indicators_observed_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used boolean;
BEGIN
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM indicators_observation WHERE ' || TG_ARGV[0] || ')' INTO used USING OLD.id;
    IF used THEN
        RAISE foreign_key_violation USING TABLE = TG_TABLE_NAME,
            MESSAGE = format('%s %s has observations: it cannot be deleted or renumbered', TG_TABLE_NAME, OLD.id);
    END IF;
    RETURN NULL;
END $$;
"""
    + "".join(
        f"""
CREATE CONSTRAINT TRIGGER {table}_observed_delete AFTER DELETE ON {table} DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION indicators_observed_keep('{condition}');
CREATE CONSTRAINT TRIGGER {table}_observed_rekey AFTER UPDATE OF id ON {table} DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION indicators_observed_keep('{condition}');
"""
        for _, table, condition in REFERENCES
    )
)

POSTGRESQL_DROP = (
    """
DROP TRIGGER indicators_observation_references_insert ON indicators_observation;
DROP TRIGGER indicators_observation_references_update ON indicators_observation;
DROP FUNCTION indicators_observation_references_check();
"""
    + "".join(
        f"DROP TRIGGER {table}_observed_delete ON {table};\nDROP TRIGGER {table}_observed_rekey ON {table};\n"
        for _, table, _ in REFERENCES
    )
    + "DROP FUNCTION indicators_observed_keep();\n"
)

_SQLITE_BAD = " OR ".join(
    f"(NEW.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} WHERE id = NEW.{column}))"
    for column, table, _ in REFERENCES
)
SQLITE_TRIGGERS = ["indicators_observation_references_insert", "indicators_observation_references_update"]
SQLITE = [
    f"""CREATE TRIGGER indicators_observation_references_insert BEFORE INSERT ON indicators_observation
    WHEN {_SQLITE_BAD}
    BEGIN SELECT RAISE(ABORT, 'an observation points to an indicator, period, area or import that does not exist');
    END""",
    f"""CREATE TRIGGER indicators_observation_references_update BEFORE UPDATE ON indicators_observation
    WHEN {_SQLITE_BAD}
    BEGIN SELECT RAISE(ABORT, 'an observation points to an indicator, period, area or import that does not exist');
    END""",
]


def _execute(schema_editor, by_vendor: dict[str, list[str]]) -> None:
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _execute(schema_editor, {"postgresql": [POSTGRESQL], "sqlite": SQLITE})


def backwards(apps, schema_editor):
    drops = [f"DROP TRIGGER {name}" for name in SQLITE_TRIGGERS]
    _execute(schema_editor, {"postgresql": [POSTGRESQL_DROP], "sqlite": drops})


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0009_deprivation_domains"),
    ]

    operations = [
        migrations.AlterField(
            model_name="observation",
            name="indicator",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="observations",
                to="indicators.indicator",
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="local_authority",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="observations",
                to="indicators.localauthority",
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="period",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="observations",
                to="indicators.period",
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="small_area",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="observations",
                to="indicators.smallarea",
            ),
        ),
        migrations.AlterField(
            model_name="observation",
            name="source_import",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="observations",
                to="indicators.import",
            ),
        ),
        # After the fields: on SQLite altering a field rebuilds the table, and its triggers with it.
        migrations.RunPython(forwards, backwards),
    ]
