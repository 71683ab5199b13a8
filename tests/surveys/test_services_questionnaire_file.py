"""The questionnaire file reader refuses a file of the wrong shape, and says where."""

import copy
import json

import pytest

from surveys.services.default_questionnaire import DATA_FILE
from surveys.services.questionnaire_file import QuestionnaireFileError, questionnaire_file_read

DEFAULT = json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _read(tmp_path, document):
    path = tmp_path / "questionnaire.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return questionnaire_file_read(path=path)


def _first_question(document):
    return document["sections"][0]["questions"][0]


def test_the_default_file_reads_into_specs_with_option_sets_spliced_in_and_notes_left_out(tmp_path):
    read = _read(tmp_path, DEFAULT)
    specs = {spec["key"]: spec for spec in read.specs}
    assert read.slug == "neighbourhood-life"
    assert [o["code"] for o in specs["pull_together"]["options"]][-2:] == ["definitely_disagree", "nothing_to_improve"]
    assert specs["move_reasons"]["show_if"] == ("expect_move", ["yes"])
    assert not any("note" in spec or "option_set" in spec for spec in read.specs)


def _broken(change):
    document = copy.deepcopy(DEFAULT)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("sections"), r"questionnaire\.json: the file: missing field 'sections'"),
        (lambda d: d.update(format=2), "knows format 1, not 2"),
        (lambda d: d["survey"].pop("slug"), "survey: missing field 'slug'"),
        (
            lambda d: _first_question(d).update(reverse_score=True),
            r'sections\[0\]\.questions\[0\] "area_satisfaction": unknown field\(s\) \[\'reverse_score\'\]',
        ),
        (lambda d: _first_question(d).update(page="1"), "'page' should be a whole number, not '1'"),
        (lambda d: _first_question(d).update(page=True), "'page' should be a whole number"),
        (lambda d: _first_question(d).update(factor="happiness"), "unknown factor 'happiness'"),
        (lambda d: _first_question(d).update(kind="slider"), "unknown kind 'slider'"),
        (lambda d: _first_question(d).pop("source"), "missing field 'source'"),
        (lambda d: _first_question(d).update(text="  "), "'text' should be a non-empty string"),
        (lambda d: _first_question(d)["options"][0].pop("points"), r"options\[0\]: missing field 'points'"),
        (lambda d: _first_question(d)["options"][1].update(points="4"), "'points' should be a number, or null"),
        (lambda d: _first_question(d)["options"][1].update(code="very_satisfied"), r"option codes repeat"),
        (lambda d: _first_question(d)["translations"]["cy"].update(txt="…"), r"translations\.cy: unknown field"),
        (lambda d: _first_question(d).update(option_set="agree_7"), "no option set 'agree_7'"),
        (lambda d: d["option_sets"]["gse"][0].update(label=""), r"option_sets\.gse\[0\]: 'label' should be"),
        (lambda d: d["sections"][0]["questions"].append(_first_question(d)), "used by an earlier question"),
        (
            lambda d: _first_question(d).update(show_if={"question": "expect_move", "values": ["yes"]}),
            r"show_if: 'expect_move' is not an earlier question",
        ),
        (lambda d: d["sections"][1]["questions"][2]["show_if"].pop("values"), "show_if: missing field 'values'"),
        (lambda d: d["sections"][1]["questions"][0].update(kind="number"), "a number question takes no options"),
        (lambda d: d.update(sections=[]), "the questionnaire has no questions"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_with_where_and_why(tmp_path, change, message):
    with pytest.raises(QuestionnaireFileError, match=message):
        _read(tmp_path, _broken(change))


def test_a_file_that_is_not_json_or_not_there_is_refused_by_name(tmp_path):
    path = tmp_path / "questionnaire.json"
    path.write_text('{"format": 1,', encoding="utf-8")
    with pytest.raises(QuestionnaireFileError, match=r"questionnaire\.json: not JSON at line 1"):
        questionnaire_file_read(path=path)
    with pytest.raises(QuestionnaireFileError, match="cannot be read"):
        questionnaire_file_read(path=tmp_path / "missing.json")
