"""The questionnaire editor's service: questions and answers changed, moved and removed; frozen versions refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.access.models import Role
from surveys.models import Question
from surveys.services.bank import bank_item_create
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.questionnaire import version_spec
from surveys.services.questionnaire_editor import (
    OptionInput,
    QuestionInput,
    VersionFrozen,
    options_save,
    question_add,
    question_add_from_bank_item,
    question_edit,
    question_move,
    question_remove,
    version_copy_for_editing,
    version_may_edit,
)
from surveys.services.responses import response_submit
from tests.factories import NeighbourhoodFactory, staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, version_factory, wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return staff(Role.ADMIN)


def _order(version) -> list[tuple[str, int]]:
    return list(version.questions.order_by("position").values_list("key", "page"))


def _input(question: Question, **changes) -> QuestionInput:
    data = QuestionInput(
        text=question.text,
        kind=question.kind,
        factor=question.factor,
        key=question.key,
        hint=question.hint,
        required=question.required,
        scored=question.scored,
        reverse_scored=question.reverse_scored,
        min_value=question.min_value,
        max_value=question.max_value,
        page=question.page,
        show_if=[f"{question.show_if_question.key}:{c}" for c in question.show_if_values]
        if question.show_if_question
        else [],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _rows(question: Question) -> list[OptionInput]:
    return [
        OptionInput(pk=o.pk, code=o.code, label=o.label, score=o.score, exclusive=o.exclusive)
        for o in question.options.all()
    ]


def test_a_question_added_goes_to_the_end_of_its_page_with_scores_from_100_to_0_and_welsh(admin):
    version = version_factory()
    data = QuestionInput(
        text="How clean are the streets?", kind="scale", factor="housing_environment", page=1, text_cy="Pa mor lân?"
    )
    question = question_add(user=admin, version=version, data=data, answers=["Very clean", "Fairly clean", "Dirty"])
    assert question.key == "how_clean_are_the_streets"
    assert _order(version)[:3] == [("satisfied", 1), ("move", 1), ("how_clean_are_the_streets", 1)]
    assert [(o.code, o.score) for o in question.options.all()] == [
        ("very_clean", 100),
        ("fairly_clean", 50),
        ("dirty", 0),
    ]
    assert question.text_in("cy") == "Pa mor lân?"
    # Without a page: a new last page.
    text = question_add(
        user=admin,
        version=version,
        data=QuestionInput(text="Anything else?", kind="text", factor="outlook"),
        answers=[],
    )
    assert _order(version)[-1] == ("anything_else", 5)
    assert not text.scored  # free text never counts towards a factor


@pytest.mark.parametrize(
    ("changes", "answers", "field"),
    [
        ({"kind": "scale"}, [], "answers"),  # a choice question without answers
        ({"kind": "scale"}, ["Only one"], "answers"),
        ({"kind": "number"}, ["A", "B"], "answers"),
        ({"key": "satisfied"}, ["A", "B"], "key"),  # taken
        ({"key": "Not A Key"}, ["A", "B"], "key"),
        ({"page": 9}, ["A", "B"], "page"),
        ({"show_if": ["move:maybe"]}, ["A", "B"], "show_if"),  # no such answer
        ({"show_if": ["nowhere:yes"]}, ["A", "B"], "show_if"),
        ({"show_if": ["move:yes"], "page": 1}, ["A", "B"], "show_if"),  # the deciding question is on the same page
        ({"text": "  "}, ["A", "B"], "text"),
    ],
)
def test_a_question_that_cannot_be_added_is_refused_on_its_field_and_nothing_is_kept(admin, changes, answers, field):
    version = version_factory()
    before = _order(version)
    data = QuestionInput(text="New question", kind="single", factor="outlook")
    for name, value in changes.items():
        setattr(data, name, value)
    with pytest.raises(ValidationError) as caught:
        question_add(user=admin, version=version, data=data, answers=answers)
    assert field in caught.value.message_dict
    assert _order(version) == before


def test_skip_logic_added_points_forward_and_shows_the_question_after_that_answer(admin):
    version = version_factory()
    data = QuestionInput(text="Where to?", kind="text", factor="retention", show_if=["move:yes"], page=2)
    question = question_add(user=admin, version=version, data=data, answers=[])
    assert question.show_if_question.key == "move"
    assert question.show_if_values == ["yes"]


def test_moving_questions_within_a_page_and_across_pages(admin):
    version = version_factory()
    plans = version.questions.get(key="plans")
    question_move(user=admin, question=plans, direction="up")  # swaps with "life" on page 3
    assert _order(version)[3:5] == [("plans", 3), ("life", 3)]
    question_move(user=admin, question=plans, direction="up")  # top of page 3: to the end of page 2
    assert _order(version)[2:5] == [("why_move", 2), ("plans", 2), ("life", 3)]
    question_move(user=admin, question=version.questions.get(key="age"), direction="down")  # already last
    assert _order(version)[-1] == ("age", 4)
    satisfied = version.questions.get(key="satisfied")
    question_move(user=admin, question=satisfied, direction="down")
    assert _order(version)[:2] == [("move", 1), ("satisfied", 1)]


def test_a_move_that_would_break_skip_logic_is_refused(admin):
    version = version_factory()
    # "why_move" is alone on page 2 and depends on "move" on page 1: moving it up would put them on one page.
    with pytest.raises(ValidationError, match="earlier page"):
        question_move(user=admin, question=version.questions.get(key="why_move"), direction="up")
    assert ("why_move", 2) in _order(version)


def test_a_pages_last_question_moved_away_leaves_no_gap_in_the_page_numbers(admin):
    version = version_factory()
    life = version.questions.get(key="life")
    question_edit(user=admin, question=life, data=_input(life, page=5))  # a new last page
    assert _order(version)[-1] == ("life", 5)
    plans = version.questions.get(key="plans")
    question_edit(user=admin, question=plans, data=_input(plans, page=2))  # page 3 is now empty
    assert sorted({p for _k, p in _order(version)}) == [1, 2, 3, 4]


def test_editing_a_question_and_turning_reverse_scoring_round(admin):
    version = version_factory()
    satisfied = version.questions.get(key="satisfied")
    question_edit(
        user=admin,
        question=satisfied,
        data=_input(
            satisfied,
            text="How happy are you with your area?",
            hint="Think of the streets near you",
            reverse_scored=True,
            text_cy="Pa mor hapus?",
        ),
    )
    satisfied.refresh_from_db()
    assert satisfied.text == "How happy are you with your area?"
    assert satisfied.reverse_scored
    assert [o.score for o in satisfied.options.all()] == [0, 50, 100]
    assert satisfied.text_in("cy") == "Pa mor hapus?"
    # A choice question cannot become a number question.
    with pytest.raises(ValidationError) as caught:
        question_edit(user=admin, question=satisfied, data=_input(satisfied, kind="number"))
    assert "kind" in caught.value.message_dict


def test_answers_edited_added_removed_and_reordered(admin):
    version = version_factory()
    satisfied = version.questions.get(key="satisfied")
    rows = _rows(satisfied)
    rows[1].label = "Quite satisfied"
    rows[1].label_cy = "Eithaf bodlon"
    rows.append(OptionInput(pk=None, code="dont_know", label="Don't know"))
    options_save(user=admin, question=satisfied, rows=rows)
    assert [(o.code, o.label, o.score) for o in satisfied.options.all()] == [
        ("very", "Very satisfied", 100),
        ("fairly", "Quite satisfied", 50),
        ("not", "Not satisfied", 0),
        ("dont_know", "Don't know", None),
    ]
    assert satisfied.options.get(code="fairly").label_in("cy") == "Eithaf bodlon"
    rows = _rows(satisfied)
    options_save(user=admin, question=satisfied, rows=rows, move=(rows[3].pk, "up"))
    assert list(satisfied.options.values_list("code", flat=True)) == ["very", "fairly", "dont_know", "not"]
    rows = _rows(satisfied)
    rows[2].remove = True
    options_save(user=admin, question=satisfied, rows=rows)
    assert list(satisfied.options.values_list("code", flat=True)) == ["very", "fairly", "not"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda rows: setattr(rows[1], "code", "very"), "code"),  # two answers with one code
        (lambda rows: setattr(rows[1], "code", "Not a code"), "code"),
        (lambda rows: setattr(rows[0], "score", 120), "score"),
        (lambda rows: setattr(rows[0], "score", 90), "score"),  # no longer runs 0 to 100
        (lambda rows: setattr(rows[0], "label", ""), "label"),
        (lambda rows: setattr(rows[0], "label_cy", "bad\ud800"), "label"),  # a lone surrogate, only through code
        (lambda rows: [setattr(r, "remove", True) for r in rows[1:]], "options"),  # one answer left
        (lambda rows: setattr(rows[0], "exclusive", True), "exclusive"),  # only for multiple choice
    ],
)
def test_answers_that_cannot_be_kept_are_refused_on_their_field(admin, change, field):
    version = version_factory()
    satisfied = version.questions.get(key="satisfied")
    rows = _rows(satisfied)
    change(rows)
    with pytest.raises(ValidationError) as caught:
        options_save(user=admin, question=satisfied, rows=rows)
    assert field in caught.value.message_dict
    assert [o.score for o in satisfied.options.all()] == [100, 50, 0]


def test_an_answer_that_skip_logic_names_cannot_be_removed_nor_its_question(admin):
    version = version_factory()
    move = version.questions.get(key="move")
    rows = _rows(move)
    rows[0].code = "yes_please"
    with pytest.raises(ValidationError, match="skip logic"):
        options_save(user=admin, question=move, rows=rows)
    with pytest.raises(ValidationError, match="skip logic"):
        question_remove(user=admin, question=move)
    question_remove(user=admin, question=version.questions.get(key="why_move"))
    question_remove(user=admin, question=move)
    assert _order(version)[:2] == [("satisfied", 1), ("life", 2)]


def test_a_version_with_answers_is_frozen_and_the_copy_takes_the_changes(admin):
    wave = wave_factory()
    version = wave.survey_version
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    satisfied = version.questions.get(key="satisfied")
    for attempt in (
        lambda: question_edit(user=admin, question=satisfied, data=_input(satisfied, text="Changed")),
        lambda: question_move(user=admin, question=satisfied, direction="down"),
        lambda: question_remove(user=admin, question=version.questions.get(key="hopes")),
        lambda: options_save(user=admin, question=satisfied, rows=_rows(satisfied)),
        lambda: question_add(
            user=admin, version=version, data=QuestionInput(text="X", kind="text", factor="outlook"), answers=[]
        ),
    ):
        with pytest.raises(VersionFrozen) as caught:
            attempt()
        assert caught.value.version == version
    satisfied.refresh_from_db()
    assert satisfied.text == "How satisfied are you with your area?"
    copy = version_copy_for_editing(user=admin, version=version)
    assert copy.number == version.number + 1
    assert f"Copy of version {version.number}, made by {admin.username}" in copy.notes
    assert version_spec(version=copy) == version_spec(version=version)
    question_edit(user=admin, question=copy.questions.get(key="satisfied"), data=_input(satisfied, text="Changed"))
    assert copy.questions.get(key="satisfied").text == "Changed"


def test_the_default_questionnaire_copies_and_takes_a_new_question(admin):
    version = default_questionnaire_load()
    copy = version_copy_for_editing(user=admin, version=version)
    count = copy.questions.count()
    question_add(
        user=admin,
        version=copy,
        data=QuestionInput(text="Do you use the local library?", kind="yes_no", factor="outlook", page=2),
        answers=[],
    )
    assert copy.questions.count() == count + 1
    assert [o.score for o in copy.questions.get(key="do_you_use_the_local_library").options.all()] == [100, 0]


def test_officers_edit_only_when_allowed_and_only_versions_of_their_own_waves(admin):
    mine = NeighbourhoodFactory()
    wave = wave_factory(neighbourhoods=[mine])
    version = wave.survey_version
    officer = staff(Role.OFFICER, neighbourhoods=[mine])
    estate_manager = staff(Role.ESTATE_MANAGER, neighbourhoods=[mine])
    assert version_may_edit(user=admin, version=version)
    assert not version_may_edit(user=officer, version=version)
    assert not version_may_edit(user=estate_manager, version=version)
    with pytest.raises(PermissionDenied):
        question_move(user=officer, question=version.questions.first(), direction="down")
    officer.staff_profile.may_edit_questionnaires = True
    officer.staff_profile.save()
    estate_manager.staff_profile.may_edit_questionnaires = True  # the flag is for officers only
    estate_manager.staff_profile.save()
    assert version_may_edit(user=officer, version=version)
    assert not version_may_edit(user=estate_manager, version=version)
    # Once another council's wave uses the version, it is theirs too: only an admin may change it.
    wave_factory(version=version, name="Theirs")
    assert not version_may_edit(user=officer, version=version)
    assert version_may_edit(user=admin, version=version)


def _own_item(owner):
    return bank_item_create(
        spec={
            "key": "park_safety",
            "factor": "housing_environment",
            "kind": "scale",
            "text": "How safe do you feel in the park?",
            "options": [
                {"code": "safe", "label": "Safe", "points": 2},
                {"code": "unsafe", "label": "Unsafe", "points": 1},
            ],
            "translations": {"cy": {"text": "Pa mor ddiogel ydych chi’n teimlo yn y parc?"}},
        },
        owner=owner,
        source_kind="own",
    )


def test_a_councils_own_bank_item_is_added_and_keeps_the_banks_scoring(admin):
    mine = NeighbourhoodFactory()
    item = _own_item(mine.local_authority)
    version = version_factory()
    question = question_add_from_bank_item(user=admin, version=version, item=item, page=2)
    assert question.bank_item == item
    assert _order(version)[2:4] == [("why_move", 2), ("park_safety", 2)]
    assert [o.score for o in question.options.all()] == [100, 0]
    assert question.text_in("cy") == "Pa mor ddiogel ydych chi’n teimlo yn y parc?"
    with pytest.raises(ValidationError, match="already asks this item"):
        question_add_from_bank_item(user=admin, version=version, item=item)
    # Its wording may change; its scores may not.
    question_edit(user=admin, question=question, data=_input(question, text="How safe is the park?"))
    rows = _rows(question)
    rows[0].score, rows[1].score = 0, 100
    with pytest.raises(ValidationError, match="question bank"):
        options_save(user=admin, question=question, rows=rows)
    with pytest.raises(ValidationError, match="question bank"):
        question_edit(user=admin, question=question, data=_input(question, reverse_scored=True))
    assert [o.score for o in question.options.all()] == [100, 0]
    # An officer of another council may not use it.
    other = staff(Role.OFFICER, neighbourhoods=[NeighbourhoodFactory()])
    other.staff_profile.may_edit_questionnaires = True
    other.staff_profile.save()
    with pytest.raises(PermissionDenied):
        question_add_from_bank_item(user=other, version=version_factory(slug="theirs"), item=item)
