"""Two submissions of one code at the same moment, on real PostgreSQL: exactly one response."""

import threading

import pytest
from django.db import connection

from surveys.models import Answer, Response
from surveys.services.responses import CodeProblem, response_submit
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_submissions_of_one_code_give_one_response(round_):
    wave = wave_factory()
    code = codes_for(wave)[0]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit():
        try:
            barrier.wait()
            response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
            outcomes.append("ok")
        except CodeProblem as problem:
            outcomes.append(problem.kind)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ok", CodeProblem.USED]
    assert Response.objects.count() == 1
    assert Answer.objects.count() == len(GOOD_ANSWERS)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_response_for_one_invitation_even_without_the_lock():
    from django.db import IntegrityError

    wave = wave_factory()
    response = response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    with pytest.raises(IntegrityError):
        Response.objects.create(
            wave=wave, neighbourhood=response.neighbourhood, invitation_id=response.invitation_id, channel="web"
        )
