"""The questionnaire editor's pages: who may open them, forms that refuse bad input on the field (never a 500),
frozen versions refused with the way to a copy, the preview in both languages without a response, and audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.access.models import Role
from indicators.audit.models import AuditEntry
from surveys.models import Response, SurveyVersion
from surveys.services.responses import response_submit
from tests.factories import staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, version_factory, wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = staff(Role.ADMIN)
    client.force_login(user)
    return user


def _officer(neighbourhoods=(), *, allowed: bool):
    officer = staff(Role.OFFICER, neighbourhoods=list(neighbourhoods))
    officer.staff_profile.may_edit_questionnaires = allowed
    officer.staff_profile.save()
    return officer


def test_admins_may_edit_officers_only_when_allowed_estate_managers_never(client):
    wave = wave_factory()
    version = wave.survey_version
    mine = wave.neighbourhoods.get()
    satisfied = version.questions.get(key="satisfied")
    pages = [
        reverse("surveys:editor-list"),
        reverse("surveys:editor-version", args=[version.pk]),
        reverse("surveys:editor-question", args=[satisfied.pk]),
        reverse("surveys:editor-new", args=[version.pk]),
        reverse("surveys:editor-preview-page", args=[version.pk, "en", 1]),
    ]
    for user, status in (
        (staff(Role.ADMIN), 200),
        (_officer([mine], allowed=True), 200),
        (_officer([mine], allowed=False), 403),
        (staff(Role.ESTATE_MANAGER, neighbourhoods=[mine]), 403),
        (staff(None), 403),
    ):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == status, (user, url)
        out = client.post(reverse("surveys:editor-move", args=[satisfied.pk]), {"direction": "down"})
        assert out.status_code == (302 if status == 200 else 403)
    client.logout()
    assert client.get(pages[0]).status_code == 302  # to sign in


def test_the_wave_list_offers_the_editor_only_to_those_who_may_use_it(client):
    wave = wave_factory()
    client.force_login(_officer([wave.neighbourhoods.get()], allowed=False))
    assert "Change the questionnaires" not in client.get(reverse("surveys:wave-list")).content.decode()
    client.force_login(_officer([wave.neighbourhoods.get()], allowed=True))
    assert "Change the questionnaires" in client.get(reverse("surveys:wave-list")).content.decode()


def test_adding_a_question_through_the_form_and_its_audit_entry(client, admin):
    version = version_factory()
    out = client.post(
        reverse("surveys:editor-new", args=[version.pk]),
        {
            "text": "How often do you use the park?",
            "text_cy": "Pa mor aml ydych chi'n defnyddio'r parc?",
            "kind": "single",
            "factor": "outlook",
            "answers": "Every week\nEvery month\nLess often",
            "best_first": "1",
            "required": "on",
            "scored": "on",
            "page": "3",
        },
    )
    assert out.status_code == 302
    question = version.questions.get(key="how_often_do_you_use_the_park")
    assert question.page == 3
    assert [o.score for o in question.options.all()] == [100, 50, 0]
    entry = AuditEntry.objects.filter(object_type="surveys:editor-new").latest("pk")
    assert entry.detail["did"] == "question added"
    assert entry.detail["question"] == question.key


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "scale", "answers": ""}, "Give the answers residents choose from"),
        ({"kind": "nonsense"}, "Select a valid choice"),
        ({"page": "99"}, "Choose a page from 1 to 5"),
        ({"key": "satisfied"}, "already has the key"),
        ({"show_if": ["move:yes"], "page": "1"}, "earlier page"),
        ({"text": "bad\x00text"}, "hidden or broken character"),
    ],
)
def test_a_bad_new_question_is_a_400_with_the_problem_on_its_field(client, admin, data, message):
    version = version_factory()
    before = version.questions.count()
    post = {"text": "A new question", "kind": "single", "factor": "outlook", "answers": "A\nB", "best_first": "1"}
    post.update(data)
    out = client.post(reverse("surveys:editor-new", args=[version.pk]), post)
    assert out.status_code == 400
    assert message in out.content.decode().replace("&#x27;", "'")
    assert version.questions.count() == before


def test_answers_form_saves_refuses_bad_scores_and_moves(client, admin):
    version = version_factory()
    satisfied = version.questions.get(key="satisfied")
    options = list(satisfied.options.all())
    url = reverse("surveys:editor-options", args=[satisfied.pk])

    def post(scores, **extra):
        data = {"option-count": len(options) + 1}
        for n, (o, score) in enumerate(zip(options, scores, strict=True)):
            data.update(
                {
                    f"option-{n}-pk": o.pk,
                    f"option-{n}-code": o.code,
                    f"option-{n}-label": o.label,
                    f"option-{n}-score": score,
                }
            )
        data.update(extra)
        return client.post(url, data)

    out = post(["100", "fifty", "0"])
    assert out.status_code == 400
    assert "“fifty” is not a whole number" in out.content.decode()
    out = post(["100", "150", "0"])
    assert out.status_code == 400
    assert "Scores go from 0 to 100" in out.content.decode()
    assert [o.score for o in satisfied.options.all()] == [100, 50, 0]
    out = post(["100", "40", "0"], **{"option-3-label": "Don't know", "option-3-code": "dont_know"})
    assert out.status_code == 302
    assert [(o.code, o.score) for o in satisfied.options.all()] == [
        ("very", 100),
        ("fairly", 40),
        ("not", 0),
        ("dont_know", None),
    ]
    options = list(satisfied.options.all())
    out = post(["100", "40", "0", ""], action=f"up:{options[3].pk}")
    assert list(satisfied.options.values_list("code", flat=True)) == ["very", "fairly", "dont_know", "not"]


def test_a_frozen_version_refuses_changes_with_a_way_to_copy_and_names_its_waves(client, admin):
    wave = wave_factory(name="Spring 2026")
    version = wave.survey_version
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    satisfied = version.questions.get(key="satisfied")
    page = client.get(reverse("surveys:editor-version", args=[version.pk])).content.decode()
    assert "Frozen: residents have answered this version" in page
    assert "Spring 2026" in page
    assert reverse("surveys:editor-move", args=[satisfied.pk]) not in page  # no buttons to change it
    for url, data in (
        (
            reverse("surveys:editor-question", args=[satisfied.pk]),
            {"text": "Changed", "kind": "scale", "factor": "outlook"},
        ),
        (reverse("surveys:editor-move", args=[satisfied.pk]), {"direction": "down"}),
        (reverse("surveys:editor-remove", args=[satisfied.pk]), {}),
        (reverse("surveys:editor-new", args=[version.pk]), {"text": "New", "kind": "text", "factor": "outlook"}),
        (reverse("surveys:editor-options", args=[satisfied.pk]), {"option-count": 0}),
    ):
        out = client.post(url, data)
        assert out.status_code == 409, url
        body = out.content.decode()
        assert "can no longer change" in body
        assert reverse("surveys:editor-copy", args=[version.pk]) in body
    satisfied.refresh_from_db()
    assert satisfied.text == "How satisfied are you with your area?"
    out = client.post(reverse("surveys:editor-copy", args=[version.pk]))
    copy = SurveyVersion.objects.get(survey=version.survey, number=version.number + 1)
    assert out.url == reverse("surveys:editor-version", args=[copy.pk])
    assert "Copy to a new version" in client.get(reverse("surveys:editor-list")).content.decode()


def test_the_preview_shows_the_resident_pages_in_each_language_with_skip_logic_and_makes_no_response(client, admin):
    version = version_factory()
    first = reverse("surveys:editor-preview-page", args=[version.pk, "en", 1])
    assert client.get(reverse("surveys:editor-preview", args=[version.pk, "en"])).url == first
    page = client.get(first).content.decode()
    assert "How satisfied are you with your area?" in page
    assert "Nothing you type is saved" in page
    # The residents' own checks and messages.
    out = client.post(first, {"satisfied": "very"})
    assert out.status_code == 400
    assert "Answer this question to continue" in out.content.decode()
    # "No" to moving skips the "Why?" page.
    out = client.post(first, {"satisfied": "very", "move": "no"})
    assert out.url == reverse("surveys:editor-preview-page", args=[version.pk, "en", 3])
    client.post(first, {"satisfied": "very", "move": "yes"})
    assert "Why?" in client.get(reverse("surveys:editor-preview-page", args=[version.pk, "en", 2])).content.decode()
    # Welsh: the question's own translation and the interface's.
    welsh = client.get(reverse("surveys:editor-preview-page", args=[version.pk, "cy", 1]))
    assert welsh["Content-Language"] == "cy"
    body = welsh.content.decode()
    assert "Pa mor fodlon ydych chi â’ch ardal?" in body
    assert '<html lang="cy">' in body
    out = client.post(reverse("surveys:editor-preview-page", args=[version.pk, "cy", 1]), {"move": "yes"})
    assert "How satisfied" not in out.content.decode() or out.status_code == 400
    assert Response.objects.count() == 0


def test_removing_a_question_asks_first_and_refuses_while_skip_logic_needs_it(client, admin):
    version = version_factory()
    move = version.questions.get(key="move")
    url = reverse("surveys:editor-remove", args=[move.pk])
    assert "Remove question 2?" in client.get(url).content.decode()
    out = client.post(url)
    assert out.status_code == 400
    assert "change its skip logic first" in out.content.decode()
    hopes = version.questions.get(key="hopes")
    assert client.post(reverse("surveys:editor-remove", args=[hopes.pk])).status_code == 302
    assert not version.questions.filter(key="hopes").exists()


def test_unknown_things_are_404_not_500(client, admin):
    version = version_factory()
    assert client.get(reverse("surveys:editor-version", args=[999_999])).status_code == 404
    assert client.get(reverse("surveys:editor-question", args=[999_999])).status_code == 404
    assert client.get(reverse("surveys:editor-preview-page", args=[version.pk, "fr", 1])).status_code == 404
    # A page that does not exist goes on to the next that does, or the end.
    assert client.get(reverse("surveys:editor-preview-page", args=[version.pk, "en", 99])).status_code == 302
    assert (
        client.post(
            reverse("surveys:editor-options", args=[version.questions.first().pk]), {"option-count": "x"}
        ).status_code
        == 400
    )


def test_the_bank_picker_adds_a_councils_own_item_and_refuses_a_bad_page(client):
    from tests.surveys.services.test_questionnaire_editor import _own_item

    wave = wave_factory()
    mine = wave.neighbourhoods.get()
    item = _own_item(mine.local_authority)
    version = version_factory(slug="draft")
    url = reverse("surveys:editor-from-bank", args=[version.pk])
    client.force_login(_officer([mine], allowed=False))
    assert client.get(url).status_code == 403
    client.force_login(_officer([mine], allowed=True))
    assert "How safe do you feel in the park?" in client.get(url, {"search": "park"}).content.decode()
    out = client.post(url, {"item": item.pk, "page": "two"})
    assert out.status_code == 400
    assert "a page as a whole number" in out.content.decode()
    out = client.post(url, {"item": item.pk, "page": "1"})
    assert out.status_code == 302
    assert version.questions.get(key="park_safety").page == 1
    assert "Already in this version" in client.get(url).content.decode()
    # Another council's officer does not see it.
    client.force_login(_officer(allowed=True))
    assert "How safe do you feel in the park?" not in client.get(url).content.decode()


def test_a_question_from_the_bank_shows_its_scoring_fixed_and_takes_new_wording(client, admin):
    from surveys.services.default_questionnaire import default_questionnaire_load
    from surveys.services.questionnaire_editor import version_copy_for_editing

    copy = version_copy_for_editing(user=admin, version=default_questionnaire_load())
    question = copy.questions.filter(bank_item__isnull=False, kind="multiple").first()
    page = client.get(reverse("surveys:editor-question", args=[question.pk])).content.decode()
    assert "This question comes from the question bank" in page
    assert "Add an answer" not in page
    options = list(question.options.all())
    data = {"option-count": len(options)}
    for n, o in enumerate(options):
        data.update({f"option-{n}-pk": o.pk, f"option-{n}-code": o.code, f"option-{n}-label": f"{o.label}!"})
        if o.exclusive:
            data[f"option-{n}-exclusive"] = "1"
    assert client.post(reverse("surveys:editor-options", args=[question.pk]), data).status_code == 302
    assert all(o.label.endswith("!") for o in question.options.all())
    data["option-0-code"] = "renamed"
    out = client.post(reverse("surveys:editor-options", args=[question.pk]), data)
    assert out.status_code == 400
    assert "question bank" in out.content.decode()


@pytest.mark.parametrize("label", ["bad\x00label", "x" * 201])
def test_an_answer_the_database_cannot_store_is_a_400_never_a_500(client, admin, label):
    version = version_factory()
    satisfied = version.questions.get(key="satisfied")
    data = {"option-count": 4, "option-3-label": label, "option-3-code": "new"}
    for n, o in enumerate(satisfied.options.all()):
        data.update({f"option-{n}-pk": o.pk, f"option-{n}-code": o.code, f"option-{n}-label": o.label})
        data[f"option-{n}-score"] = o.score
    out = client.post(reverse("surveys:editor-options", args=[satisfied.pk]), data)
    assert out.status_code == 400
    assert "hidden or broken character" in out.content.decode()
    assert satisfied.options.count() == 3
