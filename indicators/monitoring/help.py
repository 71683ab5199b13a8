"""Pages that keep people from dead ends: the glossary, the accessibility statement, the error pages, the
admin's answer to a signed-in non-admin, and the favicon.

The error handlers are named in ``config/urls.py`` (``handler403`` and ``handler404``) and the settings
(``CSRF_FAILURE_VIEW``); the 400 and 500 pages are Django's own handlers with ``templates/400.html`` and
``templates/500.html``, rendered without a request; the 500 page needs no database.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from indicators.access.models import Role
from indicators.access.scope import role_of
from indicators.accounts.views import LoginView
from indicators.monitoring import glossary

# The day the accessibility statement was last reviewed against the site; change it when the statement changes.
STATEMENT_REVIEWED = date(2026, 12, 2)

FORBIDDEN_DEFAULT = "Your account does not give you access to this page."


@require_GET
def glossary_page(request: HttpRequest) -> HttpResponse:
    return render(request, "help/glossary.html", {"terms": glossary.all_terms()})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    context = {
        "contact": getattr(settings, "REBALANCE_ACCESSIBILITY_CONTACT", ""),
        "reviewed": STATEMENT_REVIEWED,
    }
    # Residents who chose Welsh for the survey read the statement in Welsh (our own translation, marked so).
    welsh = get_language() == "cy"
    return render(request, "help/accessibility_cy.html" if welsh else "help/accessibility.html", context)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; send them to the icon. Looked up per request,
    since the hashed name exists only once the static files are collected; not permanent, since it changes."""
    return redirect(static("favicon.svg"))


def _reason(exception) -> str:
    """The message a view gave its PermissionDenied: ours are written for the reader. Django's bare
    ``raise PermissionDenied`` has none."""
    message = str(exception) if exception is not None else ""
    return message if message and not message.startswith("<") else FORBIDDEN_DEFAULT


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", {"reason": _reason(exception), "role": _role_name(request)}, status=403)


CSRF_REASON = (
    "This form was not sent: it had been open too long, or your session ended. Go back, reload the page and try "
    "again; what you had typed may need typing again."
)


# Our own Welsh (surveys.welsh), for a resident who chose Welsh and whose survey page had been open too long.
CSRF_HEADING_CY = "Ni anfonwyd y ffurflen hon"
CSRF_REASON_CY = (
    "Ni anfonwyd y ffurflen hon: roedd wedi bod ar agor yn rhy hir, neu roedd eich sesiwn wedi dod i ben. Ewch yn ôl, "
    "ail-lwythwch y dudalen a rhowch gynnig arall arni; efallai y bydd angen teipio eto’r hyn roeddech chi wedi’i "
    "deipio."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF_FAILURE_VIEW: the styled 403 page in plain words, not Django's technical one."""
    if get_language() == "cy":
        context = {"heading": CSRF_HEADING_CY, "reason": CSRF_REASON_CY, "welsh": True}
    else:
        context = {"heading": "This form was not sent", "reason": CSRF_REASON}
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def _role_name(request: HttpRequest) -> str:
    role = role_of(getattr(request, "user", None))
    return Role(role).label if role else ""


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in. Someone already signed in who may not use the admin is told so, with a way home,
    rather than shown the sign-in form again."""
    user = request.user
    if user.is_authenticated and not admin.site.has_permission(request):
        context = {"role": _role_name(request)}
        return render(request, "admin/not_allowed.html", context, status=403)
    return LoginView.as_view()(request)
