"""Read-only API for places, scoped to what the caller looks after."""

from rest_framework import serializers, viewsets

from indicators.places import selectors
from indicators.places.models import LocalAuthority, MatchedPair, Neighbourhood, SmallArea


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
    display_name = serializers.CharField(read_only=True, help_text="The name people use, with the official name.")

    class Meta:
        model = Neighbourhood
        fields = [
            "id",
            "name",
            "known_as",
            "display_name",
            "local_authority",
            "description",
            "small_area_count",
            "most_deprived_decile",
            "small_areas",
        ]


class PairSideSerializer(serializers.ModelSerializer):
    local_authority = serializers.SlugRelatedField(slug_field="code", read_only=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Neighbourhood
        fields = ["id", "name", "known_as", "display_name", "local_authority"]


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
