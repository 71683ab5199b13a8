import pytest

from surveys.models import BankItem, Survey
from surveys.services.bank_scoring import scoring_of_item, scoring_of_question
from surveys.services.demo_bank import seed_question_bank
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


def test_the_demo_bank_has_councils_own_items_and_a_questionnaire_imported_from_xlsform_once():
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds")
    LocalAuthorityFactory(code="E06000002", name="Middlesbrough")
    seed_question_bank()
    seed_question_bank()
    assert BankItem.objects.filter(owner__isnull=True).count() == 40
    assert set(BankItem.objects.filter(owner=leeds).values_list("key", flat=True)) == {
        "park_safe_after_dark",
        "jobs_fair_heard",
    }
    pulse = Survey.objects.get(slug="estate-pulse-leeds").versions.get()
    belonging, park, why = pulse.questions.order_by("position")
    assert belonging.bank_item.owner is None
    assert park.bank_item.owner == leeds
    assert scoring_of_question(park) == scoring_of_item(park.bank_item)
    assert belonging.text_in("cy").startswith("Pa mor gryf")
    assert why.show_if_question == park
    assert why.show_if_values == ["fairly_unsafe", "very_unsafe"]
