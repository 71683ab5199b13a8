"""Read-only API for places, scoped to what the caller looks after."""

from rest_framework import serializers, viewsets

from indicators import selectors
from indicators.models import LocalAuthority, MatchedPair, Neighbourhood, SmallArea


class LocalAuthorityViewSet(viewsets.ReadOnlyModelViewSet):
    class OutputSerializer(serializers.ModelSerializer):
        region = serializers.CharField(source="region.name", default=None)
        neighbourhood_count = serializers.IntegerField(read_only=True)

        class Meta:
            model = LocalAuthority
            fields = ["id", "code", "name", "region", "neighbourhood_count"]

    serializer_class = OutputSerializer
    filterset_fields = ["code", "region__slug"]

    def get_queryset(self):
        return selectors.local_authority_list(user=self.request.user)


class SmallAreaSerializer(serializers.ModelSerializer):
    imd_rank = serializers.SerializerMethodField()
    imd_decile = serializers.SerializerMethodField()
    imd_edition = serializers.SerializerMethodField()

    class Meta:
        model = SmallArea
        fields = ["code", "name", "kind", "imd_edition", "imd_rank", "imd_decile"]

    def _imd(self, area):
        return area.imd[0] if getattr(area, "imd", None) else None

    def get_imd_rank(self, area) -> int | None:
        imd = self._imd(area)
        return imd.rank if imd else None

    def get_imd_decile(self, area) -> int | None:
        imd = self._imd(area)
        return imd.decile if imd else None

    def get_imd_edition(self, area) -> str | None:
        imd = self._imd(area)
        return imd.edition if imd else None


class NeighbourhoodViewSet(viewsets.ReadOnlyModelViewSet):
    class OutputSerializer(serializers.ModelSerializer):
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

    serializer_class = OutputSerializer
    filterset_fields = {"local_authority__code": ["exact"]}

    def get_queryset(self):
        from django.db.models import Prefetch

        areas = SmallArea.objects.order_by("code").prefetch_related(selectors.deprivation_prefetch())
        return selectors.neighbourhood_list(user=self.request.user).prefetch_related(
            Prefetch("small_areas", queryset=areas)
        )


class MatchedPairViewSet(viewsets.ReadOnlyModelViewSet):
    class OutputSerializer(serializers.ModelSerializer):
        class Side(serializers.ModelSerializer):
            local_authority = serializers.SlugRelatedField(slug_field="code", read_only=True)

            class Meta:
                model = Neighbourhood
                fields = ["id", "name", "local_authority"]

        first = Side(read_only=True)
        second = Side(read_only=True)

        class Meta:
            model = MatchedPair
            fields = ["id", "first", "second", "reason"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return selectors.matched_pair_list(user=self.request.user)
