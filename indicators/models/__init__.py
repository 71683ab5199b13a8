from .access import Assignment, Role, StaffProfile
from .official import (
    Import,
    Indicator,
    LsoaLookup,
    Observation,
    ObservationRevision,
    ObservationStatus,
    Period,
)
from .places import (
    Deprivation,
    LocalAuthority,
    MatchedPair,
    Neighbourhood,
    Region,
    SmallArea,
)

__all__ = [
    "Assignment",
    "Deprivation",
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
