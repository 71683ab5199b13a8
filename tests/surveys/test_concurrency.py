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
@pytest.mark.parametrize("recent", [False, True], ids=["code-read-first", "one-statement"])
def test_two_simultaneous_submissions_of_one_code_give_one_response(round_, recent):
    wave = wave_factory()
    code, earlier = codes_for(wave, count=2)
    if recent:  # both are tried against this version in one statement, without reading the code first
        response_submit(raw=GOOD_ANSWERS, channel="api", code=earlier)
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
    assert Response.objects.filter(invitation__isnull=False).count() == 1 + recent
    assert Answer.objects.count() == len(GOOD_ANSWERS) * (1 + recent)


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
