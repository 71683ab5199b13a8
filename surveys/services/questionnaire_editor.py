"""The questionnaire editor's writes: questions and their answers added, changed, moved and removed.

Every write here takes the version's lock, refuses a frozen version (one with responses: ``VersionFrozen``,
whose way out is ``version_copy_for_editing``), checks the whole questionnaire after the change and, on any
problem, raises a ``ValidationError`` keyed by the form field it concerns, so that nothing half-done is kept.

Rules kept for every version, after every change:
- questions are numbered 1..n in the order asked, pages 1..p with no gaps, and pages never go backwards;
- skip logic points at a question on an earlier page, which has the answer codes it names;
- a scored question's answers score from 0 (counts least) to 100 (counts most), so that factors compare;
  an unscored one's answers have no score; answer codes are unique within their question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from indicators.access.permissions import may_edit_questionnaires, may_see_everything
from indicators.core.text import is_storable, shown
from surveys.models import (
    BankItem,
    Factor,
    Option,
    Question,
    QuestionKind,
    Survey,
    SurveyVersion,
    Wave,
)
from surveys.services.bank import question_add_from_bank
from surveys.services.bank_scoring import scoring_differences
from surveys.services.questionnaire import (
    number_bound,
    number_rules_check,
    question_create,
    version_copy,
    version_create,
)

LOCK_CLASS = 4203  # the advisory lock answers take shared on their version (surveys migration 0003)
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
CODE_MAX = 40
KEY_MAX = 60
LABEL_MAX = 200
UNSCORED_KINDS = {QuestionKind.MULTIPLE, QuestionKind.TEXT, QuestionKind.NUMBER}


class VersionFrozen(ValidationError):  # noqa: N818 (a ValidationError, named for what it says)
    """The version has responses: it can no longer change. Copy it to a new version instead."""

    def __init__(self, version: SurveyVersion):
        super().__init__(
            f"{version} already has answers from residents, so it can no longer change. "
            "Copy it to a new version and change the copy."
        )
        self.version = version


@dataclass
class QuestionInput:
    """A question as the editor's form gives it."""

    text: str
    kind: str
    factor: str
    key: str = ""
    hint: str = ""
    text_cy: str = ""
    hint_cy: str = ""
    required: bool = True
    scored: bool = True
    reverse_scored: bool = False
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    decimal_places: int = 0  # number questions: 0 for whole numbers
    page: int | None = None  # None: a new page at the end
    show_if: list[str] = field(default_factory=list)  # "key:code" pairs, all of one earlier question


@dataclass
class OptionInput:
    """One answer row of the editor's answers form; ``pk`` None for a new one."""

    pk: int | None
    code: str
    label: str
    label_cy: str = ""
    score: int | None = None
    exclusive: bool = False
    remove: bool = False


# --- Who may edit what ---------------------------------------------------------------------------------------


def version_may_edit(*, user, version: SurveyVersion) -> bool:
    """Admins: any version. Allowed officers: a version fielded only in waves of their own neighbourhoods
    (or in none yet), so that no one changes a questionnaire another council is about to field."""
    if not may_edit_questionnaires(user):
        return False
    if may_see_everything(user):
        return True
    waves = Wave.objects.filter(survey_version=version)
    return not waves.exclude(pk__in=Wave.objects.visible_to(user).values("pk")).exists()


def _assert_may_edit(*, user, version: SurveyVersion) -> None:
    if not version_may_edit(user=user, version=version):
        raise PermissionDenied(f"You may not change {version}.")


def _locked(version: SurveyVersion, *, user) -> SurveyVersion:
    """The version, locked for this transaction, after checking that it may still change.

    On PostgreSQL the editor takes exclusively the advisory lock that writing answers takes shared, so an
    answer being written meanwhile is either committed (and the version seen frozen) or waits for the edit."""
    _assert_may_edit(user=user, version=version)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, (%s %% 2147483648)::integer)", [LOCK_CLASS, version.pk])
    version = SurveyVersion.objects.select_for_update().select_related("survey").get(pk=version.pk)
    if version.is_frozen:
        raise VersionFrozen(version)
    return version


# --- Checks over the whole version ------------------------------------------------------------------------------


def _ordered(version: SurveyVersion) -> list[Question]:
    return list(version.questions.select_related("show_if_question").prefetch_related("options").order_by("position"))


def _skip_logic_check(questions: list[Question]) -> None:
    """Skip logic points forward: the deciding question is on an earlier page and has the codes named."""
    index = {q.pk: i for i, q in enumerate(questions)}
    for q in questions:
        parent = q.show_if_question
        if parent is None:
            continue
        if parent.pk not in index:
            raise ValidationError({"show_if": f"“{q.text}” depends on a question that is no longer there."})
        parent = questions[index[parent.pk]]
        if parent.page >= q.page:
            raise ValidationError(
                {
                    "show_if": f"“{parent.text}” decides whether “{q.text}” is shown, so it must come on an "
                    f"earlier page (it would be on page {parent.page}, and “{q.text}” on page {q.page})."
                }
            )


def _order_apply(version: SurveyVersion, questions: list[Question]) -> None:
    """Store ``questions`` in this order, numbered 1..n, with their pages renumbered 1..p in order."""
    pages: dict[int, int] = {}
    last_page = 0
    for position, q in enumerate(questions, start=1):
        if q.page < last_page:
            raise ValidationError({"page": "Pages must follow one another in the order of the questions."})
        last_page = q.page
        pages.setdefault(q.page, len(pages) + 1)
        q.position = position
    for q in questions:
        q.page = pages[q.page]
    _skip_logic_check(questions)
    # Two steps, as (version, position) is unique at every row written: out of the way first, then in place.
    version.questions.update(position=F("position") + 100_000)
    Question.objects.bulk_update(questions, ["position", "page"])


def _scores_check(question: Question, rows: list[OptionInput]) -> None:
    scores = [r.score for r in rows]
    if not question.scored:
        if any(s is not None for s in scores):
            raise ValidationError(
                {"score": "This question does not count towards a factor score, so its answers have no score."}
            )
        return
    known = [s for s in scores if s is not None]
    if any(s < 0 or s > 100 for s in known):
        raise ValidationError({"score": "Scores go from 0 to 100."})
    if len(known) < 2 or min(known) != 0 or max(known) != 100:
        shown = f" (now {min(known)} to {max(known)})" if known else ""
        raise ValidationError(
            {
                "score": "Scores must run from 0, for the answer that counts least towards the factor, to 100, "
                f"for the one that counts most, so that factors compare{shown}. Answers such as “Don't know” "
                "may have no score."
            }
        )


def _options_check(question: Question, rows: list[OptionInput]) -> None:
    if question.has_options and len(rows) < 2:
        raise ValidationError({"options": "A question with answers to choose from needs at least two."})
    seen: dict[str, str] = {}
    for row in rows:
        if not row.label.strip():
            raise ValidationError({"label": "Every answer needs its wording."})
        for text in (row.label, row.label_cy):
            if len(text) > LABEL_MAX or not is_storable(text):
                raise ValidationError(
                    {
                        "label": f"The answer “{shown(text[:60])}” is over {LABEL_MAX} characters or has a hidden or "
                        "broken character: shorten it or type it again."
                    }
                )
        if not SLUG.match(row.code) or len(row.code) > CODE_MAX:
            raise ValidationError(
                {
                    "code": f"The code “{row.code}” must be lower-case letters, numbers, - or _, starting with a "
                    f"letter or number, {CODE_MAX} characters at most."
                }
            )
        if row.code in seen:
            raise ValidationError(
                {"code": f"Two answers have the code “{row.code}” (“{seen[row.code]}” and “{row.label}”)."}
            )
        seen[row.code] = row.label
        if row.exclusive and question.kind != QuestionKind.MULTIPLE:
            raise ValidationError({"exclusive": "Only a multiple-choice answer can be one that stands alone."})
    _scores_check(question, rows)
    # A later question's skip logic names these codes: they must stay.
    for dependant in question.dependants.all():
        gone = set(dependant.show_if_values) - set(seen)
        if gone:
            raise ValidationError(
                {
                    "code": f"“{dependant.text}” is shown only after the answer(s) {', '.join(sorted(gone))}: "
                    "change its skip logic before removing or renaming them."
                }
            )


def _bank_check(question: Question) -> None:
    """A question made from a question bank item scores exactly as the item does."""
    differences = scoring_differences(question)
    if differences:
        raise ValidationError(
            {
                "__all__": "This question comes from the question bank, so it must score as the bank's item does "
                f"(so that councils asking it compare): {'; '.join(differences)}. To score it differently, "
                "remove it and add a question of your own."
            }
        )


# --- Questions -------------------------------------------------------------------------------------------------


def _key_from(text: str, taken: set[str]) -> str:
    stem = ""
    for word in slugify(text).split("-"):  # whole words, up to 40 characters
        if stem and len(stem) + 1 + len(word) > 40:
            break
        stem = f"{stem}_{word}" if stem else word[:40]
    stem = stem or "question"
    key, n = stem, 2
    while key in taken:
        key, n = f"{stem}_{n}", n + 1
    return key


def _common_check(data: QuestionInput, *, kind_fixed: bool = False) -> None:
    if data.kind not in QuestionKind.values:
        raise ValidationError({"kind": "Choose a kind of question."})
    if data.factor not in Factor.values:
        raise ValidationError({"factor": "Choose the factor the question tells about."})
    if not data.text.strip():
        raise ValidationError({"text": "Enter the question as residents will read it."})
    if data.key and (not SLUG.match(data.key) or len(data.key) > KEY_MAX):
        raise ValidationError(
            {"key": f"The key must be lower-case letters, numbers, - or _, {KEY_MAX} characters at most."}
        )
    if data.kind in UNSCORED_KINDS:
        data.scored = False  # multiple choice, numbers and free text never count towards a factor score
    if data.kind != QuestionKind.NUMBER:
        data.decimal_places, data.min_value, data.max_value = 0, None, None
    number_rules_check(
        kind=data.kind,
        decimal_places=data.decimal_places,
        low=number_bound(data.min_value),
        high=number_bound(data.max_value),
    )


def _show_if_resolve(
    data: QuestionInput, questions: list[Question], me: Question | None
) -> tuple[Question | None, list]:
    if not data.show_if:
        return None, []
    pairs = [value.split(":", 1) for value in data.show_if if ":" in value]
    keys = {key for key, _code in pairs}
    if len(pairs) != len(data.show_if) or len(keys) != 1:
        raise ValidationError({"show_if": "Choose answers of one question only."})
    (key,) = keys
    parent = next((q for q in questions if q.key == key and q is not me and q.pk != getattr(me, "pk", None)), None)
    if parent is None:
        raise ValidationError({"show_if": f"There is no question “{key}” before this one."})
    codes = [code for _key, code in pairs]
    known = {o.code for o in parent.options.all()}
    if not set(codes) <= known:
        raise ValidationError({"show_if": f"“{parent.text}” has no answer {', '.join(sorted(set(codes) - known))}."})
    return parent, codes


def _translations(existing: dict, *, fields: dict[str, str]) -> dict:
    out = {lang: dict(values) for lang, values in (existing or {}).items()}
    welsh = out.setdefault("cy", {})
    for name, value in fields.items():
        if value.strip():
            welsh[name] = value.strip()
        else:
            welsh.pop(name, None)
    if not welsh:
        out.pop("cy")
    return out


def _spread(count: int, *, descending: bool) -> list[int]:
    scores = [round(i * 100 / (count - 1)) for i in range(count)] if count > 1 else [100] * count
    return scores[::-1] if descending else scores


@transaction.atomic
def question_add(
    *, user, version: SurveyVersion, data: QuestionInput, answers: list[str], best_first: bool = True
) -> Question:
    """A new question at the end of ``data.page`` (or on a new last page), with ``answers`` (labels, one each)
    scored evenly from 100 down to 0 (``best_first``) or up from 0; a 0 to 10 or yes/no question with no
    answers given gets the usual ones."""
    version = _locked(version, user=user)
    _common_check(data)
    questions = _ordered(version)
    key = data.key or _key_from(data.text, {q.key for q in questions})
    if any(q.key == key for q in questions):
        raise ValidationError({"key": f"Another question in this version already has the key “{key}”."})
    answers = [a.strip() for a in answers if a.strip()]
    options = []
    if data.kind in QuestionKind.with_options() and answers:
        if len(answers) < 2:
            raise ValidationError({"answers": "Give at least two answers, one a line."})
        codes: list[str] = []
        for label in answers:
            code = slugify(label).replace("-", "_")[:CODE_MAX].strip("_") or "answer"
            stem, n = code, 2
            while code in codes:
                code, n = f"{stem[: CODE_MAX - 3]}_{n}", n + 1
            codes.append(code)
        scores = _spread(len(answers), descending=best_first)
        options = [
            {"code": c, "label": label, "points": s if data.scored else None}
            for c, label, s in zip(codes, answers, scores, strict=True)
        ]
    elif data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE):
        raise ValidationError({"answers": "Give the answers residents choose from, one a line."})
    elif answers:
        raise ValidationError({"answers": "This kind of question has no answers to choose from: leave them out."})
    last_page = max((q.page for q in questions), default=0)
    page = last_page + 1 if data.page is None else data.page
    if page < 1 or page > last_page + 1:
        raise ValidationError({"page": f"Choose a page from 1 to {last_page + 1} (a new page at the end)."})
    parent, codes_shown = _show_if_resolve(data, questions, None)
    spec = {
        "key": key,
        "page": page,
        "factor": data.factor,
        "kind": data.kind,
        "text": data.text.strip(),
        "hint": data.hint.strip(),
        "required": data.required,
        "scored": data.scored,
        "reverse_scored": False,  # the scores above are as wanted; reverse_scored only records it
        "min": data.min_value,
        "max": data.max_value,
        "decimal_places": data.decimal_places,
        "source": "Rebalance (added in the questionnaire editor)",
        "translations": _translations({}, fields={"text": data.text_cy, "hint": data.hint_cy}),
        "options": options,
    }
    question = question_create(version=version, spec=spec, position=50_000 + len(questions))  # placed by _order_apply
    question.show_if_question, question.show_if_values = parent, codes_shown
    question.save(update_fields=["show_if_question", "show_if_values"])
    # In at the end of its page.
    ordered = [q for q in questions if q.page <= page] + [question] + [q for q in questions if q.page > page]
    _order_apply(version, ordered)
    question.refresh_from_db()
    return question


@transaction.atomic
def question_edit(*, user, question: Question, data: QuestionInput) -> Question:
    """Change a question. Turning reverse scoring on or off turns its answers' scores round (100 − score);
    counting it towards the factor again spreads its scores evenly, to be adjusted on the answers form."""
    version = _locked(question.version, user=user)
    questions = _ordered(version)
    me = next(q for q in questions if q.pk == question.pk)
    _common_check(data)
    if data.kind != me.kind and (data.kind in QuestionKind.with_options()) != me.has_options:
        raise ValidationError(
            {
                "kind": "A question with answers to choose from cannot become a number or free-text question, nor "
                "the other way round: remove it and add a new one."
            }
        )
    if getattr(me, "bank_item_id", None):
        changed = [
            label
            for label, old, new in (
                ("factor", me.factor, data.factor),
                ("kind", me.kind, data.kind),
                ("scored", me.scored, data.scored),
                ("reverse scoring", me.reverse_scored, data.reverse_scored),
                ("decimal places", me.decimal_places, data.decimal_places),
            )
            if old != new
        ]
        if changed:
            raise ValidationError(
                {
                    "__all__": f"This question comes from the question bank, so its {', '.join(changed)} stay as "
                    "the bank has them (so that councils asking it compare). To change them, remove it and add a "
                    "question of your own."
                }
            )
    key = data.key or me.key
    if any(q.key == key and q.pk != me.pk for q in questions):
        raise ValidationError({"key": f"Another question in this version already has the key “{key}”."})
    parent, codes_shown = _show_if_resolve(data, questions, me)
    options = list(me.options.all())
    if data.reverse_scored != me.reverse_scored and data.scored and me.scored:
        for o in options:
            if o.score is not None:
                o.score = 100 - o.score
    if not data.scored:
        for o in options:
            o.score = None
    elif not me.scored and options:
        for o, s in zip(options, _spread(len(options), descending=True), strict=True):
            o.score = s
    if data.kind != QuestionKind.MULTIPLE:
        for o in options:
            o.exclusive = False
    me.key = key
    me.text = data.text.strip()
    me.hint = data.hint.strip()
    me.kind = data.kind
    me.factor = data.factor
    me.required = data.required
    me.scored = data.scored
    me.reverse_scored = data.reverse_scored
    me.min_value = data.min_value if data.kind == QuestionKind.NUMBER else None
    me.max_value = data.max_value if data.kind == QuestionKind.NUMBER else None
    me.decimal_places = data.decimal_places if data.kind == QuestionKind.NUMBER else 0
    me.show_if_question, me.show_if_values = parent, codes_shown
    me.translations = _translations(me.translations, fields={"text": data.text_cy, "hint": data.hint_cy})
    try:
        me.full_clean(exclude=["version", "position", "page", "show_if_question", "bank_item"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    me.save()
    if options:
        Option.objects.bulk_update(options, ["score", "exclusive"])
        _scores_check(me, [OptionInput(pk=o.pk, code=o.code, label=o.label, score=o.score) for o in options])
    if data.page is not None and data.page != me.page:
        last_page = max(q.page for q in questions)
        if data.page < 1 or data.page > last_page + 1:
            raise ValidationError({"page": f"Choose a page from 1 to {last_page + 1} (a new page at the end)."})
        others = [q for q in questions if q.pk != me.pk]
        me.page = data.page
        questions = [q for q in others if q.page <= data.page] + [me] + [q for q in others if q.page > data.page]
    _order_apply(version, questions)
    _bank_check(me)
    me.refresh_from_db()
    return me


@transaction.atomic
def question_move(*, user, question: Question, direction: str) -> Question:
    """One step up or down. At the top of its page a question moves to the end of the page before; at the
    bottom, to the start of the page after; within a page it changes places with its neighbour."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a question up or down."})
    version = _locked(question.version, user=user)
    questions = _ordered(version)
    i = next(n for n, q in enumerate(questions) if q.pk == question.pk)
    me = questions[i]
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(questions):
        return me  # already first or last
    neighbour = questions[j]
    if neighbour.page == me.page:
        questions[i], questions[j] = neighbour, me
    else:
        me.page = neighbour.page  # it stays where it is in the order, on the neighbouring page
    _order_apply(version, questions)
    me.refresh_from_db()
    return me


@transaction.atomic
def question_remove(*, user, question: Question) -> None:
    version = _locked(question.version, user=user)
    dependants = list(question.dependants.all())
    if dependants:
        raise ValidationError(
            {
                "__all__": f"“{dependants[0].text}” is shown only after an answer to this question: change its skip "
                "logic first."
            }
        )
    Question.objects.filter(pk=question.pk).delete()
    _order_apply(version, _ordered(version))


@transaction.atomic
def options_save(*, user, question: Question, rows: list[OptionInput], move: tuple[int, str] | None = None) -> None:
    """The answers of a question as the answers form gives them: changed, added (a row without ``pk``),
    removed (``remove``) and, with ``move`` (an answer's id and "up" or "down"), one moved a step."""
    version = _locked(question.version, user=user)
    question = version.questions.prefetch_related("options", "dependants").get(pk=question.pk)
    existing = {o.pk: o for o in question.options.all()}
    kept = [r for r in rows if not r.remove]
    unknown = [r.pk for r in rows if r.pk is not None and r.pk not in existing]
    if unknown:
        raise ValidationError({"options": "An answer on the form no longer exists: reload the page."})
    if not question.has_options:
        raise ValidationError({"options": "This kind of question has no answers to choose from."})
    if getattr(question, "bank_item_id", None):
        before = [(o.code, o.score) for o in existing.values()]
        after = [(r.code, r.score) for r in kept]
        if before != after:
            raise ValidationError(
                {
                    "__all__": "This question comes from the question bank, so its answers' codes and scores stay "
                    "as the bank has them. Their wording can change."
                }
            )
    if move is not None:
        pk, direction = move
        i = next((n for n, r in enumerate(kept) if r.pk == pk), None)
        if i is not None:
            j = i - 1 if direction == "up" else i + 1
            if 0 <= j < len(kept):
                kept[i], kept[j] = kept[j], kept[i]
    _options_check(question, kept)
    # Removed answers first (the database refuses if any has answers), then the rest, out of the way and in place.
    Option.objects.filter(pk__in=[r.pk for r in rows if r.remove and r.pk is not None]).delete()
    Option.objects.filter(question=question).update(position=F("position") + 100_000)
    renamed = [r for r in kept if r.pk is not None and existing[r.pk].code != r.code]
    for row in renamed:  # codes may be swapped between answers: each out of the way first
        Option.objects.filter(pk=row.pk).update(code=f"_{row.pk}")
    for position, row in enumerate(kept, start=1):
        option = existing.get(row.pk) or Option(question=question)
        option.code = row.code
        option.label = row.label.strip()
        option.score = row.score
        option.exclusive = row.exclusive
        option.position = position
        option.translations = _translations(option.translations, fields={"label": row.label_cy})
        option.save()
    _bank_check(question)


@transaction.atomic
def question_add_from_bank_item(*, user, version: SurveyVersion, item, page: int | None = None) -> Question:
    """A question made from a question bank item the user may use (surveys.services.bank), at the end of
    ``page`` or on a new last page; it scores exactly as the item does."""
    version = _locked(version, user=user)
    if not BankItem.objects.usable_by(user).filter(pk=item.pk).exists():
        raise PermissionDenied("That question bank item is another council's own.")
    questions = _ordered(version)
    already = next((q for q in questions if q.bank_item_id == item.pk), None)
    if already is not None:
        raise ValidationError({"item": f"Question {already.position} already asks this item."})
    last_page = max((q.page for q in questions), default=0)
    page = last_page + 1 if page is None else page
    if page < 1 or page > last_page + 1:
        raise ValidationError({"page": f"Choose a page from 1 to {last_page + 1} (a new page at the end)."})
    question = question_add_from_bank(version=version, item=item, position=50_000 + len(questions), page=page)
    ordered = [q for q in questions if q.page <= page] + [question] + [q for q in questions if q.page > page]
    _order_apply(version, ordered)
    question.refresh_from_db()
    return question


# --- Versions --------------------------------------------------------------------------------------------------


NAME_MAX = 150


@transaction.atomic
def questionnaire_start_empty(*, user, name: str, description: str = "") -> SurveyVersion:
    """A new questionnaire with an empty version 1, to fill in with the editor (questions of one's own or from the
    question bank). Its short name (slug) is made from the name, made unique with a number if need be."""
    if not may_edit_questionnaires(user):
        raise PermissionDenied("You may not change questionnaires.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter a name for the questionnaire."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Use {NAME_MAX} characters or fewer for the name."})
    if not is_storable(name) or not is_storable(description):
        raise ValidationError({"name": "The name or description holds characters that cannot be stored."})
    if Survey.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A questionnaire is already called “{name}”: choose another name."})
    stem = slugify(name)[:50] or "questionnaire"
    slug, n = stem, 2
    while Survey.objects.filter(slug=slug).exists():
        slug, n = f"{stem}-{n}", n + 1
    try:
        with transaction.atomic():
            survey = Survey.objects.create(slug=slug, name=name, description=description.strip())
    except IntegrityError:  # another one of the same name made a moment ago
        raise ValidationError(
            {"name": f"A questionnaire called “{name}” was made just now: choose another name."}
        ) from None
    today = timezone.localdate()
    return version_create(
        survey=survey,
        questions=[],
        notes=f"Started empty by {user.get_username()} on {today.day} {today:%B %Y}.",
    )


@transaction.atomic
def version_copy_for_editing(*, user, version: SurveyVersion) -> SurveyVersion:
    """A new, editable version with the same questions (``version_copy``), saying whose copy of which it is."""
    if not may_edit_questionnaires(user):
        raise PermissionDenied("You may not change questionnaires.")
    today = timezone.localdate()
    when = f"{today.day} {today:%B %Y}"
    return version_copy(
        version=version, notes=f"Copy of version {version.number}, made by {user.get_username()} on {when}."
    )
