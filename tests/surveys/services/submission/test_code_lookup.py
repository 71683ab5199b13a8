"""The code's lookup: one statement, the same instances the ORM would build."""

import pytest
from django.db import transaction

from surveys.models import Invitation, ResponseStatus
from surveys.services.codes import code_hash, code_normalise
from surveys.services.responses import code_check, response_start
from surveys.services.submission.code_lookup import invitation_read
from tests.surveys.factories import codes_for, wave_factory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("started", [False, True])
def test_the_locked_code_lookup_reads_what_the_orm_would_in_one_query(django_assert_num_queries, started):
    wave = wave_factory()
    code = codes_for(wave)[0]
    if started:
        response_start(invitation=code_check(code=code), language="cy")
    expected = Invitation.objects.select_related("wave__survey_version").get()
    with transaction.atomic(), django_assert_num_queries(1):
        found = invitation_read(code_hash(code_normalise(code)), lock=True)
        assert (found.pk, found.wave_id, found.neighbourhood_id, found.used, found.code_hash) == (
            expected.pk,
            expected.wave_id,
            expected.neighbourhood_id,
            expected.used,
            expected.code_hash,
        )
        assert (found.wave.closes_on, found.wave.slug) == (expected.wave.closes_on, expected.wave.slug)
        assert found.wave.survey_version.created_at == expected.wave.survey_version.created_at
        if started:
            assert (found.response.language, found.response.status) == ("cy", ResponseStatus.IN_PROGRESS)
        else:
            assert not hasattr(found, "response")  # known to have none: no query to find out
    with transaction.atomic():
        assert invitation_read("0" * 64, lock=True) is None
    with django_assert_num_queries(1):  # unlocked: without the started response, read only if asked for
        found = invitation_read(code_hash(code_normalise(code)), lock=False)
        assert found.wave.survey_version.created_at == expected.wave.survey_version.created_at
    assert hasattr(found, "response") is started
