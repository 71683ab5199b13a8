"""aggregate and improvement_report from the command line."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from indicators.engine.models import FactorScore, RecomputeRun
from tests.factories import DeprivationFactory, LocalAuthorityFactory, NeighbourhoodFactory, SmallAreaFactory

from .builders import figures, month, residents, survey, wave, year


@pytest.fixture
def answered(db):
    n = NeighbourhoodFactory()
    version, q = survey(("confidence",))
    w = wave(version, [n], opens=dt.date(2025, 1, 1))
    residents(w, n, q["confidence"], [50] * 10)
    return n, w


def test_aggregate_everything(answered):
    out = io.StringIO()
    call_command("aggregate", stdout=out)
    assert "Recomputed everything" in out.getvalue()
    assert RecomputeRun.objects.get().status == "done"
    assert FactorScore.objects.get(level="neighbourhood").mean == 50


def test_aggregate_one_neighbourhood_in_one_wave(answered):
    n, w = answered
    call_command("aggregate", "--neighbourhood", str(n.pk), "--wave", str(w.pk), stdout=io.StringIO())
    assert FactorScore.objects.filter(neighbourhood=n, wave=w).count() == 1


@pytest.mark.parametrize("scope", [[], ["--wave"], ["--neighbourhood"]])
def test_aggregate_rescore_scores_residents_again_from_their_answers(answered, scope):
    from indicators.engine.models import ResidentScore

    n, w = answered
    call_command("aggregate", stdout=io.StringIO())
    ResidentScore.objects.update(score=0)
    ids = {"--wave": str(w.pk), "--neighbourhood": str(n.pk)}
    call_command("aggregate", "--rescore", *[v for flag in scope for v in (flag, ids[flag])], stdout=io.StringIO())
    assert set(ResidentScore.objects.values_list("score", flat=True)) == {50}
    assert FactorScore.objects.get(level="neighbourhood").mean == 50


def test_aggregate_refuses_unknown_ids(answered):
    with pytest.raises(CommandError, match="There is no wave 999"):
        call_command("aggregate", "--wave", "999")


def test_improvement_report_prints_the_table(db):
    la = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    areas = [SmallAreaFactory(local_authority=la) for _ in range(2)]
    for area in areas:
        DeprivationFactory(small_area=area, decile=1)
    figures("working-age-population", year(2019), dict.fromkeys(areas, 1000))
    figures("claimant-count", month(2019, 1), dict(zip(areas, [100, 100], strict=True)))
    figures("claimant-count", month(2019, 12), dict(zip(areas, [50, 90], strict=True)))
    out = io.StringIO()
    call_command(
        "improvement_report", "--indicator", "worklessness", "--start", "2019-01", "--end", "2019-12", stdout=out
    )
    text = out.getvalue()
    assert "Benchmark: -3.00 points, the mean change over 2 small areas" in text
    assert "Liverpool (E08000012)" in text
    assert "50%" in text  # one of the two fell by more than the benchmark


def test_improvement_report_says_what_is_wrong(db):
    with pytest.raises(CommandError, match="No indicator 'nothing'"):
        call_command("improvement_report", "--indicator", "nothing", "--start", "2019-01", "--end", "2019-12")
