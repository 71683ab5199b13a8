"""Checking answers against their questions: types, ranges, required items and skip logic.

Pages, paper entry and the API all come through here, so the same rules and
the same messages apply everywhere. Raw answers are lists of strings: what a
form posts, or what the API's JSON becomes (raw_for checks its types first).
Text the database cannot store (indicators.core.text) is refused here, for every
channel, before anything is saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.core.text import UNSTORABLE_MESSAGE, is_storable, shown
from surveys.models import Answer, Option, Question, QuestionKind, number_shown
from surveys.models.numbers import MAX_DECIMAL_PLACES, NUMBER_DIGITS


@dataclass
class Cleaned:
    question: Question
    option_id: int | None = None
    option_code: str = ""
    choices: list[str] = field(default_factory=list)
    number: Decimal | None = None
    text: str = ""
    score: int | None = None

    @property
    def codes(self) -> set[str]:
        """Option codes chosen, for skip logic."""
        if self.choices:
            return set(self.choices)
        return {self.option_code} if self.option_code else set()


class AnswerErrors(Exception):  # noqa: N818 (it carries many errors)
    """Some answers are not acceptable: {question key: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip() != ""]
    value = str(value).strip()
    return [value] if value else []


SCALARS = (str, int, float)


def raw_for(question: Question, value: object) -> list[str]:
    """A JSON value (API, paper) as the raw list ``answer_clean`` takes; ValueError if its type cannot be an
    answer to this question. Text is one string, never an object or a number written out as its repr."""
    if value is None:
        return []
    items = list(value) if isinstance(value, list | tuple) else [value]
    if question.kind == QuestionKind.TEXT:
        if len(items) > 1 or not all(isinstance(v, str) for v in items):
            raise ValueError(_("Answer in words, as one piece of text"))
    # bool is an int to Python, but True is no answer to any question.
    elif not all(isinstance(v, SCALARS) and not isinstance(v, bool) for v in items):
        raise ValueError(
            _number_example(question) if question.kind == QuestionKind.NUMBER else _("Choose one of the answers shown")
        )
    if question.kind == QuestionKind.NUMBER:
        # A JSON number as written: 2.5, never 2.4999999999999 (repr of a float is its shortest exact form).
        items = [repr(v) if isinstance(v, float) else v for v in items]
    return as_list(items)


# A number as residents write it: digits, perhaps grouped in thousands with commas (1,250), perhaps a decimal
# point and digits after it. English and Welsh write the decimal point as a full stop, so "2,5" is refused
# with a message saying so rather than read as 25 or as 2.5.
NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<whole>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<fraction>\d*))?$", re.ASCII)


def _number_example(question: Question) -> str:
    if question.decimal_places:
        return _("Enter a number, like 2.5")
    return _("Enter a whole number, like 5")


def number_clean(question: Question, raw: str) -> Decimal:
    """A number question's answer as typed (or sent), checked; ValueError with a message for residents."""
    text = raw.strip().replace(" ", "")
    m = NUMBER.match(text)
    if m is None or not (m["whole"] or m["fraction"]):
        if "," in text and question.decimal_places:
            raise ValueError(_("Use a full stop for the decimal point, like 2.5, not a comma"))
        raise ValueError(_number_example(question))
    fraction = (m["fraction"] or "").rstrip("0")
    if len(fraction) > question.decimal_places:
        if not question.decimal_places:
            raise ValueError(_("Enter a whole number, like 5"))
        raise ValueError(
            _("Enter a number with no more than %(places)s decimal places, like %(example)s")
            % {"places": question.decimal_places, "example": "2." + "5" * question.decimal_places}
            if question.decimal_places > 1
            else _("Enter a number with no more than 1 decimal place, like 2.5")
        )
    whole = m["whole"].replace(",", "") or "0"
    if len(whole.lstrip("0")) > NUMBER_DIGITS - MAX_DECIMAL_PLACES:
        raise ValueError(_("Enter a smaller number"))
    try:
        number = Decimal(f"{m['sign']}{whole}.{fraction or '0'}")
    except InvalidOperation:  # the pattern allows only digits, so this is not expected
        raise ValueError(_number_example(question)) from None
    if number == 0:
        number = Decimal(0)  # never -0
    if question.min_value is not None and number < question.min_value:
        raise ValueError(_("Enter a number of %(min)s or more") % {"min": number_shown(question.min_value)})
    if question.max_value is not None and number > question.max_value:
        raise ValueError(_("Enter a number of %(max)s or less") % {"max": number_shown(question.max_value)})
    return number


def options_by_code(question: Question) -> dict[str, Option]:
    """A question's options by code, in order.

    Kept on the question while its prefetched options are: the questions of a frozen version stay in
    memory (selectors.version_questions_for), and rebuilding this for every answer of every submission
    was most of the cost of checking them.
    """
    prefetched = question.__dict__.get("_prefetched_objects_cache", {}).get("options")
    if prefetched is None:
        return {o.code: o for o in question.options.all()}
    kept = question.__dict__.get("_options_by_code")
    if kept is not None and kept[0] is prefetched:
        return kept[1]
    by_code = {o.code: o for o in prefetched}
    question._options_by_code = (prefetched, by_code)
    return by_code


def answer_clean(*, question: Question, raw: list[str]) -> Cleaned | None:
    """One question's answer, or None when left blank. Raises ValueError with a message for residents."""
    if not raw:
        if question.required:
            raise ValueError(
                _("Answer this question to continue")
                if question.kind != QuestionKind.MULTIPLE
                else _("Choose at least one answer")
            )
        return None
    if not all(is_storable(value) for value in raw):
        raise ValueError(str(UNSTORABLE_MESSAGE))
    if question.kind == QuestionKind.NUMBER:
        if len(raw) != 1:
            raise ValueError(_("Enter one number"))
        return Cleaned(question=question, number=number_clean(question, raw[0]))
    if question.kind == QuestionKind.TEXT:
        text = " ".join(raw).strip()
        if len(text) > question.max_length:
            raise ValueError(_("Use %(max)s characters or fewer") % {"max": question.max_length})
        return Cleaned(question=question, text=text)
    options = options_by_code(question)
    unknown = [code for code in raw if code not in options]
    if unknown:
        raise ValueError(_("Choose one of the answers shown"))
    if question.kind == QuestionKind.MULTIPLE:
        chosen = list(dict.fromkeys(raw))
        if len(chosen) > 1 and any(options[c].exclusive for c in chosen):
            exclusive = next(options[c] for c in chosen if options[c].exclusive)
            raise ValueError(_("“%(label)s” cannot be chosen with other answers") % {"label": exclusive.label_in()})
        ordered = [o.code for o in options.values() if o.code in chosen]
        return Cleaned(question=question, choices=ordered)
    if len(set(raw)) != 1:
        raise ValueError(_("Choose one answer"))
    option = options[raw[0]]
    return Cleaned(
        question=question, option_id=option.id, option_code=option.code, score=option.score if question.scored else None
    )


def is_shown(question: Question, codes_by_question_id: Mapping[int, set[str]], shown_ids: set[int]) -> bool:
    if question.show_if_question_id is None:
        return True
    if question.show_if_question_id not in shown_ids:
        return False
    return bool(codes_by_question_id.get(question.show_if_question_id, set()) & set(question.show_if_values))


def shown_questions(questions: Iterable[Question], codes_by_question_id: Mapping[int, set[str]]) -> list[Question]:
    """The questions a resident sees, in order, given the answers so far (skip logic)."""
    shown: list[Question] = []
    shown_ids: set[int] = set()
    for question in questions:
        if is_shown(question, codes_by_question_id, shown_ids):
            shown.append(question)
            shown_ids.add(question.pk)
    return shown


def answers_clean_all(*, questions: list[Question], raw: Mapping[str, object]) -> list[Cleaned]:
    """A whole questionnaire at once (API, paper): every shown question checked, hidden ones dropped.
    Raw values are lists of strings or single values (as_list)."""
    errors: dict[str, str] = {}
    cleaned: list[Cleaned] = []
    codes: dict[int, set[str]] = {}
    shown_ids: set[int] = set()
    known = {q.key for q in questions}
    for key in raw:
        if key not in known:
            # Quoted back, so written safely: the key may hold what the answers may not.
            errors[shown(key)] = _("This survey has no question “%(key)s”") % {"key": shown(key)}
    # Only the codes of questions that others depend on are needed (and ``id`` is cheaper than ``pk``:
    # this runs for every question of every submission).
    parents = {q.show_if_question_id for q in questions}
    for question in questions:
        if question.show_if_question_id is not None and not is_shown(question, codes, shown_ids):
            continue
        shown_ids.add(question.id)
        try:
            answer = answer_clean(question=question, raw=raw_for(question, raw.get(question.key)))
        except ValueError as exc:
            errors[question.key] = str(exc)
            continue
        if answer is not None:
            if question.id in parents:
                codes[question.id] = answer.codes
            cleaned.append(answer)
    if errors:
        raise AnswerErrors(errors)
    return cleaned


def codes_from_answers(answers: Iterable[Answer]) -> dict[int, set[str]]:
    """Skip-logic input from stored answers (options must be prefetched through the question)."""
    out: dict[int, set[str]] = {}
    for answer in answers:
        if answer.choices:
            out[answer.question_id] = set(answer.choices)
        elif answer.option_id is not None:
            out[answer.question_id] = {answer.option.code}
    return out


def raw_from_answer(answer: Answer) -> list[str]:
    """A stored answer back in raw form, to fill a form in again."""
    if answer.choices:
        return list(answer.choices)
    if answer.option_id is not None:
        return [answer.option.code]
    if answer.number is not None:
        return [number_shown(answer.number)]
    return [answer.text] if answer.text else []
