from .access import Assignment, Role, StaffProfile
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
    "LocalAuthority",
    "MatchedPair",
    "Neighbourhood",
    "Region",
    "Role",
    "SmallArea",
    "StaffProfile",
]
