"""A cache of rendered monitoring pages, kept until the figures behind them change.

The pages show rollups that change only when the engine writes them, so a page
is rendered once per session, scope, address and state of the rollups:

- the session key, because the page holds the session's CSRF token (sign-out form);
- the user's role and assignments, read afresh on every request, so a change of
  scope is seen at once;
- the latest ``computed_at`` and row count of each rollup table, and the highest
  response and invitation ids, read in one query: a recompute, a new response or
  new codes make a new key (``selectors_dashboard.rollup_state``, itself kept
  for ``REBALANCE_PAGE_STATE_SECONDS``, default 5).

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
from indicators.selectors_dashboard import rollup_state


def scope_key(user) -> str:
    scope = scope_for(user)
    return f"{user.pk}|{role_of(user)}|{scope.everything}|{scope.local_authority_ids}|{scope.neighbourhood_ids}"


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = getattr(settings, "REBALANCE_PAGE_CACHE_SECONDS", 300)
        session_key = request.session.session_key
        if not seconds or not session_key or not request.user.is_authenticated or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        raw = "|".join(
            [session_key, scope_key(request.user), rollup_state(), request.get_full_path(), get_language() or ""]
        )
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
