from django.core.management.base import BaseCommand, CommandError

from indicators.engine.selectors.improvement import improvement_report
from indicators.engine.services.worklessness import EngineError


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


class Command(BaseCommand):
    help = (
        "Print the report's table for any imported ratio indicator and two periods: the benchmark change "
        "across deprived small areas, and the share of deprived neighbourhoods improving per local authority "
        "and region."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicator", required=True, help="A ratio indicator's slug, e.g. worklessness")
        parser.add_argument("--start", required=True, help="e.g. 2019-12 or 'December 2019'")
        parser.add_argument("--end", required=True)
        parser.add_argument(
            "--reference",
            default="england-deprived",
            help="Benchmark set: england-deprived (default), england-all, region:<slug> or la:<GSS code>",
        )

    def handle(self, *args, indicator: str, start: str, end: str, reference: str, **options):
        try:
            report = improvement_report(indicator_slug=indicator, start=start, end=end, reference=reference)
        except EngineError as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout.write
        out(f"{report.indicator}: {report.start} to {report.end}")
        if report.benchmark_change is None:
            out(f"No small area in {report.reference} has figures for both periods: no benchmark.")
            return
        out(
            f"Benchmark: {report.benchmark_change:+.2f} points, the mean change over {report.benchmark_areas:,} "
            f"small areas ({report.reference})."
        )
        out("Improving = the rate fell by more than the benchmark fell.\n")
        for title, rows in (("Local authority", report.local_authorities), ("Region", report.regions)):
            if not rows:
                continue
            out(f"{title:<40} {'deprived':>9} {'improving':>10} {'share':>7}")
            for row in rows:
                place = f"{row.name} ({row.code})"
                out(f"{place:<40} {row.deprived:>9,} {row.improving:>10,} {_pct(row.share):>7}")
            out("")
        if report.neighbourhoods:
            out(f"{'Neighbourhood':<40} {'start':>7} {'end':>7} {'change':>7}  status")
            for n in report.neighbourhoods:
                status = (n["verdict"] or "no figure").replace("_", " ")
                name = f"{n['name']} ({n['local_authority']})"
                out(f"{name:<40} {n['start_rate']:>7.2f} {n['end_rate']:>7.2f} {n['change']:>+7.2f}  {status}")
