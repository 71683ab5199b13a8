"""The models of the ``indicators`` app label, gathered for Django's registry.

Each sub-package owns its models (access, places, official); Django loads an app's models from this module,
so it imports them all. Code imports a model from the sub-package that owns it, never from here.
"""

from indicators.access.models import Assignment, Role, StaffProfile
from indicators.official.models import (
    DeprivationDomain,
    Import,
    Indicator,
    LsoaLookup,
    Observation,
    ObservationRevision,
    ObservationStatus,
    Period,
)
from indicators.places.models import Deprivation, LocalAuthority, MatchedPair, Neighbourhood, Region, SmallArea
from indicators.places.population import AreaPopulation

__all__ = [
    "AreaPopulation",
    "Assignment",
    "Deprivation",
    "DeprivationDomain",
    "Import",
    "Indicator",
    "LocalAuthority",
    "LsoaLookup",
    "MatchedPair",
    "Neighbourhood",
    "Observation",
    "ObservationRevision",
    "ObservationStatus",
    "Period",
    "Region",
    "Role",
    "SmallArea",
    "StaffProfile",
]
