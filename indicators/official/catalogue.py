"""The indicators Rebalance knows out of the box, and the one function that makes sure they exist.

Used by a data migration (with the historical model) and by ``seed_demo``; safe to run again:
it creates what is missing and never changes an indicator an admin has edited.
"""

from __future__ import annotations

from decimal import Decimal

# slug: (name, unit, kind, level, dataset, description)
BASE_INDICATORS = {
    "claimant-count": (
        "Claimant count",
        "people",
        "count",
        "small_area",
        "NM_162_1",
        "People claiming Jobseeker's Allowance plus Universal Credit claimants required to seek work "
        "(Nomis NM_162_1, measure 1). Counts are rounded to the nearest 5 by the publisher.",
    ),
    "working-age-population": (
        "Working-age population (16-64)",
        "people",
        "count",
        "small_area",
        "NM_2014_1",
        "Residents aged 16 to 64 (ONS mid-year population estimates): the denominator for worklessness.",
    ),
    "jsa-count": (
        "Jobseeker's Allowance claimants",
        "people",
        "count",
        "local_authority",
        "NM_18_1",
        "Persons claiming JSA (Nomis NM_18_1).",
    ),
    "esa-count": (
        "Employment and Support Allowance claimants",
        "people",
        "count",
        "local_authority",
        "NM_134_1",
        "ESA claimants (DWP benefit claimants, Nomis NM_134_1).",
    ),
    "aps-employment-rate": (
        "Employment rate, aged 16-64 (APS)",
        "% of residents aged 16-64",
        "rate",
        "local_authority",
        "NM_17_5",
        "Annual Population Survey employment rate over rolling 12-month periods (Nomis NM_17_5). "
        "Survey estimates: small samples are marked unreliable or withheld by the publisher.",
    ),
}

# slug: (name, unit, numerator, denominator, multiplier, denominator period, description)
RATIO_INDICATORS = {
    "worklessness": (
        "Worklessness rate",
        "% of residents aged 16-64",
        "claimant-count",
        "working-age-population",
        Decimal(100),
        "year",
        "Claimant count ÷ working-age population x 100, the year's population for each month. A neighbourhood's "
        "rate is the sum of its LSOAs' claimants over the sum of their populations.",
    ),
}


def ensure_indicators(indicator_model) -> int:
    """Create the standard indicators that are missing; return how many were created."""
    created = 0
    for slug, (name, unit, kind, level, dataset, description) in BASE_INDICATORS.items():
        _, made = indicator_model.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "unit": unit,
                "kind": kind,
                "level": level,
                "dataset_id": dataset,
                "description": description,
            },
        )
        created += made
    for slug, (name, unit, numerator, denominator, multiplier, period, description) in RATIO_INDICATORS.items():
        _, made = indicator_model.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "unit": unit,
                "kind": "ratio",
                "level": "small_area",
                "numerator": indicator_model.objects.get(slug=numerator),
                "denominator": indicator_model.objects.get(slug=denominator),
                "multiplier": multiplier,
                "denominator_period": period,
                "description": description,
            },
        )
        created += made
    return created
