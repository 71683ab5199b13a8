"""Admins import areas (wards, LSOAs, MSOAs, custom areas) from the imports page, as ``import_areas`` does.

A file of areas is small beside a file of figures (a ward file of England is about 7,000 rows), so it is checked and
stored while the admin waits, within ``AREAS_UPLOAD_MAX_BYTES``; a larger one (a national LSOA boundary file) goes
through the command. The same checks and service as the command: a bad file names its line or feature and changes
nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from indicators.access.permissions import may_run_imports
from indicators.audit.models import Action
from indicators.audit.services import audit_request
from indicators.official.importing.areas import areas_import
from indicators.official.importing.files import ImportFileError
from indicators.places.models import SmallArea

AREAS_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
MB = 1024 * 1024


class AreasUploadForm(forms.Form):
    file = forms.FileField(
        help_text="A CSV with a row per area, or an ONS GeoJSON boundary file (plain or gzip), UTF-8, "
        f"up to {AREAS_UPLOAD_MAX_BYTES // MB} MB."
    )
    kind = forms.ChoiceField(choices=SmallArea.Kind.choices, label="Kind of area", initial=SmallArea.Kind.WARD)
    code_column = forms.CharField(
        required=False,
        help_text="The column with each area's code (e.g. WD25CD). GeoJSON: found from the ONS names if left empty.",
    )
    name_column = forms.CharField(required=False, help_text="The column with each area's name (e.g. WD25NM).")
    authority_column = forms.CharField(
        required=False, help_text="The column with its local authority's code (e.g. LAD25CD)."
    )
    members_column = forms.CharField(
        required=False,
        help_text="Custom areas only: a column listing each one's LSOA codes. Without it, a custom area's LSOAs are "
        "those whose centres lie inside its outline.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > AREAS_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / MB:,.1f} MB, larger than the {AREAS_UPLOAD_MAX_BYTES // MB} MB an areas "
                "upload may be: import it with the import_areas command."
            )
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def areas_upload(request: HttpRequest) -> HttpResponse:
    if not may_run_imports(request.user):
        raise PermissionDenied("Only admins may see and run imports.")
    form = AreasUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            with tempfile.TemporaryDirectory() as folder:
                # The GeoJSON reader streams from a path; an upload is copied there in chunks.
                path = Path(folder) / "areas"
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                result = areas_import(
                    source=path,
                    kind=data["kind"],
                    code_column=data["code_column"].strip(),
                    name_column=data["name_column"].strip(),
                    authority_column=data["authority_column"].strip(),
                    members_column=data["members_column"].strip(),
                )
        except ImportFileError as exc:
            form.add_error("file", f"{exc}. Nothing was changed.")
        else:
            audit_request(
                request,
                action=Action.IMPORT,
                object_type="indicators.smallarea",
                summary=f"Areas ({data['kind']}) from {upload.name} (upload)",
                created=result.created,
                updated=result.updated,
                rows=result.rows,
            )
    return render(
        request,
        "indicators/imports/areas_upload.html",
        {"form": form, "result": result},
        status=400 if form.errors else 200,
    )
