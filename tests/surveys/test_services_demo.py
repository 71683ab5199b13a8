import pytest

from surveys.models import Response
from surveys.services.demo import seed_surveys
from surveys.services.responses import code_check
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def test_the_demo_wave_is_synthetic_idempotent_and_leaves_working_codes():
    places = NeighbourhoodFactory.create_batch(2)
    demo = seed_surveys(neighbourhoods=places, responses_each=3, codes_each=4)
    assert demo.wave.synthetic
    assert "synthetic" in demo.wave.name
    responses = Response.objects.filter(wave=demo.wave)
    assert responses.count() == 6
    assert all(r.synthetic and r.status == "completed" for r in responses)
    assert not responses.filter(answers__question__kind="text").exists()  # no made-up free text
    assert len(demo.codes) == 4
    for _neighbourhood, code in demo.codes:
        code_check(code=code)
    again = seed_surveys(neighbourhoods=places, responses_each=3, codes_each=4)
    assert again.wave == demo.wave
    assert again.codes == demo.codes
    assert Response.objects.count() == 6
