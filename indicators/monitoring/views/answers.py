"""A neighbourhood's results per question: how residents answered each question in a wave, and the downloads."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from indicators.access.permissions import may_export_free_text
from indicators.engine.selectors.answers import (
    answer_results,
    answer_results_by_wave,
    answer_waves,
    free_text_questions,
)
from indicators.monitoring.exports import download
from indicators.monitoring.presenters.answers import answers_table, question_blocks
from indicators.monitoring.views.common import download_links
from indicators.places import selectors as places


def neighbourhood_answers_table(*, user, neighbourhood):
    """Every wave's results per question, as one table (the neighbourhood's downloads include it)."""
    return answers_table(neighbourhood, answer_results_by_wave(user=user, neighbourhood=neighbourhood))


@login_required
@require_GET
def neighbourhood_answers(request: HttpRequest, pk: int) -> HttpResponse:
    neighbourhood = places.neighbourhood_detail(user=request.user, pk=pk)
    waves = answer_waves(user=request.user, neighbourhood=neighbourhood)
    chosen = request.GET.get("wave", "")
    wave = next((w for w in waves if str(w.pk) == chosen), waves[-1] if waves else None)
    results = answer_results(user=request.user, neighbourhood=neighbourhood, wave=wave) if wave else []
    return render(
        request,
        "indicators/neighbourhood_answers.html",
        {
            "neighbourhood": neighbourhood,
            "waves": waves,
            "wave": wave,
            "blocks": question_blocks(results),
            "free_text": free_text_questions(wave=wave) if wave else [],
            "min_responses": settings.REBALANCE_DISCLOSURE_MIN_RESPONSES,
            "admin_reads_free_text": may_export_free_text(request.user),
            **download_links("indicators:neighbourhood-answers-export", neighbourhood.pk),
        },
    )


@login_required
@require_GET
def neighbourhood_answers_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    neighbourhood = places.neighbourhood_detail(user=request.user, pk=pk)
    table = neighbourhood_answers_table(user=request.user, neighbourhood=neighbourhood)
    name = neighbourhood.name
    return download(
        fmt,
        [table],
        title=f"{name}: results per question",
        filename=f"{slugify(name) or 'neighbourhood'}-answers",
        user=request.user,
    )
