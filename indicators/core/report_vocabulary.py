"""The report's vocabulary as plain keys, low enough in the layers for every app to use.

The eight factor keys are the ones DOMAIN.md gives and ``surveys.models.Factor`` stores (a test holds the two
lists together). The recommendation keys name what the report (Rebalancing Local Economies, ippr north and the
Joseph Rowntree Foundation, 2010) asks councils and partners to do; an intervention records which it answers.
"""

from __future__ import annotations

# The report's eight factors, in DOMAIN.md's order, with the names surveys' Factor gives them.
FACTORS: list[tuple[str, str]] = [
    ("housing_environment", "Housing, crime and grime"),
    ("retention", "Keeping people with better life chances"),
    ("work_connection", "Connection to work"),
    ("outlook", "Community outlook"),
    ("confidence", "Confidence"),
    ("aspiration", "Aspiration"),
    ("leadership", "Community leadership and co-operation"),
    ("travel_to_work", "Willingness to travel for work"),
]
FACTOR_KEYS: list[str] = [key for key, _ in FACTORS]
FACTOR_LABELS: dict[str, str] = dict(FACTORS)

# The report's recommendations, in plain words.
RECOMMENDATIONS: list[tuple[str, str]] = [
    ("early_action_housing", "Act early on housing, crime and grime"),
    ("housing_allocation", "Allocate housing after consulting residents"),
    ("local_welfare_to_work", "Local say in welfare-to-work: flexible, local, tailored employment support"),
    ("community_groups", "Involve community groups in shaping services"),
    ("community_leadership", "Strengthen community leadership (groups, estate managers and officers)"),
    ("confidence_aspiration", "Support residents' confidence and aspiration"),
    ("wider_horizons", "Widen travel horizons: jobs across the travel-to-work area"),
]
RECOMMENDATION_KEYS: list[str] = [key for key, _ in RECOMMENDATIONS]
RECOMMENDATION_LABELS: dict[str, str] = dict(RECOMMENDATIONS)
