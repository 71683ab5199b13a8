"""What every monitoring page reads the same way: where the worklessness figures come from, and the window of
years a page compares."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.engine.models import WorklessnessPoint
from indicators.monitoring.content import WORKLESSNESS
from indicators.official.models import Import, Indicator, Period


@dataclass(frozen=True)
class Provenance:
    indicator: Indicator | None
    imports: list[dict]

    def describe(self) -> str:
        if self.indicator is None:
            return "No worklessness indicator is defined."
        parts = []
        for part in (self.indicator.numerator, self.indicator.denominator):
            if part is None:
                continue
            done = next((i for i in self.imports if i["indicator_id"] == part.pk), None)
            where = f"{part.name} (dataset {part.dataset_id or 'not named'}"
            if done:
                when = done["finished_at"] or done["created_at"]
                where += f", import {done['pk']} of {when:%d %b %Y}, {done['source']}"
            else:
                where += ", not imported yet"
            parts.append(where + ")")
        return f"{self.indicator.name}: " + " ÷ ".join(parts) + f" × {self.indicator.multiplier:g}."


def worklessness_provenance(slug: str = WORKLESSNESS) -> Provenance:
    """The indicator and the latest stored import of each of its parts: two queries."""
    indicator = Indicator.objects.select_related("numerator", "denominator").filter(slug=slug).first()
    if indicator is None or not indicator.is_ratio:
        return Provenance(indicator, [])
    imports = list(
        Import.objects.filter(
            indicator_id__in=[indicator.numerator_id, indicator.denominator_id],
            status__in=[Import.Status.SUCCEEDED, Import.Status.UNCHANGED],
        )
        .order_by("-finished_at", "-pk")
        .values("pk", "indicator_id", "source", "file_name", "finished_at", "created_at")[:20]
    )
    return Provenance(indicator, imports)


@dataclass(frozen=True)
class Window:
    """Two periods a change is measured between, with the benchmark's rate at each."""

    start: Period | None
    end: Period | None
    benchmark_start: float | None
    benchmark_end: float | None

    @property
    def benchmark_change(self) -> float | None:
        if self.benchmark_start is None or self.benchmark_end is None:
            return None
        return self.benchmark_end - self.benchmark_start

    def describe(self) -> str:
        if not self.end:
            return "no period"
        return f"{self.start} to {self.end}" if self.start else str(self.end)


def benchmark_series(indicator: Indicator | None) -> list[tuple[Period, float | None, int]]:
    """The benchmark's rate at every period, oldest first: one query."""
    if indicator is None:
        return []
    points = (
        WorklessnessPoint.objects.filter(indicator=indicator, level=WorklessnessPoint.Level.BENCHMARK)
        .select_related("period")
        .order_by("period__start")
    )
    return [(p.period, p.rate, p.areas) for p in points]


def window(series: list[tuple[Period, float | None, int]], years: str = "1") -> Window:
    """The latest period with a benchmark, and the period ``years`` earlier (or the earliest)."""
    if not series:
        return Window(None, None, None, None)
    end, end_rate, _ = series[-1]
    if years == "all" or len(series) == 1:
        start, start_rate, _ = series[0] if len(series) > 1 else (None, None, 0)
        return Window(start, end, start_rate, end_rate)
    wanted = end.start.replace(year=end.start.year - int(years))
    earlier = [(p, r) for p, r, _ in series[:-1] if p.start <= wanted and p.kind == end.kind]
    start, start_rate = earlier[-1] if earlier else (series[0][0], series[0][1])
    return Window(start, end, start_rate, end_rate)
