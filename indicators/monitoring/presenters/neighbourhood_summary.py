"""The top of a neighbourhood's page, to be read in one screen: is it improving, why, what to do, and how many
residents answered and how. The verdict and its words are the engine's and monitoring/wording's; this module
only puts them together with the counts of the latest wave."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from indicators.monitoring import wording
from indicators.monitoring.content import FACTORS
from indicators.monitoring.selectors.neighbourhood import NeighbourhoodPage, WaveProgress
from surveys.models import Channel

# How each channel is named in the count, in this order; the web and kiosks or apps use an invitation code.
CHANNEL_WORDS = (
    (Channel.WEB, "online with an invitation code"),
    (Channel.PAPER, "on paper"),
    (Channel.OPEN_LINK, "by the open link"),
    (Channel.API, "at a kiosk or partner app with a code"),
)
NO_FIGURES_TO_ACT_ON = "No recommendation until enough residents have answered to show the factors' scores."
NOTHING_TO_DO = "No factor is clearly below everyone surveyed or down since the last wave: keep up the current work."


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    words: str
    count: int


@dataclass(frozen=True)
class Answered:
    """Who answered in one wave, counted so that every figure agrees with the others."""

    wave: WaveProgress
    channels: tuple[ChannelCount, ...]
    working_age: int | None

    @property
    def total(self) -> int:
        return self.wave.completed

    @property
    def per_invitation(self) -> float | None:
        """Answers, whatever the channel, per invitation issued, as a percentage."""
        return self.wave.share_of(self.wave.invitations)

    @property
    def of_working_age(self) -> float | None:
        return self.wave.share_of(self.working_age)

    @property
    def channel_text(self) -> str:
        shown = [f"{c.count:,} {c.words}" for c in self.channels if c.count or c.channel != Channel.API]
        return ", ".join(shown)

    @property
    def shares_text(self) -> str:
        """The answers as a share of invitations issued and of residents, saying which figure is missing."""
        parts = []
        if self.per_invitation is not None:
            parts.append(f"{self.per_invitation:.0f}% of the {self.wave.invitations:,} invitations issued")
        if self.of_working_age is not None:
            parts.append(f"{self.of_working_age:.1f}% of the {self.working_age:,} residents aged 16-64")
        said = f"Answers came to {' and '.join(parts)}. " if parts else ""
        if self.of_working_age is None:
            return said + "No count of adult residents is stored, so no share of residents is given."
        return said + "No count of all adults (16 and over) is stored."

    @property
    def codes_text(self) -> str:
        """The codes used, said beside the total so that the two never seem to disagree."""
        w = self.wave
        if not w.invitations:
            return "No invitation codes were issued for this wave."
        used = f"{w.invitations_used:,} of {w.invitations:,} invitation codes used ({w.response_rate:.0f}%)"
        if self.wave.without_code:
            return f"{used}: paper and open-link answers use no code."
        return f"{used}."


@dataclass(frozen=True)
class Summary:
    name: str
    verdict: str  # the engine's verdict key
    verdict_words: str
    verdict_tag: str
    verdict_sentence: str
    why: str
    concerns: list[str]
    what_to_do: str
    answered: Answered | None


def latest_wave(page: NeighbourhoodPage) -> WaveProgress | None:
    """The newest wave that has opened (waves not yet open have no answers to count)."""
    today = timezone.localdate()
    opened = [p for p in page.waves if p.wave.opens_on <= today]
    return opened[0] if opened else None


def answered(page: NeighbourhoodPage) -> Answered | None:
    wave = latest_wave(page)
    if wave is None:
        return None
    channels = tuple(ChannelCount(c, words, wave.by_channel.get(c, 0)) for c, words in CHANNEL_WORDS)
    return Answered(wave=wave, channels=channels, working_age=page.working_age)


def _why(statuses: list) -> str:
    if not statuses:
        return "No survey figures yet to explain the picture."
    if all(s.withheld for s in statuses):
        return "Too few residents answered at the latest wave for any factor's score to be shown (withheld)."
    return wording.why_sentence(statuses)


def _what_to_do(statuses: list) -> str:
    if not statuses or all(s.withheld for s in statuses):
        return NO_FIGURES_TO_ACT_ON
    return wording.what_to_do(statuses) or NOTHING_TO_DO


def summary(page: NeighbourhoodPage) -> Summary:
    statuses = [page.statuses[key] for key, _ in FACTORS if key in page.statuses]
    span = page.window
    return Summary(
        name=page.neighbourhood.display_name,
        verdict=page.status,
        verdict_words=wording.VERDICT_WORDS[page.status],
        verdict_tag=wording.VERDICT_TAG[page.status],
        verdict_sentence=wording.worklessness_sentence(
            verdict=page.status,
            change=page.change,
            start_rate=page.start_rate,
            end_rate=page.end_rate,
            benchmark_change=span.benchmark_change,
            start=span.start,
            end=span.end,
        ),
        why=_why(statuses),
        concerns=wording.main_concerns(statuses),
        what_to_do=_what_to_do(statuses),
        answered=answered(page),
    )
