import pytest
from django.utils import timezone

from surveys.models import Response, Wave
from surveys.services.demo import seed_surveys
from surveys.services.responses import code_check
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def test_the_demo_wave_is_synthetic_idempotent_and_leaves_working_codes():
    places = NeighbourhoodFactory.create_batch(2)
    demo = seed_surveys(neighbourhoods=places, responses_each=3, codes_each=4)
    assert demo.wave.synthetic
    assert "synthetic" in demo.wave.name
    # Two closed waves before the open one, so that the demo shows change over time.
    waves = list(Wave.objects.order_by("opens_on"))
    assert [w.synthetic for w in waves] == [True, True, True]
    assert waves[-1] == demo.wave
    assert waves[0].has_closed()
    assert waves[1].has_closed()
    assert demo.wave.is_open()
    responses = Response.objects.all()
    assert all(Response.objects.filter(wave=w).exists() for w in waves)
    assert all(r.synthetic and r.status == "completed" for r in responses)
    assert all(w.opens_on <= timezone.localtime(r.completed_at).date() for w in waves for r in w.responses.all())
    total = responses.count()
    assert not responses.filter(answers__question__kind="text").exists()  # no made-up free text
    assert len(demo.codes) == 4
    for _neighbourhood, code in demo.codes:
        code_check(code=code)
    again = seed_surveys(neighbourhoods=places, responses_each=3, codes_each=4)
    assert again.wave == demo.wave
    assert again.codes == demo.codes
    assert Response.objects.count() == total
