"""An answer's question and option are kept by triggers instead of foreign keys.

A foreign key check locks the row it points to, once per answer. Every submission's
forty answers point at the same questions and options, so each one took forty
locks on rows every other submission was locking too: a sixth of the database's
work on the busiest path. The triggers keep the same promises and one more:

- a statement's new or changed answers are checked in one query: the question
  exists, and the option (if any) exists and is one of that question's options;
- a question or option that answers point to cannot be deleted, nor its id (or an
  option's question) changed. The option's check goes by question and option, so
  answers need no index on the option alone (another index for every answer written).

On PostgreSQL the two sides meet on an advisory lock per survey version: writing
answers holds it shared until commit, deleting a question or option takes it
exclusively first, so neither can miss the other's uncommitted work (under READ
COMMITTED, Django's default: each query in the functions sees what committed
before it). SQLite checks each row as it goes; it has one writer at a time.
"""

import django.db.models.deletion
from django.db import migrations, models

LOCK_CLASS = 4203  # pg_advisory_xact_lock(class, survey version id)
KEY = "({} % 2147483648)::integer"  # the lock's second key is an integer; ids that far apart share one

POSTGRESQL = f"""
CREATE FUNCTION surveys_answer_references_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    PERFORM pg_advisory_xact_lock_shared({LOCK_CLASS}, {KEY.format('v.version_id')})
       FROM (SELECT DISTINCT q.version_id FROM added a JOIN surveys_question q ON q.id = a.question_id) v;
    SELECT a.question_id, a.option_id, q.id IS NULL AS no_question INTO bad
      FROM added a
      LEFT JOIN surveys_question q ON q.id = a.question_id
      LEFT JOIN surveys_option o ON o.id = a.option_id
     WHERE q.id IS NULL OR (a.option_id IS NOT NULL AND o.question_id IS DISTINCT FROM a.question_id)
     LIMIT 1;
    IF FOUND AND bad.no_question THEN
        RAISE foreign_key_violation USING TABLE = 'surveys_answer',
            MESSAGE = format('an answer points to question %s, which does not exist', bad.question_id);
    ELSIF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'surveys_answer',
            MESSAGE = format('an answer to question %s points to option %s, which is not one of its options',
                             bad.question_id, bad.option_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER surveys_answer_references_insert AFTER INSERT ON surveys_answer
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION surveys_answer_references_check();
CREATE TRIGGER surveys_answer_references_update AFTER UPDATE ON surveys_answer
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION surveys_answer_references_check();

CREATE FUNCTION surveys_answered_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'surveys_question' THEN
        PERFORM pg_advisory_xact_lock({LOCK_CLASS}, {KEY.format('OLD.version_id')});
        IF EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.id) THEN
            RAISE foreign_key_violation USING TABLE = 'surveys_question',
                MESSAGE = format('question %s has answers: it cannot be deleted or renumbered', OLD.id);
        END IF;
    ELSE
        PERFORM pg_advisory_xact_lock({LOCK_CLASS}, {KEY.format('q.version_id')}) FROM surveys_question q WHERE q.id = OLD.question_id;
        IF EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.question_id AND option_id = OLD.id) THEN
            RAISE foreign_key_violation USING TABLE = 'surveys_option',
                MESSAGE = format('option %s has answers: it cannot be deleted, renumbered or moved', OLD.id);
        END IF;
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER surveys_question_answered_delete BEFORE DELETE ON surveys_question
    FOR EACH ROW EXECUTE FUNCTION surveys_answered_keep();
CREATE TRIGGER surveys_question_answered_rekey BEFORE UPDATE OF id ON surveys_question
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION surveys_answered_keep();
CREATE TRIGGER surveys_option_answered_delete BEFORE DELETE ON surveys_option
    FOR EACH ROW EXECUTE FUNCTION surveys_answered_keep();
CREATE TRIGGER surveys_option_answered_rekey BEFORE UPDATE OF id, question_id ON surveys_option
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.question_id IS DISTINCT FROM NEW.question_id)
    EXECUTE FUNCTION surveys_answered_keep();
"""

POSTGRESQL_DROP = """
DROP TRIGGER surveys_answer_references_insert ON surveys_answer;
DROP TRIGGER surveys_answer_references_update ON surveys_answer;
DROP FUNCTION surveys_answer_references_check();
DROP TRIGGER surveys_question_answered_delete ON surveys_question;
DROP TRIGGER surveys_question_answered_rekey ON surveys_question;
DROP TRIGGER surveys_option_answered_delete ON surveys_option;
DROP TRIGGER surveys_option_answered_rekey ON surveys_option;
DROP FUNCTION surveys_answered_keep();
"""

_SQLITE_BAD_ANSWER = """
    NOT EXISTS (SELECT 1 FROM surveys_question WHERE id = NEW.question_id)
    OR (NEW.option_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM surveys_option WHERE id = NEW.option_id AND question_id = NEW.question_id))
"""
SQLITE = [
    f"""CREATE TRIGGER surveys_answer_references_insert BEFORE INSERT ON surveys_answer WHEN {_SQLITE_BAD_ANSWER}
    BEGIN SELECT RAISE(ABORT, 'an answer points to a question that does not exist, or to another question''s option');
    END""",
    f"""CREATE TRIGGER surveys_answer_references_update BEFORE UPDATE OF question_id, option_id ON surveys_answer
    WHEN {_SQLITE_BAD_ANSWER}
    BEGIN SELECT RAISE(ABORT, 'an answer points to a question that does not exist, or to another question''s option');
    END""",
    """CREATE TRIGGER surveys_question_answered_delete BEFORE DELETE ON surveys_question
    WHEN EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the question has answers: it cannot be deleted or renumbered'); END""",
    """CREATE TRIGGER surveys_question_answered_rekey BEFORE UPDATE OF id ON surveys_question
    WHEN OLD.id IS NOT NEW.id AND EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the question has answers: it cannot be deleted or renumbered'); END""",
    """CREATE TRIGGER surveys_option_answered_delete BEFORE DELETE ON surveys_option
    WHEN EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.question_id AND option_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the option has answers: it cannot be deleted, renumbered or moved'); END""",
    """CREATE TRIGGER surveys_option_answered_rekey BEFORE UPDATE OF id, question_id ON surveys_option
    WHEN (OLD.id IS NOT NEW.id OR OLD.question_id IS NOT NEW.question_id)
        AND EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.question_id AND option_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the option has answers: it cannot be deleted, renumbered or moved'); END""",
]
SQLITE_TRIGGERS = [
    "surveys_answer_references_insert",
    "surveys_answer_references_update",
    "surveys_question_answered_delete",
    "surveys_question_answered_rekey",
    "surveys_option_answered_delete",
    "surveys_option_answered_rekey",
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
        ("surveys", "0002_fewer_write_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="option",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                help_text="Single answer.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="surveys.option",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="question",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="answers",
                to="surveys.question",
            ),
        ),
        # After the fields: on SQLite altering a field rebuilds the table, and its triggers with it.
        migrations.RunPython(forwards, backwards),
    ]
