"""API for the comparison groups: a neighbourhood's statistical neighbours, and the interventions' estimated effects.

Scoped as the pages are (``selectors.comparisons`` says how): neighbours of the caller's places only, named
wherever they are; an estimate withheld, by disclosure or by scope, comes with its reason and no numbers.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators.engine.selectors import comparisons
from indicators.places.models import Neighbourhood

NUMBERS = [
    "treated_before", "treated_after", "treated_change", "comparison_before", "comparison_after",
    "comparison_change", "estimate", "standard_error", "ci_low", "ci_high", "pretrend_difference",
]  # fmt: skip


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    display_name = serializers.CharField()
    local_authority = serializers.CharField(source="local_authority.code")
    local_authority_name = serializers.CharField(source="local_authority.name")


class NeighbourSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    distance = serializers.FloatField(help_text="Euclidean distance over the standardised measures (0: identical).")
    neighbourhood = PlaceSerializer()
    yours = serializers.BooleanField(source="visible", help_text="Among your places: its page and figures are open.")


class SimilarNeighbourhoodsView(APIView):
    """A neighbourhood's statistical neighbours, nearest first, with their distances and what they were measured on.
    Neighbours may lie in other authorities: they are named, and only your own places' figures are elsewhere."""

    @extend_schema(
        responses=inline_serializer(
            "SimilarNeighbourhoods",
            fields={
                "neighbourhood": PlaceSerializer(),
                "baseline_period": serializers.CharField(),
                "measures": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
                "deprivation_edition": serializers.CharField(),
                "neighbours": NeighbourSerializer(many=True),
            },
        )
    )
    def get(self, request, pk: int, **kwargs):
        neighbourhood = get_object_or_404(
            Neighbourhood.objects.visible_to(request.user).select_related("local_authority"), pk=pk
        )
        found = comparisons.statistical_neighbours(user=request.user, neighbourhood_id=neighbourhood.pk)
        return Response(
            {
                "neighbourhood": PlaceSerializer(neighbourhood).data,
                "baseline_period": found.baseline_period,
                "measures": found.measures,
                "deprivation_edition": found.basis.get("edition", ""),
                "neighbours": NeighbourSerializer(found.neighbours, many=True).data,
            }
        )


class EffectSerializer(serializers.Serializer):
    def to_representation(self, effect):
        row = effect.row
        shown = not effect.withheld
        return {
            "id": row.pk,
            "intervention": row.intervention_id,
            "intervention_title": row.intervention.title,
            "neighbourhood": row.neighbourhood_id,
            "measure": row.measure,
            "status": "withheld" if effect.withheld else row.status,
            "note": row.note,
            "withheld": effect.withheld,
            "withheld_reason": effect.withheld_reason,
            "before": row.before_label,
            "after": row.after_label,
            "after_amount": row.after_amount,
            "after_unit": "months" if row.measure == "worklessness" else "waves",
            **{name: getattr(row, name) if shown else None for name in NUMBERS},
            "comparison_kind": row.comparison_kind if shown else "",
            "comparison": [n.display_name for n in effect.comparison] if shown else [],
            "weak_reasons": row.weak_reasons if shown else [],
            "verdict": effect.verdict,
            "words": comparisons.effect_sentence(effect),
            "measurable_since": row.measurable_since,
        }


class EffectEstimatesView(APIView):
    """Did it work? Each intervention's estimated change in worklessness and in the factors it names, against a
    comparison group (difference in differences with a 95% interval), for your places."""

    @extend_schema(
        parameters=[
            OpenApiParameter("neighbourhood", int, description="Only this neighbourhood's estimates."),
            OpenApiParameter("intervention", int, description="Only this intervention's estimates."),
        ],
        responses=inline_serializer(
            "EffectEstimate",
            many=True,
            fields={
                "id": serializers.IntegerField(),
                "intervention": serializers.IntegerField(),
                "intervention_title": serializers.CharField(),
                "neighbourhood": serializers.IntegerField(),
                "measure": serializers.CharField(),
                "status": serializers.CharField(),
                "note": serializers.CharField(),
                "withheld": serializers.BooleanField(),
                "withheld_reason": serializers.CharField(),
                "before": serializers.CharField(),
                "after": serializers.CharField(),
                "after_amount": serializers.IntegerField(),
                "after_unit": serializers.CharField(),
                **{name: serializers.FloatField(allow_null=True) for name in NUMBERS},
                "comparison_kind": serializers.CharField(),
                "comparison": serializers.ListField(child=serializers.CharField()),
                "weak_reasons": serializers.ListField(child=serializers.CharField()),
                "verdict": serializers.CharField(),
                "words": serializers.CharField(),
                "measurable_since": serializers.DateTimeField(allow_null=True),
            },
        ),
    )
    def get(self, request, **kwargs):
        ids = {}
        for name in ("neighbourhood", "intervention"):
            raw = request.query_params.get(name)
            if raw in (None, ""):
                continue
            if not raw.isdigit():
                raise ValidationError({name: f"'{raw}' is not a {name} id: give a whole number."})
            ids[f"{name}_id"] = int(raw)
        effects = comparisons.effect_estimates(user=request.user, **ids)
        return Response([EffectSerializer(e).data for e in effects])
