"""What every monitoring page shares: the home page and health check, download links and the query string."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("indicators:my-neighbourhoods")
    return render(request, "home.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def download_links(name: str, *args, query: str = "", tables=()) -> dict:
    """The page's download links: the spreadsheet with every table, and one CSV a table (a CSV holds one)."""
    suffix = f"?{query}" if query else ""
    links: dict = {fmt + "_url": reverse(name, args=[*args, fmt]) + suffix for fmt in ("csv", "xlsx")}
    if len(tables) > 1:
        csv_url = reverse(name, args=[*args, "csv"])
        joiner = "&" if query else ""
        links["csv_tables"] = [
            (table.caption, f"{csv_url}?{query}{joiner}{urlencode({'table': table.key})}") for table in tables
        ]
    return links


def page_query(request: HttpRequest, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if v}
    params.update(dict(changes.items()))
    return urlencode({k: v for k, v in params.items() if v})
