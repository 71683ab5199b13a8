"""Read-only API for places, scoped to what the caller looks after."""

from rest_framework import serializers, viewsets

from indicators import selectors
from indicators.models import LocalAuthority, MatchedPair, Neighbourhood, SmallArea


class LocalAuthoritySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name", default=None)
    neighbourhood_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = LocalAuthority
        fields = ["id", "code", "name", "region", "neighbourhood_count"]


class SmallAreaSerializer(serializers.ModelSerializer):
    imd_edition = serializers.SerializerMethodField()
    imd_rank = serializers.SerializerMethodField()
    imd_decile = serializers.SerializerMethodField()

    class Meta:
        model = SmallArea
        fields = ["code", "name", "kind", "imd_edition", "imd_rank", "imd_decile"]

    @staticmethod
    def _imd(area):
        return area.imd[0] if getattr(area, "imd", None) else None

    def get_imd_edition(self, area) -> str | None:
        imd = self._imd(area)
        return imd.edition if imd else None

    def get_imd_rank(self, area) -> int | None:
        imd = self._imd(area)
        return imd.rank if imd else None

    def get_imd_decile(self, area) -> int | None:
        imd = self._imd(area)
        return imd.decile if imd else None


class NeighbourhoodSerializer(serializers.ModelSerializer):
    local_authority = serializers.SlugRelatedField(slug_field="code", read_only=True)
    small_areas = SmallAreaSerializer(many=True, read_only=True)
    small_area_count = serializers.IntegerField(read_only=True)
    most_deprived_decile = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Neighbourhood
        fields = [
            "id",
            "name",
            "local_authority",
            "description",
            "small_area_count",
            "most_deprived_decile",
            "small_areas",
        ]


class PairSideSerializer(serializers.ModelSerializer):
    local_authority = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Neighbourhood
        fields = ["id", "name", "local_authority"]


class MatchedPairSerializer(serializers.ModelSerializer):
    first = PairSideSerializer(read_only=True)
    second = PairSideSerializer(read_only=True)

    class Meta:
        model = MatchedPair
        fields = ["id", "first", "second", "reason"]


class LocalAuthorityViewSet(viewsets.ReadOnlyModelViewSet):
    """Local authorities the caller looks after (all of them for admins)."""

    queryset = LocalAuthority.objects.none()  # for schema generation; requests use get_queryset
    serializer_class = LocalAuthoritySerializer
    filterset_fields = ["code", "region__slug"]

    def get_queryset(self):
        return selectors.local_authority_list(user=self.request.user)


class NeighbourhoodViewSet(viewsets.ReadOnlyModelViewSet):
    """Neighbourhoods the caller looks after, with their small areas and deprivation."""

    queryset = Neighbourhood.objects.none()
    serializer_class = NeighbourhoodSerializer
    filterset_fields = {"local_authority__code": ["exact"]}

    def get_queryset(self):
        return selectors.neighbourhood_list_with_areas(user=self.request.user)


class MatchedPairViewSet(viewsets.ReadOnlyModelViewSet):
    """Matched pairs whose two neighbourhoods the caller may both see."""

    queryset = MatchedPair.objects.none()
    serializer_class = MatchedPairSerializer

    def get_queryset(self):
        return selectors.matched_pair_list(user=self.request.user)


# --- Official data: indicators, imports, observations ---------------------------------------------------------

from decimal import ROUND_HALF_UP, Decimal  # noqa: E402

import django_filters  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from drf_spectacular.utils import OpenApiParameter, extend_schema  # noqa: E402
from rest_framework import permissions  # noqa: E402
from rest_framework.exceptions import ValidationError  # noqa: E402
from rest_framework.pagination import PageNumberPagination  # noqa: E402
from rest_framework.response import Response  # noqa: E402

from indicators import selectors_official  # noqa: E402
from indicators.access import is_admin  # noqa: E402
from indicators.models import Import, Indicator, Observation, Period  # noqa: E402


class IsAdminRole(permissions.BasePermission):
    message = "Only admins may read import records."

    def has_permission(self, request, view):
        return is_admin(request.user)


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
