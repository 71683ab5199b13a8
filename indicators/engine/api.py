"""Read-only API for the engine's figures. Withheld figures come as withheld, with the reason and no numbers."""

from __future__ import annotations

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators.engine.models import FactorScore, PairComparison, WorklessnessPoint
from indicators.engine.selectors import factors as selectors
from indicators.engine.selectors.improvement import improvement_report
from indicators.engine.services.worklessness import EngineError
from indicators.places.models import LocalAuthority, Neighbourhood, Region

FIGURE_FIELDS = [
    "mean",
    "ci_low",
    "ci_high",
    "favourable_share",
    "weighted_mean",
    "weighted_ci_low",
    "weighted_ci_high",
]


class FactorScoreSerializer(serializers.ModelSerializer):
    wave = serializers.CharField(source="wave.name")
    wave_id = serializers.IntegerField()
    previous_wave_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = FactorScore
        fields = [
            "id", "level", "wave_id", "wave", "neighbourhood_id", "local_authority_id", "factor", "responses",
            "withheld", "withheld_reason", *FIGURE_FIELDS, "previous_wave_id", "change", "change_p_value", "trend",
        ]  # fmt: skip


class FactorScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Factor scores (0–100) per neighbourhood, local authority or wave."""

    queryset = FactorScore.objects.none()
    serializer_class = FactorScoreSerializer
    filterset_fields = ["level", "wave", "neighbourhood", "local_authority", "factor"]

    def get_queryset(self):
        return selectors.factor_scores(user=self.request.user).order_by("wave__opens_on", "level", "factor", "pk")


class WorklessnessPointSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.slug")
    period = serializers.CharField(source="period.label")
    period_start = serializers.DateField(source="period.start")

    class Meta:
        model = WorklessnessPoint
        fields = [
            "id", "indicator", "period", "period_start", "level", "neighbourhood_id", "local_authority_id",
            "numerator", "denominator", "rate", "areas", "areas_expected",
        ]  # fmt: skip


class WorklessnessViewSet(viewsets.ReadOnlyModelViewSet):
    """Rates per neighbourhood, local authority, and the benchmark (mean over England's deprived LSOAs)."""

    queryset = WorklessnessPoint.objects.none()
    serializer_class = WorklessnessPointSerializer
    filterset_fields = {
        "indicator__slug": ["exact"],
        "level": ["exact"],
        "neighbourhood": ["exact"],
        "local_authority": ["exact"],
        "period__start": ["gte", "lte"],
    }

    def get_queryset(self):
        return selectors.worklessness_points(user=self.request.user).order_by("level", "period__start", "pk")


class PairComparisonSerializer(serializers.ModelSerializer):
    class Meta:
        model = PairComparison
        fields = [
            "id", "pair_id", "measure", "wave_id", "period_id", "withheld", "withheld_reason", "first_value",
            "second_value", "gap", "first_change", "second_change", "difference_in_differences",
        ]  # fmt: skip


class PairComparisonViewSet(viewsets.ReadOnlyModelViewSet):
    """Matched pairs compared measure by measure: gap, changes and difference-in-differences."""

    queryset = PairComparison.objects.none()
    serializer_class = PairComparisonSerializer
    filterset_fields = ["pair", "measure"]

    def get_queryset(self):
        return selectors.pair_comparisons(user=self.request.user).order_by("pair", "measure", "wave", "period__start")


class NeighbourhoodStatusView(APIView):
    """Each factor at a glance: the latest figure, its trend since the last wave, and against the benchmark."""

    @extend_schema(
        responses=inline_serializer(
            "FactorStatus",
            many=True,
            fields={
                "factor": serializers.CharField(),
                "figure": FactorScoreSerializer(),
                "since_last_wave": serializers.CharField(),
                "benchmark_mean": serializers.FloatField(allow_null=True),
                "benchmark_difference": serializers.FloatField(allow_null=True),
                "benchmark_p_value": serializers.FloatField(allow_null=True),
                "against_benchmark": serializers.CharField(),
            },
        )
    )
    def get(self, request, pk: int, **kwargs):
        neighbourhood = get_object_or_404(Neighbourhood.objects.visible_to(request.user), pk=pk)
        return Response(
            [
                {
                    "factor": s.factor,
                    "figure": FactorScoreSerializer(s.figure).data,
                    "since_last_wave": s.since_last_wave,
                    "benchmark_mean": None if s.benchmark is None or s.benchmark.withheld else s.benchmark.mean,
                    "benchmark_difference": s.benchmark_difference,
                    "benchmark_p_value": s.benchmark_p_value,
                    "against_benchmark": s.against_benchmark,
                }
                for s in selectors.neighbourhood_status(user=request.user, neighbourhood_id=neighbourhood.pk)
            ]
        )


class ImprovementReportView(APIView):
    """The report's figure for any imported rate (published, or a ratio) and two periods, scoped to the caller's
    places. A list from a file (list:<file>) is for the command line only."""

    @extend_schema(
        parameters=[
            OpenApiParameter("indicator", str, required=True, description="Rate or ratio indicator, e.g. worklessness"),
            OpenApiParameter("start", str, required=True, description="e.g. 2019-12"),
            OpenApiParameter("end", str, required=True),
            OpenApiParameter(
                "reference",
                str,
                description="The benchmark's areas: deprived[:<edition>][:decile<N>][:<authority code or region>], "
                "all:<kind>[:<authority code or region>,…] (e.g. all:ward), or england-deprived, england-all, "
                "region:<slug>, la:<code>",
            ),
        ],
        responses=inline_serializer(
            "ImprovementReport",
            fields={
                "indicator": serializers.CharField(),
                "start": serializers.CharField(),
                "end": serializers.CharField(),
                "reference": serializers.CharField(),
                "benchmark_change": serializers.FloatField(allow_null=True),
                "benchmark_areas": serializers.IntegerField(),
                "local_authorities": serializers.ListField(child=serializers.DictField()),
                "regions": serializers.ListField(child=serializers.DictField()),
                "neighbourhoods": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request, **kwargs):
        missing = [p for p in ("indicator", "start", "end") if not request.query_params.get(p)]
        if missing:
            raise ValidationError(dict.fromkeys(missing, "This parameter is required."))
        try:
            report = improvement_report(
                indicator_slug=request.query_params["indicator"],
                start=request.query_params["start"],
                end=request.query_params["end"],
                reference=request.query_params.get("reference", "england-deprived"),
                user=request.user,
            )
        except EngineError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        mine = set(LocalAuthority.objects.visible_to(request.user).values_list("code", flat=True))
        regions = set(Region.objects.filter(local_authorities__code__in=mine).values_list("slug", flat=True))
        body = asdict(report)
        body["local_authorities"] = [a for a in body["local_authorities"] if a["code"] in mine]
        body["regions"] = [r for r in body["regions"] if r["code"] in regions]
        return Response(body)
