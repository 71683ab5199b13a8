"""The neighbourhood page's summary: responses counted by channel so the counts never contradict each other,
shares of invitations and of residents, the verdict and reasons from wording, and the checklist's signals."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from indicators.engine.models import Trend
from indicators.monitoring.content import FACTORS
from indicators.monitoring.presenters import neighbourhood as presenter
from indicators.monitoring.presenters.neighbourhood_summary import CHANNEL_WORDS, Answered, ChannelCount, summary
from indicators.monitoring.presenters.pairs import pair_factor_multiples, pair_summary
from indicators.monitoring.selectors.neighbourhood import WaveProgress, neighbourhood_page
from indicators.monitoring.selectors.pairs import pair_page
from indicators.monitoring.wording import VERDICT_WORDS
from surveys.models import Channel, Response, ResponseStatus
from tests.indicators.monitoring.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def progress(**counts) -> WaveProgress:
    wave = SimpleNamespace(name="March 2025", opens_on=dt.date(2025, 3, 1))
    return WaveProgress(wave=wave, **counts)


def answered(wave: WaveProgress, working_age=None) -> Answered:
    channels = tuple(ChannelCount(c, c, wave.by_channel.get(c, 0)) for c in Channel.values)
    return Answered(wave=wave, channels=channels, working_age=working_age)


def test_responses_are_counted_by_channel_and_add_up(world):
    harehills, w2 = world["harehills"], world["waves"][1]
    now = timezone.now()
    Response.objects.create(
        wave=w2, neighbourhood=harehills, channel=Channel.OPEN_LINK, status=ResponseStatus.COMPLETED, completed_at=now
    )
    Response.objects.create(wave=w2, neighbourhood=harehills, channel=Channel.WEB)  # started, not finished
    page = neighbourhood_page(user=world["officer"], pk=harehills.pk)
    latest = page.waves[0]
    assert latest.wave == w2
    assert latest.by_channel == {Channel.PAPER: 12, Channel.OPEN_LINK: 1}
    assert latest.completed == sum(latest.by_channel.values()) == 13
    assert latest.in_progress == 1
    assert latest.without_code == 13
    assert (latest.invitations, latest.invitations_used) == (20, 12)
    # Two small areas of 1,000 residents aged 16-64: the only count of residents stored.
    assert page.working_age == 2000
    assert latest.share_of(page.working_age) == pytest.approx(0.65)
    assert latest.share_of(None) is None
    assert latest.share_of(0) is None


def test_paper_answers_beside_unused_codes_are_explained():
    wave = progress(completed=18, invitations=20, invitations_used=0, by_channel={Channel.PAPER: 18})
    said = answered(wave)
    assert said.codes_text == "0 of 20 invitation codes used (0%): paper and open-link answers use no code."
    assert said.per_invitation == pytest.approx(90.0)
    assert said.shares_text.startswith("Answers came to 90% of the 20 invitations issued.")
    assert "No count of adult residents is stored" in said.shares_text  # said, never invented
    assert said.of_working_age is None


def test_shares_of_invitations_and_residents_where_known():
    wave = progress(completed=30, invitations=40, invitations_used=20, by_channel={Channel.WEB: 20, Channel.PAPER: 10})
    said = answered(wave, working_age=2369)
    assert said.codes_text == "20 of 40 invitation codes used (50%): paper and open-link answers use no code."
    assert said.shares_text == (
        "Answers came to 75% of the 40 invitations issued and 1.3% of the 2,369 residents aged 16-64. "
        "No count of all adults (16 and over) is stored."
    )
    web_only = answered(progress(completed=5, invitations=5, invitations_used=5, by_channel={Channel.WEB: 5}))
    assert web_only.codes_text == "5 of 5 invitation codes used (100%)."
    assert answered(progress()).codes_text == "No invitation codes were issued for this wave."
    assert answered(progress()).shares_text.startswith("No count of adult residents")


def test_the_summary_takes_the_verdict_and_reasons_from_wording(world):
    page = neighbourhood_page(user=world["officer"], pk=world["harehills"].pk, years="1")
    top = summary(page)
    assert top.name == world["harehills"].display_name
    assert top.verdict_words == VERDICT_WORDS[page.status]
    assert "from January 2020 to January 2021" in top.verdict_sentence  # the period is part of the verdict
    assert top.why
    assert top.what_to_do
    assert top.answered.total == 12
    assert "12 on paper" in top.answered.channel_text
    assert "0 online with an invitation code" in top.answered.channel_text


def status(since: str, against: str, change=1.0, gap=2.0):
    figure = SimpleNamespace(
        mean=60.0,
        ci_low=55.0,
        ci_high=65.0,
        responses=20,
        change=change if since else None,
        wave=SimpleNamespace(opens_on=dt.date(2025, 3, 1)),
        previous_wave=SimpleNamespace(opens_on=dt.date(2024, 3, 1)) if since else None,
        withheld=False,
    )
    return SimpleNamespace(
        figure=figure, since_last_wave=since, against_benchmark=against, benchmark_difference=gap, withheld=False
    )


@pytest.mark.parametrize(
    ("since", "against", "signal", "tag"),
    [
        (Trend.NO_CLEAR_CHANGE, Trend.BETTER, "● No clear change (compared with Mar 2024)", "neutral"),
        (Trend.BETTER, Trend.WORSE, "▲ Up on last wave (compared with Mar 2024)", "good"),
        (Trend.WORSE, Trend.BETTER, "▼ Down on last wave (compared with Mar 2024): act", "bad"),
        ("", Trend.WORSE, "− Below everyone surveyed (first wave): act", "bad"),
        ("", Trend.NO_CLEAR_CHANGE, "= Close to everyone surveyed (first wave)", "neutral"),
        ("", "", "Nothing to compare with", "neutral"),
    ],
)
def test_a_cards_signal_comes_from_factor_signal_and_names_its_comparison(since, against, signal, tag):
    assert presenter._signal(status(since, against)) == (signal, tag)


def test_a_card_never_says_improving_beside_no_clear_change():
    shown, tag = presenter._signal(status(Trend.NO_CLEAR_CHANGE, Trend.BETTER))
    assert "Improving" not in shown
    assert tag == "neutral"
    words = presenter._shows(status(Trend.NO_CLEAR_CHANGE, Trend.BETTER, change=-0.04, gap=3.26))
    assert "No clear change: 0.0 points since Mar 2024." in words  # never −0.0
    assert "Above everyone surveyed: +3.3 points." in words


def test_since_and_against_are_never_shown_the_same_way():
    since = presenter._compared(3.26, Trend.BETTER, presenter.SINCE_SYMBOL, presenter.SINCE_WORDS)
    against = presenter._compared(3.26, Trend.BETTER, presenter.AGAINST_SYMBOL, presenter.AGAINST_WORDS)
    close = presenter._compared(-0.4, Trend.NO_CLEAR_CHANGE, presenter.AGAINST_SYMBOL, presenter.AGAINST_WORDS)
    assert since.text.startswith("▲ ")
    assert since.note == "up on last wave"
    assert not against.text.startswith("▲")
    assert against.note == "above everyone surveyed"
    assert close.text == "= −0.4"
    assert since.text == "▲ +3.3"
    assert against.text == "+3.3"
    assert since.value == against.value == 3.3  # a number for the downloads


def test_a_summary_with_every_factor_withheld_says_so(world):
    page = neighbourhood_page(user=world["officer"], pk=world["seacroft"].pk)
    top = summary(page)
    assert "withheld" in top.why
    assert top.what_to_do.startswith("No recommendation until enough residents have answered")


def test_the_pair_summary_signs_every_change(world):
    page = pair_page(user=world["officer"], pk=world["leeds_pair"].pk)
    top = pair_summary(page)
    for key in ("first_change", "second_change", "did", "gap_start", "gap_end"):
        assert top[key][0] in "+−" or top[key] == "0.00", (key, top[key])
    assert top["better"] in ("first", "second", "")
    chart = pair_factor_multiples(page)
    assert [p["key"] for p in chart["panels"]] == [k for k, _ in FACTORS]
    # Seacroft's side is withheld at every wave: no figure is drawn for it, never a zero.
    assert all(v is None for p in chart["panels"] for s in p["series"] for v in s["values"])


def test_kiosk_answers_use_a_code_and_are_named_only_when_there_are_some():
    wave = progress(
        completed=10, invitations=20, invitations_used=8, by_channel={Channel.WEB: 5, Channel.API: 3, Channel.PAPER: 2}
    )
    assert wave.without_code == 2

    def counted(w: WaveProgress) -> Answered:
        channels = tuple(ChannelCount(c, words, w.by_channel.get(c, 0)) for c, words in CHANNEL_WORDS)
        return Answered(wave=w, channels=channels, working_age=None)

    assert counted(wave).channel_text == (
        "5 online with an invitation code, 2 on paper, 0 by the open link, 3 at a kiosk or partner app with a code"
    )
    assert "kiosk" not in counted(progress(completed=1, by_channel={Channel.WEB: 1})).channel_text
