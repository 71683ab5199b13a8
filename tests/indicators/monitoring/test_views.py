"""The monitoring pages: who sees what, the engine's numbers on the page, withheld figures, and query counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from indicators.engine.models import FactorScore, PairComparison, WorklessnessPoint
from indicators.engine.selectors.improvement import improvement_report
from indicators.engine.selectors.verdicts import worklessness_verdict
from indicators.monitoring.wording import VERDICT_WORDS, signed
from tests.indicators.monitoring.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def page_urls(w) -> list[str]:
    return [
        reverse("indicators:my-neighbourhoods"),
        reverse("indicators:neighbourhood-detail", args=[w["harehills"].pk]),
        reverse("indicators:matched-pair-list"),
        reverse("indicators:matched-pair-detail", args=[w["leeds_pair"].pk]),
        reverse("indicators:league") + "?area=la:E08000035",
    ]


def export_urls(w, fmt="csv") -> list[str]:
    return [
        reverse("indicators:my-neighbourhoods-export", args=[fmt]),
        reverse("indicators:neighbourhood-export", args=[w["harehills"].pk, fmt]),
        reverse("indicators:matched-pair-list-export", args=[fmt]),
        reverse("indicators:matched-pair-export", args=[w["leeds_pair"].pk, fmt]),
        reverse("indicators:league-export", args=[fmt]) + "?area=la:E08000035",
    ]


def text_of(response) -> str:
    """The page's text without tags, with whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row_of(response, table_key: str, header: str) -> str:
    """The text of the row whose header cell is ``header`` in the table ``table_key``."""
    html = response.content.decode()
    table = re.search(rf'<table[^>]*id="table-{table_key}".*?</table>', html, flags=re.S)
    assert table, f"no table {table_key}"
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), flags=re.S):
        cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        if cells.startswith(header):
            return cells
    raise AssertionError(f"no row {header!r} in {table_key}")


# --- who may see what --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in page_urls(world) + export_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_an_officer_sees_their_authority_and_nothing_else(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("indicators:my-neighbourhoods"))
    body = text_of(response)
    assert "Harehills" in body
    assert "Seacroft" in body
    assert "Anfield" not in body
    assert "Everton" not in body
    for url in page_urls(world):
        assert client.get(url).status_code == 200, url
    pairs = text_of(client.get(reverse("indicators:matched-pair-list")))
    assert "Harehills and Seacroft" in pairs
    assert "Anfield" not in pairs
    pairs_csv = client.get(reverse("indicators:matched-pair-list-export", args=["csv"])).content.decode("utf-8-sig")
    assert "Harehills and Seacroft" in pairs_csv
    assert "Anfield" not in pairs_csv
    hidden = [
        reverse("indicators:neighbourhood-detail", args=[world["anfield"].pk]),
        reverse("indicators:neighbourhood-export", args=[world["anfield"].pk, "csv"]),
        reverse("indicators:neighbourhood-export", args=[world["anfield"].pk, "xlsx"]),
        reverse("indicators:matched-pair-detail", args=[world["liverpool_pair"].pk]),
        reverse("indicators:matched-pair-export", args=[world["liverpool_pair"].pk, "csv"]),
        reverse("indicators:league") + "?area=la:E08000012",
        reverse("indicators:league-export", args=["csv"]) + "?area=la:E08000012",
        reverse("indicators:league") + "?area=region:greater-liverpool",
    ]
    for url in hidden:
        assert client.get(url).status_code == 404, url


def test_an_officer_cannot_export_another_authority(client, world):
    client.force_login(world["officer"])
    csv = client.get(reverse("indicators:my-neighbourhoods-export", args=["csv"]) + "?la=E08000012")
    assert csv.status_code == 200
    content = csv.content.decode("utf-8-sig")
    assert "Anfield" not in content
    assert "Everton" not in content
    assert "Liverpool" not in content


def test_an_estate_manager_sees_only_their_neighbourhood(client, world):
    client.force_login(world["manager"])
    body = text_of(client.get(reverse("indicators:my-neighbourhoods")))
    assert "Anfield" in body
    assert "Everton" not in body
    assert "Harehills" not in body
    assert client.get(reverse("indicators:neighbourhood-detail", args=[world["anfield"].pk])).status_code == 200
    assert client.get(reverse("indicators:neighbourhood-detail", args=[world["everton"].pk])).status_code == 404
    # One side of the pair alone would reveal the other: the pair is out of sight.
    assert client.get(reverse("indicators:matched-pair-detail", args=[world["liverpool_pair"].pk])).status_code == 404


def test_pages_have_no_inline_script_or_style(client, world):
    """A Content Security Policy without 'unsafe-inline' leaves the pages whole."""
    client.force_login(world["officer"])
    for url in page_urls(world):
        html = client.get(url).content.decode()
        assert ' style="' not in html, url
        assert "<script" not in html, url


def test_an_admin_sees_everything(client, world):
    client.force_login(world["admin"])
    body = text_of(client.get(reverse("indicators:my-neighbourhoods")))
    for name in ("Harehills", "Seacroft", "Anfield", "Everton"):
        assert name in body
    assert client.get(reverse("indicators:matched-pair-detail", args=[world["liverpool_pair"].pk])).status_code == 200


# --- the engine's numbers on the page ----------------------------------------------------------------------


def glance_row(response, name: str) -> str:
    """The text of My neighbourhoods' row for ``name``, tags removed and whitespace collapsed."""
    html = response.content.decode()
    table = re.search(r'<table[^>]*id="table-neighbourhoods".*?</table>', html, flags=re.S)
    assert table, "no table of neighbourhoods"
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), flags=re.S):
        cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        if cells.startswith(name):
            return cells
    raise AssertionError(f"no row {name!r}")


def test_my_neighbourhoods_shows_the_engine_rates_change_and_status(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("indicators:my-neighbourhoods"))
    point = WorklessnessPoint.objects.get(
        level="neighbourhood", neighbourhood=world["harehills"], period__start="2021-01-01"
    )
    before = WorklessnessPoint.objects.get(
        level="neighbourhood", neighbourhood=world["harehills"], period__start="2020-01-01"
    )
    bench = {p.period.start.year: p.rate for p in WorklessnessPoint.objects.filter(level="benchmark")}
    change = point.rate - before.rate
    verdict = worklessness_verdict(change, bench[2021] - bench[2020])
    row = glance_row(response, "Harehills")
    # The verdict in words, with the signed change, the period and the benchmark's change.
    assert f"{VERDICT_WORDS[verdict]} : worklessness {signed(change)} points since January 2020" in row
    assert f"(similar areas {signed(bench[2021] - bench[2020])})" in row
    assert f"Now {point.rate:.1f}% in January 2021" in row
    # The latest wave's factor score for each factor, with both readings in words for screen readers.
    score = FactorScore.objects.get(
        level="neighbourhood", neighbourhood=world["harehills"], factor="confidence", wave=world["waves"][1]
    )
    assert f"▲ {score.mean:.0f}" in row
    assert f"Confidence: {score.mean:.0f} out of 100, up on last wave" in row
    assert row.endswith(" 12")  # residents who answered the latest wave


def test_my_neighbourhoods_filters_and_sorts(client, world):
    client.force_login(world["admin"])
    url = reverse("indicators:my-neighbourhoods")
    body = text_of(client.get(url + "?la=E08000012"))
    assert "Anfield" in body
    assert "Harehills" not in body
    body = text_of(client.get(url + "?decile=2"))
    assert "Everton" in body
    assert "Anfield" not in body
    sorted_page = client.get(url + "?sort=-rate").content.decode()
    names = re.findall(r'<th scope="row"[^>]*><a href="/places/neighbourhoods/\d+/">(\w+)</a>', sorted_page)
    rates = {
        p.neighbourhood.name: p.rate
        for p in WorklessnessPoint.objects.filter(level="neighbourhood", period__start="2021-01-01")
    }
    assert names == sorted(rates, key=rates.get, reverse=True)
    improving = text_of(client.get(url + "?status=improving"))
    others = text_of(client.get(url + "?status=falling_behind")) + text_of(client.get(url + "?status=keeping_pace"))
    for name in ("Harehills", "Seacroft", "Anfield", "Everton"):
        assert (name in improving) != (name in others)
    # A heading's sort link says so to screen readers; a bad value in one field drops that filter only.
    by_name = client.get(url + "?sort=-name").content.decode()
    assert 'aria-sort="descending"' in by_name
    assert client.get(url + "?sort=nonsense&la=E08000012").status_code == 200
    assert "Harehills" not in text_of(client.get(url + "?decile=99&la=E08000012"))


def test_a_neighbourhood_page_shows_the_status_checklist_and_progress(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]))
    body = text_of(response)
    score = FactorScore.objects.get(
        level="neighbourhood", neighbourhood=world["harehills"], factor="confidence", wave=world["waves"][1]
    )
    row = row_of(response, "changes", "Confidence")
    assert f"{score.mean:.1f}" in row
    assert f"{score.ci_low:.1f} to {score.ci_high:.1f}" in row
    assert f"{score.change:+.1f}" in row
    assert "up on last wave" in row
    # Checklist: what the data shows and the report's recommended response.
    assert "Recommended response" in body
    assert "welfare-to-work" in body
    # Wave progress: 12 of 20 codes used.
    assert "12 of 20 invitation codes used (60%)" in body
    # Small areas with their deprivation, and the source of every table.
    for area in world["harehills"].small_areas.all():
        assert area.code in body
    assert "NM_162_1" in body
    assert "Source:" in body


def test_withheld_figures_say_so_with_the_reason(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("indicators:neighbourhood-detail", args=[world["seacroft"].pk]))
    row = row_of(response, "changes", "Confidence")
    assert "Withheld" in row
    assert "Fewer than 10 responses" in row
    assert " 0.0 " not in f" {row} "
    csv = client.get(reverse("indicators:neighbourhood-export", args=[world["seacroft"].pk, "csv"]))
    assert "withheld: Fewer than 10 responses" in csv.content.decode("utf-8-sig")
    pair = client.get(reverse("indicators:matched-pair-detail", args=[world["leeds_pair"].pk]))
    assert "Withheld" in row_of(pair, "pair-factors", "Confidence")


def test_a_matched_pair_shows_gap_and_difference_in_differences(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("indicators:matched-pair-detail", args=[world["leeds_pair"].pk]))
    body = text_of(response)
    assert "Both one LSOA of decile 1 in Leeds." in body
    rows = list(
        PairComparison.objects.filter(pair=world["leeds_pair"], measure="worklessness:worklessness").order_by(
            "period__start"
        )
    )
    latest = rows[-1]
    row = row_of(response, "pair-worklessness", latest.period.label)
    assert f"{latest.gap:+.1f}".replace("-", "−") in row
    assert f"{latest.difference_in_differences:+.1f}".replace("-", "−") in row
    assert signed(latest.difference_in_differences) in body  # the summary sentence, signed


def test_the_league_gives_the_engine_share(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("indicators:league") + "?area=la:E08000035&start=January 2019&end=January 2021")
    assert response.status_code == 200
    report = improvement_report(indicator_slug="worklessness", start="January 2019", end="January 2021")
    leeds = next(r for r in report.local_authorities if r.code == "E08000035")
    row = row_of(response, "league-areas", "Leeds")
    assert f"{leeds.deprived} {leeds.improving} {leeds.share:.0f}" in row
    assert "Harehills" in text_of(response)


def test_a_bad_period_is_a_form_error_not_a_crash(client, world):
    client.force_login(world["officer"])
    url = reverse("indicators:league")
    backwards = client.get(url + "?area=la:E08000035&start=January 2021&end=January 2019")
    assert backwards.status_code == 400
    assert "must come before the end" in text_of(backwards)
    unknown = client.get(url + "?area=la:E08000035&start=March 1999&end=January 2021")
    assert unknown.status_code == 400
    assert "There is a problem" in text_of(unknown)
    export = client.get(reverse("indicators:league-export", args=["csv"]) + "?start=January 2021&end=January 2019")
    assert export.status_code == 400


# --- exports -----------------------------------------------------------------------------------------------


def test_exports_are_csv_and_xlsx_with_the_page_tables(client, world):
    import io

    from openpyxl import load_workbook

    client.force_login(world["officer"])
    for url in export_urls(world, "csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
    for url in export_urls(world, "xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames[0] == "About"
        assert len(book.sheetnames) > 1
    csv = client.get(export_urls(world)[0]).content.decode("utf-8-sig")
    point = WorklessnessPoint.objects.get(
        level="neighbourhood", neighbourhood=world["harehills"], period__start="2021-01-01"
    )
    assert f"{round(point.rate, 1)}" in csv


# --- a constant number of queries --------------------------------------------------------------------------


def test_each_page_takes_a_small_constant_number_of_queries(client, world, settings, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.REBALANCE_PAGE_CACHE_SECONDS = 0  # count the queries of rendering, not of the page cache
    client.force_login(world["admin"])

    def counts():
        result = []
        for url in page_urls(world) + export_urls(world, "xlsx"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            result.append(len(queries))
        return result

    before = counts()
    # More of everything: neighbourhoods, areas, residents, a third wave, more periods.
    more = build_more(world)
    assert more
    after = counts()
    assert before == after
    # The neighbourhood page reads its interventions and its statistical neighbours too: 27 in all.
    for url in page_urls(world):
        with django_assert_max_num_queries(28):
            client.get(url)


def build_more(world) -> int:
    import datetime as dt

    from indicators.engine.services.refresh import recompute_all
    from tests.factories import DeprivationFactory, NeighbourhoodFactory
    from tests.indicators.engine.builders import figures, month, residents, wave, year
    from tests.indicators.monitoring.world import FACTOR_KEYS

    extra = [NeighbourhoodFactory(name=f"Extra {i}", local_authority=world["leeds"], areas=2) for i in range(5)]
    areas = [a for n in extra for a in n.small_areas.all()]
    for area in areas:
        DeprivationFactory(small_area=area, decile=1)
    figures("working-age-population", year(2022), dict.fromkeys(areas, 900))
    figures("claimant-count", month(2019, 1), dict.fromkeys(areas, 90))
    figures("claimant-count", month(2021, 1), dict.fromkeys(areas, 80))
    version = world["waves"][0].survey_version
    items = list(version.questions.filter(factor__in=FACTOR_KEYS))
    w3 = wave(version, [world["harehills"], *extra], opens=dt.date(2026, 3, 1))
    residents(w3, world["harehills"], items, [60] * 15)
    for n in extra:
        residents(w3, n, items, [55] * 11)
    recompute_all(compare=False)
    return len(extra)


# --- the page cache ----------------------------------------------------------------------------------------


def test_a_cached_page_follows_the_figures_and_the_scope(client, world, settings):
    from indicators.access.models import Assignment
    from indicators.engine.services.refresh import recompute_all
    from tests.indicators.engine.builders import figures, month

    settings.REBALANCE_PAGE_CACHE_SECONDS = 300
    settings.REBALANCE_PAGE_STATE_SECONDS = 0  # read the rollups' state on every request
    client.force_login(world["officer"])
    url = reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk])
    assert "February 2021" not in text_of(client.get(url))
    assert "February 2021" not in text_of(client.get(url))  # from the cache
    areas = list(world["harehills"].small_areas.all())
    figures("claimant-count", month(2021, 2), dict.fromkeys(areas, 60))
    recompute_all(compare=False)
    assert "February 2021" in text_of(client.get(url))  # new rollups, new page
    Assignment.objects.filter(user=world["officer"]).delete()
    assert client.get(url).status_code == 404  # a narrower scope is seen at once


def answer_in_harehills(world) -> None:
    """A resident answers and the engine refreshes the neighbourhood, as after every response."""
    from indicators.engine.services.refresh import neighbourhood_wave_refresh
    from surveys.models import Response

    wave, harehills = world["waves"][1], world["harehills"]
    Response.objects.create(wave=wave, neighbourhood=harehills, channel="web")
    neighbourhood_wave_refresh(wave_id=wave.pk, neighbourhood_id=harehills.pk)


@pytest.fixture
def fieldwork(client, world, settings):
    """The page cache on, every state read afresh, an officer signed in; returns Harehills' page."""
    settings.REBALANCE_PAGE_CACHE_SECONDS = 300
    settings.REBALANCE_PAGE_STATE_SECONDS = 0
    client.force_login(world["officer"])
    return reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk])


def test_fieldwork_is_followed_within_its_window_and_never_remakes_the_league(client, world, settings, fieldwork):
    from surveys.models import Invitation

    settings.REBALANCE_PAGE_FIELDWORK_SECONDS = 60
    page, league = fieldwork, reverse("indicators:league") + "?area=la:E08000035"
    page_before = client.get(page).content

    answer_in_harehills(world)
    # The same bytes, CSRF token and all: served from the cache, not rendered again.
    assert client.get(page).content == page_before

    Invitation.objects.bulk_create(
        Invitation(wave=world["waves"][1], neighbourhood=world["harehills"], code_hash=f"more-{i}") for i in range(5)
    )
    assert "12 of 25 invitation codes used" in text_of(client.get(page))  # codes just made show at once

    settings.REBALANCE_PAGE_FIELDWORK_SECONDS = 0  # a page kept at older survey figures is now too old
    page_before, league_before = client.get(page).content, client.get(league).content
    answer_in_harehills(world)
    assert client.get(page).content != page_before
    assert client.get(league).content == league_before  # the league shows no survey figures


def test_a_page_in_use_is_made_again_after_its_answer_once_half_its_lag_has_passed(client, world, settings, fieldwork):
    import time

    settings.REBALANCE_PAGE_FIELDWORK_SECONDS = 2
    page = fieldwork
    first = client.get(page).content
    answer_in_harehills(world)

    assert client.get(page).content == first  # under half its lag: served as it was, nothing made
    assert client.get(page).content == first
    time.sleep(1.05)
    assert client.get(page).content == first  # still served at once, and made again once it has gone
    second = client.get(page).content
    assert second != first
    assert client.get(page).content == second  # the page made after the last answer, from the cache


def test_the_page_cache_can_be_switched_off(client, world, settings, django_assert_max_num_queries):
    settings.REBALANCE_PAGE_CACHE_SECONDS = 0
    client.force_login(world["officer"])
    url = reverse("indicators:my-neighbourhoods")
    client.get(url)
    with django_assert_max_num_queries(25) as queries:
        client.get(url)
    assert len(queries) > 6  # rendered again, not served from the cache


def test_the_league_lists_only_the_users_neighbourhoods(client, world):
    # The engine's report is shared between users; each page keeps to its user's neighbourhoods.
    client.force_login(world["admin"])
    everyone = text_of(client.get(reverse("indicators:league") + "?area=la:E08000012"))
    assert "Everton" in everyone
    client.force_login(world["manager"])
    url = reverse("indicators:league") + "?area=la:E08000012"
    body = text_of(client.get(url))
    assert "Anfield" in body
    assert "Everton" not in body
    export = client.get(reverse("indicators:league-export", args=["csv"]) + "?area=la:E08000012")
    assert "Everton" not in export.content.decode("utf-8-sig")
