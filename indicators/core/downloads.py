"""How every download goes out: as a file to save, never kept by a browser's or a proxy's cache.

Exports hold residents' answers and neighbourhoods' figures; a shared computer's cache or a proxy must not
keep a copy after the officer closes the file.
"""

from __future__ import annotations

from django.http import HttpResponse


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
