"""/api/v1/interventions/: list, record, read and change interventions, scoped like every endpoint.

Thin: the serializers shape JSON, the service decides who may do what (officers for their own places, admins
anywhere, estate managers propose) and records it in the audit log.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from indicators.core.report_vocabulary import FACTORS, RECOMMENDATIONS
from indicators.interventions import selectors, services
from indicators.interventions.models import Intervention, Status
from indicators.places.models import Neighbourhood


@extend_schema_field(OpenApiTypes.INT)
class _VisibleNeighbourhoods(serializers.PrimaryKeyRelatedField):
    """Ids of neighbourhoods the caller may see; any other id is 'does not exist', so none leaks."""

    def get_queryset(self):
        return Neighbourhood.objects.visible_to(self.context["request"].user)


class InterventionPlaceSerializer(serializers.ModelSerializer):
    local_authority = serializers.SlugRelatedField(slug_field="code", read_only=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Neighbourhood
        fields = ["id", "name", "display_name", "local_authority"]


class InterventionSerializer(serializers.ModelSerializer):
    """An intervention. ``factors`` and ``recommendations`` are the report's keys; give at least one of either."""

    neighbourhood_ids = serializers.ListField(
        child=_VisibleNeighbourhoods(),
        write_only=True,
        allow_empty=False,
        help_text="Ids of the neighbourhoods it covers: all must be places the caller looks after.",
    )
    neighbourhoods = InterventionPlaceSerializer(many=True, read_only=True)
    factors = serializers.ListField(
        child=serializers.ChoiceField(choices=FACTORS), source="factor_keys", required=False, max_length=len(FACTORS)
    )
    recommendations = serializers.ListField(
        child=serializers.ChoiceField(choices=RECOMMENDATIONS),
        source="recommendation_keys",
        required=False,
        max_length=len(RECOMMENDATIONS),
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "title",
            "description",
            "lead_organisation",
            "start_date",
            "end_date",
            "neighbourhood_ids",
            "neighbourhoods",
            "factors",
            "recommendations",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "decided_by", "decided_at", "decision_note", "created_at", "updated_at"]


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text="Optional: why, for the proposer to read."
    )


def _values(validated: dict) -> dict:
    """The serializer's data as the service's keyword arguments."""
    renamed = {
        "neighbourhood_ids": "neighbourhoods",
        "factor_keys": "factors",
        "recommendation_keys": "recommendations",
    }
    return {renamed.get(k, k): v for k, v in validated.items()}


class InterventionFilter(filters.FilterSet):
    neighbourhood = filters.NumberFilter(field_name="neighbourhoods", label="Covers this neighbourhood (id)")
    status = filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Intervention
        fields = ["neighbourhood", "status"]


class InterventionViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Interventions all of whose neighbourhoods the caller looks after (every one for admins). Officers and
    admins record interventions that count at once; an estate manager's is a proposal (``status: proposed``)
    until an officer for every place it covers, or an admin, accepts it (``POST …/{id}/accept/``) or declines it
    (``POST …/{id}/decline/``), here or on the intervention's page."""

    queryset = Intervention.objects.none()  # for schema generation; requests use get_queryset
    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter

    def get_queryset(self):
        return selectors.interventions_visible(user=self.request.user).distinct()

    def perform_create(self, serializer):
        try:
            serializer.instance = services.intervention_create(
                user=self.request.user, **_values(serializer.validated_data)
            )
        except DjangoValidationError as error:
            raise ValidationError(_field_names(error.message_dict)) from error

    def perform_update(self, serializer):
        try:
            serializer.instance = services.intervention_update(
                user=self.request.user, intervention=serializer.instance, **_values(serializer.validated_data)
            )
        except DjangoValidationError as error:
            raise ValidationError(_field_names(error.message_dict)) from error

    @extend_schema(request=DecisionSerializer, responses=InterventionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a proposal: from then on it counts (charts, downloads, estimates)."""
        return self._decide(request, services.intervention_accept)

    @extend_schema(request=DecisionSerializer, responses=InterventionSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline a proposal: it is kept, with the note, for its proposer to see, and counts nowhere."""
        return self._decide(request, services.intervention_decline)

    def _decide(self, request, decide):
        intervention = self.get_object()  # 404 for one the caller may not see
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        try:
            decided = decide(user=request.user, intervention=intervention, note=decision.validated_data.get("note", ""))
        except DjangoValidationError as error:  # already decided, or a bad note; who may decide, the service says
            raise ValidationError(error.message_dict) from error
        return Response(InterventionSerializer(decided, context=self.get_serializer_context()).data)


def _field_names(errors: dict) -> dict:
    """The service names fields as the model does; the API's name for the neighbourhoods is neighbourhood_ids."""
    return {("neighbourhood_ids" if k == "neighbourhoods" else k): v for k, v in errors.items()}
