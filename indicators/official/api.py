"""Read-only API for official data: indicators, imports (admins only) and observations, scoped to the caller."""

from decimal import ROUND_HALF_UP, Decimal

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from indicators.access.permissions import may_run_imports
from indicators.official import selectors as selectors_official
from indicators.official.models import Import, Indicator, NotSummableError, Observation, Period
from indicators.places.models import Neighbourhood


class IsAdminRole(permissions.BasePermission):
    message = "Only admins may read import records."

    def has_permission(self, request, view):
        return may_run_imports(request.user)


class IndicatorSerializer(serializers.ModelSerializer):
    numerator = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    denominator = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "slug",
            "name",
            "unit",
            "kind",
            "level",
            "dataset_id",
            "description",
            "numerator",
            "denominator",
            "multiplier",
            "denominator_period",
        ]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicators Rebalance holds figures for. Readable by every signed-in user."""

    queryset = Indicator.objects.select_related("numerator", "denominator").order_by("slug")
    serializer_class = IndicatorSerializer
    lookup_field = "slug"
    filterset_fields = ["kind", "level", "dataset_id"]


class ImportSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.CharField(source="created_by.get_username", default=None, allow_null=True)
    rows_stored = serializers.IntegerField(read_only=True)

    class Meta:
        model = Import
        fields = [
            "id",
            "indicator",
            "format",
            "source",
            "file_name",
            "sha256",
            "dataset_id",
            "options",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "status",
            "same_as",
            "progress",
            "rows_read",
            "rows_stored",
            "rows_inserted",
            "rows_updated",
            "rows_unchanged",
            "rows_skipped",
            "unknown_area_count",
            "unknown_area_sample",
            "errors",
        ]


class ImportViewSet(viewsets.ReadOnlyModelViewSet):
    """Provenance of every import, with its errors. Admins only."""

    serializer_class = ImportSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdminRole]
    filterset_fields = {"indicator__slug": ["exact"], "status": ["exact"], "sha256": ["exact"]}

    def get_queryset(self):
        return Import.objects.visible_to(self.request.user).select_related("indicator", "created_by")


class ObservationFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__slug")
    area = django_filters.CharFilter(method="filter_area", help_text="A small area's or local authority's code.")
    neighbourhood = django_filters.NumberFilter(field_name="small_area__neighbourhoods")
    local_authority = django_filters.CharFilter(
        method="filter_local_authority", help_text="Figures for this authority and its small areas."
    )
    period = django_filters.CharFilter(field_name="period__label", help_text="e.g. 'December 2017'.")
    period_kind = django_filters.ChoiceFilter(field_name="period__kind", choices=Period.Kind.choices)
    period_from = django_filters.DateFilter(field_name="period__start", lookup_expr="gte")
    period_to = django_filters.DateFilter(field_name="period__start", lookup_expr="lte")
    status = django_filters.CharFilter()

    class Meta:
        model = Observation
        fields = []

    def filter_area(self, queryset, name, value):
        return queryset.filter(Q(small_area__code=value) | Q(local_authority__code=value))

    def filter_local_authority(self, queryset, name, value):
        return queryset.filter(Q(small_area__local_authority__code=value) | Q(local_authority__code=value))


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area_code = serializers.CharField(read_only=True)
    area_type = serializers.SerializerMethodField()
    period = serializers.CharField(source="period.label")
    period_kind = serializers.CharField(source="period.kind")
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    source_import = serializers.IntegerField(source="source_import_id")

    class Meta:
        model = Observation
        fields = [
            "indicator",
            "area_code",
            "area_type",
            "period",
            "period_kind",
            "period_start",
            "period_end",
            "value",
            "status",
            "status_code",
            "source_import",
        ]

    def get_area_type(self, obs) -> str:
        return obs.small_area.kind if obs.small_area_id else "local_authority"


class ObservationViewSet(viewsets.ReadOnlyModelViewSet):
    """Official figures for the places the caller looks after; filter by indicator, area, neighbourhood, period."""

    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter

    def get_queryset(self):
        return selectors_official.observation_list(user=self.request.user).order_by(
            "indicator__slug", "period__start", "small_area__code", "local_authority__code"
        )


def _decimal(value, places: int) -> str | None:
    """Figures as decimal strings, like the model serializers' (no float rounding on the way out)."""
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


class NeighbourhoodFigureSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_start = serializers.DateField()
    value = serializers.CharField(allow_null=True, help_text="Sum of the small areas' values, or the ratio.")
    numerator = serializers.CharField(required=False, allow_null=True, help_text="Ratio indicators: summed numerator.")
    denominator = serializers.CharField(
        required=False, allow_null=True, help_text="Ratio indicators: summed denominator."
    )
    areas = serializers.IntegerField()
    missing = serializers.IntegerField(required=False)
    complete = serializers.BooleanField(required=False, help_text="Every small area has both parts.")


class NeighbourhoodFigureViewSet(viewsets.ViewSet):
    """An indicator summed over a neighbourhood's small areas, period by period; for a ratio indicator
    (worklessness), the summed numerator and denominator and their ratio."""

    serializer_class = NeighbourhoodFigureSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("indicator", str, required=True, description="Indicator slug, e.g. worklessness."),
            OpenApiParameter("neighbourhood", int, required=True, description="Neighbourhood id."),
        ],
        responses=NeighbourhoodFigureSerializer(many=True),
    )
    def list(self, request, version=None):
        slug, pk = request.query_params.get("indicator"), request.query_params.get("neighbourhood")
        if not slug or not pk or not pk.isdigit():
            raise ValidationError("give ?indicator=<slug>&neighbourhood=<id>")
        indicator = get_object_or_404(Indicator, slug=slug)
        neighbourhood = get_object_or_404(Neighbourhood.objects.visible_to(request.user), pk=pk)
        if indicator.is_ratio:
            rows = [
                {
                    "period": p.period.label,
                    "period_start": p.period.start,
                    "numerator": _decimal(p.numerator, 4),
                    "denominator": _decimal(p.denominator, 4),
                    "value": _decimal(p.value, 2),
                    "areas": p.areas,
                    "complete": p.complete,
                }
                for p in selectors_official.neighbourhood_ratio_series(
                    indicator=indicator, neighbourhood_ids=[neighbourhood.pk]
                )
            ]
        else:
            try:
                indicator.check_adds_up(across="a neighbourhood's small areas")
            except NotSummableError as exc:
                raise ValidationError({"indicator": str(exc)}) from exc
            periods = Period.objects.in_bulk()
            rows = [
                {
                    "period": periods[r["period_id"]].label,
                    "period_start": periods[r["period_id"]].start,
                    "value": _decimal(r["total"], 4),
                    "areas": r["areas"],
                    "missing": r["missing"],
                }
                for r in selectors_official.neighbourhood_totals(
                    indicator=indicator, neighbourhood_ids=[neighbourhood.pk]
                )
            ]
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(page) if page is not None else Response(rows)
