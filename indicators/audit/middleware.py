"""Records what signed-in staff looked at and downloaded, by the URL's name.

One rule instead of a line in every view: a successful GET of a page or API
object that names an object (a ``pk`` in the URL) is a view; any successful
download (an ``export`` URL, or an attachment) is an export; a successful POST
to a staff page is a change. Residents (never signed in) are never recorded.
Writes that need more detail (imports, admin changes) call the service
themselves.
"""

from __future__ import annotations

from indicators.audit.models import Action
from indicators.audit.services import audit_request

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


def audited_action(request, response) -> str | None:
    """The action a request is recorded as, or None. Looks at the user last (loading it costs a
    session read): residents' pages are known by name."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace not in STAFF_NAMESPACES or match.view_name in RESIDENT_PAGES:
        return None
    user = getattr(request, "user", None)
    if response.status_code >= 400 or user is None or not user.is_authenticated:
        return None
    attachment = "attachment" in response.get("Content-Disposition", "")
    if request.method == "GET":
        if attachment or "export" in match.url_name or "fmt" in match.kwargs:
            return Action.EXPORT
        if "pk" in match.kwargs:
            return Action.VIEW
        return None
    if request.method == "POST" and match.namespace != "v1" and match.view_name not in RECORDED_BY_THE_VIEW:
        return Action.CHANGE
    return None


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        action = audited_action(request, response)
        if action is not None:
            match = request.resolver_match
            audit_request(
                request,
                action=action,
                object_type=match.view_name,
                object_id=match.kwargs.get("pk", ""),
                summary=match.kwargs.get("fmt", ""),
                query=request.GET.urlencode()[:500],
                status=response.status_code,
            )
        return response
