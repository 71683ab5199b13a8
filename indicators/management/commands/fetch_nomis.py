from django.core.management.base import BaseCommand, CommandError

from indicators.management.commands._official import (
    ProgressBar,
    add_where_argument,
    get_indicator,
    parse_where,
    summary,
)
from indicators.official.importing.files import ImportFileError
from indicators.official.nomis_client import NomisError, NomisQuery
from indicators.official.services.nomis_fetch import nomis_fetch, nomis_fetch_scheduled


class Command(BaseCommand):
    help = (
        "Download a series from the Nomis API, page by page, and import it. Without arguments, run every fetch in "
        "REBALANCE_NOMIS_FETCHES (what the monthly schedule runs). With no network: a clear error, nothing changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--indicator", help="Indicator slug to import into.")
        parser.add_argument("--dataset", help="Nomis dataset id, e.g. NM_162_1.")
        parser.add_argument("--geography", default="TYPE298", help="Geography type or codes (TYPE298: 2011 LSOAs).")
        parser.add_argument("--date", default="latest", help="Nomis date syntax: latest, 2013-01-2021-12, …")
        parser.add_argument(
            "--param", action="append", default=[], metavar="NAME=VALUE", help="Other dimensions, e.g. measure=1."
        )
        parser.add_argument("--select", default="", help="Comma-separated columns to ask for.")
        add_where_argument(parser)

    def handle(self, *args, indicator, dataset, geography, date, param, select, where, **options):
        try:
            if not indicator and not dataset:
                ids = nomis_fetch_scheduled()
                self.stdout.write(self.style.SUCCESS(f"Scheduled fetches done: imports {ids or 'none (locked)'}."))
                return
            if not (indicator and dataset):
                raise CommandError("give both --indicator and --dataset, or neither to run the scheduled fetches")
            query = NomisQuery(
                dataset=dataset,
                geography=geography,
                date=date,
                params=parse_where(param),
                select=tuple(c.strip() for c in select.split(",") if c.strip()),
            )
            self.stdout.write(f"Fetching {query.url()}")
            bar = ProgressBar(self.stderr)
            try:
                imp = nomis_fetch(
                    query=query, indicator=get_indicator(indicator), where=parse_where(where), progress=bar
                )
            finally:
                bar.close()
        except (NomisError, ImportFileError) as exc:
            raise CommandError(f"{exc}") from exc
        self.stdout.write(self.style.SUCCESS(summary(imp)))
