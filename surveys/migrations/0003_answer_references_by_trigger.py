"""An answer's response, question and option are kept by triggers instead of foreign keys.

A foreign key check locks the row it points to, once per answer: forty locks per
submission on its response, and forty on questions and options every other
submission was locking too. On the busiest path that was over half of the
database's work for the write. The triggers keep the same promises and one more:

- a statement's new or changed answers are checked in a few queries, whatever their
  number: the response exists (locked once, as a foreign key would lock it), the
  question exists, and the option (if any) exists and is one of that question's;
- a response, question or option that answers point to cannot be deleted, nor its
  id (or an option's question) changed. Django deletes a response's answers before
  the response, as it always has. The option's check goes by question and option, so
  answers need no index on the option alone (another index for every answer written).

Responses are guarded as a foreign key guards them: writing answers locks the
response row (FOR KEY SHARE), deleting it waits for that lock, then looks. On
PostgreSQL questions and options meet their answers on an advisory lock per survey
version instead of forty row locks: writing answers holds it shared until commit,
deleting a question or option takes it exclusively first, so neither can miss the
other's uncommitted work (under READ COMMITTED, Django's default: each query in the
functions sees what committed before it).

SQLite (development and the demo) checks each answer as it is written, and ids
changed, but not deletes: Django's own PROTECT and CASCADE guard those there, since
its test runner empties SQLite's tables one by one, in any order.
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
    -- Each response once; one deleted meanwhile is not returned, so the count falls short.
    IF (SELECT count(*) FROM (SELECT 1 FROM surveys_response r WHERE r.id IN (SELECT response_id FROM added)
                              FOR KEY SHARE OF r) kept)
       <> (SELECT count(DISTINCT response_id) FROM added) THEN
        RAISE foreign_key_violation USING TABLE = 'surveys_answer',
            MESSAGE = 'an answer points to a response that does not exist';
    END IF;
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

-- A BEFORE DELETE row trigger runs once the row is locked: after any answers' transaction holding it ends.
CREATE FUNCTION surveys_response_answered_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM surveys_answer WHERE response_id = OLD.id) THEN
        RAISE foreign_key_violation USING TABLE = 'surveys_response',
            MESSAGE = format('response %s has answers: delete them first', OLD.id);
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER surveys_response_answered_delete BEFORE DELETE ON surveys_response
    FOR EACH ROW EXECUTE FUNCTION surveys_response_answered_keep();
CREATE TRIGGER surveys_response_answered_rekey BEFORE UPDATE OF id ON surveys_response
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION surveys_response_answered_keep();

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
DROP TRIGGER surveys_response_answered_delete ON surveys_response;
DROP TRIGGER surveys_response_answered_rekey ON surveys_response;
DROP FUNCTION surveys_response_answered_keep();
DROP TRIGGER surveys_question_answered_delete ON surveys_question;
DROP TRIGGER surveys_question_answered_rekey ON surveys_question;
DROP TRIGGER surveys_option_answered_delete ON surveys_option;
DROP TRIGGER surveys_option_answered_rekey ON surveys_option;
DROP FUNCTION surveys_answered_keep();
"""

_SQLITE_BAD_ANSWER = """
    NOT EXISTS (SELECT 1 FROM surveys_response WHERE id = NEW.response_id)
    OR NOT EXISTS (SELECT 1 FROM surveys_question WHERE id = NEW.question_id)
    OR (NEW.option_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM surveys_option WHERE id = NEW.option_id AND question_id = NEW.question_id))
"""
SQLITE = [
    f"""CREATE TRIGGER surveys_answer_references_insert BEFORE INSERT ON surveys_answer WHEN {_SQLITE_BAD_ANSWER}
    BEGIN SELECT RAISE(ABORT, 'an answer points to a response or question that does not exist, or to another question''s option');
    END""",
    f"""CREATE TRIGGER surveys_answer_references_update
    BEFORE UPDATE OF response_id, question_id, option_id ON surveys_answer
    WHEN {_SQLITE_BAD_ANSWER}
    BEGIN SELECT RAISE(ABORT, 'an answer points to a response or question that does not exist, or to another question''s option');
    END""",
    """CREATE TRIGGER surveys_response_answered_rekey BEFORE UPDATE OF id ON surveys_response
    WHEN OLD.id IS NOT NEW.id AND EXISTS (SELECT 1 FROM surveys_answer WHERE response_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the response has answers: delete them first'); END""",
    """CREATE TRIGGER surveys_question_answered_rekey BEFORE UPDATE OF id ON surveys_question
    WHEN OLD.id IS NOT NEW.id AND EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the question has answers: it cannot be deleted or renumbered'); END""",
    """CREATE TRIGGER surveys_option_answered_rekey BEFORE UPDATE OF id, question_id ON surveys_option
    WHEN (OLD.id IS NOT NEW.id OR OLD.question_id IS NOT NEW.question_id)
        AND EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = OLD.question_id AND option_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the option has answers: it cannot be deleted, renumbered or moved'); END""",
]
SQLITE_TRIGGERS = [
    "surveys_answer_references_insert",
    "surveys_answer_references_update",
    "surveys_response_answered_rekey",
    "surveys_question_answered_rekey",
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
            name="response",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="surveys.response",
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
