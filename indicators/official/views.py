"""The imports page for admins: every import with its provenance and errors, an upload form, and a progress page
that refreshes itself (a meta refresh, so it needs no JavaScript) while the Celery task runs."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from indicators.access.permissions import may_run_imports
from indicators.audit.models import Action
from indicators.audit.services import audit_request
from indicators.official.importing.observations import import_progress
from indicators.official.models import Import, Indicator
from indicators.official.services.area_imports import area_import_progress
from indicators.official.services.import_files import import_file_kept_until
from indicators.official.services.imports import import_queue

MB = 1024 * 1024


def _admin_only(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not may_run_imports(request.user):
            raise PermissionDenied("Only admins may see and run imports.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV, or CSV compressed with gzip (.csv.gz), UTF-8.")
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.exclude(kind=Indicator.Kind.RATIO).order_by("name"))
    format = forms.ChoiceField(
        choices=[
            (Import.Format.NOMIS, "Nomis CSV (as the API serves it, or re-saved by Excel)"),
            (Import.Format.TIDY, "Tidy CSV: I will name the columns"),
        ],
        widget=forms.RadioSelect,
        initial=Import.Format.NOMIS,
    )
    area_column = forms.CharField(required=False, help_text="Tidy files: the column with the ONS area code.")
    period_column = forms.CharField(required=False, help_text="Tidy files: the column with the date or period.")
    value_column = forms.CharField(required=False, help_text="Tidy files: the column with the figure.")
    status_column = forms.CharField(required=False, help_text="Tidy files, optional: a status or marker column.")
    where = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: keep only rows where COLUMN=VALUE, one per line (e.g. MEASURES_NAME=Value).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.REBALANCE_IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / MB:,.1f} MB, larger than the {limit / MB:,.0f} MB an upload may be: "
                "compress it with gzip (.csv.gz), or import it with the import_nomis command."
            )
        return upload

    def clean_where(self):
        where = {}
        for line in self.cleaned_data["where"].splitlines():
            if not line.strip():
                continue
            column, sep, value = line.partition("=")
            if not sep or not column.strip():
                raise forms.ValidationError(f"Write each filter as COLUMN=VALUE, not '{line}'.")
            where[column.strip()] = value.strip()
        return where

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") == Import.Format.TIDY:
            for name in ("area_column", "period_column", "value_column"):
                if not cleaned.get(name):
                    self.add_error(name, "A tidy file needs this column named.")
        return cleaned


@_admin_only
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    imports = Import.objects.visible_to(request.user).select_related("indicator", "created_by")
    page = Paginator(imports, 50).get_page(request.GET.get("page"))
    # How far each unfinished import has got (read from the cache the worker reports to).
    rows = [(imp, None if imp.finished else _progress(imp)) for imp in page.object_list]
    return render(request, "indicators/imports/list.html", {"page": page, "rows": rows})


@_admin_only
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = {"where": data["where"]}
        if data["format"] == Import.Format.TIDY:
            options.update({k: data[k] for k in ("area_column", "period_column", "value_column", "status_column")})
        upload = data["file"]
        imp = import_queue(
            content=upload,  # streamed to storage in chunks (Django keeps large uploads in a temporary file)
            file_name=upload.name,
            indicator=data["indicator"],
            format=data["format"],
            options=options,
            user=request.user,
        )
        audit_request(
            request, action=Action.IMPORT, object_type="indicators.import", object_id=imp.pk, summary=upload.name
        )
        return redirect("indicators:import-detail", pk=imp.pk)
    return render(request, "indicators/imports/upload.html", {"form": form}, status=400 if form.errors else 200)


@_admin_only
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = get_object_or_404(Import.objects.visible_to(request.user).select_related("indicator", "created_by"), pk=pk)
    return render(
        request,
        "indicators/imports/areas_detail.html" if imp.is_areas else "indicators/imports/detail.html",
        {
            "imp": imp,
            "progress": _progress(imp),
            "revisions": imp.revisions.count(),
            "kept_until": import_file_kept_until(imp),
            "max_attempts": settings.REBALANCE_IMPORT_MAX_ATTEMPTS,
        },
    )


@_admin_only
@require_GET
def import_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    imp = get_object_or_404(Import.objects.visible_to(request.user), pk=pk)
    return JsonResponse({"status": imp.status, "finished": imp.finished, **_progress(imp)})


def _progress(imp: Import) -> dict:
    # A file of areas counts its rows checked and stored; a file of figures reports phases and per cent.
    return area_import_progress(imp) if imp.is_areas else import_progress(imp)
