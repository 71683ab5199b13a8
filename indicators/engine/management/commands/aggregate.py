from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from indicators.engine.services import refresh
from indicators.engine.services.factors import residents_score
from indicators.places.models import Neighbourhood
from surveys.models import Response, Wave


class Command(BaseCommand):
    help = (
        "Recompute the monitoring figures now, in this process: everything (and report drift from the "
        "incremental figures), one wave, one neighbourhood, or one neighbourhood in one wave."
    )

    def add_arguments(self, parser):
        parser.add_argument("--neighbourhood", type=int, help="Neighbourhood id")
        parser.add_argument("--wave", type=int, help="Survey wave id")
        parser.add_argument(
            "--rescore",
            action="store_true",
            help="Score every resident in scope again from their answers first (the nightly run does this).",
        )

    def handle(self, *args, neighbourhood: int | None, wave: int | None, rescore: bool = False, **options):
        if wave is not None and not Wave.objects.filter(pk=wave).exists():
            raise CommandError(f"There is no wave {wave}.")
        if neighbourhood is not None and not Neighbourhood.objects.filter(pk=neighbourhood).exists():
            raise CommandError(f"There is no neighbourhood {neighbourhood}.")

        if neighbourhood is None and wave is None:
            with tqdm(total=1, unit="step", disable=None) as bar:

                def progress(done: int, total: int) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                run = refresh.recompute_all(progress=progress, rescore=rescore)
            self.stdout.write(self.style.SUCCESS(f"Recomputed everything: {run.rows_written:,} rows written."))
            if run.differences:
                self.stdout.write(
                    self.style.WARNING(f"{len(run.differences)} rows differed from the incremental figures.")
                )
            return

        if wave is not None and neighbourhood is None:
            written = refresh.wave_refresh(wave_id=wave, rescore=rescore)
            self.stdout.write(self.style.SUCCESS(f"Wave {wave}: {written:,} figures written."))
            return

        waves = (
            [wave]
            if wave is not None
            else list(
                Response.objects.filter(neighbourhood_id=neighbourhood).values_list("wave_id", flat=True).distinct()
            )
        )
        for wave_id in tqdm(sorted(waves), unit="wave", disable=None):
            if rescore:
                residents_score(wave_id=wave_id, neighbourhood_id=neighbourhood, rescore=True)
            refresh.neighbourhood_wave_refresh(wave_id=wave_id, neighbourhood_id=neighbourhood)
        self.stdout.write(self.style.SUCCESS(f"Neighbourhood {neighbourhood}: {len(waves)} wave(s) refreshed."))
