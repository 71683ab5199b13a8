"""Records what signed-in staff looked at, listed, downloaded and were refused, by the URL's name.

One rule instead of a line in every view, for every staff page and the API alike:
- a 403 or 404 answered to a signed-in user is a refusal (``denied``): someone asking for another authority's
  object, or for a page their role does not open;
- a successful GET of a page or API object that names an object (a ``pk`` in the URL) is a view;
- a successful GET of an API list is a listing (``list``), with its filters and how many rows it returned;
- any successful download (an ``export`` URL, or an attachment) is an export;
- a successful POST to a staff page is a change.
Residents (never signed in) and URLs that match nothing (scanners) are never recorded. A view may add detail
to its entry by setting ``request.audit_detail`` (a dict). Writes that need a fuller entry of their own
(imports, admin changes, sign-in) call the service themselves.

The check costs nothing for pages that are not recorded (the URL's name is looked at first, the user last). If
the entry cannot be written, the failure is logged as an error and the response still goes out: a broken audit
log must be noticed, but must not take the site down.
"""

from __future__ import annotations

import logging

from django.db import transaction

from indicators.audit.models import Action
from indicators.audit.services import audit_request

logger = logging.getLogger(__name__)

# Namespaces whose pages are staff pages; the survey's resident pages are left out by name.
STAFF_NAMESPACES = {"indicators", "surveys", "v1"}
RESIDENT_PAGES = {
    "surveys:start",
    "surveys:wave-start",
    "surveys:open",
    "surveys:language",
    "surveys:page",
    "surveys:check",
    "surveys:done",
    "surveys:saved",
    "surveys:your-answers",
    "surveys:withdraw",
    "v1:response-submit",
}
# Views that write their own, fuller entry.
RECORDED_BY_THE_VIEW = {"indicators:import-upload"}
REFUSED = {403, 404}


def _rows(response) -> dict[str, int] | None:
    """How many rows an API list returned (and matched, when paged), read from the data already built."""
    data = getattr(response, "data", None)
    if isinstance(data, list):
        return {"rows": len(data)}
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return {"rows": len(data["results"]), "matched": data.get("count", len(data["results"]))}
    return None


def audited_action(request, response) -> str | None:
    """The action a request is recorded as, or None. Looks at the user last (loading it costs a
    session read): residents' pages are known by name."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace not in STAFF_NAMESPACES or match.view_name in RESIDENT_PAGES:
        return None
    status = response.status_code
    if status >= 400 and status not in REFUSED:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if status in REFUSED:
        return Action.DENIED
    attachment = "attachment" in response.get("Content-Disposition", "")
    if request.method == "GET":
        if attachment or "export" in match.url_name or "fmt" in match.kwargs:
            return Action.EXPORT
        if "pk" in match.kwargs:
            return Action.VIEW
        if match.namespace == "v1" and _rows(response) is not None:
            return Action.LIST
        return None
    if request.method == "POST" and match.namespace != "v1" and match.view_name not in RECORDED_BY_THE_VIEW:
        return Action.CHANGE
    return None


def _record(request, response, action: str) -> None:
    match = request.resolver_match
    detail = {"query": request.GET.urlencode()[:500], "status": response.status_code}
    if action == Action.DENIED:
        detail["method"] = request.method
    if action == Action.LIST:
        detail.update(_rows(response) or {})
    detail.update(getattr(request, "audit_detail", None) or {})
    summary = match.kwargs.get("fmt", "")
    if action == Action.LIST:
        summary = f"{detail['rows']} rows" + (f" of {detail['matched']}" if "matched" in detail else "")
    elif action == Action.DENIED:
        summary = f"{request.method} answered {response.status_code}"
    audit_request(
        request,
        action=action,
        object_type=match.view_name,
        object_id=match.kwargs.get("pk", ""),
        summary=summary,
        **detail,
    )


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            action = audited_action(request, response)
            if action is not None and transaction.get_connection().in_atomic_block:
                with transaction.atomic():  # a savepoint, so that a failed insert leaves the outer transaction usable
                    _record(request, response, action)
            elif action is not None:  # autocommit (every request in production): one INSERT, nothing to protect
                _record(request, response, action)
        except Exception:
            logger.exception("Audit entry not written for %s %s", request.method, request.path)
        return response
