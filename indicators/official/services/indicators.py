"""Making an indicator from the command line, so that a new series needs no code: ``--create rate|count``."""

from __future__ import annotations

import re

from django.db import transaction

from indicators.official.models import Indicator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A ratio is made of two indicators already held and holds no figures of its own, so no file can create one.
CREATABLE = (Indicator.Kind.COUNT, Indicator.Kind.RATE)
DEFAULT_UNIT = {Indicator.Kind.COUNT: "as published", Indicator.Kind.RATE: "% (as published)"}


class IndicatorError(ValueError):
    """An indicator that cannot be made or used as asked, in words."""


@transaction.atomic
def indicator_get_or_create(
    *,
    slug: str,
    kind: str,
    name: str = "",
    unit: str = "",
    level: str = Indicator.Level.SMALL_AREA,
    description: str = "",
) -> tuple[Indicator, bool]:
    """The indicator with this slug, made with this kind if it does not exist; an existing one must be of the kind
    asked for (a count is never quietly read as a rate, nor the reverse)."""
    if kind not in CREATABLE:
        raise IndicatorError(
            f"--create takes {' or '.join(CREATABLE)}, not '{kind}': a ratio is made of two indicators already "
            "held (its numerator and denominator) and no file holds its figures."
        )
    if level not in Indicator.Level.values:
        raise IndicatorError(f"the level is one of {', '.join(Indicator.Level.values)}, not '{level}'")
    existing = Indicator.objects.filter(slug=slug).first()
    if existing is not None:
        if existing.kind != kind:
            raise IndicatorError(
                f"the indicator '{slug}' exists already as a {existing.get_kind_display().lower()}; "
                f"--create {kind} cannot change it"
            )
        return existing, False
    if not SLUG.match(slug) or len(slug) > Indicator._meta.get_field("slug").max_length:
        raise IndicatorError(
            f"'{slug[:80]}' cannot be an indicator's slug: use lower-case letters, digits and single hyphens, "
            "up to 60 characters (e.g. ward-claimant-rate)"
        )
    indicator = Indicator.objects.create(
        slug=slug,
        name=(name or slug.replace("-", " ").capitalize())[:120],
        unit=(unit or DEFAULT_UNIT[kind])[:40],
        kind=kind,
        level=level,
        description=description,
    )
    return indicator, True
