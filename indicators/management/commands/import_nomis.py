from django.core.management.base import BaseCommand, CommandError

from indicators.management.commands._official import (
    ProgressBar,
    add_create_arguments,
    add_sum_over_argument,
    add_where_argument,
    audit_command_import,
    created_line,
    indicator_for_import,
    parse_filter_options,
    summary,
)
from indicators.official.importing.files import ImportFileError
from indicators.official.importing.nomis import nomis_import


class Command(BaseCommand):
    help = (
        "Import a CSV from the Nomis API (select= or full columns, or re-saved by Excel; CSV or CSV.gz) into one "
        "indicator. Every row is checked first; a bad file changes nothing. The same file twice is a no-op."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--indicator", required=True, help="Indicator slug, e.g. claimant-count.")
        parser.add_argument("--dataset", default="", help="Nomis dataset id, if not the indicator's own.")
        add_where_argument(parser)
        add_sum_over_argument(parser)
        add_create_arguments(parser)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, path, indicator, dataset, where, no_progress, **options):
        bar = ProgressBar(self.stderr, disable=no_progress)
        try:
            with indicator_for_import(indicator, options, path) as (chosen, created):
                imp = nomis_import(
                    source=path,
                    indicator=chosen,
                    where=parse_filter_options(where),
                    sum_over=options["sum_over"],
                    dataset_id=dataset,
                    file_name=path,
                    progress=bar,
                )
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was changed.") from exc
        finally:
            bar.close()
        audit_command_import(imp)
        if created:
            self.stdout.write(created_line(chosen))
        self.stdout.write(self.style.SUCCESS(summary(imp)))
