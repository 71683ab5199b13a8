"""Reading a questionnaire from a JSON file (surveys/data/default_questionnaire.json is one).

The file's shape is checked before anything is built, and a problem is reported with where it is
(``sections[2].questions[1] "trust": …``), so that a person editing wordings can find and mend it.
The file lists the questions in sections, in the order asked; ``option_set`` names a shared list of
options under ``option_sets``, and any ``options`` beside it follow the set's. ``note`` (on a section
or a question) and the top-level ``about`` and ``welsh`` are for people reading the file and are not
stored; ``welsh_checked`` (false until a translator has checked the Welsh) is read by surveys.welsh.
What comes out are the specs that surveys.services.questionnaire.question_create takes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveys.models import Factor, QuestionKind

FORMAT = 1


class QuestionnaireFileError(ValueError):
    """The file is not a questionnaire of the expected shape; the message says where and why."""


@dataclass(frozen=True)
class QuestionnaireFile:
    slug: str
    name: str
    description: str
    version_notes: str
    specs: list[dict[str, Any]]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Each type: a test and the words for it in an error.
TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "text": (lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string"),
    "string": (lambda v: isinstance(v, str), "a string"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "int": (_is_int, "a whole number"),
    "number": (lambda v: _is_int(v) or isinstance(v, float), "a number"),
    "points": (lambda v: v is None or _is_int(v) or isinstance(v, float), "a number, or null for no score"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "strings": (lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v), "a list of strings"),
}

# Field: (type, required).
TOP_FIELDS = {
    "format": ("int", True),
    "about": ("strings", False),
    "welsh": ("string", False),
    "welsh_checked": ("bool", False),
    "survey": ("object", True),
    "option_sets": ("object", False),
    "sections": ("list", True),
}
SURVEY_FIELDS = {
    "slug": ("text", True),
    "name": ("text", True),
    "description": ("string", False),
    "version_notes": ("string", False),
}
SECTION_FIELDS = {"title": ("text", True), "note": ("string", False), "questions": ("list", True)}
QUESTION_FIELDS = {
    "key": ("text", True),
    "page": ("int", True),
    "factor": ("text", True),
    "kind": ("text", True),
    "text": ("text", True),
    "source": ("text", True),
    "hint": ("string", False),
    "required": ("bool", False),
    "scored": ("bool", False),
    "reverse_scored": ("bool", False),
    "min": ("number", False),
    "max": ("number", False),
    "decimal_places": ("int", False),
    "max_length": ("int", False),
    "show_if": ("object", False),
    "demographic": ("string", False),
    "low_label": ("string", False),
    "high_label": ("string", False),
    "note": ("string", False),
    "translations": ("object", False),
    "option_set": ("text", False),
    "options": ("list", False),
}
SHOW_IF_FIELDS = {"question": ("text", True), "values": ("strings", True)}
OPTION_FIELDS = {
    "code": ("text", True),
    "label": ("text", True),
    "points": ("points", True),
    "exclusive": ("bool", False),
    "translations": ("object", False),
}
# Fields for people reading the file, not passed on to the builder.
NOT_STORED = {"note", "option_set"}


def _object(where: str, value: Any, fields: dict[str, tuple[str, bool]]) -> dict[str, Any]:
    """Check an object against its fields: nothing unknown, nothing required missing, each of its type."""
    if not isinstance(value, dict):
        raise QuestionnaireFileError(f"{where}: should be an object, not {type(value).__name__}")
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise QuestionnaireFileError(f"{where}: unknown field(s) {unknown}; known: {sorted(fields)}")
    for name, (kind, required) in fields.items():
        if name not in value:
            if required:
                raise QuestionnaireFileError(f"{where}: missing field '{name}'")
            continue
        test, words = TYPES[kind]
        if not test(value[name]):
            raise QuestionnaireFileError(f"{where}: '{name}' should be {words}, not {value[name]!r}")
    return value


def _translations(where: str, value: dict[str, Any], fields: set[str]) -> None:
    """{"cy": {"text": "…", "hint": "…"}} for a question, {"cy": {"label": "…"}} for an option."""
    for language, texts in value.items():
        _object(f"{where}.translations.{language}", texts, dict.fromkeys(fields, ("text", False)))


def _options(where: str, value: list[Any]) -> list[dict[str, Any]]:
    options = []
    for i, option in enumerate(value):
        _object(f"{where}[{i}]", option, OPTION_FIELDS)
        _translations(f"{where}[{i}]", option.get("translations", {}), {"label"})
        options.append(dict(option))
    codes = [o["code"] for o in options]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise QuestionnaireFileError(f"{where}: option codes repeat: {repeated}")
    return options


def _question(where: str, value: Any, *, sets: dict[str, list[dict]], earlier: set[str]) -> dict[str, Any]:
    """One question as a builder spec: its option set spliced in, skip logic as (key, codes)."""
    if isinstance(value, dict) and isinstance(value.get("key"), str):
        where = f'{where} "{value["key"]}"'
    question = _object(where, value, QUESTION_FIELDS)
    if question["key"] in earlier:
        raise QuestionnaireFileError(f"{where}: the key is used by an earlier question")
    if question["factor"] not in Factor.values:
        raise QuestionnaireFileError(f"{where}: unknown factor '{question['factor']}'; known: {Factor.values}")
    if question["kind"] not in QuestionKind.values:
        raise QuestionnaireFileError(f"{where}: unknown kind '{question['kind']}'; known: {QuestionKind.values}")
    _translations(where, question.get("translations", {}), {"text", "hint"})
    options = []
    if "option_set" in question:
        if question["option_set"] not in sets:
            raise QuestionnaireFileError(f"{where}: no option set '{question['option_set']}'; known: {sorted(sets)}")
        options = [dict(o) for o in sets[question["option_set"]]]
    options = _options(f"{where}.options", [*options, *question.get("options", [])])
    if options and question["kind"] not in QuestionKind.with_options():
        raise QuestionnaireFileError(f"{where}: a {question['kind']} question takes no options")
    spec = {name: field for name, field in question.items() if name not in NOT_STORED}
    if options:
        spec["options"] = options
    if "show_if" in question:
        show_if = _object(f"{where}.show_if", question["show_if"], SHOW_IF_FIELDS)
        if show_if["question"] not in earlier:
            raise QuestionnaireFileError(f"{where}.show_if: '{show_if['question']}' is not an earlier question")
        spec["show_if"] = (show_if["question"], list(show_if["values"]))
    return spec


def _specs(document: dict[str, Any]) -> list[dict[str, Any]]:
    sets = {}
    for name, options in document.get("option_sets", {}).items():
        if not isinstance(options, list) or not options:
            raise QuestionnaireFileError(f"option_sets.{name}: should be a non-empty list of options")
        sets[name] = _options(f"option_sets.{name}", options)
    specs: list[dict[str, Any]] = []
    earlier: set[str] = set()
    for s, section in enumerate(document["sections"]):
        _object(f"sections[{s}]", section, SECTION_FIELDS)
        for q, question in enumerate(section["questions"]):
            specs.append(_question(f"sections[{s}].questions[{q}]", question, sets=sets, earlier=earlier))
            earlier.add(specs[-1]["key"])
    if not specs:
        raise QuestionnaireFileError("sections: the questionnaire has no questions")
    return specs


def questionnaire_file_read(*, path: Path) -> QuestionnaireFile:
    """Read and check a questionnaire file; QuestionnaireFileError, naming the file, if it is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QuestionnaireFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise QuestionnaireFileError(f"{path.name}: not JSON at {where}: {exc.msg}") from exc
    try:
        _object("the file", document, TOP_FIELDS)
        if document["format"] != FORMAT:
            raise QuestionnaireFileError(f"format: this reader knows format {FORMAT}, not {document['format']}")
        survey = _object("survey", document["survey"], SURVEY_FIELDS)
        specs = _specs(document)
    except QuestionnaireFileError as exc:
        raise QuestionnaireFileError(f"{path.name}: {exc}") from None
    return QuestionnaireFile(
        slug=survey["slug"],
        name=survey["name"],
        description=survey.get("description", ""),
        version_notes=survey.get("version_notes", ""),
        specs=specs,
    )
