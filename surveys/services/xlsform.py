"""Questionnaires in and out as XLSForm spreadsheets (the form format of KoboToolbox, ODK and SurveyCTO).

pyxform, XLSForm's reference implementation, reads and checks the workbook (types, choice lists, names,
references in ``relevant``); this module maps what pyxform understood onto our questions and refuses, naming
the sheet, row and column, whatever has no place in them. Nothing is created unless every row maps.

The mapping, both ways:
- ``survey`` sheet: ``type`` ``select_one L`` (our single choice, labelled scale, 0 to 10 scale or yes/no),
  ``select_multiple L`` (multiple choice), ``integer`` (a whole-number question), ``decimal`` (a number
  question with decimal places), ``text`` (short free text); ``name`` is the
  question's key; ``label`` and ``hint``, each in English (``label::English (en)``, or plain ``label``) and
  Welsh (``label::Welsh (cy)``); ``required`` yes or no; ``relevant`` for skip logic, where it is one earlier
  question's answer being one of some options (``${q} = 'a' or ${q} = 'b'``, or ``selected(${q}, 'a')``);
  ``constraint`` a number's range (``. >= 0 and . <= 100``, or ``. >= 0.5`` for a decimal) or a text's length
  (``string-length(.) <= 500``).
- Our own columns, which other tools keep and ignore: ``rebalance_factor`` (one of the report's factors, or
  about_you: required), ``rebalance_kind`` (single, scale, scale_0_10 or yes_no for a select_one; single when
  empty), ``rebalance_page`` (questions with the same number are shown together; a page each when empty),
  ``rebalance_scored`` and ``rebalance_reverse`` (yes or no), ``rebalance_source``, ``rebalance_demographic``
  (age_band or sex), ``rebalance_bank`` (the question bank item it is made from: its key, or
  ``GSS code:key`` for a council's own item) and ``rebalance_decimal_places`` (a decimal's places, 1 to 3;
  3 when empty, as other tools' decimals have no limit of their own).
- ``choices`` sheet: ``list_name``, ``name`` (the option's code), ``label`` in each language,
  ``rebalance_score`` (0 to 100, reverse scoring already applied; empty for an unscored option such as
  "Don't know") and ``rebalance_exclusive`` (yes for a multiple-choice option that stands alone, like "None").
- ``settings`` sheet: ``form_title`` (the survey's name), ``form_id`` (its slug), ``version`` and
  ``default_language``.
Labels and hints are taken from the cells as pyxform's reader gives them, before its conversion turns
typographic quotes (’ “ ”) into plain ones, so that wordings come back exactly as written.
Not mapped, so refused: other types (``date``, ``note``, groups,
repeats, ...), calculations, defaults, choice filters, read-only rows and languages other than English and
Welsh. Form metadata rows (``start``, ``end``, ``today``, ``deviceid``, ...) ask residents nothing and are
skipped.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from surveys.models import BankItem, Factor, QuestionKind, Survey, SurveyVersion, number_shown
from surveys.models.numbers import MAX_DECIMAL_PLACES
from surveys.selectors import version_questions
from surveys.services.questionnaire import question_create

logger = logging.getLogger(__name__)
ENGLISH, WELSH = "English (en)", "Welsh (cy)"
SELECT_ONE_KINDS = (QuestionKind.SINGLE, QuestionKind.SCALE, QuestionKind.SCALE_0_10, QuestionKind.YES_NO)
# pyxform's name for an XLSForm type, and the kinds it may be.
TYPES = {
    "select one": SELECT_ONE_KINDS,
    "select all that apply": (QuestionKind.MULTIPLE,),
    "integer": (QuestionKind.NUMBER,),
    "decimal": (QuestionKind.NUMBER,),
    "text": (QuestionKind.TEXT,),
}
# Types pyxform knows that we refuse with a reason of their own (others: "Rebalance has no question of this kind").
REFUSED_TYPES: dict[str, str] = {}
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "username", "phonenumber", "subscriberid", "simserial", "email",
    "audit", "start-geopoint", "background-audio",
}  # fmt: skip
BIND_KEYS = {"required", "relevant", "constraint", "jr:constraintMsg", "jr:requiredMsg"}
SURVEY_COLUMNS = [
    "type", "name", f"label::{ENGLISH}", f"label::{WELSH}", f"hint::{ENGLISH}", f"hint::{WELSH}", "required",
    "relevant", "constraint", "rebalance_factor", "rebalance_kind", "rebalance_page", "rebalance_scored",
    "rebalance_reverse", "rebalance_source", "rebalance_demographic", "rebalance_bank", "rebalance_decimal_places",
]  # fmt: skip
CHOICE_COLUMNS = [
    "list_name", "name", f"label::{ENGLISH}", f"label::{WELSH}", "rebalance_score", "rebalance_exclusive",
]  # fmt: skip
CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
KEY = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
EQUALS = re.compile(r"^\$\{([^}]+)\}\s*=\s*'([^']*)'$")
SELECTED = re.compile(r"^selected\(\s*\$\{([^}]+)\}\s*,\s*'([^']*)'\s*\)$")
BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
LENGTH = re.compile(r"^string-length\(\s*\.\s*\)\s*<=\s*(\d+)$")
YES, NO = {"yes", "true", "true()", "1"}, {"", "no", "false", "false()", "0"}


@dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [
            f"{self.sheet} sheet" if self.sheet else "",
            f"row {self.row}" if self.row else "",
            f"column {self.column}" if self.column else "",
        ]
        place = ", ".join(w for w in where if w)
        return f"{place}: {self.message}" if place else self.message


class XLSFormError(ValueError):
    """The workbook cannot become one of our questionnaires; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class XLSFormQuestionnaire:
    slug: str
    name: str
    specs: list[dict[str, Any]]
    rows: dict[str, int] = field(default_factory=dict)  # question key → its row on the survey sheet


# --- Export --------------------------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _relevant(question) -> str:
    parent = question.show_if_question
    if parent is None:
        return ""
    if parent.kind == QuestionKind.MULTIPLE:
        return " or ".join(f"selected(${{{parent.key}}}, '{code}')" for code in question.show_if_values)
    return " or ".join(f"${{{parent.key}}} = '{code}'" for code in question.show_if_values)


def _constraint(question) -> str:
    if question.kind == QuestionKind.TEXT:
        return f"string-length(.) <= {question.max_length}"
    bounds = []
    if question.min_value is not None:
        bounds.append(f". >= {number_shown(question.min_value)}")
    if question.max_value is not None:
        bounds.append(f". <= {number_shown(question.max_value)}")
    return " and ".join(bounds)


def _bank_ref(item: BankItem | None) -> str:
    if item is None:
        return ""
    return item.key if item.owner_id is None else f"{item.owner.code}:{item.key}"


def xlsform_export(*, version: SurveyVersion) -> bytes:
    """The version as an XLSForm workbook (.xlsx): survey, choices and settings sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    questions = version_questions(version.pk)
    bank = {i.pk: i for i in BankItem.objects.filter(questions__version=version).select_related("owner")}
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    choices = book.create_sheet("choices")
    settings_sheet = book.create_sheet("settings")
    survey.append(SURVEY_COLUMNS)
    choices.append(CHOICE_COLUMNS)
    for q in questions:
        welsh = (q.translations or {}).get("cy", {})
        xls_type = {
            QuestionKind.MULTIPLE: f"select_multiple {q.key}",
            QuestionKind.NUMBER: "decimal" if q.decimal_places else "integer",
            QuestionKind.TEXT: "text",
        }.get(q.kind, f"select_one {q.key}")
        survey.append(
            [
                xls_type,
                q.key,
                q.text,
                welsh.get("text", ""),
                q.hint,
                welsh.get("hint", ""),
                "yes" if q.required else "",
                _relevant(q),
                _constraint(q),
                q.factor,
                q.kind if q.kind in SELECT_ONE_KINDS else "",
                q.page,
                _yes(q.scored),
                _yes(q.reverse_scored),
                q.source,
                q.demographic,
                _bank_ref(bank.get(q.bank_item_id)),
                q.decimal_places or "",
            ]
        )
        for o in q.options.all():
            choices.append(
                [
                    q.key,
                    o.code,
                    o.label,
                    (o.translations or {}).get("cy", {}).get("label", ""),
                    "" if o.score is None else o.score,
                    "yes" if o.exclusive else "",
                ]
            )
    settings_sheet.append(["form_title", "form_id", "version", "default_language"])
    settings_sheet.append([version.survey.name, version.survey.slug, str(version.number), ENGLISH])
    for sheet in (survey, choices, settings_sheet):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Import --------------------------------------------------------------------------------------------------


ROW = re.compile(r"\[row : (\d+)\]")
SHEET = re.compile(r"On the '(\w+)' sheet")
COLUMN = re.compile(r"the '([^']+)' value")
UNKNOWN_TYPE = re.compile(r"Unknown question type '([^']*)'")


def _pyxform_problem(exc: PyXFormError, rows: list[dict[str, str]]) -> Problem:
    """pyxform's error with its sheet, row and column made explicit, where its message or context holds them."""
    message = str(exc).strip()
    context = getattr(exc, "context", None) or {}
    sheet, row, column = context.get("sheet"), context.get("row"), context.get("column")
    if row is None and (m := ROW.search(message)):
        row = int(m.group(1))
    if sheet is None and (m := SHEET.search(message)):
        sheet = m.group(1)
    if column is None and (m := COLUMN.search(message)):
        column = m.group(1)
    if m := UNKNOWN_TYPE.search(message):
        message = f"'{m.group(1)}' is not an XLSForm question type"
        sheet, column = "survey", "type"
        row = next((i for i, r in enumerate(rows, start=2) if r.get("type") == m.group(1)), row)
    if row is None and (m := re.search(r"element named '([^']+)' has no label", message)):
        sheet, column = "survey", "label"
        row = next((i for i, r in enumerate(rows, start=2) if r.get("name") == m.group(1)), None)
    if m := re.search(r"List name not in choices sheet: (\S+)", message):
        sheet, column = "survey", "type"
        message = f"the type names the choice list '{m.group(1)}', which the choices sheet does not have"
    if "Invalid headers provided for sheet" in message:
        sheet = sheet or (re.search(r"sheet: '(\w+)'", message) or [None, None])[1]
        row = 1
        column = (re.search(r"not found: '([^']+)'", message) or [None, None])[1]
    message = ROW.sub("", message).strip()
    return Problem(sheet or "survey", row, column, message)


def _language(name: str) -> str | None:
    """Our code for a pyxform language name ("English (en)", "Welsh (cy)", "default"), None if not ours."""
    if name == "default":
        return "en"
    m = re.search(r"\(([a-zA-Z-]+)\)\s*$", name)
    code = (m.group(1) if m else name).lower()
    return {"en": "en", "english": "en", "cy": "cy", "welsh": "cy", "cymraeg": "cy"}.get(code)


def _texts(
    raw: dict[str, str], *, default_language: str, sheet: str, row: int | None, column: str, problems: list[Problem]
) -> dict[str, str]:
    """A label or hint as {"en": …, "cy": …}, from the row's ``label`` and ``label::Language (code)`` cells."""
    out = {}
    for header, text in raw.items():
        head, _, language = header.partition("::")
        if head.strip().lower() != column or not str(text).strip():
            continue
        code = _language(language.strip() or default_language)
        if code is None:
            problems.append(Problem(sheet, row, header, "only English (en) and Welsh (cy) can be imported"))
        else:
            out[code] = str(text)
    return out


def _flag(row: dict[str, str], column: str, *, sheet: str, n: int, problems: list[Problem], default=None):
    value = str(row.get(column, "")).strip().lower()
    if value == "" and default is not None:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    problems.append(Problem(sheet, n, column, f"'{row.get(column)}' should be yes or no"))
    return default or False


def _whole(value: str) -> int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number == int(number) else None


class _Reader:
    def __init__(self, definition, pyxform_json: dict[str, Any]):
        self.problems: list[Problem] = []
        self.survey_rows = list(definition.survey or [])
        self.choice_rows = list(definition.choices or [])
        self.json = pyxform_json
        self.row_of = {r.get("name"): i for i, r in enumerate(self.survey_rows, start=2) if r.get("name")}
        self.choice_row_of = {
            (r.get("list_name"), r.get("name")): i for i, r in enumerate(self.choice_rows, start=2) if r.get("name")
        }
        self.default_language = str(pyxform_json.get("default_language") or "default")
        self.kinds: dict[str, str] = {}
        self.codes: dict[str, list[str]] = {}

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, message))

    def specs(self) -> list[dict[str, Any]]:
        specs = []
        for child in self.json.get("children", []):
            if child.get("name") == "meta" and child.get("control", {}).get("bodyless"):
                continue  # pyxform's own instanceID group
            spec = self.question(child, page_default=len(specs) + 1)
            if spec is not None:
                specs.append(spec)
        if not specs and not self.problems:
            self.problem("survey", None, "type", "the form has no questions that residents could answer")
        return specs

    def question(self, child: dict[str, Any], *, page_default: int) -> dict[str, Any] | None:
        name, xls_type = child.get("name", ""), child.get("type", "")
        n = self.row_of.get(name)
        raw = self.survey_rows[n - 2] if n else {}
        if xls_type in METADATA_TYPES:
            return None
        if xls_type not in TYPES:
            why = REFUSED_TYPES.get(xls_type, "Rebalance has no question of this kind")
            shown = raw.get("type", xls_type)
            self.problem("survey", n, "type", f"type '{shown}' cannot be imported: {why}")
            return None
        if not KEY.match(name):
            self.problem("survey", n, "name", f"'{name}' should be letters, digits, - or _, at most 60 characters")
        before = len(self.problems)
        spec: dict[str, Any] = {"key": name}
        spec["kind"] = self.kind(raw, xls_type, n)
        spec["decimal_places"] = self.decimal_places(raw, xls_type, n)
        factor = str(raw.get("rebalance_factor", "")).strip()
        if factor not in Factor.values:
            said = f"'{factor}' is not a factor" if factor else "empty"
            self.problem("survey", n, "rebalance_factor", f"{said}; use one of {', '.join(Factor.values)}")
        spec["factor"] = factor
        label, hint = (
            _texts(raw, default_language=self.default_language, sheet="survey", row=n, column=c, problems=self.problems)
            for c in ("label", "hint")
        )
        if not label.get("en"):
            self.problem("survey", n, f"label::{ENGLISH}", "the question has no English label")
        spec["text"], spec["hint"] = label.get("en", ""), hint.get("en", "")
        welsh = {k: v for k, v in (("text", label.get("cy")), ("hint", hint.get("cy"))) if v}
        spec["translations"] = {"cy": welsh} if welsh else {}
        bind = child.get("bind", {})
        for key in sorted(set(bind) - BIND_KEYS):
            self.problem("survey", n, key, "cannot be imported: Rebalance has no equivalent")
        for key in ("default", "choice_filter", "trigger", "calculation"):
            if child.get(key):
                self.problem("survey", n, key, "cannot be imported: Rebalance has no equivalent")
        if child.get("parameters"):
            self.problem("survey", n, "parameters", "cannot be imported: Rebalance has no equivalent")
        spec["required"] = _flag(
            {"required": bind.get("required", "")}, "required", sheet="survey", n=n, problems=self.problems
        )
        self.constraint(spec, str(bind.get("constraint", "")).strip(), n)
        kind = spec["kind"]
        default_scored = kind in SELECT_ONE_KINDS
        spec["scored"] = _flag(raw, "rebalance_scored", sheet="survey", n=n, problems=self.problems, default=None)
        if str(raw.get("rebalance_scored", "")).strip() == "":
            spec["scored"] = None  # decided from the choices' scores below
        spec["reverse_scored"] = _flag(raw, "rebalance_reverse", sheet="survey", n=n, problems=self.problems)
        page = str(raw.get("rebalance_page", "")).strip()
        spec["page"] = page_default if page == "" else _whole(page)
        if spec["page"] is None or spec["page"] < 1:
            self.problem("survey", n, "rebalance_page", f"'{page}' should be a whole number from 1")
        spec["source"] = str(raw.get("rebalance_source", "")).strip() or "Imported from an XLSForm"
        demographic = str(raw.get("rebalance_demographic", "")).strip()
        if demographic not in ("", "age_band", "sex"):
            self.problem("survey", n, "rebalance_demographic", f"'{demographic}' should be age_band, sex or empty")
        spec["demographic"] = demographic
        if "list_name" in child:
            spec["options"] = self.options(child, spec, n)
        if spec["scored"] is None:
            spec["scored"] = default_scored and any(o.get("score") is not None for o in spec.get("options", []))
        if spec["scored"] and kind in (QuestionKind.MULTIPLE, QuestionKind.TEXT):
            self.problem("survey", n, "rebalance_scored", f"a {kind} question cannot be scored")
        if len(self.problems) == before:  # a bad score is reported once, not again as a bad range
            self.points(spec, n)
        self.skip_logic(spec, str(bind.get("relevant", "")).strip(), n)
        self.bank(spec, str(raw.get("rebalance_bank", "")).strip(), n)
        self.kinds[name] = kind
        self.codes[name] = [o["code"] for o in spec.get("options", [])]
        return spec if len(self.problems) == before else None

    def kind(self, raw: dict[str, str], xls_type: str, n: int | None) -> str:
        allowed = TYPES[xls_type]
        given = str(raw.get("rebalance_kind", "")).strip()
        if given == "":
            return allowed[0]
        if given not in allowed:
            self.problem(
                "survey", n, "rebalance_kind", f"'{given}' does not fit type {xls_type}; use {', '.join(allowed)}"
            )
            return allowed[0]
        return given

    def decimal_places(self, raw: dict[str, str], xls_type: str, n: int | None) -> int:
        given = str(raw.get("rebalance_decimal_places", "")).strip()
        if xls_type != "decimal":
            if given not in ("", "0"):
                self.problem(
                    "survey", n, "rebalance_decimal_places", f"'{given}' is for a decimal; an {xls_type} has none"
                )
            return 0
        if given == "":
            return MAX_DECIMAL_PLACES
        places = _whole(given)
        if places is None or not 1 <= places <= MAX_DECIMAL_PLACES:
            self.problem(
                "survey", n, "rebalance_decimal_places",
                f"'{given}' should be a whole number from 1 to {MAX_DECIMAL_PLACES} (use integer for whole numbers)",
            )  # fmt: skip
            return MAX_DECIMAL_PLACES
        return places

    def constraint(self, spec: dict[str, Any], constraint: str, n: int | None) -> None:
        if not constraint:
            return
        if spec["kind"] == QuestionKind.TEXT and (m := LENGTH.match(constraint)):
            spec["max_length"] = int(m.group(1))
            return
        if spec["kind"] == QuestionKind.NUMBER:
            parts = [BOUND.match(p.strip()) for p in re.split(r"\s+and\s+", constraint)]
            if all(parts) and len({p.group(1) for p in parts}) == len(parts):
                for p in parts:
                    bound = Decimal(p.group(2))
                    if bound != round(bound, spec["decimal_places"]):
                        allowed = (
                            f"{spec['decimal_places']} decimal places" if spec["decimal_places"] else "whole numbers"
                        )
                        self.problem(
                            "survey", n, "constraint",
                            f"'{constraint}': the bound {p.group(2)} has more figures after the point than the "
                            f"question's answers may have ({allowed})",
                        )  # fmt: skip
                        return
                    spec["min" if p.group(1) == ">=" else "max"] = bound
                return
        expected = {
            QuestionKind.TEXT: "string-length(.) <= 500",
            QuestionKind.NUMBER: ". >= 0 and . <= 100 (either part alone will do)",
        }.get(spec["kind"])
        hint = f"; the form Rebalance reads is {expected}" if expected else ""
        self.problem("survey", n, "constraint", f"'{constraint}' cannot be imported{hint}")

    def options(self, child: dict[str, Any], spec: dict[str, Any], n: int | None) -> list[dict[str, Any]]:
        list_name = child["list_name"]
        options = []
        for choice in child.get("choices", []):
            code = choice.get("name", "")
            cn = self.choice_row_of.get((list_name, code))
            raw = self.choice_rows[cn - 2] if cn else {}
            label = _texts(
                raw, default_language=self.default_language, sheet="choices", row=cn, column="label",
                problems=self.problems,
            )  # fmt: skip
            if not CODE.match(code):
                self.problem(
                    "choices", cn, "name", f"'{code}' should be letters, digits, - or _, at most 40 characters"
                )
            if not label.get("en"):
                self.problem("choices", cn, f"label::{ENGLISH}", f"option '{code}' has no English label")
            option: dict[str, Any] = {"code": code, "label": label.get("en", "")}
            if label.get("cy"):
                option["translations"] = {"cy": {"label": label["cy"]}}
            raw_score = str(choice.get("rebalance_score", "")).strip()
            if raw_score:
                score = _whole(raw_score)
                if score is None or not 0 <= score <= 100:
                    self.problem(
                        "choices", cn, "rebalance_score", f"'{raw_score}' should be a whole number from 0 to 100"
                    )
                option["score"] = score
            else:
                option["score"] = None
            exclusive = _flag(
                {"x": choice.get("rebalance_exclusive", "")}, "x", sheet="choices", n=cn, problems=self.problems
            )
            if exclusive and spec["kind"] != QuestionKind.MULTIPLE:
                self.problem("choices", cn, "rebalance_exclusive", "only a select_multiple option can stand alone")
            option["exclusive"] = exclusive
            options.append(option)
        return options

    def points(self, spec: dict[str, Any], n: int | None) -> None:
        """The builder's points from the sheet's scores: the scores are final, so unreverse them."""
        options = spec.get("options", [])
        scores = [o.pop("score") for o in options]
        known = [s for s in scores if s is not None]
        if not spec["scored"]:
            if known:
                self.problem(
                    "choices", self.choice_row_of.get((spec["key"], options[0]["code"])) if options else None,
                    "rebalance_score", f"'{spec['key']}' is not scored (rebalance_scored), but its options have scores",
                )  # fmt: skip
            for position, option in enumerate(options, start=1):
                option["points"] = position
            return
        if known and (len(known) < 2 or min(known) != 0 or max(known) != 100):
            self.problem(
                "survey", n, "rebalance_scored",
                f"a scored question's options score from 0 (the lowest) to 100 (the highest); '{spec['key']}' has "
                f"{sorted(known) or 'no scores'} in column rebalance_score of the choices sheet",
            )  # fmt: skip
        for option, score in zip(options, scores, strict=True):
            option["points"] = None if score is None else (100 - score if spec["reverse_scored"] else score)

    def skip_logic(self, spec: dict[str, Any], relevant: str, n: int | None) -> None:
        if not relevant:
            return
        expression = relevant
        while expression.startswith("(") and expression.endswith(")"):
            expression = expression[1:-1].strip()
        parts = [p.strip() for p in re.split(r"\s+or\s+", expression)]
        matches = [EQUALS.match(p) or SELECTED.match(p) for p in parts]
        keys = {m.group(1) for m in matches if m}
        if not all(matches) or len(keys) != 1:
            self.problem(
                "survey", n, "relevant",
                f"'{relevant}' cannot be imported: Rebalance's skip logic shows a question when one earlier "
                "question's answer is one of some options, written ${q} = 'a' or ${q} = 'b', or selected(${q}, 'a')",
            )  # fmt: skip
            return
        key = keys.pop()
        if key not in self.kinds:
            self.problem("survey", n, "relevant", f"'{key}' is not an earlier question that could be imported")
            return
        if self.kinds[key] == QuestionKind.MULTIPLE and any(EQUALS.match(p) for p in parts):
            # For a select_multiple, "=" compares the whole set of answers; ours asks whether one was among them.
            self.problem(
                "survey", n, "relevant",
                f"'{key}' is a select_multiple: write selected(${{{key}}}, 'answer') for each answer that shows "
                "this question",
            )  # fmt: skip
            return
        codes = [m.group(2) for m in matches]
        unknown = [c for c in codes if c not in self.codes[key]]
        if unknown:
            self.problem("survey", n, "relevant", f"'{key}' has no option(s) {', '.join(unknown)}")
            return
        spec["show_if"] = (key, codes)

    def bank(self, spec: dict[str, Any], reference: str, n: int | None) -> None:
        if not reference:
            return
        owner_code, _, key = reference.rpartition(":")
        items = BankItem.objects.filter(key=key)
        item = (items.filter(owner__code=owner_code) if owner_code else items.filter(owner__isnull=True)).first()
        if item is None:
            self.problem("survey", n, "rebalance_bank", f"the question bank has no item '{reference}'")
            return
        spec["bank_item"] = item


# An .xlsx is a zip: a few MB can unpack to gigabytes. A questionnaire's sheets unpack to well under a megabyte.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _unpacked_size(data: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # not a zip: pyxform's reader says what it is not


def _definition(data: bytes, *, filename: str):
    file_type = ".xls" if filename.lower().endswith(".xls") else ".xlsx"
    if _unpacked_size(data) > MAX_UNPACKED_BYTES:
        raise XLSFormError(
            [Problem(None, None, None, f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB, far "
                     "more than any questionnaire: it was not read")]
        )  # fmt: skip
    try:
        return get_xlsform(io.BytesIO(data), file_type=file_type)
    except (PyXFormError, ValueError, OSError) as exc:
        raise XLSFormError(
            [Problem(None, None, None, f"the file is not an Excel workbook ({file_type}), so not an XLSForm ({exc})")]
        ) from None


def xlsform_read(*, data: bytes, filename: str = "form.xlsx") -> XLSFormQuestionnaire:
    """Read and check a workbook; XLSFormError listing every problem, each with its sheet, row and column."""
    definition = _definition(data, filename=filename)
    rows = list(definition.survey or [])
    try:
        pyxform_json = workbook_to_json(workbook_dict=definition, fallback_form_name="data", warnings=[])
        # Building the XForm checks what the sheets alone do not (references between questions among them).
        create_survey_element_from_dict(pyxform_json).to_xml(validate=False, warnings=[])
    except PyXFormError as exc:
        raise XLSFormError([_pyxform_problem(exc, rows)]) from None
    except Exception as exc:  # pyxform raises plain errors on some malformed sheets; still a refusal, not a 500
        raise XLSFormError([Problem("survey", None, None, f"pyxform could not read the form: {exc}")]) from None
    reader = _Reader(definition, pyxform_json)
    try:
        specs = reader.specs()
    except Exception:  # a shape of workbook the mapping did not foresee: refused and logged, never a 500
        logger.exception("XLSForm mapping failed on %s", filename)
        raise XLSFormError(
            [Problem(None, None, None, "the workbook has a shape Rebalance cannot read; nothing was created")]
        ) from None
    if reader.problems:
        raise XLSFormError(reader.problems)
    settings_row = (definition.settings or [{}])[0]
    slug = slugify(str(settings_row.get("form_id", "")))[:60]
    name = str(settings_row.get("form_title", "")).strip()[:150]
    return XLSFormQuestionnaire(slug=slug, name=name, specs=specs, rows=reader.row_of)


@transaction.atomic
def xlsform_import(
    *, data: bytes, filename: str = "form.xlsx", name: str = "", slug: str = "", notes: str = ""
) -> SurveyVersion:
    """A new version made from the workbook: of the survey with its slug if one exists, else of a new survey.

    Refuses the whole workbook (XLSFormError) when any row cannot be mapped; nothing is created then.
    """
    form = xlsform_read(data=data, filename=filename)
    slug = slugify(slug)[:60] or form.slug or slugify(name)[:60]
    name = name.strip() or form.name or slug
    if not slug:
        raise XLSFormError(
            [Problem("settings", 2, "form_id", "the form has no form_id: give one, or a name for the questionnaire")]
        )
    survey, _ = Survey.objects.get_or_create(slug=slug, defaults={"name": name})
    last = survey.versions.order_by("-number").values_list("number", flat=True).first()
    version = SurveyVersion.objects.create(
        survey=survey, number=(last or 0) + 1, notes=notes or f"Imported from the XLSForm {filename}."
    )
    for position, spec in enumerate(form.specs, start=1):
        try:
            with transaction.atomic():
                question_create(version=version, spec=spec, position=position)
        except ValidationError as exc:
            column = "rebalance_bank" if "bank_item" in getattr(exc, "error_dict", {}) else None
            raise XLSFormError(
                [Problem("survey", form.rows.get(spec["key"]), column, " ".join(exc.messages))]
            ) from None
    return version
