"""The question bank for staff: the items every council may reuse and each council's own, with their scoring;
those who may use the questionnaire editor may add their council's own items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from indicators.access.permissions import is_staff_member, may_edit_questionnaires, may_see_everything
from indicators.places.models import LocalAuthority
from surveys import selectors
from surveys.bank_forms import BankFilterForm, BankItemForm
from surveys.models import QuestionKind
from surveys.services.bank import bank_item_create

SHARED = "shared"


@login_required
@require_GET
def bank_list(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    filters = BankFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    items = selectors.bank_items(
        user=request.user,
        factor=chosen.get("factor", ""),
        source_kind=chosen.get("source", ""),
        search=chosen.get("search", ""),
    ).annotate_use()
    return render(
        request,
        "surveys/staff/bank_list.html",
        {"filters": filters, "items": items, "may_add": may_edit_questionnaires(request.user)},
    )


def _owners(user) -> list[tuple[str, str]]:
    owners = [(str(la.pk), f"{la.name} only") for la in LocalAuthority.objects.visible_to(user).order_by("name")]
    if may_see_everything(user):
        owners.insert(0, (SHARED, "Shared with every council"))
    return owners


@login_required
@require_http_methods(["GET", "POST"])
def bank_item_new(request: HttpRequest) -> HttpResponse:
    if not may_edit_questionnaires(request.user):
        raise PermissionDenied
    owners = _owners(request.user)
    form = BankItemForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = (
            None if data["owner"] == SHARED else LocalAuthority.objects.visible_to(request.user).get(pk=data["owner"])
        )
        scored = data["kind"] not in (QuestionKind.MULTIPLE, QuestionKind.TEXT) and any(
            o["score"] is not None for o in data["options"]
        )
        spec = {
            "key": data["key"],
            "text": data["text"],
            "hint": data["hint"],
            "factor": data["factor"],
            "kind": data["kind"],
            "source": data["source"],
            "scored": scored,
            "reverse_scored": data["reverse_scored"],
            "translations": {"cy": {"text": data["text_cy"]}} if data["text_cy"] else {},
            "options": data["options"],
        }
        if data["kind"] == QuestionKind.NUMBER:
            spec.update(decimal_places=data["decimal_places"], min=data["min_value"], max=data["max_value"])
        try:
            item = bank_item_create(spec=spec, owner=owner, created_by=request.user)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"“{item.text}” added to the question bank.")
            return redirect(f"{reverse('surveys:bank')}#item-{item.pk}")
    return render(request, "surveys/staff/bank_item_form.html", {"form": form}, status=400 if form.errors else 200)
