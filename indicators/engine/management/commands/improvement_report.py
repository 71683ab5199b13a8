import csv
import json
from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.management.base import BaseCommand, CommandError

from indicators.engine.selectors.improvement import ImprovementReport, improvement_report
from indicators.engine.services.worklessness import EngineError


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _two(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def share_two_decimals(improving: int, areas: int) -> Decimal | None:
    """The share improving as a percentage to two decimals, from the counts themselves (half up, exactly)."""
    if not areas:
        return None
    return (Decimal(100 * improving) / Decimal(areas)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Command(BaseCommand):
    help = (
        "The report's table for any imported rate (published, or numerator ÷ denominator) and two periods: the "
        "benchmark change over a reference set that names itself, and the share of each local authority's and "
        "region's areas improving faster than it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicator", required=True, help="A rate or ratio indicator's slug, e.g. worklessness")
        parser.add_argument("--start", required=True, help="e.g. 2019-12 or 'December 2019'")
        parser.add_argument("--end", required=True)
        parser.add_argument(
            "--reference",
            default="deprived",
            help=(
                "The benchmark's areas: deprived (the deprived LSOAs of the edition and cut in force; add "
                ":iod2019, :decile2 or :<authority code or region> to name others), all:<kind>[:<authority code "
                "or region>,…] (e.g. all:ward, all:lsoa:E08000035), or list:<file> (one area code a line)."
            ),
        )
        parser.add_argument("--format", choices=["text", "csv", "json"], default="text")

    def handle(self, *args, indicator: str, start: str, end: str, reference: str, format: str, **options):  # noqa: A002
        try:
            report = improvement_report(
                indicator_slug=indicator, start=start, end=end, reference=reference, reference_files=True
            )
        except EngineError as exc:
            raise CommandError(str(exc)) from exc
        {"text": self._text, "csv": self._csv, "json": self._json}[format](report)

    def _json(self, report: ImprovementReport) -> None:
        body = asdict(report)
        body["benchmark_change"] = None if report.benchmark_change is None else round(report.benchmark_change, 2)
        for key in ("local_authorities", "regions"):
            for row in body[key]:
                share = share_two_decimals(row["improving"], row["areas"])
                row["share"] = None if share is None else float(share)
        self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False, default=str))

    def _csv(self, report: ImprovementReport) -> None:
        """One row per authority, then per region: tidy, with the benchmark and its set on every row."""
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            ["level", "code", "name", "areas", "improving", "share_improving_pct", "areas_counted",
             "benchmark_change_points", "reference_set", "reference_set_size", "benchmark_areas",
             "indicator", "rate_kind", "start", "end"]
        )  # fmt: skip
        tail = [report.areas_counted, _two(report.benchmark_change), report.reference, report.reference_size,
                report.benchmark_areas, report.indicator, report.rate_kind, report.start, report.end]  # fmt: skip
        for level, rows in (("local_authority", report.local_authorities), ("region", report.regions)):
            for row in rows:
                share = share_two_decimals(row.improving, row.areas)
                share_text = "" if share is None else str(share)
                writer.writerow([level, row.code, row.name, row.areas, row.improving, share_text, *tail])

    def _text(self, report: ImprovementReport) -> None:
        out = self.stdout.write
        out(f"{report.indicator}: {report.start} to {report.end}")
        out(f"Reference set: {report.reference}.")
        if report.deprivation:
            out(f"Deprived means {report.deprivation}.")
        if report.benchmark_change is None:
            out(f"No area in {report.reference} has figures for both periods: no benchmark.")
            return
        out(
            f"Benchmark: {report.benchmark_change:+.2f} points, the mean change over {report.benchmark_areas:,} "
            f"small areas (those of the set's {report.reference_size:,} with figures for both periods)."
        )
        out(report.method)
        out("Improving = the rate fell by more than the benchmark fell.\n")
        counted = report.areas_counted
        for title, rows in (("Local authority", report.local_authorities), ("Region", report.regions)):
            if not rows:
                continue
            out(f"{title:<40} {counted:>16} {'improving':>10} {'share':>7}")
            for row in rows:
                place = f"{row.name} ({row.code})"
                out(f"{place:<40} {row.areas:>16,} {row.improving:>10,} {_pct(row.share):>7}")
            out("")
        if report.neighbourhoods_note:
            out(report.neighbourhoods_note)
        if report.neighbourhoods:
            out(f"{'Neighbourhood':<40} {'start':>7} {'end':>7} {'change':>7}  status")
            for n in report.neighbourhoods:
                status = (n["verdict"] or "no figure").replace("_", " ")
                name = f"{n['name']} ({n['local_authority']})"
                out(f"{name:<40} {n['start_rate']:>7.2f} {n['end_rate']:>7.2f} {n['change']:>+7.2f}  {status}")
