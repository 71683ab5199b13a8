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
    "aps-unemployment-rate": (
        "Unemployment rate, aged 16+ (APS)",
        "% of the economically active, aged 16+",
        "rate",
        "local_authority",
        "NM_17_5",
        "Annual Population Survey (model-based for local authorities) unemployment rate over rolling 12-month "
        "periods (Nomis NM_17_5): the unemployed as a share of the economically active, as published. Survey "
        "estimates: small samples are marked unreliable or withheld by the publisher.",
    ),
    "census-unemployed": (
        "Unemployed residents (Census)",
        "people",
        "count",
        "small_area",
        "NM_2083_1",
        "Usual residents aged 16 and over who were economically active and unemployed on census day, full-time "
        "students included (Census 2021 TS066, Nomis NM_2083_1): the two 'Unemployed' categories added up.",
    ),
    "census-residents-16-plus": (
        "Usual residents aged 16 and over (Census)",
        "people",
        "count",
        "small_area",
        "NM_2083_1",
        "All usual residents aged 16 and over on census day (Census 2021 TS066 total, Nomis NM_2083_1).",
    ),
}

# Indicators whose files date their figures by census (a bare year or census day is the census year).
CENSUS_INDICATORS = {"census-unemployed", "census-residents-16-plus"}

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
    "census-unemployment-rate": (
        "Unemployment rate, aged 16+ (Census)",
        "% of usual residents aged 16+",
        "census-unemployed",
        "census-residents-16-plus",
        Decimal(100),
        "same",
        "Unemployed residents ÷ all usual residents aged 16 and over x 100, both from Census 2021 TS066. A "
        "neighbourhood's rate is the sum of its LSOAs' unemployed over the sum of their residents aged 16+. "
        "(ONS's own census unemployment rate divides by the economically active instead.)",
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
                "census": slug in CENSUS_INDICATORS,
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
