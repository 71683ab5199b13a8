"""A cache of rendered monitoring pages, kept until the figures behind them change.

The pages show rollups that change only when the engine writes them, so a page
is rendered once per session, scope, address and state of the figures it shows:

- the session key, because the page holds the session's CSRF token (sign-out form);
- the user's role and assignments, read once per request, so a change of scope is
  seen at once;
- the official figures and what staff set up (``indicators.selectors_state``),
  followed within seconds;
- the survey figures, which during fieldwork change with every refresh after a
  response. A page rendered before they changed is still served until it is
  ``REBALANCE_PAGE_FIELDWORK_SECONDS`` old (default 60), so a busy day makes each
  page again at most once a minute, each at its own time, rather than every page
  for every user at every response. Once such a page is half that age, the request
  that gets it also makes it again, after its answer has gone: a page in use is
  kept fresh without anyone waiting for it. A page that shows no survey figures
  (the league) ignores them altogether.

``REBALANCE_PAGE_CACHE_SECONDS`` (default 300; 0 switches it off) bounds how long
anything else (a renamed neighbourhood, say) can stay stale.
"""

from __future__ import annotations

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from indicators.access.scope import role_of, scope_for
from indicators.monitoring.state import page_states

logger = logging.getLogger(__name__)


# Part of every page's key: bump it when the pages' markup changes, so no page kept from before is served after.
PAGE_LAYOUT = "v3"


def scope_key(user) -> str:
    scope = scope_for(user)
    return f"{user.pk}|{role_of(user)}|{scope.everything}|{scope.local_authority_ids}|{scope.neighbourhood_ids}"


def _fieldwork_seconds() -> float:
    return getattr(settings, "REBALANCE_PAGE_FIELDWORK_SECONDS", 60)


def _current(kept, survey: str | None) -> bool:
    """Whether a kept page may still be served: rendered at these survey figures, or not long before."""
    if survey is None or kept["survey"] == survey:
        return True
    return time.time() - kept["at"] < _fieldwork_seconds()


def _due(kept, survey: str | None) -> bool:
    """Whether a kept page behind the survey figures should be made again after this answer."""
    return survey is not None and kept["survey"] != survey and time.time() - kept["at"] >= _fieldwork_seconds() / 2


def _keep(key: str, response, survey: str | None, seconds: int) -> None:
    if response.status_code in (200, 400) and not response.streaming:
        kept = {
            "status": response.status_code,
            "content": response.content,
            "type": response["Content-Type"],
            "survey": survey,
            "at": time.time(),
        }
        cache.set(key, kept, seconds)


class _KeptPage(HttpResponse):
    """A kept page; ``then`` runs when the server closes it, after the whole answer has been sent."""

    then = None

    def close(self):
        try:
            if self.then is not None:
                self.then()
        except Exception:  # a page not made again now is made at the next request; never fail the answer
            logger.exception("could not make a kept page again")
        finally:
            super().close()


def cached_page(view=None, *, survey_figures: bool = True):
    """Decorate a page view; ``survey_figures=False`` for a page that shows none."""
    if view is None:
        return lambda view: cached_page(view, survey_figures=survey_figures)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = getattr(settings, "REBALANCE_PAGE_CACHE_SECONDS", 300)
        session_key = request.session.session_key
        if not seconds or not session_key or not request.user.is_authenticated or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        settled, survey = page_states(survey_figures=survey_figures)
        raw = "|".join([session_key, scope_key(request.user), settled, request.get_full_path(), get_language() or ""])
        key = f"page:{PAGE_LAYOUT}:" + hashlib.sha256(raw.encode()).hexdigest()
        kept = cache.get(key)
        if kept is not None and _current(kept, survey):
            response = _KeptPage(kept["content"], status=kept["status"], content_type=kept["type"])
            if _due(kept, survey) and cache.add(key + ":making", 1, 60):  # one request at a time makes it

                def make_again():
                    try:
                        _keep(key, view(request, *args, **kwargs), survey, seconds)
                    except Http404:
                        cache.delete(key)  # gone meanwhile: the next request says so
                    finally:
                        cache.delete(key + ":making")

                response.then = make_again
        else:
            response = view(request, *args, **kwargs)
            _keep(key, response, survey, seconds)
        patch_cache_control(response, private=True)
        return response

    return wrapper
