from django.utils.functional import SimpleLazyObject

from indicators.access.permissions import flags


def permissions(request) -> dict:
    # Lazy: resident pages never look, and never load the user.
    return {"may": SimpleLazyObject(lambda: flags(getattr(request, "user", None)))}
