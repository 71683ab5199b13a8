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
from indicators.official.importing.tidy import tidy_import


class Command(BaseCommand):
    help = (
        "Import a tidy CSV (a council's own extract, or a Nomis bulk table) into one indicator, with the area, "
        "period and value columns named. Periods: ISO dates, 2021-12, December 2021, 2011. A bad file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--indicator", required=True, help="Indicator slug, e.g. claimant-count.")
        parser.add_argument("--area-column", required=True, help="Column with the ONS area code (E01…, E08…).")
        parser.add_argument("--period-column", required=True, help="Column with the date or period.")
        parser.add_argument("--value-column", required=True, help="Column with the figure.")
        parser.add_argument("--status-column", default="", help="Optional column with a status or marker.")
        add_where_argument(parser)
        add_sum_over_argument(parser)
        add_create_arguments(parser)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, path, indicator, area_column, period_column, value_column, status_column, where, **opts):
        bar = ProgressBar(self.stderr, disable=opts["no_progress"])
        try:
            with indicator_for_import(indicator, opts, path) as (chosen, created):
                imp = tidy_import(
                    source=path,
                    indicator=chosen,
                    area_column=area_column,
                    period_column=period_column,
                    value_column=value_column,
                    status_column=status_column,
                    where=parse_filter_options(where),
                    sum_over=opts["sum_over"],
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
