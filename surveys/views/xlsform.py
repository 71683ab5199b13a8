"""XLSForm in and out for staff: a version as a workbook to download, and a workbook uploaded as a new version.

Those who may use the questionnaire editor may download; admins may upload (surveys.services.xlsform does the
work). A workbook that cannot be mapped is shown back with every problem's sheet, row and column, and nothing
is created."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from indicators.access.permissions import may_edit_questionnaires, may_import_questionnaires
from indicators.core.downloads import attachment
from surveys.bank_forms import XLSFormUploadForm
from surveys.models import Factor, SurveyVersion
from surveys.services.xlsform import XLSFormError, xlsform_export, xlsform_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def xlsform_download(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_edit_questionnaires(request.user):
        raise PermissionDenied
    try:
        version = SurveyVersion.objects.select_related("survey").get(pk=pk)
    except SurveyVersion.DoesNotExist:
        raise Http404 from None
    body = xlsform_export(version=version)
    return attachment(HttpResponse(body, content_type=XLSX), f"{version.survey.slug}-v{version.number}-xlsform.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def xlsform_page(request: HttpRequest) -> HttpResponse:
    if not may_edit_questionnaires(request.user):
        raise PermissionDenied
    may_upload = may_import_questionnaires(request.user)
    if request.method == "POST" and not may_upload:
        raise PermissionDenied
    form = XLSFormUploadForm(request.POST or None, request.FILES or None) if may_upload else None
    problems, status = [], 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = xlsform_import(
                    data=upload.read(),
                    filename=upload.name,
                    name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"],
                )
            except XLSFormError as exc:
                problems, status = exc.problems, 400
            else:
                count = version.questions.count()
                messages.success(request, f"{version} made from {upload.name}: {count} questions.")
                return redirect("surveys:editor-version", pk=version.pk)
        else:
            status = 400
    versions = (
        SurveyVersion.objects.select_related("survey")
        .annotate(question_count=Count("questions"))
        .order_by("survey__name", "-number")
    )
    return render(
        request,
        "surveys/staff/xlsform.html",
        {
            "form": form,
            "problems": problems,
            "versions": versions,
            "factors": Factor.values,
        },
        status=status,
    )
