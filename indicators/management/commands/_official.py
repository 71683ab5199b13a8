"""What the official-data import commands share: a tqdm progress bar, --where, --create, and the summary line."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction
from tqdm import tqdm

from indicators.audit.models import Action
from indicators.audit.services import audit_record
from indicators.official.models import Import, Indicator
from indicators.official.services.indicators import CREATABLE, IndicatorError, indicator_get_or_create


class ProgressBar:
    """A tqdm bar per phase (checking, writing), fed by the services' progress callback."""

    def __init__(self, stream, disable: bool = False):
        self.stream = stream
        self.disable = disable
        self.bar: tqdm | None = None
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase = phase
            unit = "line" if phase == "checking" else "step"
            self.bar = tqdm(total=total, desc=phase, unit=unit, unit_scale=True, file=self.stream, disable=self.disable)
        if self.bar is not None:
            self.bar.total = total
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def add_where_argument(parser) -> None:
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="COLUMN=VALUE",
        help="Keep only rows whose COLUMN holds VALUE (repeatable; the same COLUMN twice keeps either value), "
        "e.g. --where MEASURES_NAME=Value. A VALUE that no row holds is an error.",
    )


def add_sum_over_argument(parser) -> None:
    parser.add_argument(
        "--sum-over",
        default="",
        metavar="COLUMN",
        help="Add up the rows of one area and period that differ only in COLUMN (the categories of a long-format "
        "table, chosen with --where) into one figure. Counts only; rows in different units are refused.",
    )


def parse_where(items: list[str]) -> dict[str, str]:
    """NAME=VALUE options to {name: value}, the last of a name winning (Nomis query parameters)."""
    return {column: values[-1] for column, values in parse_filter_options(items).items()}


def parse_filter_options(items: list[str]) -> dict[str, list[str]]:
    """--where COLUMN=VALUE options to {column: [values]}: a column named twice keeps rows holding either value."""
    where: dict[str, list[str]] = {}
    for item in items:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise CommandError(f"--where takes COLUMN=VALUE, not '{item}'")
        where.setdefault(column.strip(), []).append(value)
    return where


def get_indicator(slug: str) -> Indicator:
    try:
        return Indicator.objects.get(slug=slug)
    except Indicator.DoesNotExist:
        known = ", ".join(Indicator.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"no indicator '{slug}' (known: {known})") from None


def add_create_arguments(parser) -> None:
    parser.add_argument(
        "--create",
        choices=CREATABLE,
        default="",
        help=(
            "Create the indicator if it does not exist, as a rate (published, with no parts: compared area by area, "
            "never added up) or a count. An existing indicator must already be of this kind."
        ),
    )
    parser.add_argument("--name", default="", help="With --create: the new indicator's name.")
    parser.add_argument("--unit", default="", help="With --create: its unit, e.g. '% of residents aged 16-64'.")
    parser.add_argument(
        "--level",
        choices=Indicator.Level.values,
        default=Indicator.Level.SMALL_AREA,
        help="With --create: small areas (LSOAs, wards, your own areas; the default) or local authorities.",
    )


@contextmanager
def indicator_for_import(slug: str, options: dict, path: str) -> Iterator[tuple[Indicator, bool]]:
    """(indicator, created) for the import run inside the block. An indicator made by --create is kept only if the
    import succeeds: a bad file leaves nothing behind, not even the new indicator."""
    kind = options.get("create") or ""
    if not kind:
        yield get_indicator(slug), False
        return
    new = not Indicator.objects.filter(slug=slug).exists()
    with transaction.atomic() if new else nullcontext():
        try:
            indicator, created = indicator_get_or_create(
                slug=slug,
                kind=kind,
                name=options.get("name") or "",
                unit=options.get("unit") or "",
                level=options.get("level") or Indicator.Level.SMALL_AREA,
                description=f"Created by importing {Path(path).name} with --create {kind}.",
            )
        except IndicatorError as exc:
            raise CommandError(f"--create: {exc}. Nothing was changed.") from exc
        yield indicator, created


def created_line(indicator: Indicator) -> str:
    return (
        f"Created the indicator '{indicator.slug}' ({indicator.name}): a {indicator.get_kind_display().lower()}, "
        f"for {indicator.get_level_display().lower()}, in {indicator.unit}."
    )


def summary(imp: Import) -> str:
    if imp.status == Import.Status.UNCHANGED:
        return (
            f"{imp.file_name}: the same file as import #{imp.same_as_id}, whose figures are still current: "
            "nothing to do."
        )
    text = (
        f"{imp.file_name} → {imp.indicator.slug} (import #{imp.pk}): {imp.rows_read:,} rows read, "
        f"{imp.rows_inserted:,} added, {imp.rows_updated:,} replaced, {imp.rows_unchanged:,} unchanged, "
        f"{imp.rows_skipped:,} skipped."
    )
    if imp.unknown_area_count:
        sample = ", ".join(imp.unknown_area_sample[:5])
        text += f" {imp.unknown_area_count:,} area code(s) we do not hold were skipped (e.g. {sample})."
    return text


def audit_command_import(imp: Import) -> None:
    """Imports from the command line go in the audit log too, under the machine account that ran them."""
    audit_record(
        action=Action.IMPORT,
        object_type="indicators.import",
        object_id=imp.pk,
        summary=f"{imp.file_name} (command line)",
        detail={"via": "manage.py", "os_user": getpass.getuser(), "status": imp.status},
    )
