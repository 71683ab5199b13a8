import pytest
from django.core.exceptions import ValidationError

from indicators.access.models import Role
from surveys.models import BankItem, BankSource, Question
from surveys.selectors import bank_items
from surveys.services.bank import bank_item_create, bank_item_spec, bank_load_default, question_add_from_bank
from surveys.services.bank_scoring import scoring_of_item, scoring_of_question
from surveys.services.default_questionnaire import default_questionnaire_load, default_questionnaire_specs
from surveys.services.questionnaire import question_create, version_copy
from tests.factories import LocalAuthorityFactory, staff
from tests.surveys.factories import version_factory

pytestmark = pytest.mark.django_db

OWN_ITEM = {
    "key": "park_safe",
    "factor": "housing_environment",
    "kind": "scale",
    "text": "How safe do you feel in the park by day?",
    "source": "Leeds City Council",
    "options": [
        {"code": "safe", "label": "Safe", "points": 2},
        {"code": "unsure", "label": "Not sure", "points": 1},
        {"code": "unsafe", "label": "Unsafe", "points": 0},
    ],
}


def test_the_default_items_are_in_the_bank_with_their_sources_and_the_default_questions_link_to_them():
    version = default_questionnaire_load()
    specs = default_questionnaire_specs()
    assert BankItem.objects.filter(owner__isnull=True).count() == len(specs) == version.questions.count()
    kinds = dict(BankItem.objects.values_list("key", "source_kind"))
    assert kinds["belonging"] == BankSource.COMMUNITY_LIFE
    assert kinds["ons_anxious_yesterday"] == BankSource.ONS4
    assert kinds["gse_1"] == BankSource.GSE
    assert kinds["stay_or_move"] == BankSource.UNDERSTANDING_SOCIETY
    assert kinds["open_to_newcomers"] == BankSource.OWN
    for question in version.questions.select_related("bank_item"):
        assert question.bank_item.key == question.key
        assert scoring_of_question(question) == scoring_of_item(question.bank_item)
    litter = BankItem.objects.get(key="litter_problem")  # "a very big problem" counts against the factor
    assert litter.reverse_scored
    assert litter.options.first().score == 0


def test_loading_again_adds_nothing_and_links_questions_made_before_the_bank():
    version = default_questionnaire_load()
    Question.objects.filter(version=version).update(bank_item=None)
    bank_load_default(specs=default_questionnaire_specs())
    bank_load_default(specs=default_questionnaire_specs())
    assert BankItem.objects.count() == version.questions.count()
    assert not version.questions.filter(bank_item__isnull=True).exists()


def test_two_councils_adding_one_item_score_it_alike():
    default_questionnaire_load()
    item = BankItem.objects.get(key="belonging", owner__isnull=True)
    leeds = version_factory(slug="leeds")
    tees = version_factory(slug="tees")
    a = question_add_from_bank(version=leeds, item=item)
    b = question_add_from_bank(version=tees, item=item)
    assert scoring_of_question(a) == scoring_of_question(b) == scoring_of_item(item)
    assert a.bank_item == b.bank_item == item
    assert a.page > leeds.questions.exclude(pk=a.pk).order_by("-page").first().page


def test_a_linked_question_that_scores_differently_is_refused_and_nothing_is_made():
    default_questionnaire_load()
    item = BankItem.objects.get(key="belonging", owner__isnull=True)
    version = version_factory(slug="other")
    spec = bank_item_spec(item=item)
    spec["reverse_scored"] = True
    with pytest.raises(ValidationError, match="scores differently"):
        question_create(version=version, spec=spec)
    assert not version.questions.filter(key="belonging").exists()


def test_a_copied_version_keeps_its_links():
    version = default_questionnaire_load()
    copy = version_copy(version=version)
    assert list(copy.questions.values_list("bank_item__key", flat=True)) == list(
        version.questions.values_list("bank_item__key", flat=True)
    )


def test_a_councils_own_items_are_seen_by_its_staff_and_admins_only():
    leeds, tees = LocalAuthorityFactory(), LocalAuthorityFactory()
    own = bank_item_create(spec=OWN_ITEM, owner=leeds)
    assert own.source_kind == BankSource.OWN
    assert [o.score for o in own.options.all()] == [100, 50, 0]
    shared = bank_item_create(spec={**OWN_ITEM, "key": "shared_item"})
    officer = staff(Role.OFFICER, local_authorities=[leeds])
    other = staff(Role.OFFICER, local_authorities=[tees])
    admin = staff(Role.ADMIN)
    assert set(bank_items(user=officer)) == {own, shared}
    assert set(bank_items(user=other)) == {shared}
    assert set(bank_items(user=admin)) == {own, shared}
    assert list(bank_items(user=officer, search="park", factor="housing_environment")) == [shared, own]


def test_an_item_key_is_unique_per_owner_and_among_shared_items():
    leeds = LocalAuthorityFactory()
    bank_item_create(spec=OWN_ITEM, owner=leeds)
    bank_item_create(spec=OWN_ITEM)  # a shared item may have the same key as a council's own
    with pytest.raises(ValidationError, match="already has an item"):
        bank_item_create(spec=OWN_ITEM, owner=leeds)
    with pytest.raises(ValidationError, match="already has an item"):
        bank_item_create(spec=OWN_ITEM)
