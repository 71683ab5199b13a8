"""A cache of rendered monitoring pages, kept until the figures behind them change.

The pages show rollups that change only when the engine writes them, so a page
is rendered once per session, scope, address and state of the figures it shows:

- the session key, because the page holds the session's CSRF token (sign-out form);
- the user's role and assignments, read once per request, so a change of scope is
  seen at once;
- the states of the figures (``indicators.selectors_state``): official figures and
  what staff set up are followed within seconds, survey responses and the factor
  rollups made of them within ``REBALANCE_PAGE_FIELDWORK_SECONDS``. A page that shows
  no survey figures (the league) leaves the survey state out, so fieldwork never
  makes it again.

``REBALANCE_PAGE_CACHE_SECONDS`` (default 300; 0 switches it off) bounds how long
anything else (a renamed neighbourhood, say) can stay stale.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from indicators.access import role_of, scope_for
from indicators.selectors_state import page_state


def scope_key(user) -> str:
    scope = scope_for(user)
    return f"{user.pk}|{role_of(user)}|{scope.everything}|{scope.local_authority_ids}|{scope.neighbourhood_ids}"


def cached_page(view=None, *, state=page_state):
    """Decorate a page view; ``state`` gives the state of everything the page shows."""
    if view is None:
        return lambda view: cached_page(view, state=state)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = getattr(settings, "REBALANCE_PAGE_CACHE_SECONDS", 300)
        session_key = request.session.session_key
        if not seconds or not session_key or not request.user.is_authenticated or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        raw = "|".join([session_key, scope_key(request.user), state(), request.get_full_path(), get_language() or ""])
        key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            status, content, content_type = hit
            response = HttpResponse(content, status=status, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code in (200, 400) and not response.streaming:
                cache.set(key, (response.status_code, response.content, response["Content-Type"]), seconds)
        patch_cache_control(response, private=True)
        return response

    return wrapper
