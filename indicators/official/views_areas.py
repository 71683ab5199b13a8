"""Admins import areas (wards, LSOAs, MSOAs, custom areas) from the imports page, as ``import_areas`` does.

The upload is stored (streamed to disk, readable by the site's user only) with a queued ``Import`` of format
``areas`` and checked and stored by a worker on the bulk queue once the upload's transaction commits; the admin is
sent to the import's page, which shows how many rows are checked and stored, then the result or the error with its
line or feature. The same checks and service as the command: a bad file changes nothing.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from indicators.access.permissions import may_run_imports
from indicators.audit.models import Action
from indicators.audit.services import audit_request
from indicators.official.models import Import
from indicators.official.services.imports import import_queue
from indicators.places.models import SmallArea

MB = 1024 * 1024


class AreasUploadForm(forms.Form):
    file = forms.FileField(
        help_text="A CSV with a row per area, or an ONS GeoJSON boundary file (plain or gzip), UTF-8."
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.REBALANCE_IMPORT_MAX_UPLOAD_BYTES / MB
        self.fields["file"].help_text = self.fields["file"].help_text[:-1] + f", up to {limit:,.0f} MB."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.REBALANCE_IMPORT_MAX_UPLOAD_BYTES  # the one cap on uploads, figures or areas
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / MB:,.1f} MB, larger than the {limit / MB:,.0f} MB an upload may be: "
                "compress it with gzip, or import it with the import_areas command."
            )
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def areas_upload(request: HttpRequest) -> HttpResponse:
    if not may_run_imports(request.user):
        raise PermissionDenied("Only admins may see and run imports.")
    form = AreasUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        options = {"kind": data["kind"]}
        options |= {k: data[k].strip() for k in ("code_column", "name_column", "authority_column", "members_column")}
        imp = import_queue(
            content=upload,  # streamed to storage in chunks (Django keeps a large upload in a temporary file)
            file_name=upload.name,
            indicator=None,
            format=Import.Format.AREAS,
            options=options,
            user=request.user,
        )
        audit_request(
            request,
            action=Action.IMPORT,
            object_type="indicators.import",
            object_id=imp.pk,
            summary=f"Areas ({data['kind']}) from {upload.name} (upload)",
        )
        return redirect("indicators:import-detail", pk=imp.pk)
    return render(
        request,
        "indicators/imports/areas_upload.html",
        {"form": form, "max_upload_mb": settings.REBALANCE_IMPORT_MAX_UPLOAD_BYTES // MB},
        status=400 if form.errors else 200,
    )
