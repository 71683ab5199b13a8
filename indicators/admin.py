"""The admin of the ``indicators`` app label: Django discovers this module, and each sub-package registers its own."""

from indicators.access import admin as access_admin
from indicators.official import admin as official_admin
from indicators.places import admin as places_admin

__all__ = ["access_admin", "official_admin", "places_admin"]
